/**
 * NaN and Infinity handed to the kernel (rcf-spec.md section 8; docs/algorithm.md "Numbers"): the point
 * scores NaN, is not inserted (no random number drawn, pointsInUse and masses unchanged), and everything
 * after it is as if it had never been offered. A value finite in f64 but not in f32 (1e39) counts too.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { KernelExports } from '../../src/kernel/kernel';
import { KernelForest, loadKernel, mulberry32, SCORE, UPDATE } from './kernel-memory';

let k: KernelExports;
beforeAll(async () => {
  k = await loadKernel();
});

const config = { trees: 6, sampleSize: 16, dimensions: 3, seed: 31n, timeDecay: 1 / 160 };

function stream(n: number): number[][] {
  const u = mulberry32(9);
  return Array.from({ length: n }, () => [u() * 10, u() * 10 - 5, Math.floor(u() * 3)]);
}

const bad = [
  [NaN, 1, 1],
  [1, Infinity, 1],
  [1, 1, -Infinity],
  [1e39, 0, 0], // finite in f64, Infinity in f32
  [0, -3.5e38, 0],
  [NaN, NaN, NaN],
];

describe('non-finite points', () => {
  for (const p of bad) {
    it(`(${p.join(', ')}) scores NaN and changes nothing`, () => {
      const f = new KernelForest(k, config);
      for (const q of stream(100)) f.update(q);
      const before = f.snapshot() as { pointsInUse: number };
      const masses = Array.from({ length: config.trees }, (_, t) => k.sampleSizeOf(t));
      const out = f.process([p], SCORE | UPDATE)[0];
      expect(out).toBeNaN();
      expect(f.snapshot()).toEqual(before); // trees, reservoirs, random state, reference counts
      expect(k.pointsInUse()).toBe(before.pointsInUse);
      expect(Array.from({ length: config.trees }, (_, t) => k.sampleSizeOf(t))).toEqual(masses);
      expect(f.process([p], UPDATE)).toHaveLength(1);
      expect(f.snapshot()).toEqual(before);
      expect(f.invariantViolations()).toEqual([]);
    });
  }

  it('a stream with non-finite points scores like the stream without them, and stays finite', () => {
    const clean = stream(400);
    const dirty: number[][] = [];
    clean.forEach((p, i) => {
      if (i % 37 === 5) dirty.push(bad[(i / 37) % bad.length | 0]);
      dirty.push(p);
    });
    const batch = 64;
    const run = (points: number[][]) => {
      const f = new KernelForest(k, { ...config, batch });
      const out: number[] = [];
      for (let i = 0; i < points.length; i += batch) out.push(...f.process(points.slice(i, i + batch), SCORE | UPDATE));
      expect(f.invariantViolations()).toEqual([]);
      return out;
    };
    const a = run(clean);
    const b = run(dirty);
    const dirtyFinite = b.filter((_, i) => dirty[i].every((v) => Number.isFinite(Math.fround(v))));
    expect(b.filter(Number.isNaN)).toHaveLength(dirty.length - clean.length);
    expect(dirtyFinite).toEqual(a);
    expect(a.every(Number.isFinite)).toBe(true);
  });

  it('a score-only call with a non-finite point leaves the forest alone too', () => {
    const f = new KernelForest(k, config);
    for (const q of stream(50)) f.update(q);
    const before = JSON.stringify(f.snapshot());
    expect(f.process([[NaN, 0, 0]], SCORE)[0]).toBeNaN();
    expect(JSON.stringify(f.snapshot())).toBe(before);
    expect(Number.isFinite(f.process([[1, 1, 1]], SCORE)[0])).toBe(true);
  });
});
