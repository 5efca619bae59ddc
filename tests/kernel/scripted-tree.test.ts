/**
 * One tree built from scripted random numbers, checked against a tree drawn by hand; then the kernel and
 * the reference build the same tree from the same seed. docs/algorithm.md, "Insert p into a tree".
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { KernelExports } from '../../src/kernel/kernel';
import { KernelForest, loadKernel, mulberry32, SCORE, UPDATE, SCORE_UNIT } from './kernel-memory';
import {
  ReferenceForest, ReferenceTree, ScriptedRandom, SplitMix64, MaxHeap, mix64, GOLDEN, WEIGHT_GAMMA, WEIGHT_SALT, nextDown, roundHalfEven, storedCut,
  storedPoint, drawShape, type Shape,
} from '../reference/random-cut-forest';

let k: KernelExports;
beforeAll(async () => {
  k = await loadKernel();
});

const leaf = (x: number, y: number, mass = 1): Shape => ({ point: [x, y], mass });
const node = (cutDimension: number, cutValue: number, min: number[], max: number[], mass: number, left: Shape, right: Shape): Shape => ({
  cutDimension, cutValue, min, max, mass, left, right,
});

describe('SplitMix64', () => {
  it('matches the published SplitMix64 sequence for seed 0', () => {
    // Steele, Lea, Flood (2014); the first outputs of the generator started from state 0
    const g = new SplitMix64(0n);
    expect(g.next()).toBe(0xe220a8397b1dcdafn);
    expect(g.next()).toBe(0x6e789e6aa1b965f4n);
    expect(g.next()).toBe(0x06c45d188009454fn);
    expect(mix64(GOLDEN)).toBe(0xe220a8397b1dcdafn);
  });

  it('seeds tree i with mix64(seed + (i + 1) * GOLDEN), as the kernel does (randomState column)', () => {
    for (const seed of [0n, 1n, 42n, 0xffffffffffffffffn, 0x123456789abcdef0n]) {
      const f = new KernelForest(k, { trees: 3, sampleSize: 4, dimensions: 1, seed, timeDecay: 0, firstTree: 5 });
      const states = Array.from(f.views().randomState);
      expect(states).toEqual([5, 6, 7].map((i) => SplitMix64.forTree(seed, i).state));
    }
  });

  it('uniform() takes the top 53 bits', () => {
    const g = new SplitMix64(0n);
    expect(g.uniform()).toBe(Number(0xe220a8397b1dcdafn >> 11n) / 2 ** 53);
    // the weight draw for update number t: mix64(key + (t + 1) * WEIGHT_GAMMA), key = mix64(s0 ^ WEIGHT_SALT)
    const key = mix64(0n ^ WEIGHT_SALT);
    expect(g.weightUniform(0)).toBe((Number(mix64(key + WEIGHT_GAMMA) >> 11n) + 0.5) / 2 ** 53);
    expect(g.weightUniform(41)).toBe((Number(mix64((key + 42n * WEIGHT_GAMMA) & 0xffffffffffffffffn) >> 11n) + 0.5) / 2 ** 53);
    // it is a function of t alone: drawing cuts in between does not change it
    g.uniform();
    expect(g.weightUniform(0)).toBe((Number(mix64(key + WEIGHT_GAMMA) >> 11n) + 0.5) / 2 ** 53);
  });
});

describe('numbers', () => {
  it('nextDown and round-half-even', () => {
    expect(nextDown(1)).toBe(1 - 2 ** -53);
    expect(nextDown(0)).toBe(-5e-324);
    expect(nextDown(-1)).toBe(-1 - 2 ** -52);
    expect([0.5, 1.5, 2.5, 2.4999, 2.5001, 3].map(roundHalfEven)).toEqual([0, 2, 2, 2, 3, 3]);
  });

  it('storedCut: the largest f32 not above c, which routes every f32 like c does', () => {
    expect(storedCut(1.5)).toBe(1.5);
    expect(storedCut(nextDown(1.125))).toBe(1.125 - 2 ** -23);
    expect(storedCut(0.1)).toBe(0.09999999403953552); // fround(0.1) is above 0.1
    expect(storedCut(0.1)).toBeLessThanOrEqual(0.1);
    expect(storedCut(-1e-50)).toBe(-1.401298464324817e-45);
    expect(storedCut(1e-50)).toBe(0);
    expect(storedCut(-0.1)).toBeLessThanOrEqual(-0.1);
    const u = mulberry32(3);
    for (let i = 0; i < 2000; i++) {
      const a = Math.fround((u() - 0.5) * 10 ** Math.floor(u() * 12 - 6));
      const c = a + (u() - 0.5) * Math.abs(a) * 1e-6;
      const f = storedCut(c);
      expect(Math.fround(f)).toBe(f);
      expect(f).toBeLessThanOrEqual(c);
      // f32 neighbours of c route alike
      for (const x of [a, Math.fround(c), f]) expect(x <= f).toBe(x <= c);
    }
  });
});

describe("the reference's reservoir heap (docs/algorithm.md, Update step 3)", () => {
  // entries numbered by their update number: on equal weights the later one ranks above
  const entry = (weight: number, id: number) => ({ weight, time: id, point: { id, values: [id] } });
  const ids = (h: MaxHeap) => h.entries.map((e) => e.point.id);

  it('push sifts up while the parent ranks below: on an equal weight the later entry rises', () => {
    const h = new MaxHeap();
    [entry(1, 0), entry(3, 1), entry(3, 2), entry(2, 3), entry(3, 4)].forEach((e) => h.push(e));
    // 0:[0] -> 1 over 0:[1,0] -> 2 (3, later) over 1:[2,0,1] -> 3 over 0, not over 2:[2,3,1,0]
    // -> 4 over 3, and (3, later) over 2:[4,2,1,0,3]
    expect(ids(h)).toEqual([4, 2, 1, 0, 3]);
  });

  it('replace-top sifts down to the higher-ranking child while it ranks above', () => {
    const h = new MaxHeap();
    [entry(9, 0), entry(5, 1), entry(5, 2), entry(5, 3), entry(1, 4)].forEach((e) => h.push(e));
    expect(ids(h)).toEqual([0, 3, 2, 1, 4]); // 3 (5, later) rose over 1 (5)
    h.replaceTop(entry(2, 5)); // children 3 and 2 (both 5): 3, the later; then children 1 (5) and 4 (1): 1
    expect(ids(h)).toEqual([3, 1, 2, 5, 4]);
    h.replaceTop(entry(5, 6)); // children 1 and 2 (5): 2, the later; not above 6 (5, later still): stays on top
    expect(ids(h)).toEqual([6, 1, 2, 5, 4]);
  });
});

describe('a tree from scripted random numbers (reference)', () => {
  // points a..e, inserted in this order (d equals b)
  const a = [0, 0], b = [4, 2], c = [1, 5], d = [4, 2], e = [2, -1];
  // one uniform() per cut drawn; the comment next to each says which cut it makes
  const script = [
    0.5, //   b at leaf a: B' = [0,4]x[0,2], sides 4+2 = 6, r = 3 -> x0, c = 0 + 3 = 3 (separates)
    0.625, // c at n1: B' = [0,4]x[0,5], sides 4+5 = 9, r = 5.625 -> x1, c = 1.625: inside [0,2], no split
    0.75, //  c at leaf a: B' = [0,1]x[0,5], sides 1+5 = 6, r = 4.5 -> x1, c = 3.5 (separates)
    //        d at n1: inside the box, no draw; equal to b: b's multiplicity 2
    0.0625, // e at n1: B' = [0,4]x[-1,5], sides 4+6 = 10, r = 0.625 -> x0, c = 0.625: inside [0,4], no split
    0.1875, // e at n2: B' = [0,2]x[-1,5], sides 2+6 = 8, r = 1.5 -> x0, c = 1.5 >= 1 (separates)
  ];

  function build(): { tree: ReferenceTree; random: ScriptedRandom } {
    const random = new ScriptedRandom(script);
    const tree = new ReferenceTree(2, random);
    for (const p of [a, b, c, d, e]) tree.insert(storedPoint(p));
    return { tree, random };
  }

  it('has the shape, cuts, boxes and masses drawn by hand', () => {
    const { tree, random } = build();
    expect(random.drawn).toBe(5);
    expect(random.remaining).toBe(0);
    //                      n1: x0 <= 3
    //                      box [0,4] x [-1,5], mass 5
    //                     /                         \
    //           n3: x0 <= 1.5                     b (4,2) x2
    //           box [0,2] x [-1,5], mass 3
    //           /                    \
    //     n2: x1 <= 3.5            e (2,-1)
    //     box [0,1] x [0,5], mass 2
    //     /            \
    //   a (0,0)      c (1,5)
    const expected = node(0, 3, [0, -1], [4, 5], 5,
      node(0, 1.5, [0, -1], [2, 5], 3,
        node(1, 3.5, [0, 0], [1, 5], 2, leaf(0, 0), leaf(1, 5)),
        leaf(2, -1)),
      leaf(4, 2, 2));
    expect(tree.shape(), drawShape(tree.shape())).toEqual(expected);
  });

  it('scores as computed by hand', () => {
    const { tree } = build();
    // x = b: lands on b's leaf at depth 1 with multiplicity 2 of M = 5; inside the root's box (q = 0)
    expect(tree.score([4, 2])).toBe((1 - 2 / 10) * (1 / (1 + Math.log2(3))) * Math.log2(6));
    // x = (10, 2): lands on b's leaf (x0 > 3), not equal: s = 1/2; the root's box [0,4]x[-1,5] grows by
    // 6 in x0 out of 10 + 6 = 16: q = 6/16, s = q * 1 + (1 - q) * 1/2
    expect(tree.score([10, 2])).toBe((0.375 + 0.625 * 0.5) * Math.log2(6));
    // x = (0.5, 4): n1 left, n3 left, n2 right: lands on c at depth 3, not equal: s = 1/4; no box grows
    expect(tree.score([0.5, 4])).toBe(0.25 * Math.log2(6));
  });

  it('deletes as drawn by hand', () => {
    const { tree } = build();
    tree.delete(c);
    //           n1: x0 <= 3, box [0,4] x [-1,2], mass 4
    //          /                            \
    //   n3: x0 <= 1.5, box [0,2]x[-1,0]     b (4,2) x2
    //     /       \
    //   a (0,0)  e (2,-1)
    expect(tree.shape()).toEqual(
      node(0, 3, [0, -1], [4, 2], 4, node(0, 1.5, [0, -1], [2, 0], 2, leaf(0, 0), leaf(2, -1)), leaf(4, 2, 2)),
    );
    tree.delete(b); // multiplicity 2 -> 1: only masses change
    expect(tree.shape()).toEqual(
      node(0, 3, [0, -1], [4, 2], 3, node(0, 1.5, [0, -1], [2, 0], 2, leaf(0, 0), leaf(2, -1)), leaf(4, 2, 1)),
    );
    tree.delete(b);
    tree.delete(a);
    expect(tree.shape()).toEqual(leaf(2, -1));
    tree.delete(e);
    expect(tree.shape()).toBeNull();
    expect(() => tree.delete(e)).toThrow(/not in the tree/);
  });

  it('falls back to the top of the last side when rounding runs r past it, then clamps the cut below it', () => {
    // leaf q = (1e-9 in f32, 1.125), p = (0, 0): B' sides s0 = 1e-9f, s1 = 1.125, total = s0 + s1 rounded.
    // With u = 1 - 2^-53, r = u * total; r - s0 (rounded) is not below s1, so no dimension is chosen by
    // the walk: take the last non-empty side (x1) with c = B'.max[1] = 1.125, then c >= max, so c becomes
    // nextDown(1.125), stored as the f32 below 1.125. The cut separates (c < q's 1.125) and p (0 <= c) goes left.
    const q = [Math.fround(1e-9), 1.125];
    const u = 1 - 2 ** -53;
    const r = u * (q[0] + q[1]);
    expect(r < q[0] || r - q[0] < q[1]).toBe(false); // the premise: rounding does run r past the last side
    const tree = new ReferenceTree(2, new ScriptedRandom([u]));
    tree.insert(storedPoint(q));
    tree.insert(storedPoint([0, 0]));
    expect(tree.shape()).toEqual(node(1, storedCut(nextDown(1.125)), [0, 0], q, 2, leaf(0, 0), { point: q, mass: 1 }));
    // and p above the cut goes right: the mirror image
    const mirror = new ReferenceTree(2, new ScriptedRandom([u]));
    mirror.insert(storedPoint([0, 0]));
    mirror.insert(storedPoint(q));
    expect(mirror.shape()).toEqual(node(1, storedCut(nextDown(1.125)), [0, 0], q, 2, leaf(0, 0), { point: q, mass: 1 }));
  });

  it('draws no random number for a duplicate (inside every box on its way)', () => {
    const random = new ScriptedRandom([0.5]);
    const tree = new ReferenceTree(1, random);
    for (const x of [0, 4, 4, 0, 4]) tree.insert(storedPoint([x])); // one draw: 0.5 * 4 = 2, x0 <= 2
    expect(random.drawn).toBe(1);
    expect(tree.shape()).toEqual({ cutDimension: 0, cutValue: 2, min: [0], max: [4], mass: 5, left: { point: [0], mass: 2 }, right: { point: [4], mass: 3 } });
  });
});

describe('the kernel builds the same tree as the reference from the same seed', () => {
  const points = [[0, 0], [4, 2], [1, 5], [4, 2], [2, -1], [3, 3], [0, 0], [-2, 1]];
  for (const seed of [1n, 42n, 2026n, 0xdeadbeefcafef00dn]) {
    it(`seed ${seed}`, () => {
      const config = { trees: 1, sampleSize: 16, dimensions: 2, seed, timeDecay: 0 };
      const kernel = new KernelForest(k, config);
      const reference = new ReferenceForest(config);
      const stream = reference.trees[0].random as SplitMix64;
      for (const p of points) {
        // score, then update (one kernel call does both)
        expect(kernel.process([p], SCORE | UPDATE)[0]).toBe(reference.score(p)!.sum);
        reference.update(p);
        expect(kernel.tree(0), drawShape(reference.trees[0].shape())).toEqual(reference.trees[0].shape());
        // the same random numbers were drawn from the cut stream: one per cut
        expect(kernel.views().randomState[0]).toBe(stream.state);
      }
      // a score-only call: the tree's score, rounded to the 2^-32 grid
      const x = [10, 10];
      const out = kernel.process([x], SCORE)[0];
      expect(out).toBe(roundHalfEven(reference.trees[0].score(x) * SCORE_UNIT));
    });
  }
});
