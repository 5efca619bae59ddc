import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { main, HELP } from '../../src/cli/main';
import { parseCsvText } from '../../src/ingest';

const kernel = new URL('../../build/rcf.wasm', import.meta.url);
const fixture = fileURLToPath(new URL('../fixtures/cli/sensor.csv', import.meta.url));

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), kernel });
  return { code, stdout, stderr };
}

describe('rcf score', () => {
  it('writes every input row and column plus a score, scoring the first numeric column', async () => {
    const { code, stdout, stderr } = await run(['score', fixture, '--trees', '30', '--seed', '3']);
    expect(code).toBe(0);
    const out = parseCsvText(stdout);
    const input = parseCsvText(readFileSync(fixture, 'utf8'));
    expect(out.header).toEqual([...input.header, 'score']);
    expect(out.rows).toBe(input.rows);
    expect(out.cells.map((r) => r.slice(0, 4))).toEqual(input.cells);
    const score = out.numeric.get('score')!;
    // warm-up: max(outputAfter 64, shingleSize - 1) rows without a score, then a finite score on every row
    for (let i = 0; i < 64; i++) expect(Number.isNaN(score[i])).toBe(true);
    for (let i = 64; i < out.rows; i++) expect(Number.isFinite(score[i])).toBe(true);
    // the injected spike in temperature at row 450 is the top-ranked row
    let top = 64;
    for (let i = 64; i < out.rows; i++) if (score[i] > score[top]) top = i;
    expect(top).toBe(450);
    expect(stderr).toMatch(/scored 536 of 600 rows of column "temperature"/);
  });

  it('scores the column asked for, and the same seed gives the same scores', async () => {
    const a = await run(['score', fixture, '--column', 'pressure', '--trees', '20', '--sample-size', '64', '--shingle-size', '4', '--seed', '9']);
    const b = await run(['score', fixture, '--column', 'pressure', '--trees', '20', '--sample-size', '64', '--shingle-size', '4', '--seed', '9']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stderr).toMatch(/column "pressure"/);
    const score = parseCsvText(a.stdout).numeric.get('score')!;
    // outputAfter = sampleSize / 4 = 16 rows
    expect(Number.isNaN(score[15])).toBe(true);
    expect(Number.isFinite(score[16])).toBe(true);
  });

  it('explains every option in --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toBe(HELP);
    for (const flag of ['--column', '--trees', '--sample-size', '--shingle-size', '--seed']) expect(stdout).toContain(flag);
  });

  it.each([
    [['score'], /needs a CSV file/],
    [['score', 'missing.csv'], /No such file: missing.csv/],
    [['score', fixture, '--trees', 'many'], /--trees takes a whole number; got "many"/],
    [['score', fixture, '--trees', '0'], /numberOfTrees must be a whole number from 1 to 1000; got 0/],
    [['score', fixture, '--column', 'site'], /Column "site" of .* is not numeric\. Numeric columns: temperature, pressure/],
    [['score', fixture, '--column', 'nope'], /has no column "nope"\. Columns: timestamp, temperature, pressure, site/],
    [['score', fixture, '--bogus'], /Unknown option '--bogus'/],
    [['frobnicate'], /Unknown command "frobnicate"/],
  ])('rejects %j with a clear message and exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await run(args as string[]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it('runs as the installed command (bin/rcf.js, bundled)', () => {
    const bin = fileURLToPath(new URL('../../bin/rcf.js', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'score', fixture, '--trees', '10'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('timestamp,temperature,pressure,site,score');
    expect(r.stdout.trim().split('\n')).toHaveLength(601);
    expect(r.stderr).toMatch(/rows\/s/);
  });
});
