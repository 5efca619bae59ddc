/**
 * The tree view (src/forest/tree-view.ts): a tree read from the kernel's state regions is a whole,
 * consistent random cut tree (every leaf reachable, masses add up, boxes nest, cuts separate the children),
 * and a row's path, isolation depth and tree score are what the kernel's score walk found: the trees'
 * scores add up to the forest's score for that row.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { RandomCutForest } from '../../src/forest/forest';
import { SCORE_UNIT } from '../../src/kernel/kernel';
import { dimensionNames, forestAtRow, readTree, treeViewOf, type TreeViewNode } from '../../src/forest/tree-view';
import { createForestApi } from '../../src/worker/forest-api';

const wasm = new URL('../../build/rcf.wasm', import.meta.url);
let module: WebAssembly.Module;
beforeAll(async () => {
  module = await RandomCutForest.compile(wasm);
});

/** Two columns on a noisy circle, with row `far` far outside it and row `again` a copy of row 100. */
function circle(rows: number, far = -1, again = -1): Float64Array {
  let s = 11;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const out = new Float64Array(rows * 2);
  for (let i = 0; i < rows; i++) {
    const a = (2 * Math.PI * i) / 37;
    out[2 * i] = Math.cos(a) + 0.1 * (rand() - 0.5);
    out[2 * i + 1] = Math.sin(a) + 0.1 * (rand() - 0.5);
    if (i === far) out[2 * i] += 6;
  }
  if (again >= 0) out.copyWithin(2 * again, 200, 202);
  return out;
}

/** Checks every invariant of a tree view's nodes; returns its leaves. */
function checkTree(nodes: TreeViewNode[], D: number): TreeViewNode[] {
  const leaves: TreeViewNode[] = [];
  const reached = new Set<number>();
  const walk = (i: number, depth: number, parent: number) => {
    expect(reached.has(i)).toBe(false);
    reached.add(i);
    const n = nodes[i];
    expect(n.depth).toBe(depth);
    expect(n.parent).toBe(parent);
    expect(n.min.length).toBe(D);
    n.min.forEach((v, j) => expect(v).toBeLessThanOrEqual(n.max[j]));
    if (n.leaf) {
      leaves.push(n);
      expect(n.min).toEqual(n.max);
      expect(n.mass).toBeGreaterThan(0);
      return;
    }
    const l = nodes[n.left], r = nodes[n.right];
    expect(n.mass).toBe(l.mass + r.mass);
    // boxes nest, and the cut separates the children: left max <= cut < right min
    for (const c of [l, r]) c.min.forEach((v, j) => expect(v >= n.min[j] && c.max[j] <= n.max[j]).toBe(true));
    expect(l.max[n.cutDimension]).toBeLessThanOrEqual(n.cutValue);
    expect(r.min[n.cutDimension]).toBeGreaterThan(n.cutValue);
    walk(n.left, depth + 1, i);
    walk(n.right, depth + 1, i);
  };
  walk(0, 0, -1);
  expect(reached.size).toBe(nodes.length); // every node and leaf is reachable, none twice
  expect(nodes.length).toBe(2 * leaves.length - 1);
  return leaves;
}

describe('tree view', () => {
  const T = 7;
  const options = { numberOfTrees: T, sampleSize: 32, seed: 9, inputDimensions: 2 };

  it('reads whole, consistent trees; paths end at the leaf where the point lands; tree scores add up to the forest score', () => {
    const rows = circle(300);
    const full = RandomCutForest.fromModule(options, module).process(rows);
    for (const row of [40, 170, 299]) {
      const at = forestAtRow(RandomCutForest.fromModule(options, module), rows.subarray(0, (row + 1) * 2));
      expect(at.scored).toBe(true);
      expect(Array.from(at.point!)).toEqual([rows[2 * row], rows[2 * row + 1]]);
      let units = 0;
      for (let t = 0; t < T; t++) {
        const v = readTree(at.source, t, at.point);
        const leaves = checkTree(v.nodes, 2);
        expect(v.nodes[0].mass).toBe(32); // the sample is full
        expect(leaves.reduce((a, l) => a + l.mass, 0)).toBe(32);
        // the path: root first, each step a child of the one before, routed by the cuts, ending at a leaf
        const x = v.point!;
        expect(v.path[0].node).toBe(0);
        v.path.forEach((s, d) => {
          expect(s.depth).toBe(d);
          const n = v.nodes[s.node];
          if (d + 1 < v.path.length) expect(v.path[d + 1].node).toBe(x[n.cutDimension] <= n.cutValue ? n.left : n.right);
          else expect(n.leaf).toBe(true);
        });
        // isolated at the first box without the point: boxes above hold it, boxes from there on do not
        const k = v.isolationDepth!;
        expect(k).toBeGreaterThanOrEqual(0);
        v.path.forEach((s) => {
          const n = v.nodes[s.node];
          const inside = x.every((xj, j) => xj >= n.min[j] && xj <= n.max[j]);
          expect(inside).toBe(s.depth < k);
          expect(s.separation > 0).toBe(!inside);
        });
        expect(v.treeScore).toBeGreaterThan(0);
        units += Math.round(v.treeScore * SCORE_UNIT);
      }
      // the kernel sums each tree's score in units of 2^-32: the same sum, up to log2's last bit
      expect(Math.abs(units - full[row] * SCORE_UNIT * T)).toBeLessThanOrEqual(T);
    }
  });

  it('isolates a far point at the root, with a high tree score; a point seen before is not isolated', () => {
    const far = 250;
    const rows = circle(300, far, 260);
    const at = forestAtRow(RandomCutForest.fromModule(options, module), rows.subarray(0, (far + 1) * 2));
    for (let t = 0; t < T; t++) {
      const v = readTree(at.source, t, at.point);
      expect(v.isolationDepth).toBe(0);
      expect(v.path[0].separation).toBeGreaterThan(0.5);
      expect(v.treeScore).toBeGreaterThan(3);
      // most cuts at the root already isolate it: on average it is isolated near the top
      expect(v.expectedDepth).toBeGreaterThanOrEqual(0);
      expect(v.expectedDepth).toBeLessThan(0.5 * (v.path.length - 1));
    }
    // row 260 repeats row 100, which is in some trees' samples (and in none of the others)
    const again = forestAtRow(RandomCutForest.fromModule(options, module), rows.subarray(0, 261 * 2));
    let seen = 0;
    for (let t = 0; t < T; t++) {
      const v = readTree(again.source, t, again.point);
      const leaf = v.nodes[v.path.at(-1)!.node];
      const same = leaf.min.every((value, j) => value === v.point![j]);
      expect(v.isolationDepth === null).toBe(same);
      expect(v.expectedDepth === null).toBe(same);
      // the average lies between the first depth a cut can isolate it at and the leaf's depth
      if (!same) {
        expect(v.expectedDepth!).toBeGreaterThanOrEqual(v.isolationDepth!);
        expect(v.expectedDepth!).toBeLessThanOrEqual(v.path.length - 1);
      }
      if (same) seen++;
    }
    expect(seen).toBeGreaterThan(0);
  });

  it('gives no path for a row still warming up the shingle, and names shingled dimensions oldest first', () => {
    const rows = circle(50);
    const o = { ...options, shingleSize: 3 };
    const at = forestAtRow(RandomCutForest.fromModule(o, module), rows.subarray(0, 2 * 2));
    expect(at.point).toBeNull();
    const v = treeViewOf(at, 0, { columns: ['a', 'b'], shingleSize: 3, normalize: false, row: 1 });
    expect(v.path).toEqual([]);
    expect(v.isolationDepth).toBeNull();
    expect(v.dimensions).toBe(6);
    expect(v.dimensionNames).toEqual(['a (t−2)', 'b (t−2)', 'a (t−1)', 'b (t−1)', 'a (t)', 'b (t)']);
    expect(dimensionNames(['value'], 1)).toEqual(['value']);
    expect(() => readTree(at.source, T, null)).toThrow(/tree must be a whole number from 0 to 6/);
  });

  it("the worker API's tree(): the forest that scored the row, its trees' scores adding up to the row's score", async () => {
    const api = createForestApi(wasm);
    let csv = 'time,value\n';
    for (let i = 0; i < 900; i++) csv += `${i},${(Math.sin(i / 7) + (i === 700 ? 4 : 0) + ((i * 7919) % 13) / 200).toFixed(4)}\n`;
    await api.loadCsv(csv, 'sine.csv');
    await expect(api.tree({ tree: 0, row: 1 })).rejects.toThrow(/Score the dataset first/);
    const scores = new Float64Array(900);
    await api.score({ columns: ['value'], options: { numberOfTrees: 5, sampleSize: 64, shingleSize: 2, seed: 4 }, workers: 1 }, (c) => scores.set(c.scores, c.start));
    let units = 0;
    for (let t = 0; t < 5; t++) {
      const v = await api.tree({ tree: t, row: 700 });
      expect(v).toMatchObject({ tree: t, row: 700, numberOfTrees: 5, sampleSize: 64, shingleSize: 2, dimensions: 2, scored: true });
      expect(v.dimensionNames).toEqual(['value (t−1)', 'value (t)']);
      checkTree(v.nodes, 2);
      units += Math.round(v.treeScore * SCORE_UNIT);
    }
    expect(Math.abs(units - scores[700] * SCORE_UNIT * 5)).toBeLessThanOrEqual(5);
    await expect(api.tree({ tree: 5, row: 700 })).rejects.toThrow(/from 0 to 4/);
    await expect(api.tree({ tree: 0, row: 900 })).rejects.toThrow(/from 0 to 899/);
    await api.dispose();
  });
});
