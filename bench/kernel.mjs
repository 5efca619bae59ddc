// Kernel-only benchmark: the WASM kernel driven directly (no src/ build needed), on NAB machine_temperature,
// shingled in JavaScript. Compares one or more kernel builds in the same process, interleaved run by run,
// because this 2-core VM's speed drifts by +-30% between runs (compare within one run only).
//
//   node bench/kernel.mjs [--cpu] [--trees 100] [--sample 256] [--shingle 8] [--reps 5] [--modes both,score,update]
//                         [a.wasm b.wasm ...]        (default build/rcf.wasm)
//
// Modes: `both` = score then update every point (SCORE|UPDATE, as the forest does after warm-up);
// `score` / `update` = the second half of the file scored only / updated only, after the first half updated.
// Prints points/s (best and median of the repetitions) and the planned bytes of each build.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const TREES = Number(option('trees', '100'));
const SAMPLE = Number(option('sample', '256'));
const SHINGLE = Number(option('shingle', '8'));
const REPS = Number(option('reps', '5'));
const FLAGS = Number(option('flags', '0')); // extra flags ORed into scoring calls (4 = attribution, 8 = CoDisp)
const MODES = option('modes', 'both,score,update').split(',');
// --cpu: time by this process's CPU time instead of the wall clock (less hurt by other processes)
const CPU = args.includes('--cpu') && (args.splice(args.indexOf('--cpu'), 1), true);
const files = args.length ? args : [new URL('../build/rcf.wasm', import.meta.url).pathname];
const BATCH = 1024;

const text = readFileSync(new URL('../public/datasets/machine_temperature_system_failure.csv', import.meta.url), 'utf8');
const values = text.trim().split(/\r?\n/).slice(1).map((l) => Number(l.split(',')[1]));
const n = values.length - SHINGLE + 1;
const points = new Float64Array(n * SHINGLE);
for (let i = 0; i < n; i++) for (let j = 0; j < SHINGLE; j++) points[i * SHINGLE + j] = values[i + j];

const modules = files.map((f) => new WebAssembly.Module(readFileSync(f)));
const instance = (m) => new WebAssembly.Instance(m, { env: { abort() { throw new Error('abort'); } } }).exports;

function run(k, from, to, flags) {
  for (let i = from; i < to; i += BATCH) {
    const c = Math.min(BATCH, to - i);
    new Float64Array(k.memory.buffer, k.column(0), c * SHINGLE).set(points.subarray(i * SHINGLE, (i + c) * SHINGLE));
    k.process(c, flags);
  }
}

function once(m, mode) {
  const k = instance(m);
  const bytes = k.configure(TREES, SAMPLE, SHINGLE, 0, 1, 1 / (10 * SAMPLE), 0, BATCH);
  let from = 0;
  const flags = mode === 'both' ? 3 | FLAGS : mode === 'score' ? 1 | FLAGS : 2;
  if (mode !== 'both') {
    from = n >> 1;
    run(k, 0, from, 2);
  } else {
    run(k, 0, SAMPLE / 4, 2); // warm-up: update only, as the forest does before outputAfter
    from = SAMPLE / 4;
  }
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  run(k, from, n, flags);
  const c1 = process.cpuUsage(c0);
  const dt = CPU ? (c1.user + c1.system) / 1000 : performance.now() - t0;
  return { pps: ((n - from) / dt) * 1000, bytes, k };
}

const results = files.map(() => Object.fromEntries(MODES.map((m) => [m, []])));
const bytes = [];
for (let rep = 0; rep < REPS; rep++) {
  for (const mode of MODES) {
    for (let f = 0; f < files.length; f++) {
      const r = once(modules[f], mode);
      results[f][mode].push(r.pps);
      bytes[f] = r.bytes;
    }
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
console.log(`${CPU ? 'CPU time' : 'wall clock'}: trees ${TREES}, sample ${SAMPLE}, shingle ${SHINGLE}, ${n} points, ${REPS} reps (best / median points/s)`);
files.forEach((f, i) => {
  const cells = MODES.map((m) => `${m} ${Math.round(Math.max(...results[i][m]))} / ${Math.round(med(results[i][m]))}`);
  console.log(`${f.padEnd(32)} ${cells.join('   ')}   planned ${bytes[i]} B`);
});
