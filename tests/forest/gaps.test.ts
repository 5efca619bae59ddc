/**
 * Gaps in time (src/forest/gaps.ts), filled the same whatever the chunks; and filled gaps through the
 * command line (--gaps) and the worker API (score({ gaps })), where fill rows teach the forest but are
 * never rows of the output.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { GapFiller, gather, usualStep } from '../../src/forest/gaps';
import { createForestApi } from '../../src/worker/forest-api';
import { RandomCutForest } from '../../src/forest/forest';
import { parseCsvText } from '../../src/ingest';
import { run } from '../cli/helpers';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MIN = 60_000;

describe('GapFiller', () => {
  it('the usual step is the median positive step of the first rows', () => {
    expect(usualStep([0, MIN, 2 * MIN, 2 * MIN, 3 * MIN, 100 * MIN, 101 * MIN])).toBe(MIN);
    expect(usualStep([NaN, 5, NaN, 10, 20])).toBe(10); // steps 5 and 10 (NaN skipped): the upper median
    expect(usualStep([3, 3, 3])).toBeNaN();
  });

  it('fills a gap with one row per missing step: zeros, or the last row carried', () => {
    const time = [0, MIN, 2 * MIN, 10 * MIN, 11 * MIN];
    const rows = Float64Array.from([1, 10, 2, 20, 3, 30, 4, 40, 5, 50]);
    const zero = new GapFiller('zero', 2, MIN, 256).fill(rows, time);
    expect(Array.from(zero.at)).toEqual([0, 1, 2, 10, 11]); // 7 missing steps between minute 2 and minute 10
    expect(Array.from(zero.rows.subarray(6, 20))).toEqual(new Array(14).fill(0));
    const carry = new GapFiller('carry', 2, MIN, 256);
    const c = carry.fill(rows, time);
    expect(Array.from(c.rows.subarray(6, 20))).toEqual(Array.from({ length: 14 }, (_, i) => (i % 2 ? 30 : 3)));
    expect(Array.from(c.rows.subarray(20, 24))).toEqual([4, 40, 5, 50]);
    expect(carry.describe()).toBe('1 gap filled with 7 rows of the values before them');
    // a step up to 5 × the usual one is not a gap; a backward or missing time is none either
    expect(new GapFiller('zero', 1, MIN, 256).fill(Float64Array.from([1, 2, 3, 4]), [0, 5 * MIN, 4 * MIN, NaN]).rows.length).toBe(4);
    // 'leave' fills nothing
    expect(new GapFiller('leave', 2, MIN, 256).fill(rows, time).rows).toEqual(rows);
  });

  it('fills at most maxPerGap rows per gap, and says so', () => {
    const f = new GapFiller('zero', 1, MIN, 16);
    const out = f.fill(Float64Array.from([1, 2, 3]), [0, 1000 * MIN, 3000 * MIN]);
    expect(Array.from(out.at)).toEqual([0, 17, 34]);
    expect(f.describe()).toBe('2 gaps filled with 32 rows of zeros (2 gaps were longer than 16 rows: filled with 16)');
  });

  it('gives the same rows whatever the chunks (random times and cuts)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(1), fc.constant(1), fc.integer({ min: 0, max: 40 }), fc.constant(NaN)), { minLength: 2, maxLength: 120 }),
        fc.array(fc.nat(120), { maxLength: 6 }),
        fc.constantFrom('zero' as const, 'carry' as const),
        (steps, cuts, policy) => {
          const time: number[] = [];
          let t = 0;
          for (const s of steps) time.push(s !== s ? NaN : (t += s * MIN));
          const rows = Float64Array.from(time, (_, i) => i + 0.5);
          const whole = new GapFiller(policy, 1, MIN, 8).fill(rows, time);
          const f = new GapFiller(policy, 1, MIN, 8);
          const parts: number[] = [];
          const at: number[] = [];
          let from = 0;
          for (const cut of [...new Set(cuts.filter((c) => c < rows.length))].sort((a, b) => a - b).concat(rows.length)) {
            const part = f.fill(rows.subarray(from, cut), time.slice(from, cut));
            at.push(...Array.from(part.at, (a) => a + parts.length));
            parts.push(...part.rows);
            from = cut;
          }
          expect(parts).toEqual(Array.from(whole.rows));
          expect(at).toEqual(Array.from(whole.at));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gather takes the rows of the file out from among the fill rows', () => {
    const into = new Float64Array(4);
    gather(Float64Array.from([1, 2, 0, 0, 0, 0, 3, 4]), Int32Array.from([0, 3]), 2, into);
    expect(Array.from(into)).toEqual([1, 2, 3, 4]);
  });
});

/** A minute series with a 5-hour hole at row 1500 and a jump right after it. */
function gapCsv(): string {
  let text = 'time,value\n';
  let t = Date.UTC(2024, 0, 1);
  for (let i = 0; i < 2500; i++) {
    if (i === 1500) t += 300 * MIN;
    text += `${new Date(t).toISOString().slice(0, 19).replace('T', ' ')},${(10 + Math.sin(i / 20) + (i >= 1500 ? 4 : 0)).toFixed(3)}\n`;
    t += MIN;
  }
  return text;
}

describe('filled gaps, end to end', () => {
  it('the worker API scores the file rows only, the same for any chunk size, as a forest fed the fill rows would', async () => {
    const api = createForestApi(new URL('../../build/rcf.wasm', import.meta.url));
    const text = gapCsv();
    await api.loadCsv(text, 'gap.csv');
    const options = { numberOfTrees: 20, sampleSize: 64, seed: 5 };
    const runs = [];
    for (const chunkRows of [64, 1000, 4096]) {
      const scores = new Float64Array(2500).fill(NaN);
      const summary = await api.score({ options, gaps: 'zero', chunkRows }, (c) => void scores.set(c.scores, c.start));
      expect(summary.rows).toBe(2500);
      expect(summary.gaps).toBe('1 gap filled with 64 rows of zeros (1 gap was longer than 64 rows: filled with 64)');
      runs.push(scores);
    }
    expect(Array.from(runs[1]!)).toEqual(Array.from(runs[0]!));
    expect(Array.from(runs[2]!)).toEqual(Array.from(runs[0]!));
    // what a forest gives on the rows with the 64 zero rows put in before row 1500
    const values = parseCsvText(text).numeric.get('value')!;
    const fed = new Float64Array(2500 + 64);
    fed.set(values.subarray(0, 1500));
    fed.set(values.subarray(1500), 1564);
    const forest = await RandomCutForest.create(options, new URL('../../build/rcf.wasm', import.meta.url));
    const all = forest.process(fed);
    expect(Array.from(runs[0]!.subarray(0, 1500))).toEqual(Array.from(all.subarray(0, 1500)));
    expect(Array.from(runs[0]!.subarray(1500))).toEqual(Array.from(all.subarray(1564)));
    // explanations and expected values replay the same rows: explain() of an alerting row works, and the
    // export has one line per row of the file
    const expected = await api.expectedValues();
    if (expected.length) expect((await api.explain(expected[0]!.row))?.row).toBe(expected[0]!.row);
    expect((await (await api.exportCsv()).text()).trim().split('\n')).toHaveLength(2501);
    // leave: no fill; and a file without a time column cannot fill gaps
    expect((await api.score({ options, gaps: 'leave' })).gaps).toBeNull();
    await api.loadCsv('value\n1\n2\n3\n', 'plain.csv');
    await expect(api.score({ gaps: 'carry' })).rejects.toThrow(/has no time column; use gaps: 'leave'/);
    await expect(api.score({ gaps: 'fill' as never })).rejects.toThrow(/gaps must be one of leave, zero, carry; got fill/);
    await api.dispose();
  });

  it('rcf score --gaps: the same rows out, scores after the gap as the fill rows make them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcf-gaps-'));
    try {
      const file = join(dir, 'gap.csv');
      writeFileSync(file, gapCsv());
      const base = ['score', file, '--trees', '20', '--sample-size', '64', '--seed', '5', '--no-expected'];
      const leave = await run(base);
      const zero = await run([...base, '--gaps', 'zero']);
      const carry = await run([...base, '--gaps', 'carry']);
      for (const r of [leave, zero, carry]) expect(r.code).toBe(0);
      const rows = (r: { stdout: string }) => parseCsvText(r.stdout);
      expect(rows(zero).rows).toBe(2500);
      const s = (r: { stdout: string }) => rows(r).numeric.get('score')!;
      expect(Array.from(s(zero).subarray(0, 1500))).toEqual(Array.from(s(leave).subarray(0, 1500)));
      expect(s(zero)[1500]).not.toBe(s(leave)[1500]);
      expect(s(carry)[1500]).not.toBe(s(zero)[1500]);
      expect(zero.stderr).toMatch(/1 gap filled with 64 rows of zeros \(1 gap was longer than 64 rows: filled with 64\)/);
      expect(leave.stderr).toMatch(/The gaps option says what scoring does with them: leave \(the default\) scores across them; zero or carry fills them first\./);
      const bad = await run([...base, '--gaps', 'fill']);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/--gaps takes one of leave, zero, carry; got "fill"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
