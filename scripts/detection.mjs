#!/usr/bin/env node
/**
 * Detection on NAB: windows hit and points alerting outside the windows, per file, for the default
 * configuration (forest defaults + thresholder defaults), over several forest seeds.
 *
 * Metric (the project's algorithm issue): ignore each file's first 15% of rows; a window is hit when at
 * least one row inside it has grade > 0; "outside" counts rows with grade > 0 inside no window. Windows come
 * from NAB's labels/combined_windows.json. Also prints, for NAB's artificialNoAnomaly files, the rows with
 * grade > 0 (ideally none) and Amazon's thresholded RCF (50 trees, shingle 8, seed 1) where its per-row
 * grades are available under --reference.
 *
 *   npx asc assembly/index.ts --target release && node scripts/detection.mjs
 *     [--shingle 1] [--trees 50] [--sample 256] [--seeds 1-5] [--set realKnownCause|realAWSCloudwatch|
 *     artificialWithAnomaly|all] [--nab /work/shared/data/nab] [--reference /work/shared/reference/amazon-rcf]
 *     [--threshold '{"z":3}'] [--json]
 *
 * Without --shingle the forest's own default is used (resolveOptions). The library is taken from
 * dist/node/index.js when that exports RandomCutForest and Thresholder; otherwise the TypeScript sources are
 * loaded through Vite (a dev dependency), so the script works before a build too.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const NAB = option('nab', '/work/shared/data/nab');
const REFERENCE = option('reference', '/work/shared/reference/amazon-rcf');
const SET = option('set', 'realKnownCause');
const TREES = Number(option('trees', '50'));
const SAMPLE = Number(option('sample', '256'));
const SHINGLE = option('shingle', undefined);
const THRESHOLD = JSON.parse(option('threshold', '{}'));
const JSON_OUT = args.includes('--json');
const SEEDS = (() => {
  const s = option('seeds', '1-5');
  const m = /^(\d+)-(\d+)$/.exec(s);
  if (m) return Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i);
  return s.split(',').map(Number);
})();
const SKIP_FRACTION = 0.15;

// --- the library: the built bundle if it has what we need, else the sources through Vite ---------------
async function loadLibrary() {
  const dist = join(root, 'dist/node/index.js');
  if (existsSync(dist)) {
    const lib = await import(pathToFileURL(dist).href);
    if (lib.RandomCutForest && lib.Thresholder && lib.resolveOptions) return { lib, from: 'dist/node/index.js', close: async () => {} };
  }
  const { createServer } = await import('vite');
  const server = await createServer({
    configFile: false, root, logLevel: 'error', appType: 'custom',
    server: { middlewareMode: true, hmr: false, watch: null }, optimizeDeps: { noDiscovery: true, include: [] },
  });
  const forest = await server.ssrLoadModule('/src/forest/forest.ts');
  const thresholder = await server.ssrLoadModule('/src/forest/thresholder.ts');
  const options = await server.ssrLoadModule('/src/shared/options.ts');
  return { lib: { ...forest, ...thresholder, ...options }, from: 'src/ (through Vite)', close: () => server.close() };
}

// --- NAB ---------------------------------------------------------------------------------------------------
const toMs = (s) => Date.parse(s.trim().replace(' ', 'T').replace(/\.\d+$/, '') + 'Z');
const windowsJson = JSON.parse(readFileSync(join(NAB, 'labels/combined_windows.json'), 'utf8'));
const filesOf = (group) =>
  readdirSync(join(NAB, 'data', group)).filter((f) => f.endsWith('.csv')).sort().map((f) => ({ group, name: f.slice(0, -4) }));
function readNab({ group, name }) {
  const lines = readFileSync(join(NAB, 'data', group, `${name}.csv`), 'utf8').trim().split('\n').slice(1);
  const time = lines.map((l) => toMs(l.split(',')[0]));
  const values = Float64Array.from(lines, (l) => Number(l.split(',')[1]));
  const windows = (windowsJson[`${group}/${name}.csv`] ?? []).map(([a, b]) => [toMs(a), toMs(b)]);
  return { time, values, windows };
}
function evaluate({ time, windows }, grade) {
  const n = time.length;
  const skip = Math.floor(n * SKIP_FRACTION);
  const inside = (t) => windows.some(([a, b]) => t >= a && t <= b);
  let hit = 0;
  for (const [a, b] of windows) {
    for (let i = skip; i < n; i++) {
      if (time[i] >= a && time[i] <= b && grade[i] > 0) {
        hit++;
        break;
      }
    }
  }
  let outside = 0;
  for (let i = skip; i < n; i++) if (grade[i] > 0 && !inside(time[i])) outside++;
  return { hit, windows: windows.length, outside };
}
function amazonGrades({ group, name }) {
  const file = join(REFERENCE, group, `${name}.trcf-seed1.csv`);
  if (!existsSync(file)) return null;
  return readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',')[2]));
}

// --- run ---------------------------------------------------------------------------------------------------
const { lib, from, close } = await loadLibrary();
const { RandomCutForest, Thresholder, resolveOptions } = lib;
const module = await RandomCutForest.compile(pathToFileURL(join(root, 'build/rcf.wasm')));
const forestOptions = (seed) => ({
  numberOfTrees: TREES, sampleSize: SAMPLE, seed, ...(SHINGLE !== undefined ? { shingleSize: Number(SHINGLE) } : {}),
});
const resolved = resolveOptions(forestOptions(1));

function grades(data, seed) {
  const forest = RandomCutForest.fromModule(forestOptions(seed), module);
  const scores = forest.process(data.values);
  const th = new Thresholder({ shingleSize: resolved.shingleSize, alertAfter: resolved.sampleSize, ...THRESHOLD });
  const { grade } = th.gradeAll(scores);
  return { grade, events: th.events.length };
}

const groups = SET === 'all' ? ['realKnownCause', 'realAWSCloudwatch', 'artificialWithAnomaly'] : [SET];
const mean = (x) => x.reduce((a, b) => a + b, 0) / x.length;
const range = (x) => `${Math.min(...x)}-${Math.max(...x)}`;
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);
const report = { library: from, forest: resolved, threshold: new Thresholder({ shingleSize: resolved.shingleSize, alertAfter: resolved.sampleSize, ...THRESHOLD }).options, seeds: SEEDS, groups: {} };

const out = [];
out.push(`library: ${from}`);
out.push(`forest: ${resolved.numberOfTrees} trees, sampleSize ${resolved.sampleSize}, shingleSize ${resolved.shingleSize}; seeds ${SEEDS.join(',')}`);
out.push(`thresholder: ${JSON.stringify(report.threshold)}`);
out.push(`metric: first ${SKIP_FRACTION * 100}% of rows ignored; hit = a row with grade > 0 in the window; outside = rows with grade > 0 in no window`);

for (const group of groups) {
  const files = filesOf(group);
  const totals = SEEDS.map(() => ({ hit: 0, windows: 0, outside: 0 }));
  const amazonTotal = { hit: 0, windows: 0, outside: 0, files: 0 };
  const rows = [];
  for (const file of files) {
    const data = readNab(file);
    const perSeed = SEEDS.map((seed, k) => {
      const r = evaluate(data, grades(data, seed).grade);
      totals[k].hit += r.hit;
      totals[k].windows += r.windows;
      totals[k].outside += r.outside;
      return r;
    });
    const ref = amazonGrades(file);
    let amazon = null;
    if (ref) {
      amazon = evaluate(data, ref);
      amazonTotal.hit += amazon.hit;
      amazonTotal.windows += amazon.windows;
      amazonTotal.outside += amazon.outside;
      amazonTotal.files++;
    }
    rows.push({ file: file.name, rows: data.values.length, windows: data.windows.length, perSeed, amazon });
  }
  report.groups[group] = { rows, totals, amazon: amazonTotal.files === files.length ? amazonTotal : null };

  out.push('');
  out.push(`== ${group} (${files.length} files) ==`);
  const head = `${pad('file', 40)}${lpad('rows', 7)}${lpad('win', 5)}  ` + SEEDS.map((s) => lpad(`seed ${s}`, 11)).join('') + `  ${lpad('mean hit', 9)}${lpad('mean out', 9)}` + (amazonTotal.files ? `  ${lpad('amazon trcf', 12)}` : '');
  out.push(head);
  for (const r of rows) {
    const cells = r.perSeed.map((p) => lpad(`${p.hit}/${p.windows} ${p.outside}`, 11)).join('');
    out.push(
      `${pad(r.file, 40)}${lpad(r.rows, 7)}${lpad(r.windows, 5)}  ${cells}  ${lpad(mean(r.perSeed.map((p) => p.hit)).toFixed(1), 9)}${lpad(mean(r.perSeed.map((p) => p.outside)).toFixed(1), 9)}` +
        (r.amazon ? `  ${lpad(`${r.amazon.hit}/${r.amazon.windows} ${r.amazon.outside}`, 12)}` : ''),
    );
  }
  const th = totals.map((t) => t.hit), to = totals.map((t) => t.outside);
  const W = totals[0].windows;
  out.push(
    `${pad('TOTAL', 40)}${lpad('', 7)}${lpad(W, 5)}  ${totals.map((t) => lpad(`${t.hit}/${t.windows} ${t.outside}`, 11)).join('')}  ${lpad(mean(th).toFixed(1), 9)}${lpad(mean(to).toFixed(1), 9)}` +
      (amazonTotal.files === files.length ? `  ${lpad(`${amazonTotal.hit}/${amazonTotal.windows} ${amazonTotal.outside}`, 12)}` : ''),
  );
  out.push(`windows hit: mean ${mean(th).toFixed(1)}/${W} (range ${range(th)}); points outside: mean ${mean(to).toFixed(1)} (range ${range(to)})`);
}

// no-anomaly files: every alert is a false one
{
  const files = filesOf('artificialNoAnomaly');
  out.push('');
  out.push(`== artificialNoAnomaly: rows with grade > 0 (all rows; none can come before row ${report.threshold.alertAfter}) ==`);
  out.push(`${pad('file', 40)}${lpad('rows', 7)}  ` + SEEDS.map((s) => lpad(`seed ${s}`, 8)).join('') + `${lpad('mean', 8)}  ${lpad('amazon trcf', 12)}`);
  report.noAnomaly = [];
  for (const file of files) {
    const data = readNab(file);
    const counts = SEEDS.map((seed) => grades(data, seed).grade.reduce((n, g) => n + (g > 0 ? 1 : 0), 0));
    const ref = amazonGrades(file);
    const amazon = ref ? ref.reduce((n, g) => n + (g > 0 ? 1 : 0), 0) : null;
    report.noAnomaly.push({ file: file.name, counts, amazon });
    out.push(`${pad(file.name, 40)}${lpad(data.values.length, 7)}  ${counts.map((c) => lpad(c, 8)).join('')}${lpad(mean(counts).toFixed(1), 8)}  ${lpad(amazon ?? '', 12)}`);
  }
}

await close();
console.log(JSON_OUT ? JSON.stringify(report, null, 1) : out.join('\n'));
