/**
 * Kernel invariants (rcf-spec.md section 2), checked in kernel memory after every single call on small
 * forests: boxes equal the boxes of the points below, masses add up, leaf masses equal reservoir
 * entries, reservoir points route to their own leaves, reference counts match, parent links agree.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import type { KernelExports } from '../../src/kernel/kernel';
import { KernelForest, loadKernel, SCORE, UPDATE, LEAF } from './kernel-memory';

let k: KernelExports;
beforeAll(async () => {
  k = await loadKernel();
});

const F32_MAX = 3.4028234663852886e38;
const F32_TINY = 1.401298464324817e-45; // smallest subnormal f32

type Op =
  | { kind: 'point'; point: number[]; flags: number }
  | { kind: 'repeat'; times: number; flags: number };

interface Case {
  trees: number;
  sampleSize: number;
  dimensions: number;
  seed: bigint;
  timeDecay: number;
  ops: Op[];
}

function runCase(c: Case): void {
  const f = new KernelForest(k, { ...c, batch: 1 });
  const fail = (step: number, what: string, details: string[]) => {
    throw new Error(
      `after op ${step} (${what}) of ${JSON.stringify({ ...c, seed: String(c.seed), ops: c.ops.length })}:\n  ` +
        details.slice(0, 10).join('\n  '),
    );
  };
  let last: number[] | null = null;
  let step = 0;
  const apply = (point: number[], flags: number) => {
    const rejected = !point.every((x) => Number.isFinite(Math.fround(x)));
    const before = rejected || !(flags & UPDATE) ? JSON.stringify(f.snapshot()) : '';
    const out = f.process([point], flags)[0];
    if (rejected) {
      if (!Number.isNaN(out)) fail(step, `point (${point}) rejected`, [`output ${out}, expected NaN`]);
    } else if (flags & SCORE) {
      if (!Number.isFinite(out) || out < 0 || !Number.isInteger(out)) fail(step, `score (${point})`, [`output ${out}`]);
    }
    if (before && JSON.stringify(f.snapshot()) !== before) {
      fail(step, `(${point}) flags ${flags}`, ['a rejected point or a score-only call changed the forest']);
    }
    const bad = f.invariantViolations();
    if (bad.length) fail(step, `(${point}) flags ${flags}`, bad);
    step++;
  };
  for (const op of c.ops) {
    if (op.kind === 'point') {
      apply(op.point, op.flags);
      last = op.point;
    } else if (last) {
      for (let i = 0; i < op.times; i++) apply(last, op.flags);
    }
  }
}

const coordinate = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: -3, max: 3 }) }, // a small grid: many duplicates and ties
  { weight: 3, arbitrary: fc.double({ min: -100, max: 100, noNaN: true }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      1e30, -1e30, 1e-30, -1e-30, 0, -0, F32_MAX, -F32_MAX, F32_TINY, -F32_TINY, 1 + 1e-12, 1.0000001, 16777217,
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, 1e39, -1e300) }, // rejected
);

const flags = fc.constantFrom(UPDATE, UPDATE, UPDATE, SCORE | UPDATE, SCORE);

function opArbitrary(dimensions: number): fc.Arbitrary<Op> {
  return fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('point' as const), point: fc.array(coordinate, { minLength: dimensions, maxLength: dimensions }), flags }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), times: fc.integer({ min: 1, max: 20 }), flags }) },
  );
}

const caseArbitrary: fc.Arbitrary<Case> = fc
  .record({
    trees: fc.integer({ min: 1, max: 4 }),
    sampleSize: fc.integer({ min: 2, max: 16 }),
    dimensions: fc.integer({ min: 1, max: 3 }),
    seed: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    timeDecay: fc.constantFrom(0, 0.01, 0.1, 1, 1e-3),
  })
  .chain((cfg) => fc.array(opArbitrary(cfg.dimensions), { minLength: 1, maxLength: 150, size: 'max' }).map((ops) => ({ ...cfg, ops })));

describe('kernel invariants after every call', () => {
  it('hold on random streams (fast-check)', () => {
    // about 15 000 calls in all, each followed by a full check
    fc.assert(fc.property(caseArbitrary, (c) => runCase(c)), { numRuns: 200, seed: 20261203 });
  });

  const p = (...xs: number[]) => ({ kind: 'point' as const, point: xs, flags: SCORE | UPDATE });
  const rep = (times: number) => ({ kind: 'repeat' as const, times, flags: SCORE | UPDATE });
  const nasty: [string, Omit<Case, 'ops'>, Op[]][] = [
    ['one point forever (a single leaf of mass sampleSize)', { trees: 3, sampleSize: 4, dimensions: 2, seed: 1n, timeDecay: 0 }, [p(1, 2), rep(50)]],
    ['two points alternating', { trees: 2, sampleSize: 5, dimensions: 1, seed: 7n, timeDecay: 0.1 },
      Array.from({ length: 60 }, (_, i) => p(i % 2))],
    ['extremes: +-1e30, tiny, f32 max, subnormals', { trees: 4, sampleSize: 8, dimensions: 3, seed: 99n, timeDecay: 0.05 },
      [p(1e30, -1e30, 1e-30), p(-1e30, 1e30, -1e-30), p(F32_MAX, -F32_MAX, F32_TINY), p(-F32_MAX, F32_MAX, -F32_TINY),
        p(0, -0, 0), p(-0, 0, -0), rep(5), p(1e-30, 1e-30, 1e-30), p(1e-30, 1e-30, 2e-30), p(F32_TINY, 0, 0), rep(3),
        ...Array.from({ length: 40 }, (_, i) => p(i % 3 ? 1e30 : -1e-30, (i * 7) % 5, i % 2 ? F32_MAX : 0))]],
    ['values equal only after rounding to f32', { trees: 2, sampleSize: 4, dimensions: 2, seed: 3n, timeDecay: 0.5 },
      [p(1, 1), p(1 + 1e-12, 1), p(1, 1 - 1e-12), p(16777216, 0), p(16777217, 0), p(0.1, 0.2), p(0.1 + 1e-17, 0.2), rep(10), p(1, 1)]],
    ['non-finite points between finite ones', { trees: 2, sampleSize: 4, dimensions: 2, seed: 5n, timeDecay: 0 },
      [p(1, 2), p(NaN, 2), p(3, Infinity), p(1e39, 0), p(2, 3), p(-Infinity, -1e40), p(4, 5), rep(6), p(NaN, NaN)]],
    ['a constant run, then a step, then constant again', { trees: 3, sampleSize: 16, dimensions: 1, seed: 11n, timeDecay: 1 / 160 },
      [p(5), rep(40), p(6), rep(40), p(5), rep(5)]],
    ['sampleSize 2: every eviction empties a leaf or a tree', { trees: 4, sampleSize: 2, dimensions: 2, seed: 13n, timeDecay: 1 },
      Array.from({ length: 80 }, (_, i) => p(i % 4, (i * 3) % 5))],
  ];
  for (const [name, cfg, ops] of nasty) {
    it(name, () => {
      expect(() => runCase({ ...cfg, ops })).not.toThrow();
    });
  }
});

describe('the invariant checker', () => {
  // a checker that never fails proves nothing: corrupt one thing at a time and expect a complaint
  const D = 2;
  const corruptions: [string, (f: KernelForest) => void, RegExp][] = [
    ['a box bound', (f) => { f.views().boxes[D] += 1; }, /box dim 0/],
    ['an internal mass', (f) => { const v = f.views(); v.recordU16[f.root(0, v) * 6 + 3] += 1; }, /mass/],
    ['a leaf mass', (f) => { const v = f.views(); let c = f.root(0, v); while (c < LEAF) c = f.node(0, c, v).left; v.leafMass[c - LEAF] += 1; }, /mass/],
    ['a child link', (f) => { const v = f.views(); const r = f.root(0, v); v.recordU16[r * 6 + 4] = v.recordU16[r * 6 + 5]; }, /twice|leaves|free|mass|routes/],
    ['a free list', (f) => { const v = f.views(); v.treeState[1] = f.root(0, v); }, /free node list/],
    ['a stored coordinate', (f) => { const v = f.views(); v.pointValue[f.reservoir(0, v)[0].slot] += 0.5; }, /box dim|routes|left points|right points/],
    ['a cut value', (f) => { const v = f.views(); v.recordF32[f.root(0, v) * 3] = -1e9; }, /left points|right points|routes/],
    ['a heap weight', (f) => { f.views().sampleG[2 * 3 + 1] = 1e9; }, /heap order/],
    ['a reservoir entry', (f) => { const v = f.views(); v.sampleLeaf[1] = v.sampleLeaf[2] === v.sampleLeaf[1] ? v.sampleLeaf[3] : v.sampleLeaf[2]; }, /mass|reservoir/],
  ];
  for (const [name, corrupt, message] of corruptions) {
    it(`notices a corrupted ${name}`, () => {
      const f = new KernelForest(k, { trees: 1, sampleSize: 8, dimensions: 2, seed: 17n, timeDecay: 0 });
      for (let i = 0; i < 8; i++) f.update([i, (i * 5) % 8]);
      expect(f.invariantViolations()).toEqual([]);
      corrupt(f);
      expect(f.invariantViolations().join('\n')).toMatch(message);
    });
  }
});
