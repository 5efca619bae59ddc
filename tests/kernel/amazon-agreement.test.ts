/**
 * Agreement with Amazon's Random Cut Forest (Java 4.3) on one NAB file (tests/fixtures/amazon/README.md).
 * Amazon's run: 100 trees, sample 256, shingle 8, time decay 1/2560, output after 64 points; score, then
 * update, per row. Our scores differ from Amazon's by chance (other random numbers), as much as two Amazon
 * seeds differ from each other: so the test compares our rank agreement with Amazon seed 1 against
 * Amazon seed 2's, after the warm-up. scripts/agreement.mjs does the same for every reference file.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import type { KernelExports } from '../../src/kernel/kernel';
import { KernelForest, loadKernel, SCORE, UPDATE, SCORE_UNIT } from './kernel-memory';

const FIXTURES = new URL('../fixtures/amazon/', import.meta.url);
const NAME = 'ec2_request_latency_system_failure';

/** The second column of a CSV with a header line, as numbers. */
function column2(file: string): number[] {
  const text = readFileSync(new URL(file, FIXTURES), 'utf8');
  return text.trim().split(/\r?\n/).slice(1).map((line) => Number(line.split(',')[1]));
}

/** Ranks 1..n, ties sharing their average rank. */
function ranks(xs: readonly number[]): number[] {
  const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b]);
  const r = new Array<number>(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && xs[order[j + 1]] === xs[order[i]]) j++;
    for (let m = i; m <= j; m++) r[order[m]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation: Pearson's correlation of the (tie-averaged) ranks. */
function spearman(a: readonly number[], b: readonly number[]): number {
  const ra = ranks(a), rb = ranks(b);
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const ma = mean(ra), mb = mean(rb);
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < ra.length; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) ** 2;
    sbb += (rb[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const TREES = 100;
const SAMPLE_SIZE = 256;
const SHINGLE = 8;
const OUTPUT_AFTER = SAMPLE_SIZE / 4; // Amazon's default: the first score is at row 64
const SKIP = 300; // warm-up rows left out of the comparison
/**
 * How far below Amazon's own seed-to-seed agreement ours may fall. Measured on this file: Amazon seed 2
 * vs seed 1 = 0.974; ours (seeds 1..12) vs Amazon seed 1 = 0.967 to 0.974, so chance alone costs up to
 * 0.007. A 0.02 drop is about three times that: the kernel computes something else.
 */
const MARGIN = 0.02;

describe(`agreement with Amazon RCF on NAB ${NAME}`, () => {
  let values: number[];
  let amazon1: number[];
  let amazon2: number[];
  let ours: number[];

  beforeAll(async () => {
    values = column2(`${NAME}.csv`);
    amazon1 = column2(`${NAME}.rcf-seed1.csv`);
    amazon2 = column2(`${NAME}.rcf-seed2.csv`);
    const k: KernelExports = await loadKernel();
    const batch = 512;
    const f = new KernelForest(k, {
      trees: TREES, sampleSize: SAMPLE_SIZE, dimensions: SHINGLE, seed: 1n, timeDecay: 1 / (10 * SAMPLE_SIZE), batch,
    });
    // row t's point is the shingle of values t-7 .. t (oldest first); rows 0..6 have none. Rows before
    // OUTPUT_AFTER only update; later rows are scored, then update (Amazon reports 0 before that)
    ours = new Array<number>(values.length).fill(0);
    let pending: number[] = [];
    let flags = 0;
    const flush = () => {
      if (!pending.length) return;
      const out = f.process(pending.map((t) => values.slice(t - SHINGLE + 1, t + 1)), flags);
      if (flags & SCORE) pending.forEach((t, i) => (ours[t] = out[i] / (SCORE_UNIT * TREES)));
      pending = [];
    };
    for (let t = SHINGLE - 1; t < values.length; t++) {
      const want = t >= OUTPUT_AFTER ? SCORE | UPDATE : UPDATE;
      if (pending.length && (want !== flags || pending.length === batch)) flush();
      flags = want;
      pending.push(t);
    }
    flush();
  });

  it('the fixtures line up: one reference score per data row, the first one at row 64', () => {
    expect(values).toHaveLength(4032);
    expect(amazon1).toHaveLength(values.length);
    expect(amazon2).toHaveLength(values.length);
    expect(amazon1.findIndex((s) => s !== 0)).toBe(OUTPUT_AFTER);
    expect(ours.findIndex((s) => s !== 0)).toBe(OUTPUT_AFTER);
    expect(ours.every(Number.isFinite)).toBe(true);
  });

  it(`ranks rows like Amazon seed 1, at least as well as Amazon seed 2 does (minus ${MARGIN})`, () => {
    const oursVs1 = spearman(ours.slice(SKIP), amazon1.slice(SKIP));
    const seed2Vs1 = spearman(amazon2.slice(SKIP), amazon1.slice(SKIP));
    expect(seed2Vs1).toBeGreaterThan(0.9); // sanity: the reference runs agree with each other
    expect(oursVs1).toBeGreaterThanOrEqual(seed2Vs1 - MARGIN);
  });

  it("has a median score within 25% of Amazon's", () => {
    const mine = median(ours.slice(SKIP));
    const theirs = median(amazon1.slice(SKIP));
    expect(mine / theirs).toBeGreaterThan(0.75);
    expect(mine / theirs).toBeLessThan(1.25);
  });
});
