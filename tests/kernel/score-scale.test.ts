/**
 * The score's scale (rcf-spec.md section 4): in-distribution points of a noisy sine with shingle 8 score
 * below 1 (around 0.8); a large spike scores 2 or more and is the top-ranked row.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { KernelExports } from '../../src/kernel/kernel';
import { KernelForest, loadKernel, mulberry32, gaussian, shingles, SCORE, UPDATE, SCORE_UNIT } from './kernel-memory';

let k: KernelExports;
beforeAll(async () => {
  k = await loadKernel();
});

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('score scale on a noisy sine, shingle 8, 50 trees, sample 256', () => {
  const S = 8;
  const rows = 3000;
  const spikeRow = 2400;
  const outputAfter = 64; // sampleSize / 4

  function scores(seed: number, spike: number): Float64Array {
    const g = gaussian(mulberry32(seed));
    const values = Array.from({ length: rows }, (_, t) => Math.sin((2 * Math.PI * t) / 60) + 0.08 * g());
    values[spikeRow] += spike;
    const points = shingles(values, S); // point i belongs to row i + S - 1
    const trees = 50;
    const batch = 512;
    const f = new KernelForest(k, { trees, sampleSize: 256, dimensions: S, seed: BigInt(seed), timeDecay: 1 / 2560, batch });
    const out = new Float64Array(rows).fill(NaN);
    for (let i = 0; i < points.length; i += batch) {
      const chunk = points.slice(i, i + batch);
      f.process(chunk, SCORE | UPDATE).forEach((v, j) => {
        const row = i + j + S - 1;
        if (row >= outputAfter) out[row] = v / (SCORE_UNIT * trees);
      });
    }
    return out;
  }

  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: median in (0.6, 1.0); a spike of 5 scores above 2, its shingles rank first`, () => {
      const s = scores(seed, 5);
      const settled = Array.from(s.subarray(300)).filter((v, i) => Math.abs(i + 300 - spikeRow) >= S + 2);
      const med = median(settled);
      expect(med).toBeGreaterThan(0.6);
      expect(med).toBeLessThan(1.0);
      expect(s[spikeRow]).toBeGreaterThan(2);
      // the spike sits in the shingles of rows spikeRow .. spikeRow+7, each a fresh outlier (the spike in a
      // different coordinate): those 8 rows are the top 8, and the spike's own row is the first of them
      // or within a few percent of it
      const ranked = Array.from(s.keys()).filter((i) => !Number.isNaN(s[i])).sort((a, b) => s[b] - s[a]);
      expect(ranked.slice(0, S).sort((a, b) => a - b)).toEqual(Array.from({ length: S }, (_, i) => spikeRow + i));
      expect(s[spikeRow]).toBeGreaterThan(0.97 * s[ranked[0]]);
      // and the ordinary rows stay well below it
      expect(Math.max(...settled)).toBeLessThan(s[spikeRow] / 1.5);
    });
  }
});
