import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseCsvText, type Table } from '../../src/ingest/index';
import { CsvStreamReader, type RowBatch, type StreamOptions } from '../../src/ingest/stream';
import { fixtureBytes } from './helpers';

const CLI_FIXTURES = fileURLToPath(new URL('../fixtures/cli/', import.meta.url));

/** Reads bytes through CsvStreamReader in the given pieces; returns the rows taken, the summary and the found warnings. */
function stream(bytes: Uint8Array, cuts: number[], options: StreamOptions = {}) {
  const reader = new CsvStreamReader(options);
  const batches: RowBatch[] = [];
  const found: string[] = [];
  const drain = () => {
    found.push(...reader.takeWarnings());
    for (let b = reader.take(); b; b = reader.take()) batches.push(b);
  };
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    reader.pushBytes(bytes.subarray(at, cut));
    drain();
    at = cut;
  }
  reader.pushBytes(bytes.subarray(at));
  reader.end();
  drain();
  return { reader, batches, found, summary: reader.summary() };
}

/** The batches joined into whole columns. */
function join(batches: RowBatch[]) {
  const cells: string[][] = [];
  const lines: number[] = [];
  const numeric = new Map<string, number[]>();
  const time: number[] = [];
  let expectFirst = 0;
  for (const b of batches) {
    expect(b.first).toBe(expectFirst);
    expectFirst += b.rows;
    cells.push(...b.cells.slice(0, b.rows));
    lines.push(...b.lines);
    for (const [k, v] of b.numeric) numeric.set(k, [...(numeric.get(k) ?? []), ...v]);
    if (b.time) time.push(...b.time);
  }
  return { cells, lines, numeric, time };
}

function expectSameAsTable(s: ReturnType<typeof stream>, t: Table) {
  const { summary } = s;
  expect(summary.rows).toBe(t.rows);
  expect(summary.header).toEqual(t.header);
  expect(summary.columns).toEqual(t.columns);
  expect(summary.delimiter).toBe(t.delimiter);
  expect(summary.decimal).toBe(t.decimal);
  expect(summary.timeColumn).toBe(t.timeColumn);
  expect(summary.start).toBe(t.start);
  expect(summary.end).toBe(t.end);
  expect(summary.warnings).toEqual(t.warnings);
  const j = join(s.batches);
  expect(j.cells).toEqual(t.cells);
  expect(j.lines).toEqual([...t.lines]);
  expect([...j.numeric.keys()]).toEqual([...t.numeric.keys()]);
  for (const [k, v] of t.numeric) expect(j.numeric.get(k)).toEqual([...v]);
  if (t.time) expect(j.time).toEqual([...t.time]);
}

const FIXTURES = [
  'blank-lines.csv',
  'bom-crlf.csv',
  'epoch-seconds.csv',
  'mixed-endings.csv',
  'pipe-quoted.csv',
  'ragged.csv',
  'semicolon-decimal-comma.csv',
  'tab-separated.tsv',
  'thousands.csv',
];

const text = (bytes: Uint8Array) => new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);

describe('CsvStreamReader', () => {
  it.each(FIXTURES)('gives parseCsvText’s rows, values, columns and warnings for %s, in any chunking', (name) => {
    const bytes = fixtureBytes(name);
    const table = parseCsvText(text(bytes));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 6 }), (cuts) => {
        expectSameAsTable(stream(bytes, cuts), table);
      }),
      { numRuns: 25 },
    );
  });

  it('reads the rows after the first ones with the decisions made on those, and says so where a cell contradicts them', () => {
    const bytes = new Uint8Array(readFileSync(CLI_FIXTURES + 'late-text.csv'));
    const table = parseCsvText(text(bytes));
    const s = stream(bytes, [100, 300], { detectRows: 10 });
    expect(s.summary.detectedOn).toBe(10);
    expect(s.batches[0]!.rows).toBe(10);
    // same values, columns and warnings as the whole-file parse: nothing later overturns a decision here
    expectSameAsTable(s, table);
    expect(s.summary.warnings).toContainEqual(expect.stringMatching(/Column "value": 1 cell is not a number \(first at line 26: "broken"\)/));
    expect(s.summary.warnings).toContainEqual(expect.stringMatching(/1 row has no readable time \(first at line 28: "yesterday"\)/));
    // as found, each with its line
    expect(s.found).toHaveLength(2);
    expect(s.found[0]).toMatch(/^Line 26: column "value" has "broken", which is not a number, though the first 10 rows made "value" a number column/);
    expect(s.found[1]).toMatch(/^Line 28: time column "ts" has "yesterday"/);
  });

  it('counts shape trouble, blank lines and time checks over the whole input, past the first rows', () => {
    const lines = ['t,v'];
    for (let i = 0; i < 40; i++) lines.push(`2024-01-01T00:${String(i).padStart(2, '0')}:00Z,${i}`);
    lines.splice(30, 0, '', '2024-01-01T00:20:00Z,1,2'); // a blank line, then an extra cell and a backward step
    lines.push('2024-01-01T05:00:00Z,9'); // a gap
    const all = lines.join('\n') + '\n';
    const bytes = new TextEncoder().encode(all);
    const table = parseCsvText(all);
    const s = stream(bytes, [50], { detectRows: 5 });
    expect(s.summary.warnings).toEqual(table.warnings);
    expect(s.summary.columns).toEqual(table.columns);
    expect(s.summary.warnings.join('\n')).toMatch(/Skipped 1 blank line \(first at line 31\)/);
    expect(s.summary.warnings.join('\n')).toMatch(/1 row has more cells than the header's 2 \(first at line 32, with 3\)/);
    expect(s.summary.warnings.join('\n')).toMatch(/1 time is earlier than the row before \(first at line 32\)/);
    expect(s.summary.warnings.join('\n')).toMatch(/2 gaps are longer than 5 × the usual step of 1 min \(first at line 33; the longest, 4 h 21 min, ends at line 44\)/);
  });

  it('keeps a decimal comma decided on the first rows, and hints at the decimal option when a later number uses a point', () => {
    const all = 'a;b\n' + Array.from({ length: 20 }, (_, i) => `${i},5;x${i}`).join('\n') + '\n2.5;y\n';
    const s = stream(new TextEncoder().encode(all), [], { detectRows: 5 });
    expect(s.summary.decimal).toBe(',');
    expect(join(s.batches).numeric.get('a')!.slice(0, 3)).toEqual([0.5, 1.5, 2.5]);
    expect(Number.isNaN(join(s.batches).numeric.get('a')![20])).toBe(true);
    expect(s.found[0]).toMatch(/Line 22: column "a" has "2.5".*It reads as a number with a decimal point.*set the decimal option/);
  });

  it('reads ambiguous dates the way their times go forward in the first rows, and keeps that reading after them', () => {
    // day first, the first 4 rows go forward (11 Mar … 2 Apr); month first they go back (3 Dec → 4 Jan).
    // Later rows go back either way: they do not change the reading decided on the first rows.
    const all = 'date,v\n11/03/2024,1\n12/03/2024,2\n01/04/2024,3\n02/04/2024,4\n' + '01/01/2024,5\n12/01/2024,6\n01/01/2024,7\n12/01/2024,8\n';
    const s = stream(new TextEncoder().encode(all), [], { detectRows: 4 });
    expect(s.reader.layout!.dateOrder).toEqual({ dayFirst: true, open: true });
    expect(join(s.batches).time.map((t) => new Date(t).toISOString().slice(0, 10))).toEqual([
      '2024-03-11', '2024-03-12', '2024-04-01', '2024-04-02', '2024-01-01', '2024-01-12', '2024-01-01', '2024-01-12',
    ]);
    expect(s.summary.warnings.join('\n')).toMatch(/read as day first \(DD\/MM\/YYYY\): times go forward that way, not month first \(over the first 4 rows:/);
  });

  it('decides on the rows in hand when asked (a live input that pauses), not before a data row is complete', () => {
    const reader = new CsvStreamReader();
    reader.push('time,val');
    expect(reader.decideNow()).toBe(false);
    reader.push('ue\n2024-01-01T00:00:00Z,1\n2024-01-01T00:01');
    expect(reader.decideNow()).toBe(true);
    expect(reader.layout!.header).toEqual(['time', 'value']);
    expect(reader.layout!.timeColumn).toBe('time');
    expect(reader.layout!.complete).toBe(false);
    expect(reader.take()!.rows).toBe(1);
    expect(reader.take()).toBeNull();
    reader.push(':00Z,2\n');
    const b = reader.take()!;
    expect(b.first).toBe(1);
    expect([...b.numeric.get('value')!]).toEqual([2]);
    expect([...b.lines]).toEqual([3]);
    reader.end();
    expect(reader.summary().rows).toBe(2);
    expect(reader.summary().end).toBe('2024-01-01T00:01:00.000Z');
  });

  it('refuses an empty input and a binary one as parseCsvText does', () => {
    const empty = new CsvStreamReader();
    expect(() => empty.end()).toThrow(/The file is empty/);
    const binary = new CsvStreamReader();
    expect(() => {
      binary.pushBytes(fixtureBytes('binary.bin'));
      binary.end();
    }).toThrow(/does not look like a CSV file/);
  });

  it('holds only the rows not yet taken (memory stays bounded)', () => {
    const reader = new CsvStreamReader({ detectRows: 100 });
    reader.push('a,b\n');
    let biggest = 0;
    for (let k = 0; k < 50; k++) {
      let chunk = '';
      for (let i = 0; i < 1000; i++) chunk += `${k * 1000 + i},${i % 7}\n`;
      reader.push(chunk);
      // the text before the delimiter is settled (64 KiB) is held back; after that, only the last chunk's rows
      for (let b = reader.take(); b; b = reader.take()) if (b.first >= 20_000) biggest = Math.max(biggest, b.rows);
    }
    reader.end();
    expect(biggest).toBe(1000);
    expect(reader.summary().rows).toBe(50_000);
    expect(reader.summary().columns[0]).toMatchObject({ kind: 'number', min: 0, max: 49_999, missing: 0 });
  });
});
