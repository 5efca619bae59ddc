/**
 * The row pipeline alone (no kernel): how rows become batches of shingled points and flags.
 */
import { describe, it, expect } from 'vitest';
import { RowPipeline, BATCH, MissingValueError } from '../../src/forest/pipeline';
import { SCORE, UPDATE, CODISP, ATTRIBUTION } from '../../src/kernel/kernel';

const rows = (n: number) => Float64Array.from({ length: n }, (_, i) => i);

describe('RowPipeline', () => {
  it('cuts batches where the flags change and at BATCH points; points are the shingles, oldest first', () => {
    const p = new RowPipeline({ shingleSize: 3, outputAfter: 100 });
    const out = new Float64Array(2500).fill(7);
    const seen: { count: number; flags: number; first: number; firstPoint: number[] }[] = [];
    for (const b of p.batches(rows(2500), out)) {
      seen.push({ count: b.count, flags: b.flags, first: b.rows[0]!, firstPoint: Array.from(b.points.subarray(0, 3)) });
    }
    expect(seen).toEqual([
      { count: 98, flags: UPDATE, first: 2, firstPoint: [0, 1, 2] },
      { count: BATCH, flags: SCORE | UPDATE, first: 100, firstPoint: [98, 99, 100] },
      { count: BATCH, flags: SCORE | UPDATE, first: 1124, firstPoint: [1122, 1123, 1124] },
      { count: 2500 - 100 - 2 * BATCH, flags: SCORE | UPDATE, first: 2148, firstPoint: [2146, 2147, 2148] },
    ]);
    // rows without a score get NaN here; the others are the executor's to write
    expect(Array.from(out.subarray(0, 100)).every(Number.isNaN)).toBe(true);
    expect(out[100]).toBe(7);
    expect(p.rowsSeen).toBe(2500);
  });

  it('flags: CODISP in codisp mode, ATTRIBUTION when asked for', () => {
    const flagsOf = (p: RowPipeline, extra = {}) => [...p.batches(rows(10), new Float64Array(10), extra)].map((b) => b.flags);
    expect(flagsOf(new RowPipeline({ outputAfter: 0, scoringMode: 'codisp' }))).toEqual([SCORE | UPDATE | CODISP]);
    expect(flagsOf(new RowPipeline({ outputAfter: 0 }), { attribution: new Float64Array(20) })).toEqual([SCORE | UPDATE | ATTRIBUTION]);
  });

  it("missingValues 'error': the batch before the bad row comes out first, then the error", () => {
    const p = new RowPipeline({ outputAfter: 0, missingValues: 'error' });
    const data = rows(50);
    data[30] = NaN;
    const it = p.batches(data, new Float64Array(50));
    const first = it.next();
    expect(first.done).toBe(false);
    expect(first.value && first.value.count).toBe(30);
    expect(() => it.next()).toThrow(MissingValueError);
  });

  it('checks whole rows and room for attribution', () => {
    const p = new RowPipeline({ inputDimensions: 2, shingleSize: 2 });
    expect(() => p.rowCount(new Float64Array(5), {})).toThrow(/whole rows of 2 values; got 5/);
    expect(() => p.rowCount(new Float64Array(4), { attribution: new Float64Array(15) })).toThrow(/room for 2 × 8 values/);
    expect(p.rowCount(new Float64Array(4), { attribution: new Float64Array(16) })).toBe(2);
  });
});
