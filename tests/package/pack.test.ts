/**
 * The published package: `npm pack` (its prepare builds the kernel and dist/node, its prepack dist/lib,
 * dist/browser and dist/types; run here with the scripts off, after building what is missing), installed into a fresh project outside the repository,
 * then used from there: the Node library scores a CSV with the same scores as this repository's own code,
 * the types resolve for a TypeScript consumer, and the `rcf` command runs. The browser entry's worker is
 * run from a page of such a project in e2e/package.e2e.test.ts.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RandomCutForest, parseCsvText } from '../../src/index';
import { packAndInstall, root } from './install';

function csv(): string {
  const lines = ['time,value'];
  for (let i = 0; i < 600; i++) {
    const v = 10 * Math.sin(i / 12) + (i === 450 ? 80 : 0) + ((i * 7919) % 13) / 13;
    lines.push(`2024-01-01T00:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z,${v.toFixed(4)}`);
  }
  return lines.join('\n') + '\n';
}

const SCRIPT = `
import { readFileSync } from 'node:fs';
import { RandomCutForest, Detector, parseCsvText, saveSnapshot, loadSnapshot, SNAPSHOT_VERSION } from 'rcf-playground';
const table = parseCsvText(readFileSync('data.csv', 'utf8'));
const values = table.numeric.get('value');
const forest = await RandomCutForest.create({ shingleSize: 4, numberOfTrees: 30 });
const scores = forest.process(Float64Array.from(values));
const detector = await Detector.create({ forest: { shingleSize: 4, numberOfTrees: 30 } });
const out = detector.process(Float64Array.from(values));
const bytes = await saveSnapshot(detector.forest, detector.thresholder);
const { forest: restored } = await loadSnapshot(bytes);
process.stdout.write(JSON.stringify({
  scores: Array.from(scores, (s) => (Number.isNaN(s) ? null : s)),
  detector: Array.from(out.scores, (s) => (Number.isNaN(s) ? null : s)),
  rows: table.rows, restoredRows: restored.rowsSeen, version: SNAPSHOT_VERSION,
}));
`;

const TYPES = `
import { RandomCutForest, Detector, parseCsvText, loadSnapshot, type ForestOptions } from 'rcf-playground';
import { createForestWorker, type ForestWorker } from 'rcf-playground/browser';
const f: Promise<RandomCutForest> = RandomCutForest.create({ shingleSize: 2 });
const d: Promise<Detector> = Detector.create({ forest: {} });
const rows: number = parseCsvText('a\\n1\\n').rows;
const o: ForestOptions | null = null;
const w: (() => ForestWorker) = () => createForestWorker({ workers: 1 });
void f; void d; void rows; void o; void w; void loadSnapshot;
`;

describe('the npm package', () => {
  let dir = '';

  beforeAll(() => {
    const installed = packAndInstall();
    dir = installed.dir;
    const paths = installed.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining([
      'bin/rcf.js', 'build/rcf.wasm', 'dist/lib/index.js', 'dist/node/cli.js', 'dist/browser/index.js',
      'dist/browser/worker.js', 'dist/browser/rcf.wasm', 'dist/types/lib/node.d.ts', 'dist/types/lib/browser.d.ts',
    ]));
    expect(paths.filter((p) => /node_modules|test-results|datasets|\.test\.|^src\/|^e2e\//.test(p))).toEqual([]);
    expect(installed.files.reduce((s, f) => s + f.size, 0)).toBeLessThan(5_000_000);

    const project = installed.project;
    writeFileSync(join(project, 'data.csv'), csv());
    writeFileSync(join(project, 'score.mjs'), SCRIPT);
    writeFileSync(join(project, 'types.ts'), TYPES);
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('scores a CSV from a fresh project with the same scores as the repository', async () => {
    const project = join(dir, 'app');
    expect(readdirSync(join(project, 'node_modules'))).toContain('rcf-playground');
    const result = JSON.parse(execFileSync(process.execPath, ['score.mjs'], { cwd: project, encoding: 'utf8', stdio: 'pipe' })) as {
      scores: (number | null)[]; detector: (number | null)[]; rows: number; restoredRows: number; version: number;
    };
    expect(result.rows).toBe(600);
    expect(result.restoredRows).toBe(600);

    const table = parseCsvText(csv());
    const ours = (await RandomCutForest.create({ shingleSize: 4, numberOfTrees: 30 }, pathToFileURL(join(root, 'build/rcf.wasm'))))
      .process(Float64Array.from(table.numeric.get('value')!));
    const expected = Array.from(ours, (s) => (Number.isNaN(s) ? null : s));
    const finite = result.scores.filter((s) => s !== null);
    expect(finite.length).toBeGreaterThan(400);
    expect(finite.every((s) => Number.isFinite(s))).toBe(true);
    expect(result.scores).toEqual(expected);
    expect(result.detector).toEqual(expected);
  });

  it('gives TypeScript consumers its types (moduleResolution nodenext)', () => {
    const project = join(dir, 'app');
    execFileSync(process.execPath, [
      join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext',
      '--target', 'es2022', '--lib', 'es2022,dom', 'types.ts',
    ], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
  });

  it('installs the rcf command', () => {
    const project = join(dir, 'app');
    const out = execFileSync(join(project, 'node_modules/.bin/rcf'), ['score', 'data.csv'], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    expect(out.split('\n')[0]).toMatch(/score/);
    expect(out.trim().split('\n')).toHaveLength(601);
  });

  it("runs the README's Node examples as they are", () => {
    const project = join(dir, 'app');
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const api = readme.slice(readme.indexOf('## API'), readme.indexOf('## What is computed'));
    const blocks = [...api.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(3);
    const outputs = blocks.map((code, i) => {
      writeFileSync(join(project, `readme-${i}.mjs`), code);
      return execFileSync(process.execPath, [`readme-${i}.mjs`], { cwd: project, encoding: 'utf8', stdio: 'pipe' });
    });
    expect(outputs[0]).toMatch(/^scores 600 forest memory \d+ bytes\nalerts [1-9]\d* events [1-9]\d*\n$/);
    expect(outputs[1]).toMatch(/^600 rows; columns time \(time\), value \(number\)\ntime column time from 2024-01-01T00:00:00\.000Z/);
    expect(outputs[2]).toMatch(/^restored after 300 rows of \[ 'value' \] \d+ events so far\n$/);
  });
});
