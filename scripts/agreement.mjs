#!/usr/bin/env node
/**
 * Agreement with Amazon's Random Cut Forest on the NAB files that have reference scores.
 *
 * For every file under <reference>/<group>/<name>.rcf-seed1.csv (Amazon's Java RCF 4.3: 100 trees, sample
 * 256, shingle 8, time decay 1/2560, output after 64 points, seeds 1 and 2; see <reference>/../README.md),
 * runs our kernel with the same parameters on <data>/<group>/<name>.csv (score, then update, row by row)
 * and prints: rows, Spearman rank correlation of ours vs Amazon seed 1, of Amazon seed 2 vs seed 1 (how
 * much two runs of the same algorithm differ by chance), and the median scores, all over the rows after
 * the first `--skip` (warm-up).
 *
 * Plain JavaScript on purpose: runs with Node 20 as is, against the built kernel.
 *   npx asc assembly/index.ts --target release && node scripts/agreement.mjs [--seed 1] [--skip 300]
 *     [--reference /work/shared/reference/amazon-rcf] [--data /work/shared/data/nab/data] [--json]
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const REFERENCE = option('reference', '/work/shared/reference/amazon-rcf');
const DATA = option('data', '/work/shared/data/nab/data');
const SEED = BigInt(option('seed', '1'));
const SKIP = Number(option('skip', '300'));
const JSON_OUT = args.includes('--json');

// the configuration of Amazon's reference run
const TREES = 100;
const SAMPLE_SIZE = 256;
const SHINGLE = 8;
const TIME_DECAY = 1 / (10 * SAMPLE_SIZE);
const OUTPUT_AFTER = SAMPLE_SIZE / 4;
const BATCH = 1024;
const SCORE = 1;
const UPDATE = 2;
const SCORE_UNIT = 2 ** 32;

const wasmPath = new URL('../build/rcf.wasm', import.meta.url);
if (!existsSync(wasmPath)) {
  console.error('build/rcf.wasm is missing: run `npx asc assembly/index.ts --target release` first.');
  process.exit(1);
}
const module = await WebAssembly.compile(readFileSync(wasmPath));

function kernelInstance() {
  return new WebAssembly.Instance(module, {
    env: {
      abort(_m, _f, line, col) {
        throw new Error(`RCF kernel aborted at line ${line}, column ${col}.`);
      },
    },
  }).exports;
}

/** Our scores, one per row (0 where Amazon reports 0: before row OUTPUT_AFTER). */
export function ourScores(values, seed = SEED) {
  const k = kernelInstance();
  const D = SHINGLE;
  if (!k.configure(TREES, SAMPLE_SIZE, D, Number(seed >> 32n), Number(seed & 0xffffffffn), TIME_DECAY, 0, BATCH)) {
    throw new Error('configure failed');
  }
  const out = new Float64Array(values.length);
  let pending = []; // rows waiting in the input column
  let flags = 0;
  const flush = () => {
    if (!pending.length) return;
    const input = new Float64Array(k.memory.buffer, k.column(0), BATCH * D);
    pending.forEach((row, i) => input.set(values.slice(row - D + 1, row + 1), i * D));
    k.process(pending.length, flags);
    if (flags & SCORE) {
      const output = new Float64Array(k.memory.buffer, k.column(1), pending.length);
      pending.forEach((row, i) => (out[row] = output[i] / (SCORE_UNIT * TREES)));
    }
    pending = [];
  };
  for (let row = D - 1; row < values.length; row++) {
    const f = row >= OUTPUT_AFTER ? SCORE | UPDATE : UPDATE;
    if (pending.length && (f !== flags || pending.length === BATCH)) flush();
    flags = f;
    pending.push(row);
  }
  flush();
  return out;
}

/** Ranks 1..n, ties sharing their average rank. */
function ranks(xs) {
  const order = Array.from(xs.keys()).sort((a, b) => xs[a] - xs[b]);
  const r = new Float64Array(xs.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && xs[order[j + 1]] === xs[order[i]]) j++;
    for (let m = i; m <= j; m++) r[order[m]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

export function spearman(a, b) {
  const ra = ranks(a), rb = ranks(b);
  const n = a.length;
  let ma = 0, mb = 0;
  for (let i = 0; i < n; i++) { ma += ra[i]; mb += rb[i]; }
  ma /= n; mb /= n;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < n; i++) {
    const x = ra[i] - ma, y = rb[i] - mb;
    sab += x * y; saa += x * x; sbb += y * y;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

export function median(xs) {
  const s = Array.from(xs).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The second column of a CSV with a header line, as numbers. */
function column2(path) {
  return readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1).map((line) => Number(line.split(',')[1]));
}

const rows = [];
for (const group of readdirSync(REFERENCE).sort()) {
  const dir = join(REFERENCE, group);
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.rcf-seed1.csv')).sort()) {
    const name = file.replace(/\.rcf-seed1\.csv$/, '');
    const values = column2(join(DATA, group, `${name}.csv`));
    const amazon1 = column2(join(dir, `${name}.rcf-seed1.csv`));
    const amazon2 = column2(join(dir, `${name}.rcf-seed2.csv`));
    if (amazon1.length !== values.length || amazon2.length !== values.length) {
      throw new Error(`${group}/${name}: ${values.length} data rows, ${amazon1.length} and ${amazon2.length} reference rows`);
    }
    const ours = ourScores(values);
    const tail = (xs) => Array.from(xs).slice(SKIP);
    rows.push({
      file: `${group}/${name}`,
      rows: values.length,
      oursVsSeed1: spearman(tail(ours), tail(amazon1)),
      seed2VsSeed1: spearman(tail(amazon2), tail(amazon1)),
      medianOurs: median(tail(ours)),
      medianAmazon: median(tail(amazon1)),
    });
  }
}

if (JSON_OUT) {
  console.log(JSON.stringify(rows, null, 2));
} else {
  const f3 = (x) => (Number.isNaN(x) ? 'n/a' : x.toFixed(3));
  console.log(`Ours (seed ${SEED}) vs Amazon RCF 4.3; ${TREES} trees, sample ${SAMPLE_SIZE}, shingle ${SHINGLE}, rows ${SKIP}+\n`);
  console.log('| file | rows | Spearman ours vs seed1 | Spearman seed2 vs seed1 | difference | median ours | median Amazon | ratio |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    console.log(
      `| ${r.file} | ${r.rows} | ${f3(r.oursVsSeed1)} | ${f3(r.seed2VsSeed1)} | ${f3(r.oursVsSeed1 - r.seed2VsSeed1)} | ` +
        `${f3(r.medianOurs)} | ${f3(r.medianAmazon)} | ${f3(r.medianOurs / r.medianAmazon)} |`,
    );
  }
}
