// Benchmark: the same WASM kernel the page runs, in Node, on real (NAB machine_temperature) and synthetic
// data. `npm run bench` prints a table; `npm run bench -- --json` prints a JSON array. Not a test.
import { readFileSync } from 'node:fs';
import { RandomCutForest, parseCsvText } from '../dist/node/index.js';

const json = process.argv.includes('--json');
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

const cases = [];
for (const trees of [50, 100])
  for (const shingleSize of [1, 8])
    cases.push({ name: 'machine_temperature', data: machine, columns: 1, trees, sampleSize: 256, shingleSize });
cases.push({ name: 'machine_temperature', data: machine, columns: 1, trees: 100, sampleSize: 1024, shingleSize: 8 });
cases.push({ name: 'synthetic-5-columns', data: synthetic(20000, 5), columns: 5, trees: 100, sampleSize: 256, shingleSize: 1 });
cases.push({ name: 'synthetic-5-columns', data: synthetic(20000, 5), columns: 5, trees: 100, sampleSize: 256, shingleSize: 8 });

const results = [];
for (const c of cases) {
  const options = { numberOfTrees: c.trees, sampleSize: c.sampleSize, shingleSize: c.shingleSize, inputDimensions: c.columns, seed: 1 };
  const points = c.data.length / c.columns;
  let best = Infinity;
  let forest;
  for (let rep = 0; rep < 3; rep++) {
    forest = RandomCutForest.fromModule(options, module);
    const t0 = performance.now();
    forest.process(c.data);
    best = Math.min(best, performance.now() - t0);
  }
  results.push({
    name: c.name, mode: 'score-then-update', trees: c.trees, sampleSize: c.sampleSize, shingleSize: c.shingleSize,
    dimensions: c.columns * c.shingleSize, workers: 1, points, pointsPerSecond: Math.round(points / (best / 1000)),
    bytes: forest.stats().memoryBytes,
  });
}

if (json) console.log(JSON.stringify(results, null, 1));
else {
  console.log('case                  mode               trees sample shingle dims workers  points  points/s  forest bytes');
  for (const r of results)
    console.log(
      `${r.name.padEnd(21)} ${r.mode.padEnd(18)} ${String(r.trees).padStart(5)} ${String(r.sampleSize).padStart(6)} ${String(r.shingleSize).padStart(7)} ${String(r.dimensions).padStart(4)} ${String(r.workers).padStart(7)} ${String(r.points).padStart(7)} ${String(r.pointsPerSecond).padStart(9)} ${String(r.bytes).padStart(13)}`,
    );
  console.log('(best of 3 runs each; one thread)');
}
