// Benchmark: the same WASM kernel the page runs, in Node, on real (NAB machine_temperature) and synthetic
// data. `npm run bench` prints a table; `npm run bench -- --json` prints a JSON array; `--cpu` times by
// this process's CPU time instead of the wall clock (steadier when other processes share the cores).
// Not a test.
//
// Modes: score-then-update (the forest's streaming loop, through RandomCutForest: shingling and chunking
// included), the same with attribution, and the kernel alone on pre-shingled points: update only (every
// point), score only (the second half, scored against the forest the first half built).
// Also: the trees sharded over 1, 2 and 4 worker threads (bench/workers.mjs), and the TypeScript reference
// of tests/reference/ on the same forest, to show what the WASM kernel buys.
// Bytes: the forest's own memory as the kernel reports it (configure; without the batch columns).
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { RandomCutForest, parseCsvText, saveSnapshot } from '../dist/node/index.js';

const json = process.argv.includes('--json');
const loadBefore = os.loadavg()[0];
const cpu = process.argv.includes('--cpu');
const kernel = new URL('../build/rcf.wasm', import.meta.url);
const module = await RandomCutForest.compile(kernel);

const table = parseCsvText(readFileSync(new URL('../public/datasets/machine_temperature_system_failure.csv', import.meta.url), 'utf8'));
const machine = table.numeric.get('value');

function synthetic(rows, columns, seed = 1) {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const out = new Float64Array(rows * columns);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < columns; c++) out[r * columns + c] = Math.sin((r + 7 * c) / 40) * (c + 1) + 0.1 * (rand() - 0.5);
  return out;
}
const five = synthetic(20000, 5);

/** Milliseconds of `f()`, by the wall clock or by CPU time. */
function timed(f) {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return cpu ? (c.user + c.system) / 1000 : performance.now() - t0;
}

// --- through the forest (score then update) ---
const cases = [];
for (const trees of [50, 100])
  for (const shingleSize of [1, 8])
    cases.push({ name: 'machine_temperature', data: machine, columns: 1, trees, sampleSize: 256, shingleSize });
cases.push({ name: 'machine_temperature', data: machine, columns: 1, trees: 100, sampleSize: 1024, shingleSize: 8 });
cases.push({ name: 'machine_temperature', data: machine, columns: 1, trees: 100, sampleSize: 256, shingleSize: 8, attribution: true });
cases.push({ name: 'synthetic-5-columns', data: five, columns: 5, trees: 100, sampleSize: 256, shingleSize: 1 });
cases.push({ name: 'synthetic-5-columns', data: five, columns: 5, trees: 100, sampleSize: 256, shingleSize: 8 });

const results = [];
for (const c of cases) {
  const options = { numberOfTrees: c.trees, sampleSize: c.sampleSize, shingleSize: c.shingleSize, inputDimensions: c.columns, seed: 1 };
  const points = c.data.length / c.columns;
  const dimensions = c.columns * c.shingleSize;
  let best = Infinity;
  let forest;
  for (let rep = 0; rep < 3; rep++) {
    forest = RandomCutForest.fromModule(options, module);
    const extra = c.attribution ? { attribution: new Float64Array(points * 2 * dimensions) } : {};
    best = Math.min(best, timed(() => forest.process(c.data, undefined, extra)));
  }
  results.push({
    name: c.name, mode: c.attribution ? 'score+attribution' : 'score-then-update', trees: c.trees, sampleSize: c.sampleSize,
    shingleSize: c.shingleSize, dimensions, workers: 1, points, pointsPerSecond: Math.round(points / (best / 1000)),
    bytes: forest.stats().memoryBytes,
    snapshotBytes: (await saveSnapshot(forest)).byteLength,
  });
}

// --- the kernel alone: update only, score only ---
const SCORE = 1;
const UPDATE = 2;
const BATCH = 1024;
function shingled(values, size) {
  const n = values.length - size + 1;
  const out = new Float64Array(n * size);
  for (let i = 0; i < n; i++) for (let j = 0; j < size; j++) out[i * size + j] = values[i + j];
  return out;
}
function kernelRun(k, points, D, from, to, flags) {
  for (let i = from; i < to; i += BATCH) {
    const c = Math.min(BATCH, to - i);
    new Float64Array(k.memory.buffer, k.column(0), c * D).set(points.subarray(i * D, (i + c) * D));
    k.process(c, flags);
  }
}
const wasm = await WebAssembly.compile(readFileSync(kernel));
for (const trees of [50, 100]) {
  const D = 8;
  const points = shingled(Array.from(machine), D);
  const n = points.length / D;
  for (const mode of ['update only', 'score only']) {
    let best = Infinity;
    let bytes = 0;
    for (let rep = 0; rep < 3; rep++) {
      const k = new WebAssembly.Instance(wasm, { env: { abort() { throw new Error('kernel abort'); } } }).exports;
      bytes = k.configure(trees, 256, D, 0, 1, 1 / 2560, 0, BATCH);
      if (mode === 'update only') best = Math.min(best, timed(() => kernelRun(k, points, D, 0, n, UPDATE)));
      else {
        kernelRun(k, points, D, 0, n >> 1, UPDATE);
        best = Math.min(best, timed(() => kernelRun(k, points, D, n >> 1, n, SCORE)) * (n / (n - (n >> 1))));
      }
    }
    results.push({
      name: 'machine_temperature', mode: `kernel, ${mode}`, trees, sampleSize: 256, shingleSize: D, dimensions: D, workers: 1,
      points: n, pointsPerSecond: Math.round(n / (best / 1000)), bytes,
    });
  }
}

// --- the trees sharded over 1, 2 and 4 worker threads (bench/workers.mjs in its own process) ---
const sharded = JSON.parse(execFileSync(process.execPath, [fileURLToPath(new URL('./workers.mjs', import.meta.url)), '--json'], { encoding: 'utf8' }));
const onePoolForest = results.find((r) => r.mode === 'score-then-update' && r.trees === 100 && r.sampleSize === 256 && r.shingleSize === 8 && r.dimensions === 8);
for (const r of sharded.results) {
  if (r.workers === 'thread') continue;
  results.push({
    name: 'machine_temperature', mode: 'sharded, score+update', trees: sharded.numberOfTrees, sampleSize: sharded.sampleSize,
    shingleSize: sharded.shingleSize, dimensions: sharded.shingleSize, workers: r.workers, points: sharded.points,
    pointsPerSecond: r.pointsPerSecond, bytes: onePoolForest?.bytes, speedup: r.speedup, identicalScores: sharded.identicalScores,
  });
}

// --- the TypeScript reference (tests/reference/, bundled to dist/bench/ by `npm run bench`): what WASM buys ---
// The same forest as the 100-tree, 256, shingle 8 row, on the first REFERENCE_POINTS shingles only (it is slow;
// its trees are still growing over the first 256, so if anything this flatters the reference).
const REFERENCE_POINTS = 3000;
{
  const { ReferenceForest } = await import(new URL('../dist/bench/reference.js', import.meta.url).href);
  const D = 8;
  const points = shingled(Array.from(machine), D);
  let best = Infinity;
  for (let rep = 0; rep < 2; rep++) {
    const f = new ReferenceForest({ trees: 100, sampleSize: 256, dimensions: D, seed: 1n, timeDecay: 1 / 2560 });
    best = Math.min(best, timed(() => {
      for (let i = 0; i < REFERENCE_POINTS; i++) f.scoreThenUpdate(Array.from(points.subarray(i * D, (i + 1) * D)));
    }));
  }
  results.push({
    name: 'machine_temperature', mode: 'TypeScript reference', trees: 100, sampleSize: 256, shingleSize: D, dimensions: D, workers: 1,
    points: REFERENCE_POINTS, pointsPerSecond: Math.round(REFERENCE_POINTS / (best / 1000)),
  });
}

if (json) console.log(JSON.stringify(results, null, 1));
else {
  console.log('case                  mode                   trees sample shingle dims workers  points  points/s  forest bytes  snapshot bytes');
  for (const r of results)
    console.log(
      `${r.name.padEnd(21)} ${r.mode.padEnd(22)} ${String(r.trees).padStart(5)} ${String(r.sampleSize).padStart(6)} ${String(r.shingleSize).padStart(7)} ${String(r.dimensions).padStart(4)} ${String(r.workers).padStart(7)} ${String(r.points).padStart(7)} ${String(r.pointsPerSecond).padStart(9)} ${String(r.bytes ?? '').padStart(13)} ${String(r.snapshotBytes ?? '').padStart(15)}`,
    );
  console.log(`(best of 3 runs each (the reference: of 2); one thread except the pool rows (wall clock, worker threads); ${cpu ? 'CPU time' : 'wall clock'})`);
  const ref = results.find((r) => r.mode === 'TypeScript reference');
  if (onePoolForest && ref) console.log(`WASM kernel vs the TypeScript reference, 100 trees, 256, shingle 8: ${(onePoolForest.pointsPerSecond / ref.pointsPerSecond).toFixed(1)}x`);
  const pool = results.filter((r) => r.speedup !== undefined).map((r) => `${r.workers} worker${r.workers === 1 ? '' : 's'} ${r.speedup}x`);
  if (pool.length) console.log(`pool against one thread (same scores bit for bit: ${sharded.identicalScores}): ${pool.join(', ')}; ${sharded.cores} cores here`);
  const loadAfter = os.loadavg()[0];
  const cores = os.availableParallelism?.() ?? os.cpus().length;
  console.log(`load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after, on ${cores} cores`);
  // the bench's own threads raise the figure after; before it, the load is other processes' (averaged over the last minute)
  if (loadBefore > cores / 2)
    console.log('warning: other processes were busy as it began: the figures, above all the pool rows, may be lower than on a quiet machine');
}
