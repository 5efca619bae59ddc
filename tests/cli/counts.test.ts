/** Counts in rcf's messages: "1 row" (not "1 rows"), and thousands separators ("3,000 data rows", "1,000 groups"). */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { plural } from '../../src/ingest/table-builder';
import { run } from './helpers';

let dir = '';
let one = '';
let big = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rcf-counts-'));
  one = join(dir, 'one.csv');
  writeFileSync(one, 'time,v\n2024-01-01 00:00,5\n');
  big = join(dir, 'big.csv');
  writeFileSync(big, 'k,v\n' + Array.from({ length: 3000 }, (_, i) => `k${i % 1000},${(i * 37) % 101}`).join('\n') + '\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('counts in messages', () => {
  it('a one-row file: "1 row", "1 data row"', async () => {
    const s = await run(['score', one]);
    expect(s.code).toBe(0);
    expect(s.stderr).toMatch(/, and the file has 1 row; lower --output-after/);
    expect(s.stderr).toMatch(/rcf: scored 0 of 1 row of column "v"/);
    const i = await run(['inspect', one]);
    expect(i.stdout).toMatch(/one\.csv: 1 data row, 2 columns; delimiter comma/);
  });

  it('thousands: "3,000 data rows", "decided on the first 1,000 rows", "of 3,000 rows", "1,000 groups"', async () => {
    const i = await run(['inspect', big, '--detect-rows', '1000']);
    expect(i.stdout).toMatch(/big\.csv: 3,000 data rows, 2 columns;/);
    expect(i.stdout).toMatch(/^format and column kinds decided on the first 1,000 rows$/m);
    const s = await run(['score', big, '--group-by', 'k', '--trees', '1', '--sample-size', '4', '--no-expected']);
    expect(s.code).toBe(0);
    expect(s.stderr).toMatch(/rcf: scored 2,000 of 3,000 rows of column "v"/);
    expect(s.stderr).toMatch(/; 1,000 groups by "k", a forest each of [\d.]+ MB \(\d{1,3}(,\d{3})* bytes\)/);
  });

  it('plural() says counts with separators', () => {
    expect([plural(1, 'anomaly event'), plural(2375, 'anomaly event'), plural(0, 'row was', 'rows were')]).toEqual([
      '1 anomaly event',
      '2,375 anomaly events',
      '0 rows were',
    ]);
  });
});
