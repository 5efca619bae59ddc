/**
 * The sharded forest against the forest in one thread: bit-identical scores for 1, 2, 3 and 4 shards on
 * seeded streams (one column, several columns with missing values and normalisation, codisp), attribution
 * to 1e-9, the same imputed flags and statistics, chunking, queued calls, reset, errors and failures. The
 * shards are real worker_threads workers running src/pool/shard.ts.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { RandomCutForest, MissingValueError } from '../../src/forest/forest';
import { ShardedForest } from '../../src/pool/sharded-forest';
import { ShardPool, defaultPoolSize, type ShardEndpoint } from '../../src/pool/pool';
import { spawnNodeShard } from '../../src/pool/node-shard';
import type { ForestOptionsInput } from '../../src/shared/options';

const wasm = new URL('../../build/rcf.wasm', import.meta.url);
let module: WebAssembly.Module;
const pools = new Map<number, ShardPool>();
const SHARDS = [1, 2, 3, 4];

beforeAll(async () => {
  module = await RandomCutForest.compile(wasm);
  for (const n of SHARDS) pools.set(n, await ShardPool.create(n, module));
});
afterAll(() => {
  for (const p of pools.values()) p.dispose();
});

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

function noisySine(rows: number, seed = 1): Float64Array {
  const rand = lcg(seed);
  return Float64Array.from({ length: rows }, (_, i) => Math.sin(i / 10) + 0.05 * (rand() - 0.5));
}

/** Three columns on different scales, with a few holes and a jump. */
function threeColumns(rows: number): Float64Array {
  const rand = lcg(11);
  const out = new Float64Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    out[3 * r] = Math.sin(r / 7) + 0.1 * rand();
    out[3 * r + 1] = 1000 + 300 * Math.cos(r / 13) + 20 * rand();
    out[3 * r + 2] = 0.001 * (r % 50) + 0.0005 * rand();
  }
  out[3 * 400 + 1] = NaN;
  out[3 * 401] = Infinity;
  out[3 * 900 + 2] = NaN;
  out[3 * 1500 + 1] += 5000;
  return out;
}

const streams: { name: string; options: ForestOptionsInput; data: Float64Array }[] = [
  { name: 'one column, shingle 4', options: { numberOfTrees: 20, sampleSize: 64, shingleSize: 4, seed: 7 }, data: noisySine(2500, 3) },
  {
    name: 'three columns, normalised, missing values, 13 trees, a seed above 2^32',
    options: { numberOfTrees: 13, sampleSize: 32, shingleSize: 2, inputDimensions: 3, normalize: true, seed: 123456789012 },
    data: threeColumns(2000),
  },
  { name: 'codisp', options: { numberOfTrees: 10, sampleSize: 128, scoringMode: 'codisp', seed: 2 }, data: noisySine(2200, 5) },
];

/** Bit for bit: Object.is tells every f64 apart but NaNs (all NaN here is the one NaN the host writes). */
function expectIdentical(a: Float64Array, b: Float64Array) {
  expect(a.length).toBe(b.length);
  let differ = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) differ++;
  expect(differ).toBe(0);
}

describe('ShardedForest', () => {
  for (const s of streams) {
    it(`gives one forest's scores bit for bit on 1, 2, 3 and 4 shards: ${s.name}`, async () => {
      const rows = s.data.length / (s.options.inputDimensions ?? 1);
      const local = RandomCutForest.fromModule(s.options, module);
      const imputedLocal = new Uint8Array(rows);
      const expected = local.process(s.data, undefined, { imputed: imputedLocal });
      expect(expected.filter((v) => Number.isFinite(v)).length).toBeGreaterThan(rows / 2);
      for (const n of SHARDS) {
        const forest = await ShardedForest.create(s.options, module, { pool: pools.get(n)! });
        expect(forest.workers).toBe(n);
        const imputed = new Uint8Array(rows);
        const scores = await forest.process(s.data, undefined, { imputed });
        expectIdentical(scores, expected);
        expect(Array.from(imputed)).toEqual(Array.from(imputedLocal));
        const [a, b] = [forest.stats(), local.stats()];
        expect([a.rowsSeen, a.updates, a.imputedRows, a.skippedRows]).toEqual([b.rowsSeen, b.updates, b.imputedRows, b.skippedRows]);
        if (n === 1) expect([a.pointsStored, a.memoryBytes]).toEqual([b.pointsStored, b.memoryBytes]);
        await forest.dispose();
      }
    });
  }

  it('attribution: scores still bit for bit, attribution to 1e-9, NaN where there is no score', async () => {
    const s = streams[1]!;
    const rows = s.data.length / 3;
    const W = 2 * 2 * 3;
    const expectedAttribution = new Float64Array(rows * W);
    const expected = RandomCutForest.fromModule(s.options, module).process(s.data, undefined, { attribution: expectedAttribution });
    for (const n of [2, 3]) {
      const forest = await ShardedForest.create(s.options, module, { pool: pools.get(n)! });
      const attribution = new Float64Array(rows * W).fill(-1);
      const scores = await forest.process(s.data, undefined, { attribution });
      expectIdentical(scores, expected);
      let worst = 0;
      for (let q = 0; q < attribution.length; q++) {
        if (Number.isNaN(expectedAttribution[q])) expect(Number.isNaN(attribution[q])).toBe(true);
        else worst = Math.max(worst, Math.abs(attribution[q]! - expectedAttribution[q]!));
      }
      expect(worst).toBeLessThan(1e-9);
      await forest.dispose();
    }
  });

  it('is indifferent to chunking; queued calls run in order; reset starts over', async () => {
    const s = streams[0]!;
    const expected = RandomCutForest.fromModule(s.options, module).process(s.data);
    const forest = await ShardedForest.create(s.options, module, { pool: pools.get(3)! });
    // not awaited one by one: the calls queue up
    const parts = [];
    for (let i = 0; i < s.data.length; i += 333) parts.push(forest.process(s.data.subarray(i, i + 333)));
    const joined = new Float64Array(s.data.length);
    (await Promise.all(parts)).forEach((p, k) => joined.set(p, k * 333));
    expectIdentical(joined, expected);
    await forest.reset();
    expect(forest.rowsSeen).toBe(0);
    expectIdentical(await forest.process(s.data), expected);
    await forest.dispose();
  });

  it("missingValues 'error' rejects at the bad row after the rows before it were processed", async () => {
    const data = noisySine(3000);
    data[2100] = NaN;
    const options = { numberOfTrees: 8, sampleSize: 32, missingValues: 'error' as const, seed: 1 };
    const expected = new Float64Array(3000).fill(-1);
    expect(() => RandomCutForest.fromModule(options, module).process(data, expected)).toThrow(MissingValueError);
    const forest = await ShardedForest.create(options, module, { pool: pools.get(2)! });
    const out = new Float64Array(3000).fill(-1);
    const error = await forest.process(data, out).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingValueError);
    expect((error as MissingValueError).row).toBe(2100);
    expect(forest.rowsSeen).toBe(2100);
    expectIdentical(out, expected);
    // the stream goes on after the bad row
    const rest = await forest.process(data.subarray(2101));
    expect(Number.isFinite(rest[rest.length - 1])).toBe(true);
    await forest.dispose();
  });

  it('owns a pool when given a worker count: at most one shard per tree; dispose ends it', async () => {
    const forest = await ShardedForest.create({ numberOfTrees: 3, sampleSize: 16, seed: 9 }, module, { workers: 4 });
    expect(forest.workers).toBe(3);
    const data = noisySine(400);
    expectIdentical(await forest.process(data), RandomCutForest.fromModule({ numberOfTrees: 3, sampleSize: 16, seed: 9 }, module).process(data));
    await forest.dispose();
    await expect(forest.process(data)).rejects.toThrow(/disposed/);
  });

  it('rejects bad options and arguments as RandomCutForest does', async () => {
    const pool = pools.get(2)!;
    await expect(ShardedForest.create({ numberOfTrees: 0 }, module, { pool })).rejects.toThrow(/numberOfTrees must be a whole number/);
    const forest = await ShardedForest.create({ scoringMode: 'codisp' }, module, { pool });
    await expect(forest.process(new Float64Array(10), undefined, { attribution: new Float64Array(20) })).rejects.toThrow(
      /attribution needs scoringMode 'score'/,
    );
    const two = await ShardedForest.create({ inputDimensions: 2 }, module, { pool });
    await expect(two.process(new Float64Array(3))).rejects.toThrow(/whole rows of 2 values/);
    await Promise.all([forest.dispose(), two.dispose()]);
  });

  it('a worker that dies fails the calls waiting on it, and later ones, with the reason', async () => {
    const pool = await ShardPool.create(2, module, (i) => {
      const e = spawnNodeShard(i);
      if (i !== 1) return e;
      // shard 1 dies right after its first batch was sent to it
      let fail: (error: Error) => void = () => {};
      return {
        ...e,
        onFailure: (h) => {
          fail = h;
          e.onFailure(h);
        },
        postMessage: (m, t) => {
          e.postMessage(m, t);
          if (m.op === 'process') {
            e.terminate();
            fail(new Error('shard 1 was killed'));
          }
        },
      } satisfies ShardEndpoint;
    });
    const forest = await ShardedForest.create({ numberOfTrees: 4, sampleSize: 16 }, module, { pool });
    await expect(forest.process(noisySine(5000))).rejects.toThrow(/shard 1 was killed/);
    await expect(forest.process(noisySine(10))).rejects.toThrow(/shard 1 was killed/);
    pool.dispose();
  });
});

describe('defaultPoolSize', () => {
  it('one worker per core, at most 4; 1 below 2 cores or when unknown', () => {
    expect([undefined, 0, 1, 1.5, 2, 3, 4, 8, 64].map(defaultPoolSize)).toEqual([1, 1, 1, 1, 1, 2, 3, 4, 4]);
  });
});
