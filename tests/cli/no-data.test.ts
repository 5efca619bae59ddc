/** Inputs with a header line and no data rows. (An empty file is refused as "The file is empty…" by src/ingest.) */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'rcf-no-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const headerOnly = file('header_only.csv', 'timestamp,value\n');
const headerNoNewline = file('header_no_newline.csv', 'timestamp,value');

describe('rcf score with no data rows', () => {
  it.each([
    ['a header line', headerOnly, []],
    ['a header line without its newline', headerNoNewline, []],
    ['a header line, with --column', headerOnly, ['--column', 'value']],
    ['a header line, with --group-by', headerOnly, ['--group-by', 'timestamp']],
  ])('%s: says so as the page does, one line, exit 2', async (_, path, flags) => {
    const r = await run(['score', path, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`rcf: ${path} has a header line but no data rows. Choose a CSV file with data.\n`);
  });

  it('a header line on stdin: the same, naming stdin', async () => {
    const r = await run(['score', '-'], { stdin: ['timestamp,value\n'] });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rcf: stdin has a header line but no data rows. Choose a CSV file with data.\n');
  });
});

describe('rcf inspect with no data rows', () => {
  it('reports 0 rows and the warning, exit 0', async () => {
    const json = await run(['inspect', headerOnly, '--json']);
    expect(json.code).toBe(0);
    const j = JSON.parse(json.stdout);
    expect(j.rows).toBe(0);
    expect(j.columns.map((c: { name: string }) => c.name)).toEqual(['timestamp', 'value']);
    expect(j.warnings).toEqual(['The file has a header line but no data rows.']);
    const text = await run(['inspect', headerOnly]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^.*header_only\.csv: 0 data rows, 2 columns/);
    expect(text.stdout).toContain('\nno data rows (only the header line): nothing to score\n');
    expect(text.stdout).not.toContain('no numeric column');
  });
});
