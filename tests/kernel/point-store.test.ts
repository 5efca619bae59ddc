/**
 * The point store (assembly/point-store.ts): shingled points share their overlapping values, the store
 * compacts when full and grows only for streams whose points do not overlap, and none of this changes what
 * the forest computes (the reference stores every point separately). Invariants are checked in kernel
 * memory after every call.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { KernelExports } from '../../src/kernel/kernel';
import { KernelForest, loadKernel, mulberry32, gaussian, shingles, SCORE, UPDATE } from './kernel-memory';
import { ReferenceForest } from '../reference/random-cut-forest';

let k: KernelExports;
beforeAll(async () => {
  k = await loadKernel();
});

/** Runs points one call each; after every call: invariants, and the reference's scores, trees and counts. */
function follow(config: { trees: number; sampleSize: number; dimensions: number; seed: bigint; timeDecay: number }, points: number[][], every = 1) {
  const f = new KernelForest(k, config);
  const reference = new ReferenceForest(config);
  const history: { capacity: number; tail: number }[] = [];
  points.forEach((p, i) => {
    const out = f.process([p], SCORE | UPDATE)[0];
    expect(out, `score of point ${i}`).toBe(reference.score(p)!.sum);
    reference.update(p);
    const { capacity, tail } = f.store();
    history.push({ capacity, tail });
    if (i % every === 0 || i === points.length - 1) {
      expect(f.invariantViolations(), `after point ${i}`).toEqual([]);
      for (let t = 0; t < config.trees; t++) expect(f.tree(t), `tree ${t} after point ${i}`).toEqual(reference.trees[t].shape());
      expect(k.pointsInUse()).toBe(reference.pointsInUse());
    }
  });
  const compactions = history.filter((h, i) => i > 0 && h.tail < history[i - 1].tail).length;
  const growths = history.filter((h, i) => i > 0 && h.capacity > history[i - 1].capacity).length;
  return { f, history, compactions, growths };
}

/** Cells appended per point processed, over the calls without a compaction. */
function cellsPerPoint(history: { tail: number }[]): number {
  let cells = 0;
  let points = 0;
  for (let i = 1; i < history.length; i++) {
    const d = history[i].tail - history[i - 1].tail;
    if (d < 0) continue; // compacted
    cells += d;
    points++;
  }
  return cells / points;
}

describe('point store', () => {
  it('a shingled series takes one new cell per stored point; the store compacts and does not grow', () => {
    const g = gaussian(mulberry32(1));
    const values = Array.from({ length: 3000 }, (_, t) => Math.sin(t / 9) + 0.05 * g());
    const points = shingles(values, 8);
    const config = { trees: 6, sampleSize: 32, dimensions: 8, seed: 3n, timeDecay: 1 / 320 };
    const { f, history, compactions, growths } = follow(config, points, 25);
    expect(compactions).toBeGreaterThan(3);
    expect(growths).toBe(0);
    // between compactions the tail moves by one cell per point (by s cells after s - 1 points no tree
    // took; by all 8 only after 7 such points in a row), against 8 cells per point stored separately
    expect(cellsPerPoint(history)).toBeGreaterThan(0.99);
    expect(cellsPerPoint(history)).toBeLessThan(1.2);
    expect(f.forestBytes()).toBeGreaterThan(0);
  });

  it('two columns shingled by 4: two new cells per point', () => {
    const g = gaussian(mulberry32(2));
    const rows = Array.from({ length: 1500 }, (_, t) => [Math.sin(t / 7) + 0.05 * g(), Math.cos(t / 11) + 0.05 * g()]);
    const points = rows.slice(3).map((_, i) => rows.slice(i, i + 4).flat());
    const { history, compactions, growths } = follow({ trees: 5, sampleSize: 24, dimensions: 8, seed: 4n, timeDecay: 1 / 240 }, points, 25);
    expect(compactions).toBeGreaterThan(2);
    expect(growths).toBeLessThanOrEqual(1); // the plan assumes one new cell per point: twice that may grow once
    // two cells per row; all 8 after 3 rows in a row that no tree took (5 trees: often)
    expect(cellsPerPoint(history)).toBeGreaterThan(1.5);
    expect(cellsPerPoint(history)).toBeLessThan(2.8);
  });

  it('points that do not overlap (several columns, no shingle): the store grows, results unchanged', () => {
    const g = gaussian(mulberry32(3));
    const points = Array.from({ length: 1500 }, () => [g(), g(), g(), g(), g()]);
    const { f, compactions, growths } = follow({ trees: 4, sampleSize: 32, dimensions: 5, seed: 5n, timeDecay: 1 / 320 }, points, 20);
    expect(growths).toBeGreaterThan(0);
    expect(compactions).toBeGreaterThan(0);
    expect(f.store().capacity).toBeGreaterThanOrEqual(5 * k.pointsInUse());
  });

  it('a uniform reservoir (no time decay) on a shingled series keeps old points scattered: grows, stays right', () => {
    const values = Array.from({ length: 2500 }, (_, t) => Math.round(10 * Math.sin(t / 13)) + (t % 7));
    const { growths } = follow({ trees: 3, sampleSize: 16, dimensions: 4, seed: 6n, timeDecay: 0 }, shingles(values, 4), 10);
    expect(growths).toBeGreaterThanOrEqual(0);
  });

  it('plans the store from the expected number of distinct points: 100 trees, sample 256, 8 dimensions', () => {
    const f = new KernelForest(k, { trees: 100, sampleSize: 256, dimensions: 8, seed: 1n, timeDecay: 1 / 2560, batch: 1024 });
    const { capacity } = f.store();
    // about 12760 cells covered by about 7437 points (sampler.ts, expectedCells), a quarter to spare
    expect(capacity).toBeGreaterThan(12760 * 1.2);
    expect(capacity).toBeLessThan(12760 * 1.3 + 64);
    expect(f.forestBytes()).toBeLessThanOrEqual(2_450_000);
  });
});
