/**
 * Expected collusive displacement (rcf-spec.md section 6; assembly/codisp.ts): with SCORE | CODISP the
 * score column holds the sum over trees of each tree's expected CoDisp (in 2^-32 units). Checked here:
 * bit-identical agreement with the reference; each tree's value lies in (0, M]; an outlier displaces
 * (nearly) the whole tree; the mode changes nothing but the score column.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { KernelExports } from '../../src/kernel/kernel';
import { KernelForest, loadKernel, mulberry32, gaussian, SCORE, UPDATE, CODISP, SCORE_UNIT } from './kernel-memory';
import { sineStream, walkStream, gridStream, mixedStream } from './streams';
import { ReferenceForest } from '../reference/random-cut-forest';

let k: KernelExports;
beforeAll(async () => {
  k = await loadKernel();
});

const cases = [
  { name: 'sine, shingle 6, 9 trees, sample 32, batches of 50', trees: 9, sampleSize: 32, timeDecay: 1 / 320, seed: 7n, batch: 50, points: sineStream(3, 900, 6, 64, 0.1) },
  { name: '3-D random walk, 5 trees, sample 16', trees: 5, sampleSize: 16, timeDecay: 0.01, seed: 2026n, batch: 1, points: walkStream(4, 800) },
  { name: '2-D integer grid, 7 trees, sample 24', trees: 7, sampleSize: 24, timeDecay: 1 / 240, seed: 3n, batch: 1, points: gridStream(6, 800) },
  { name: 'mixed magnitudes, 3 trees, sample 8', trees: 3, sampleSize: 8, timeDecay: 0.1, seed: 99n, batch: 1, points: mixedStream(7, 500) },
];

describe('CoDisp: kernel vs reference (score then update)', () => {
  for (const c of cases) {
    it(`${c.name}: bit-identical sums, the same trees as the default mode`, () => {
      const dimensions = c.points[0].length;
      const config = { trees: c.trees, sampleSize: c.sampleSize, dimensions, seed: c.seed, timeDecay: c.timeDecay };
      const kernel = new KernelForest(k, { ...config, batch: c.batch });
      const reference = new ReferenceForest(config);
      for (let i = 0; i < c.points.length; i += c.batch) {
        const chunk = c.points.slice(i, i + c.batch);
        const out = kernel.process(chunk, SCORE | CODISP | UPDATE);
        chunk.forEach((p, n) => {
          const want = reference.codisp(p);
          reference.update(p);
          if (want === null) expect(out[n]).toBeNaN();
          else expect(out[n], `point ${i + n}`).toBe(want.sum);
        });
      }
      for (let t = 0; t < c.trees; t++) expect(kernel.tree(t)).toEqual(reference.trees[t].shape());
      expect(reference.evictions).toBeGreaterThan(c.sampleSize);
    });
  }
});

describe('CoDisp range and meaning', () => {
  it('one tree: every point scores in (0, M], M = the tree mass (walk with repeated points)', () => {
    const f = new KernelForest(k, { trees: 1, sampleSize: 32, dimensions: 3, seed: 4n, timeDecay: 0.02, batch: 1 });
    const reference = new ReferenceForest({ trees: 1, sampleSize: 32, dimensions: 3, seed: 4n, timeDecay: 0.02 });
    let checked = 0;
    for (const p of walkStream(10, 1500)) {
      const M = reference.trees[0].mass;
      const distinct = reference.trees[0].leaves().length;
      const c = f.process([p], SCORE | CODISP | UPDATE)[0] / SCORE_UNIT;
      reference.update(p);
      if (distinct < 2) continue; // a lone leaf holding x itself has nobody to displace: CoDisp 0
      expect(c, `mass ${M}`).toBeGreaterThan(0);
      expect(c).toBeLessThanOrEqual(M);
      checked++;
    }
    expect(checked).toBeGreaterThan(1400);
  });

  it('forest mean in (0, sampleSize]; a far outlier displaces nearly the whole tree, an inlier little', () => {
    const trees = 30;
    const N = 128;
    const g = gaussian(mulberry32(5));
    const f = new KernelForest(k, { trees, sampleSize: N, dimensions: 3, seed: 6n, timeDecay: 1 / 1280, batch: 600 });
    const cloud = Array.from({ length: 600 }, () => [g(), g(), g()]);
    const during = f.process(cloud, SCORE | CODISP | UPDATE).slice(1).map((s) => s / (SCORE_UNIT * trees));
    expect(during.every((s) => s > 0 && s <= N)).toBe(true);
    const [outlier, inlier] = Array.from(f.process([[400, -400, 400], [0, 0, 0]], SCORE | CODISP)).map((s) => s / (SCORE_UNIT * trees));
    expect(outlier).toBeGreaterThan(0.95 * N);
    expect(outlier).toBeLessThanOrEqual(N);
    expect(inlier).toBeLessThan(0.2 * N);
  });

  it('CODISP changes the score column only: the forest evolves as with the default score', () => {
    const points = sineStream(14, 600, 4, 40, 0.1);
    const config = { trees: 6, sampleSize: 32, dimensions: 4, seed: 21n, timeDecay: 1 / 320, batch: 150 };
    const plain = new KernelForest(k, config);
    const codisp = new KernelForest(k, config);
    for (let i = 0; i < points.length; i += 150) {
      plain.process(points.slice(i, i + 150), SCORE | UPDATE);
      codisp.process(points.slice(i, i + 150), SCORE | CODISP | UPDATE);
    }
    expect(JSON.stringify(codisp.snapshot())).toBe(JSON.stringify(plain.snapshot()));
    const before = JSON.stringify(codisp.snapshot());
    codisp.process([[0, 0, 0, 0], [5, 5, 5, 5]], SCORE | CODISP);
    expect(JSON.stringify(codisp.snapshot())).toBe(before);
  });
});
