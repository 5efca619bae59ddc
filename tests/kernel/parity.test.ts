/**
 * Parity: the WebAssembly kernel against the slow TypeScript reference (tests/reference/), on seeded
 * streams, score-then-update per point, long enough for many evictions. Same seed + same points = the same
 * trees, the same reservoirs and the same scores (docs/algorithm.md; rcf-spec.md section 9).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import fc from 'fast-check';
import type { KernelExports } from '../../src/kernel/kernel';
import { KernelForest, loadKernel, mulberry32, SCORE, UPDATE, SCORE_UNIT } from './kernel-memory';
import { sineStream, walkStream, gridStream, mixedStream } from './streams';
import { ReferenceForest, SplitMix64, drawShape } from '../reference/random-cut-forest';

let k: KernelExports;
beforeAll(async () => {
  k = await loadKernel();
});

interface ParityCase {
  name: string;
  trees: number;
  sampleSize: number;
  timeDecay: number;
  seed: bigint;
  batch: number;
  points: number[][];
}

const cases: ParityCase[] = [
  { name: '1-D sine, shingle 4, 1 tree, sample 8', trees: 1, sampleSize: 8, timeDecay: 1 / 80, seed: 1n, batch: 1, points: sineStream(1, 600, 4, 50, 0.1) },
  { name: 'sine, shingle 8, 20 trees, sample 64', trees: 20, sampleSize: 64, timeDecay: 1 / 640, seed: 42n, batch: 1, points: sineStream(2, 1200, 8, 80, 0.05) },
  { name: 'sine, shingle 6, 9 trees, sample 32, batches of 50', trees: 9, sampleSize: 32, timeDecay: 1 / 320, seed: 7n, batch: 50, points: sineStream(3, 900, 6, 64, 0.1) },
  { name: '3-D random walk, 5 trees, sample 16', trees: 5, sampleSize: 16, timeDecay: 0.01, seed: 2026n, batch: 1, points: walkStream(4, 800) },
  { name: '3-D random walk, 12 trees, sample 40, uniform reservoir', trees: 12, sampleSize: 40, timeDecay: 0, seed: 0xfedcba9876543210n, batch: 1, points: walkStream(5, 1000) },
  { name: '2-D integer grid, 7 trees, sample 24', trees: 7, sampleSize: 24, timeDecay: 1 / 240, seed: 3n, batch: 1, points: gridStream(6, 800) },
  { name: 'mixed magnitudes, 3 trees, sample 8', trees: 3, sampleSize: 8, timeDecay: 0.1, seed: 99n, batch: 1, points: mixedStream(7, 500) },
];

interface ParityResult {
  kernel: number[];
  reference: number[];
  evictions: number;
}

function runParity(c: ParityCase): ParityResult {
  const dimensions = c.points[0].length;
  const config = { trees: c.trees, sampleSize: c.sampleSize, dimensions, seed: c.seed, timeDecay: c.timeDecay };
  const kernel = new KernelForest(k, { ...config, batch: c.batch });
  const reference = new ReferenceForest(config);
  const ks: number[] = [];
  const rs: number[] = [];
  const compareState = (at: number) => {
    const v = kernel.views();
    for (let t = 0; t < c.trees; t++) {
      const want = reference.trees[t].shape();
      expect(kernel.tree(t, v), `${c.name}: tree ${t} after ${at} points; reference:\n${drawShape(want)}`).toEqual(want);
      const kr = kernel.reservoir(t, v);
      const rr = reference.reservoirs[t].entries;
      expect(kr.map((e) => e.point), `${c.name}: reservoir ${t} after ${at} points`).toEqual(rr.map((e) => [...e.point.values]));
      // weights: log() in AssemblyScript and in V8 may differ in the last bit, so compare to 1e-12 relative
      kr.forEach((e, i) => expect(Math.abs(e.weight - rr[i].weight)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(rr[i].weight))));
    }
    expect(k.pointsInUse(), `${c.name}: pointsInUse after ${at} points`).toBe(reference.pointsInUse());
    expect(k.updateCount()).toBe(reference.sequence);
  };
  for (let i = 0; i < c.points.length; i += c.batch) {
    const chunk = c.points.slice(i, i + c.batch);
    const out = kernel.process(chunk, SCORE | UPDATE);
    out.forEach((o) => ks.push(o));
    for (const p of chunk) {
      const s = reference.score(p)!;
      rs.push(s.sum);
      reference.update(p);
    }
    if (Math.floor((i + chunk.length) / 100) !== Math.floor(i / 100) || i + chunk.length === c.points.length) {
      compareState(i + chunk.length);
    }
  }
  return { kernel: ks, reference: rs, evictions: reference.evictions };
}

describe('kernel vs reference on seeded streams (score then update)', () => {
  const results = new Map<string, ParityResult>();
  for (const c of cases) {
    it(`${c.name}: same trees and reservoirs, scores equal to 1e-9`, () => {
      const r = runParity(c);
      results.set(c.name, r);
      expect(r.evictions).toBeGreaterThan(c.sampleSize); // the stream is long enough to evict
      const unit = SCORE_UNIT * c.trees;
      let worst = 0;
      r.kernel.forEach((x, i) => (worst = Math.max(worst, Math.abs(x / unit - r.reference[i] / unit))));
      expect(worst).toBeLessThanOrEqual(1e-9);
    });
    it(`${c.name}: scores bit-identical`, () => {
      const r = results.get(c.name);
      if (!r) throw new Error('the parity run above failed');
      const differing = r.kernel.map((x, i) => [i, x, r.reference[i]]).filter(([, a, b]) => a !== b);
      expect(differing.slice(0, 5), `${differing.length} of ${r.kernel.length} scores differ (index, kernel, reference in 2^-32 units)`).toEqual([]);
    });
  }
});

describe('kernel vs reference on random small streams (fast-check)', () => {
  const coordinate = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -2, max: 2 }) },
    { weight: 3, arbitrary: fc.double({ min: -50, max: 50, noNaN: true }) },
    { weight: 1, arbitrary: fc.constantFrom(1e30, -1e30, 1e-30, 0, -0, 3.4028234663852886e38, NaN, Infinity) },
  );
  const arbitrary = fc
    .record({
      trees: fc.integer({ min: 1, max: 4 }),
      sampleSize: fc.integer({ min: 2, max: 12 }),
      dimensions: fc.integer({ min: 1, max: 3 }),
      seed: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
      timeDecay: fc.constantFrom(0, 0.02, 0.3),
    })
    .chain((cfg) =>
      fc.array(fc.array(coordinate, { minLength: cfg.dimensions, maxLength: cfg.dimensions }), { minLength: 1, maxLength: 100, size: 'max' })
        .map((points) => ({ ...cfg, points })),
    );

  it('same trees after every point, same scores', () => {
    fc.assert(
      fc.property(arbitrary, ({ points, ...config }) => {
        const kernel = new KernelForest(k, config);
        const reference = new ReferenceForest(config);
        points.forEach((p, i) => {
          const out = kernel.process([p], SCORE | UPDATE)[0];
          const s = reference.score(p);
          reference.update(p);
          if (s === null) expect(out).toBeNaN();
          else expect(out, `score of point ${i}`).toBe(s.sum);
          for (let t = 0; t < config.trees; t++) {
            expect(kernel.tree(t), `tree ${t} after point ${i}`).toEqual(reference.trees[t].shape());
          }
          expect(k.pointsInUse()).toBe(reference.pointsInUse());
        });
      }),
      { numRuns: 120, seed: 4242 },
    );
  });
});

describe('shards of one forest', () => {
  it('sum to the whole forest bit for bit (trees split by firstTree)', async () => {
    const points = walkStream(11, 400);
    const base = { sampleSize: 16, dimensions: 3, seed: 77n, timeDecay: 1 / 160, batch: 100 };
    const whole = new KernelForest(await loadKernel(), { ...base, trees: 6 });
    const shardA = new KernelForest(await loadKernel(), { ...base, trees: 2, firstTree: 0 });
    const shardB = new KernelForest(await loadKernel(), { ...base, trees: 4, firstTree: 2 });
    const reference = new ReferenceForest({ ...base, trees: 4, firstTree: 2 });
    for (let i = 0; i < points.length; i += 100) {
      const chunk = points.slice(i, i + 100);
      const w = whole.process(chunk, SCORE | UPDATE);
      const a = shardA.process(chunk, SCORE | UPDATE);
      const b = shardB.process(chunk, SCORE | UPDATE);
      const r = chunk.map((p) => {
        const s = reference.score(p)!.sum;
        reference.update(p);
        return s;
      });
      expect(Array.from(w)).toEqual(Array.from(a).map((x, j) => x + b[j]));
      expect(Array.from(b)).toEqual(r);
    }
    expect(whole.tree(3)).toEqual(shardB.tree(1));
  });

  it('reset() forgets everything: the same scores again', () => {
    const points = gridStream(12, 300);
    const f = new KernelForest(k, { trees: 4, sampleSize: 16, dimensions: 2, seed: 5n, timeDecay: 0.01, batch: 300 });
    const first = f.process(points, SCORE | UPDATE);
    k.reset();
    const second = f.process(points, SCORE | UPDATE);
    expect(Array.from(second)).toEqual(Array.from(first));
  });

  it('batches give the same scores as one point per call', () => {
    const points = sineStream(13, 500, 8, 60, 0.1);
    const config = { trees: 5, sampleSize: 32, dimensions: 8, seed: 8n, timeDecay: 1 / 320 };
    const one = new KernelForest(k, { ...config, batch: 1 });
    const single = points.map((p) => one.process([p], SCORE | UPDATE)[0]);
    const many = new KernelForest(k, { ...config, batch: 128 });
    const batched: number[] = [];
    for (let i = 0; i < points.length; i += 128) batched.push(...many.process(points.slice(i, i + 128), SCORE | UPDATE));
    expect(batched).toEqual(single);
  });
});

describe('a long stream (the sampler shortcut)', () => {
  // sampler.ts rejects most newcomers without computing their weight, by a bound on u kept per tree and
  // refreshed per block of updates; the margin grows with decay * sequence. Far into a stream, with a
  // strong decay, the shortcut must still decide exactly as the documented weight comparison does.
  for (const [timeDecay, n] of [[0.05, 300000], [1e-4, 200000], [3, 100000]] as const) {
    it(`time decay ${timeDecay}, ${n} points: same reservoirs and random state as the reference`, () => {
      const config = { trees: 2, sampleSize: 8, dimensions: 1, seed: 123n, timeDecay };
      const kernel = new KernelForest(k, { ...config, batch: 1000 });
      const reference = new ReferenceForest(config);
      const u = mulberry32(77);
      const points = Array.from({ length: n }, () => [Math.floor(u() * 1000)]);
      for (let i = 0; i < n; i += 1000) {
        kernel.process(points.slice(i, i + 1000), UPDATE);
        for (let j = i; j < i + 1000; j++) reference.update(points[j]);
      }
      const v = kernel.views();
      for (let t = 0; t < config.trees; t++) {
        expect(v.randomState[t]).toBe((reference.trees[t].random as SplitMix64).state);
        expect(kernel.reservoir(t, v).map((e) => e.point)).toEqual(reference.reservoirs[t].entries.map((e) => [...e.point.values]));
        expect(kernel.tree(t, v)).toEqual(reference.trees[t].shape());
      }
      expect(kernel.invariantViolations()).toEqual([]);
    });
  }
});
