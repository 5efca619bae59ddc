// Benchmark: the forest's trees sharded over 1, 2 and 4 worker threads (src/pool), against the forest in
// this thread, on NAB machine_temperature (column value): 100 trees, sampleSize 256, shingleSize 8,
// score-then-update, the whole series in one process() call. Not a test.
//
// Run after `npx vite build -c vite.node.config.ts` (it uses dist/node):
//   node bench/workers.mjs            a table
//   node bench/workers.mjs --json     a JSON object
//   --reps N                          runs per row, the best counts (default 3; rows take turns, so a burst
//                                     of load elsewhere hurts all rows alike)
// Points/s are wall clock: worker threads run on other cores, so this process's CPU time would not tell.
// Other processes on the machine take cores too: the load average is printed before and after.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { RandomCutForest, ShardedForest, ShardPool, parseCsvText } from '../dist/node/index.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const repsAt = args.indexOf('--reps');
const reps = repsAt >= 0 ? Math.max(1, Number(args[repsAt + 1]) || 3) : 3;

const kernel = new URL('../build/rcf.wasm', import.meta.url);
const module = await RandomCutForest.compile(kernel);
const table = parseCsvText(readFileSync(new URL('../public/datasets/machine_temperature_system_failure.csv', import.meta.url), 'utf8'));
const values = table.numeric.get('value');
const options = { numberOfTrees: 100, sampleSize: 256, shingleSize: 8, seed: 1 };
const points = values.length;
const loadBefore = os.loadavg();

// the rows: 'thread' = RandomCutForest in this thread; a number = ShardedForest on a pool of that many workers
const rows = [{ workers: 'thread' }, { workers: 1 }, { workers: 2 }, { workers: 4 }];
for (const row of rows) {
  row.best = Infinity;
  row.times = [];
  if (row.workers !== 'thread') {
    const t0 = performance.now();
    row.pool = await ShardPool.create(row.workers, module);
    row.startMs = performance.now() - t0;
  }
}

let reference = null;
let identical = true;
for (let rep = 0; rep < reps; rep++) {
  for (const row of rows) {
    const forest = row.pool ? await ShardedForest.create(options, module, { pool: row.pool }) : RandomCutForest.fromModule(options, module);
    const t0 = performance.now();
    const scores = await forest.process(values);
    const ms = performance.now() - t0;
    if (row.pool) await forest.dispose();
    row.times.push(ms);
    row.best = Math.min(row.best, ms);
    // the same scores, bit for bit, whatever the workers
    if (!reference) reference = scores;
    else for (let i = 0; i < points; i++) if (!Object.is(scores[i], reference[i])) identical = false;
  }
}
for (const row of rows) row.pool?.dispose();

const base = rows[0].best;
const results = rows.map((r) => ({
  workers: r.workers,
  pointsPerSecond: Math.round(points / (r.best / 1000)),
  bestMs: Math.round(r.best),
  medianMs: Math.round([...r.times].sort((a, b) => a - b)[r.times.length >> 1]),
  speedup: Number((base / r.best).toFixed(2)),
  poolStartMs: r.startMs === undefined ? null : Math.round(r.startMs),
}));
const report = {
  dataset: 'machine_temperature_system_failure.csv (value)',
  points,
  ...options,
  mode: 'score-then-update',
  reps,
  cores: os.availableParallelism?.() ?? os.cpus().length,
  loadAverageBefore: loadBefore.map((x) => Number(x.toFixed(2))),
  loadAverageAfter: os.loadavg().map((x) => Number(x.toFixed(2))),
  identicalScores: identical,
  results,
};

if (json) console.log(JSON.stringify(report, null, 2));
else {
  console.log(
    `${report.dataset}: ${points} points, ${options.numberOfTrees} trees, sampleSize ${options.sampleSize}, shingleSize ${options.shingleSize}, ` +
      `score-then-update; best of ${reps}; ${report.cores} cores`,
  );
  console.log(`load average before ${report.loadAverageBefore.join(' ')}, after ${report.loadAverageAfter.join(' ')}`);
  const header = ['workers', 'points/s', 'best ms', 'median ms', 'speed-up', 'pool start ms'];
  const lines = results.map((r) => [
    r.workers === 'thread' ? 'none (this thread)' : String(r.workers), String(r.pointsPerSecond), String(r.bestMs), String(r.medianMs),
    `${r.speedup.toFixed(2)}×`, r.poolStartMs === null ? '' : String(r.poolStartMs),
  ]);
  const width = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c].length)));
  const fmt = (cells) => cells.map((x, c) => (c === 0 ? x.padEnd(width[c]) : x.padStart(width[c]))).join('  ');
  console.log(fmt(header));
  for (const l of lines) console.log(fmt(l));
  console.log(`scores identical for every row: ${identical ? 'yes' : 'NO'}`);
}
