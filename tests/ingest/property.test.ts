/**
 * Property tests (fast-check): random CSV files with random quoting, delimiters, line endings and junk
 * never crash the parser (only CsvError may be thrown), streaming agrees with the whole-text parse, and
 * numbers survive tableToCsv → parseCsvText unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, formatNumber, parseCsvBlob, parseCsvText, tableToCsv } from '../../src/ingest/index';
import type { ParseOptions, Table } from '../../src/ingest/index';
import { readBlob } from '../../src/ingest/parse-blob';

const delimiterArb = fc.constantFrom(',', ';', '\t', '|');
const eolArb = fc.constantFrom('\n', '\r\n', '\r');

const numberTextArb = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer({ min: -1e9, max: 1e9 }).map(String),
  fc.double({ min: -1e7, max: 1e7, noNaN: true }).map((v) => String(v).replace('.', ',')),
  fc.integer({ min: 1000, max: 1e9 }).map((v) => v.toLocaleString('en-US')),
  fc.integer({ min: 1000, max: 1e9 }).map((v) => v.toLocaleString('de-DE') + ',5'),
  fc.constantFrom('1e3', '-2.5E-3', '+.5', '1 234,5', '0x10', '1e999', 'Infinity'),
);
const dateTextArb = fc.oneof(
  fc.integer({ min: -62e12, max: 250e12 }).map((ms) => new Date(ms).toISOString()),
  fc.integer({ min: 0, max: 4e12 }).map((ms) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)),
  fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2100 })).map(
    ([a, b, y]) => `${a}/${b}/${y}`,
  ),
  fc.constantFrom('2024-02-30', '31.12.1999 23:59', '1/2/03 4:05 PM', '2024-01-01T00:00:00+14:00'),
);
// (NUL bytes make a file binary: they are kept rare here, and the random-bytes property covers them)
const junkArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replace(/\u0000/g, '')),
  fc.string({ unit: fc.constantFrom('"', ',', ';', '\t', '|', '\n', '\r', ' ', 'a', '1', '.', '\ufeff', '\u00a0'), maxLength: 8 }),
  fc.constantFrom('', ' ', 'NA', 'null', '-', '#N/A', '""', '"'),
);
const cellArb = fc.oneof({ weight: 4, arbitrary: numberTextArb }, { weight: 2, arbitrary: dateTextArb }, { weight: 2, arbitrary: junkArb });

/** How a cell is written: raw (may break the structure), quoted properly, or quoted badly. */
const quotingArb = fc.constantFrom('raw', 'raw', 'quoted', 'quoted', 'needed', 'broken');

function writeCell(s: string, how: string, delimiter: string): string {
  if (how === 'quoted') return `"${s.replace(/"/g, '""')}"`;
  if (how === 'needed') return /["\r\n]/.test(s) || s.includes(delimiter) || s.trim() !== s ? `"${s.replace(/"/g, '""')}"` : s;
  if (how === 'broken') return `"${s}`;
  return s;
}

const csvArb = fc
  .record({
    delimiter: delimiterArb,
    header: fc.array(fc.oneof(fc.constantFrom('time', 'value', 'v', '', 'a b', 'epoch', 'x'), junkArb), { minLength: 1, maxLength: 6 }),
    rows: fc.array(fc.array(fc.tuple(cellArb, quotingArb), { minLength: 0, maxLength: 7 }), { maxLength: 25 }),
    eols: fc.array(eolArb, { minLength: 1, maxLength: 5 }),
    bom: fc.boolean(),
    trailingEol: fc.boolean(),
    blankEvery: fc.integer({ min: 0, max: 6 }),
  })
  .map(({ delimiter, header, rows, eols, bom, trailingEol, blankEvery }) => {
    const lines = [header.map((h) => writeCell(h, 'needed', delimiter)).join(delimiter)];
    rows.forEach((row, i) => {
      if (blankEvery && i % blankEvery === 0) lines.push(i % 2 ? '' : '  \t ');
      lines.push(row.map(([s, how]) => writeCell(s, how, delimiter)).join(delimiter));
    });
    let text = bom ? '\ufeff' : '';
    lines.forEach((l, i) => {
      text += l;
      if (i < lines.length - 1 || trailingEol) text += eols[i % eols.length];
    });
    return text;
  });

const optionsArb: fc.Arbitrary<ParseOptions> = fc.record(
  {
    delimiter: delimiterArb,
    decimal: fc.constantFrom('.' as const, ',' as const),
    dayFirst: fc.boolean(),
    timeColumn: fc.oneof(fc.constant(null), fc.constantFrom('time', 'value', 'nope')),
  },
  { requiredKeys: [] },
);

function parseOrError(text: string, options?: ParseOptions): Table | string {
  try {
    return parseCsvText(text, options);
  } catch (e) {
    if (e instanceof CsvError) return `CsvError: ${e.message}`;
    throw e;
  }
}

function checkInvariants(t: Table): void {
  expect(t.cells.length).toBe(t.rows);
  expect(t.lines.length).toBe(t.rows);
  expect(new Set(t.header).size).toBe(t.header.length);
  expect(t.columns.map((c) => c.name)).toEqual(t.header);
  for (let i = 1; i < t.rows; i++) expect(t.lines[i]!).toBeGreaterThan(t.lines[i - 1]!);
  for (const row of t.cells) expect(row.length).toBeGreaterThanOrEqual(t.header.length);
  for (const [name, v] of t.numeric) {
    expect(v.length).toBe(t.rows);
    expect(t.columns.find((c) => c.name === name)!.kind).toBe('number');
    for (const x of v) expect(Number.isNaN(x) || Number.isFinite(x)).toBe(true);
  }
  if (t.time) expect(t.time.length).toBe(t.rows);
  expect((t.timeColumn === null) === (t.time === null)).toBe(true);
  for (const w of t.warnings) expect(typeof w).toBe('string');
}

const normalise = (v: number) => (v === 0 ? 0 : v);

describe('properties', () => {
  it('random CSV files never crash the parser: a Table or a CsvError', () => {
    fc.assert(
      fc.property(csvArb, fc.option(optionsArb), (text, options) => {
        const r = parseOrError(text, options ?? undefined);
        if (typeof r !== 'string') checkInvariants(r);
      }),
      { numRuns: 400 },
    );
  });

  it('random bytes and strings never crash the parser', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.uint8Array({ maxLength: 300 }).map((b) => new TextDecoder().decode(b))), (text) => {
        const r = parseOrError(text);
        if (typeof r !== 'string') checkInvariants(r);
      }),
      { numRuns: 300 },
    );
  });

  it('streaming by any chunk size gives what the whole-text parse gives', async () => {
    await fc.assert(
      fc.asyncProperty(csvArb, fc.integer({ min: 1, max: 40 }), async (text, chunk) => {
        const expected = parseOrError(text);
        let got: Table | string;
        try {
          got = await readBlob(new Blob([text]), undefined, undefined, undefined, chunk);
        } catch (e) {
          if (!(e instanceof CsvError)) throw e;
          got = `CsvError: ${e.message}`;
        }
        expect(got).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('numbers round-trip: written → parseCsvText → tableToCsv → parseCsvText', () => {
    const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
    const valueArb = fc.oneof({ weight: 5, arbitrary: finite }, { weight: 1, arbitrary: fc.constant(NaN) });
    fc.assert(
      fc.property(
        fc.record({
          delimiter: delimiterArb,
          commaDecimal: fc.boolean(),
          columns: fc.integer({ min: 1, max: 4 }),
          withTime: fc.boolean(),
          values: fc.array(fc.array(valueArb, { minLength: 4, maxLength: 4 }), { minLength: 0, maxLength: 30 }),
          extra: fc.array(valueArb, { maxLength: 40 }),
          eol: eolArb,
          quoteAll: fc.boolean(),
        }),
        ({ delimiter, commaDecimal, columns, withTime, values, extra, eol, quoteAll }) => {
          const decimal = commaDecimal && delimiter !== ',' ? ',' : '.';
          // one unambiguous number per column first, as any real file has somewhere
          const rows = [new Array(4).fill(0.5), ...values].map((r) => r.slice(0, columns));
          const names = Array.from({ length: columns }, (_, i) => `v${i}`);
          const header = (withTime ? ['time', ...names] : names).join(delimiter);
          const cell = (s: string) => (quoteAll || s.includes(delimiter) ? `"${s}"` : s);
          const lines = rows.map((r, i) => {
            const cells = r.map((v) => cell(formatNumber(v, decimal)));
            if (withTime) cells.unshift(new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString());
            const line = cells.join(delimiter);
            return line.replaceAll(delimiter, '') === '' ? '""' + line : line;
          });
          const text = [header, ...lines].join(eol) + eol;

          const t = parseCsvText(text);
          if (columns + (withTime ? 1 : 0) > 1) expect(t.delimiter).toBe(delimiter);
          expect(t.decimal).toBe(decimal);
          expect(t.rows).toBe(rows.length);
          expect(t.timeColumn).toBe(withTime ? 'time' : null);
          for (let c = 0; c < columns; c++) {
            const expected = rows.map((r) => normalise(r[c]!));
            expect(Array.from(t.numeric.get(`v${c}`)!, normalise)).toEqual(expected);
          }

          const out = tableToCsv(t, [{ name: 'score', values: extra }]);
          const back = parseCsvText(out);
          expect(back.rows).toBe(t.rows);
          expect(back.header).toEqual([...t.header, 'score']);
          for (const [name, v] of t.numeric) expect(Array.from(back.numeric.get(name)!, normalise)).toEqual(Array.from(v, normalise));
          const score = back.numeric.get('score');
          const wanted = Array.from({ length: t.rows }, (_, i) => (i < extra.length ? normalise(extra[i]!) : NaN));
          if (wanted.some((v) => !Number.isNaN(v))) expect(Array.from(score!, normalise)).toEqual(wanted);
          if (t.time) expect(back.time).toEqual(t.time);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('parseCsvBlob on a Blob equals parseCsvText on the same text (random files)', async () => {
    await fc.assert(
      fc.asyncProperty(csvArb, async (text) => {
        const expected = parseOrError(text);
        let got: Table | string;
        try {
          got = await parseCsvBlob(new Blob([text]));
        } catch (e) {
          if (!(e instanceof CsvError)) throw e;
          got = `CsvError: ${e.message}`;
        }
        expect(got).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });
});
