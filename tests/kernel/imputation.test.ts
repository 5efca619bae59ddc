/**
 * Imputation (rcf-spec.md section 7, "expected value"; assembly/imputation.ts): impute(count, from, to)
 * writes, per point of the input column, the values of coordinates [from, to) that would make it normal:
 * the median over trees of the leaf each tree reaches when it routes by the known coordinates only.
 * Checked here: bit-identical agreement with the reference; the forest is left untouched; NaN for an
 * empty forest; bad ranges refused; on a clean periodic signal the imputed value is the signal's.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { KernelExports } from '../../src/kernel/kernel';
import { KernelForest, loadKernel, mulberry32, UPDATE } from './kernel-memory';
import { sineStream, walkStream, gridStream } from './streams';
import { ReferenceForest } from '../reference/random-cut-forest';

let k: KernelExports;
beforeAll(async () => {
  k = await loadKernel();
});

describe('imputation: kernel vs reference', () => {
  const cases = [
    { name: 'sine, shingle 8, 21 trees (odd count: true medians), sample 64', trees: 21, sampleSize: 64, timeDecay: 1 / 640, seed: 42n, points: sineStream(2, 900, 8, 80, 0.05), ranges: [[7, 8], [6, 8], [0, 1], [3, 5], [0, 8]] },
    { name: '3-D random walk, 6 trees (even count: mean of the middle two), sample 16', trees: 6, sampleSize: 16, timeDecay: 0.01, seed: 2026n, points: walkStream(4, 500), ranges: [[0, 1], [1, 2], [2, 3], [0, 2], [1, 3]] },
    { name: '2-D integer grid (ties between children), 5 trees, sample 24', trees: 5, sampleSize: 24, timeDecay: 1 / 240, seed: 3n, points: gridStream(6, 400), ranges: [[0, 1], [1, 2], [0, 2]] },
  ];
  for (const c of cases) {
    it(`${c.name}: the same values for every range`, () => {
      const dimensions = c.points[0].length;
      const config = { trees: c.trees, sampleSize: c.sampleSize, dimensions, seed: c.seed, timeDecay: c.timeDecay };
      const kernel = new KernelForest(k, { ...config, batch: 64 });
      const reference = new ReferenceForest(config);
      const u = mulberry32(17);
      let compared = 0;
      for (let i = 0; i < c.points.length; i += 64) {
        const chunk = c.points.slice(i, i + 64);
        kernel.process(chunk, UPDATE);
        chunk.forEach((p) => reference.update(p));
        // queries: stream points, and the same points pushed off in one coordinate
        const queries = chunk.slice(0, 16).map((p, n) => (n % 2 ? p : p.map((v, j) => (j === n % dimensions ? v + 3 * (u() - 0.5) : v))));
        for (const [from, to] of c.ranges) {
          const got = kernel.impute(queries, from, to);
          queries.forEach((q, n) => {
            expect(got[n], `after ${i + chunk.length} points, query ${n}, range [${from}, ${to})`).toEqual(reference.impute(q, from, to));
            compared++;
          });
        }
      }
      expect(compared).toBeGreaterThan(100);
    });
  }
});

describe('imputation behaviour', () => {
  it('changes nothing in the forest', () => {
    const f = new KernelForest(k, { trees: 5, sampleSize: 16, dimensions: 3, seed: 1n, timeDecay: 0.01, batch: 50 });
    const points = walkStream(2, 300);
    for (let i = 0; i < points.length; i += 50) f.process(points.slice(i, i + 50), UPDATE);
    const before = JSON.stringify(f.snapshot());
    f.impute(points.slice(0, 50), 1, 3);
    f.impute(points.slice(50, 100), 0, 3);
    expect(JSON.stringify(f.snapshot())).toBe(before);
    expect(f.invariantViolations()).toEqual([]);
  });

  it('an empty forest imputes NaN; a range outside [0, D) or empty is refused (returns 0)', () => {
    const f = new KernelForest(k, { trees: 3, sampleSize: 8, dimensions: 3, seed: 1n, timeDecay: 0, batch: 4 });
    expect(f.impute([[1, 2, 3]], 2, 3)).toEqual([[NaN]]);
    f.update([1, 2, 3]);
    expect(f.impute([[1, 2, 7]], 2, 3)).toEqual([[3]]);
    expect(k.impute(1, -1, 2)).toBe(0);
    expect(k.impute(1, 1, 4)).toBe(0);
    expect(k.impute(1, 2, 2)).toBe(0);
  });

  it('recovers the newest value of a clean periodic signal from the rest of its shingle', () => {
    const S = 8;
    const trees = 50;
    const points = sineStream(30, 3000, S, 50, 0.01);
    const f = new KernelForest(k, { trees, sampleSize: 256, dimensions: S, seed: 3n, timeDecay: 1 / 2560, batch: 1000 });
    for (let i = 0; i < 2900; i += 1000) f.process(points.slice(i, Math.min(i + 1000, 2900)), UPDATE);
    const queries = points.slice(2900, 2980);
    const spoiled = queries.map((p) => [...p.slice(0, S - 1), p[S - 1] + 4]); // newest value far off
    const got = f.impute(spoiled, S - 1, S);
    let worst = 0;
    queries.forEach((p, n) => (worst = Math.max(worst, Math.abs(got[n][0] - p[S - 1]))));
    expect(worst).toBeLessThan(0.15);
  });
});
