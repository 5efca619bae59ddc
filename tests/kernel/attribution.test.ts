/**
 * Attribution (rcf-spec.md section 5; assembly/attribution.ts): with SCORE | ATTRIBUTION the kernel writes,
 * per point, high[D] and low[D] summed over its trees. Checked here: bit-identical agreement with the
 * reference's attribution walk; the entries add up to the score; attribution changes neither the scores
 * nor the forest; an obvious outlier is blamed on the right dimension and side.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { KernelExports } from '../../src/kernel/kernel';
import { KernelForest, loadKernel, mulberry32, gaussian, SCORE, UPDATE, SCORE_UNIT } from './kernel-memory';
import { sineStream, walkStream, gridStream, mixedStream } from './streams';
import { ReferenceForest } from '../reference/random-cut-forest';

let k: KernelExports;
beforeAll(async () => {
  k = await loadKernel();
});

const total = (a: readonly number[]) => a.reduce((s, v) => s + v, 0);

interface Case {
  name: string;
  trees: number;
  sampleSize: number;
  timeDecay: number;
  seed: bigint;
  batch: number;
  points: number[][];
}

const cases: Case[] = [
  { name: 'sine, shingle 8, 20 trees, sample 64, batches of 40', trees: 20, sampleSize: 64, timeDecay: 1 / 640, seed: 42n, batch: 40, points: sineStream(2, 800, 8, 80, 0.05) },
  { name: '3-D random walk (repeated points), 6 trees, sample 16', trees: 6, sampleSize: 16, timeDecay: 0.01, seed: 2026n, batch: 1, points: walkStream(4, 600) },
  { name: '2-D integer grid (heavy duplicates), 5 trees, sample 24', trees: 5, sampleSize: 24, timeDecay: 1 / 240, seed: 3n, batch: 7, points: gridStream(6, 500) },
  { name: 'mixed magnitudes, 3 trees, sample 8', trees: 3, sampleSize: 8, timeDecay: 0.1, seed: 99n, batch: 1, points: mixedStream(7, 400) },
];

describe('attribution: kernel vs reference (score with attribution, then update)', () => {
  for (const c of cases) {
    it(`${c.name}: scores and high/low vectors bit-identical`, () => {
      const dimensions = c.points[0].length;
      const config = { trees: c.trees, sampleSize: c.sampleSize, dimensions, seed: c.seed, timeDecay: c.timeDecay };
      const kernel = new KernelForest(k, { ...config, batch: c.batch });
      const reference = new ReferenceForest(config);
      let compared = 0;
      for (let i = 0; i < c.points.length; i += c.batch) {
        const chunk = c.points.slice(i, i + c.batch);
        const got = kernel.attribute(chunk, UPDATE);
        chunk.forEach((p, n) => {
          const want = reference.attribution(p)!;
          reference.update(p);
          const at = `point ${i + n}`;
          expect(got.sums[n], `${at}: score`).toBe(want.sum);
          expect(got.high[n], `${at}: high`).toEqual(want.high);
          expect(got.low[n], `${at}: low`).toEqual(want.low);
          compared++;
        });
      }
      expect(compared).toBe(c.points.length);
      expect(reference.evictions).toBeGreaterThan(c.sampleSize);
    });
  }
});

describe('attribution adds up and changes nothing else', () => {
  it('sum(high) + sum(low) equals the score to 1e-9 for every point (sine, shingle 8, 50 trees, sample 256)', () => {
    const trees = 50;
    const points = sineStream(21, 2500, 8, 60, 0.08);
    const f = new KernelForest(k, { trees, sampleSize: 256, dimensions: 8, seed: 5n, timeDecay: 1 / 2560, batch: 500 });
    let worst = 0;
    let checked = 0;
    for (let i = 0; i < points.length; i += 500) {
      const { sums, high, low } = f.attribute(points.slice(i, i + 500), UPDATE);
      sums.forEach((sum, n) => {
        const score = sum / (SCORE_UNIT * trees);
        const parts = (total(high[n]) + total(low[n])) / trees;
        expect(high[n].concat(low[n]).every((v) => v >= 0)).toBe(true);
        if (i + n > 0) {
          worst = Math.max(worst, Math.abs(parts - score));
          checked++;
        }
      });
    }
    expect(checked).toBe(points.length - 1);
    expect(worst).toBeLessThanOrEqual(1e-9);
  });

  it('the same scores and the same forest as plain SCORE', () => {
    const points = walkStream(8, 700);
    const config = { trees: 7, sampleSize: 32, dimensions: 3, seed: 12n, timeDecay: 1 / 320, batch: 100 };
    const plain = new KernelForest(k, config);
    const plainScores: number[] = [];
    for (let i = 0; i < points.length; i += 100) plainScores.push(...plain.process(points.slice(i, i + 100), SCORE | UPDATE));
    const plainState = JSON.stringify(plain.snapshot());
    const attributed = new KernelForest(k, config);
    const scores: number[] = [];
    for (let i = 0; i < points.length; i += 100) scores.push(...attributed.attribute(points.slice(i, i + 100), UPDATE).sums);
    expect(scores).toEqual(plainScores);
    expect(JSON.stringify(attributed.snapshot())).toBe(plainState);
    expect(attributed.invariantViolations()).toEqual([]);
  });

  it('a rejected point gets NaN attribution; score-only attribution leaves the forest as it was', () => {
    const f = new KernelForest(k, { trees: 4, sampleSize: 16, dimensions: 3, seed: 2n, timeDecay: 0.01, batch: 4 });
    for (const p of walkStream(3, 100)) f.update(p);
    const before = JSON.stringify(f.snapshot());
    const out = f.attribute([[1, NaN, 2], [0, 0, 0]]);
    expect(out.sums[0]).toBeNaN();
    expect(out.high[0].concat(out.low[0]).every(Number.isNaN)).toBe(true);
    expect(out.high[1].concat(out.low[1]).every(Number.isFinite)).toBe(true);
    expect(JSON.stringify(f.snapshot())).toBe(before);
  });
});

describe('attribution blames the right dimension and side', () => {
  // a 4-D Gaussian cloud (sd 1), then outliers far out along one axis
  const trees = 50;
  const D = 4;
  function trained(): KernelForest {
    const g = gaussian(mulberry32(77));
    const f = new KernelForest(k, { trees, sampleSize: 256, dimensions: D, seed: 9n, timeDecay: 1 / 2560, batch: 1000 });
    const cloud = Array.from({ length: 1000 }, () => Array.from({ length: D }, () => g()));
    f.process(cloud, UPDATE);
    return f;
  }

  const outliers: [string, number[], 'high' | 'low', number][] = [
    ['x0 = +12', [12, 0, 0, 0], 'high', 0],
    ['x1 = -12', [0, -12, 0, 0], 'low', 1],
    ['x3 = +8, others ordinary', [0.3, -0.2, 0.5, 8], 'high', 3],
    ['x2 = -8', [-0.4, 0.1, -8, 0.2], 'low', 2],
  ];
  for (const [name, point, side, j] of outliers) {
    it(`${name}: ${side}[${j}] carries most of the score`, () => {
      const f = trained();
      const { sums, high, low } = f.attribute([point, [0, 0, 0, 0]]);
      const score = sums[0] / (SCORE_UNIT * trees);
      const inlier = sums[1] / (SCORE_UNIT * trees);
      expect(score).toBeGreaterThan(2);
      expect(score).toBeGreaterThan(2 * inlier);
      const entries = high[0].concat(low[0]);
      const blamed = (side === 'high' ? high[0] : low[0])[j];
      expect(blamed).toBe(Math.max(...entries));
      expect(blamed / total(entries)).toBeGreaterThan(0.8);
      // the opposite side of that dimension gets (almost) nothing
      const opposite = (side === 'high' ? low[0] : high[0])[j];
      expect(opposite / total(entries)).toBeLessThan(0.02);
    });
  }
});
