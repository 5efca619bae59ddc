import { describe, it, expect, beforeAll } from 'vitest';
import { RandomCutForest, MissingValueError } from '../../src/forest/forest';
import { instantiateKernel, Column, SCORE, UPDATE, SCORE_UNIT } from '../../src/kernel/kernel';

const wasm = new URL('../../build/rcf.wasm', import.meta.url);
let module: WebAssembly.Module;
beforeAll(async () => {
  module = await RandomCutForest.compile(wasm);
});

function noisySine(rows: number, seed = 1): Float64Array {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Float64Array.from({ length: rows }, (_, i) => Math.sin(i / 10) + 0.05 * (rand() - 0.5));
}

describe('RandomCutForest (the orchestrator)', () => {
  it('feeds the kernel shingles of the last shingleSize rows, oldest first, scoring from row outputAfter', async () => {
    const values = noisySine(700);
    const S = 4;
    const forest = RandomCutForest.fromModule({ numberOfTrees: 10, sampleSize: 64, shingleSize: S, seed: 5 }, module);
    const scores = forest.process(values);
    // the same stream through the kernel by hand
    const k = await instantiateKernel(wasm);
    k.configure(10, 64, S, 0, 5, 1 / 640, 0, 1);
    const expected: number[] = [];
    for (let t = 0; t < values.length; t++) {
      if (t < S - 1) {
        expected.push(NaN);
        continue;
      }
      new Float64Array(k.memory.buffer, k.column(Column.input), S).set(values.subarray(t - S + 1, t + 1));
      const flags = t >= 16 ? SCORE | UPDATE : UPDATE;
      k.process(1, flags);
      expected.push(flags & SCORE ? new Float64Array(k.memory.buffer, k.column(Column.output), 1)[0] / (SCORE_UNIT * 10) : NaN);
    }
    expect(Array.from(scores)).toEqual(expected);
    expect(scores.findIndex((v) => !Number.isNaN(v))).toBe(16); // outputAfter = sampleSize / 4
  });

  it('gives the same scores whatever the chunking, and again after reset', () => {
    const values = noisySine(3000);
    const a = RandomCutForest.fromModule({ seed: 3 }, module).process(values);
    const forest = RandomCutForest.fromModule({ seed: 3 }, module);
    const parts: number[] = [];
    for (let i = 0; i < values.length; i += 777) parts.push(...forest.process(values.subarray(i, i + 777)));
    expect(parts).toEqual(Array.from(a));
    forest.reset();
    expect(Array.from(forest.process(values))).toEqual(Array.from(a));
    const other = RandomCutForest.fromModule({ seed: 4 }, module).process(values);
    expect(Array.from(other)).not.toEqual(Array.from(a));
  });

  it('attribution sums to the score (to 1e-9) and points at the column and time offset that moved', () => {
    const rows = 1500;
    const m = 2;
    const data = new Float64Array(rows * m);
    const wave = noisySine(rows, 9);
    for (let i = 0; i < rows; i++) {
      data[i * m] = wave[i];
      data[i * m + 1] = 100 + 10 * wave[(i + 5) % rows];
    }
    data[1200 * m + 1] += 400; // column 1 jumps up at row 1200
    const S = 2;
    const forest = RandomCutForest.fromModule({ inputDimensions: m, shingleSize: S, normalize: true, seed: 1 }, module);
    const D = S * m;
    const attribution = new Float64Array(rows * 2 * D);
    const scores = forest.process(data, undefined, { attribution });
    let checked = 0;
    for (let r = 0; r < rows; r++) {
      const part = attribution.subarray(r * 2 * D, (r + 1) * 2 * D);
      if (Number.isNaN(scores[r])) {
        expect(Number.isNaN(part[0])).toBe(true);
        continue;
      }
      expect(Math.abs(part.reduce((x, y) => x + y, 0) - scores[r])).toBeLessThan(1e-9);
      checked++;
    }
    expect(checked).toBeGreaterThan(1000);
    const at = attribution.subarray(1200 * 2 * D, 1201 * 2 * D);
    // shingled dimensions: [row t-1 col 0, row t-1 col 1, row t col 0, row t col 1]; high part first
    const biggest = at.indexOf(Math.max(...at));
    expect(biggest).toBe(3); // the newest row's column 1, too high
  });

  it('scoringMode codisp reports expected collusive displacement: large for outliers, at most the sample mass', () => {
    const values = noisySine(2000);
    values[1500] = 8;
    const forest = RandomCutForest.fromModule({ scoringMode: 'codisp', sampleSize: 128, seed: 2 }, module);
    const s = forest.process(values);
    const finite = Array.from(s).filter((v) => !Number.isNaN(v));
    expect(Math.max(...finite)).toBeLessThanOrEqual(128);
    expect(Math.min(...finite)).toBeGreaterThan(0);
    const sorted = [...finite].sort((a, b) => a - b);
    expect(s[1500]).toBeGreaterThan(10 * sorted[sorted.length >> 1]);
  });

  describe('missing and non-finite values never reach the trees', () => {
    const withHoles = () => {
      const v = noisySine(1200);
      v[300] = NaN;
      v[301] = Infinity;
      return v;
    };
    const finiteScores = (s: Float64Array, from: number) => Array.from(s.subarray(from)).every((x) => Number.isFinite(x));

    it('carry (default): the previous value is used and the row marked imputed', () => {
      const imputed = new Uint8Array(1200);
      const forest = RandomCutForest.fromModule({ seed: 1 }, module);
      const s = forest.process(withHoles(), undefined, { imputed });
      expect(finiteScores(s, 64)).toBe(true);
      expect([imputed[299], imputed[300], imputed[301]]).toEqual([0, 1, 1]);
      expect(forest.imputed).toBe(2);
      // identical to feeding the carried values explicitly
      const explicit = withHoles();
      explicit[300] = explicit[299];
      explicit[301] = explicit[299];
      expect(Array.from(RandomCutForest.fromModule({ seed: 1 }, module).process(explicit))).toEqual(Array.from(s));
    });

    it('zero fills with 0', () => {
      const explicit = withHoles();
      explicit[300] = explicit[301] = 0;
      const a = RandomCutForest.fromModule({ missingValues: 'zero', seed: 1 }, module).process(withHoles());
      expect(Array.from(a)).toEqual(Array.from(RandomCutForest.fromModule({ seed: 1 }, module).process(explicit)));
    });

    it('skip leaves the row out: no score, not seen', () => {
      const imputed = new Uint8Array(1200);
      const forest = RandomCutForest.fromModule({ missingValues: 'skip', seed: 1 }, module);
      const s = forest.process(withHoles(), undefined, { imputed });
      expect([s[300], s[301]].every(Number.isNaN)).toBe(true);
      expect([imputed[300], imputed[301]]).toEqual([2, 2]);
      expect(forest.rowsSeen).toBe(1198);
      expect(Number.isFinite(s[1199])).toBe(true);
    });

    it('error stops at the bad value, names row and column, and keeps what was processed', () => {
      const forest = RandomCutForest.fromModule({ missingValues: 'error', seed: 1 }, module);
      const out = new Float64Array(1200).fill(-1);
      expect(() => forest.process(withHoles(), out)).toThrow(MissingValueError);
      expect(forest.rowsSeen).toBe(300);
      expect(Number.isFinite(out[299])).toBe(true);
      try {
        forest.process(withHoles().subarray(300));
      } catch (e) {
        expect((e as MissingValueError).row).toBe(0);
        expect((e as Error).message).toMatch(/Row 1 has a missing or non-finite value \(NaN\) in input column 1/);
      }
    });

    it('a finite value beyond f32 (1e300) is kept as the largest f32, an extreme value, and counted', () => {
      const v = noisySine(1200);
      v[700] = -1e300;
      const forest = RandomCutForest.fromModule({ seed: 1 }, module);
      const s = forest.process(v);
      expect(forest.stats().clampedRows).toBe(1);
      expect(s[700]).toBe(Math.max(...Array.from(s).filter(Number.isFinite)));
      const same = noisySine(1200);
      same[700] = -3.4028234663852886e38;
      expect(Array.from(RandomCutForest.fromModule({ seed: 1 }, module).process(same))).toEqual(Array.from(s));
      for (let i = 701; i < 1200; i++) expect(Number.isFinite(s[i])).toBe(true);
    });

    it('confidence: the share of the shingle\'s rows as read; a filled-in value lowers it while it is in the shingle', () => {
      const v = noisySine(400);
      v[300] = NaN;
      const confidence = new Float64Array(400);
      RandomCutForest.fromModule({ shingleSize: 4, seed: 1 }, module).process(v, undefined, { confidence });
      expect(Array.from(confidence.subarray(298, 306))).toEqual([1, 1, 0.75, 0.75, 0.75, 0.75, 1, 1]);
      const skipped = new Float64Array(400);
      RandomCutForest.fromModule({ shingleSize: 4, missingValues: 'skip', seed: 1 }, module).process(v, undefined, { confidence: skipped });
      expect(Number.isNaN(skipped[300])).toBe(true);
      expect(skipped[301]).toBe(1);
    });

    it('carry with nothing to carry yet skips the row', () => {
      const v = noisySine(200);
      v[0] = NaN;
      const forest = RandomCutForest.fromModule({ seed: 1 }, module);
      const s = forest.process(v);
      expect(Number.isNaN(s[0])).toBe(true);
      expect(forest.rowsSeen).toBe(199);
    });
  });

  it('normalize makes a column in thousands count as much as one in fractions', () => {
    const rows = 3000;
    const data = new Float64Array(rows * 2);
    const a = noisySine(rows, 1);
    const b = noisySine(rows, 2);
    for (let i = 0; i < rows; i++) {
      data[2 * i] = 0.01 * a[i];
      data[2 * i + 1] = 5000 * b[(i + 17) % rows];
    }
    data[2 * 2500] += 0.2; // a large jump of the small column
    const plain = RandomCutForest.fromModule({ inputDimensions: 2, seed: 1 }, module).process(data);
    const scaled = RandomCutForest.fromModule({ inputDimensions: 2, normalize: true, seed: 1 }, module).process(data);
    const rank = (s: Float64Array, i: number) => Array.from(s).filter((x) => x > s[i]).length;
    expect(rank(scaled, 2500)).toBe(0);
    expect(rank(plain, 2500)).toBeGreaterThan(0);
  });

  it('validates options with messages that name the option', () => {
    expect(() => RandomCutForest.fromModule({ numberOfTrees: 0 }, module)).toThrow(/numberOfTrees must be a whole number from 1 to 1,000; got 0/);
    expect(() => RandomCutForest.fromModule({ sampleSize: 2.5 }, module)).toThrow(/sampleSize/);
    expect(() => RandomCutForest.fromModule({ timeDecay: -1 }, module)).toThrow(/timeDecay/);
    expect(() => RandomCutForest.fromModule({ scoringMode: 'x' as 'score' }, module)).toThrow(/scoringMode must be one of score, codisp/);
    expect(() => RandomCutForest.fromModule({ missingValues: 'y' as 'carry' }, module)).toThrow(/missingValues/);
  });
});
