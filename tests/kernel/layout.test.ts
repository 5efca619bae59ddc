/**
 * The memory plan (assembly/layout.ts): what configure refuses, and what it returns (the forest's own
 * bytes, without the batch columns). The budget: 100 trees, sample 256, 8 dimensions in at most
 * 2.45 MB (Amazon's RCF takes about that much for the same forest).
 */
import { describe, it, expect, beforeAll } from 'vitest';
import type { KernelExports } from '../../src/kernel/kernel';
import { Column } from '../../src/kernel/kernel';
import { KernelForest, loadKernel } from './kernel-memory';

let k: KernelExports;
beforeAll(async () => {
  k = await loadKernel();
});

describe('configure', () => {
  it('refuses what 16-bit links and cut dimensions cannot address, and empty shapes', () => {
    expect(k.configure(1, 32768, 1, 0, 1, 0, 0, 1)).toBe(0);
    expect(k.configure(1, 4, 65536, 0, 1, 0, 0, 1)).toBe(0);
    expect(k.configure(0, 4, 1, 0, 1, 0, 0, 1)).toBe(0);
    expect(k.configure(1, 1, 1, 0, 1, 0, 0, 1)).toBe(0);
    expect(k.configure(1, 4, 0, 0, 1, 0, 0, 1)).toBe(0);
    expect(k.configure(1, 4, 1, 0, 1, 0, 0, 0)).toBe(0);
    expect(k.configure(1, 32767, 1, 0, 1, 0, 0, 1)).toBeGreaterThan(0);
    expect(k.configure(1, 4, 65535, 0, 1, 0, 0, 1)).toBeGreaterThan(0);
  });

  it('returns the forest bytes: every column but the batch columns', () => {
    for (const [trees, sampleSize, dimensions, batch] of [[100, 256, 8, 1024], [50, 256, 8, 64], [3, 16, 2, 1]]) {
      const f = new KernelForest(k, { trees, sampleSize, dimensions, seed: 1n, timeDecay: 1 / (10 * sampleSize), batch });
      expect(f.plannedBytes).toBe(f.forestBytes());
      const at = (id: number) => k.column(id);
      const batchColumns = at(Column.pointValue) - at(Column.forestEnd);
      // batch state, input and output, then the restore scratch (a byte per node and leaf, a u16 stack)
      const nodes = 2 * sampleSize - 1;
      const expected = batch * (8 + 8 * dimensions + 8 * (1 + 2 * dimensions)) + nodes + (nodes + 2) * 4;
      expect(batchColumns).toBeGreaterThanOrEqual(expected);
      expect(batchColumns).toBeLessThan(expected + 256);
    }
  });

  it('100 trees, sample 256, 8 dimensions: the boxes are most of it (the target is reported by npm run bench)', () => {
    const f = new KernelForest(k, { trees: 100, sampleSize: 256, dimensions: 8, seed: 1n, timeDecay: 1 / 2560, batch: 1024 });
    // the boxes alone: 100 trees x 255 nodes x 16 f32
    expect(f.plannedBytes).toBeGreaterThan(1_632_000);
    expect(f.plannedBytes).toBeLessThan(2 * 1_632_000);
  });
});
