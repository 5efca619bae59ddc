/** The tokenizer and the timestamp reader: fast paths agree with the general ones; chunking changes nothing. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError } from '../../src/ingest/index';
import { parseTimestamp, parseTimestampGeneral, timeScan } from '../../src/ingest/time';
import { Tokenizer } from '../../src/ingest/tokenizer';

function tokenize(chunks: string[], delimiter: string, fastPath = true) {
  const records: [string[], number][] = [];
  const t = new Tokenizer(delimiter, (cells, line) => records.push([cells, line]), { fastPath });
  try {
    for (const c of chunks) t.push(c);
    t.finish();
  } catch (e) {
    if (!(e instanceof CsvError)) throw e;
    return { error: e.message, records };
  }
  return { records, stats: t.stats };
}

const textArb = fc.string({
  unit: fc.constantFrom('a', 'b', '1', ' ', '\t', ',', ';', '"', '""', '\n', '\r', '\r\n', '\u00a0', 'é'),
  maxLength: 80,
});

describe('tokenizer', () => {
  it('fast path and character loop give the same records and counts', () => {
    fc.assert(
      fc.property(textArb, fc.constantFrom(',', ';', '\t'), (text, d) => {
        expect(tokenize([text], d, true)).toEqual(tokenize([text], d, false));
      }),
      { numRuns: 2000 },
    );
  });

  it('cutting the text anywhere gives the same records', () => {
    fc.assert(
      fc.property(textArb, fc.array(fc.nat(), { maxLength: 6 }), (text, cuts) => {
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let last = 0;
        for (const p of points) {
          chunks.push(text.slice(last, p));
          last = p;
        }
        chunks.push(text.slice(last));
        const whole = tokenize([text], ',');
        const cut = tokenize(chunks, ',');
        if ('error' in whole) expect(cut.error).toBe(whole.error);
        else expect(cut).toEqual(whole);
      }),
      { numRuns: 2000 },
    );
  });

  it('counts line endings outside quotes only', () => {
    const r = tokenize(['a\r\n"x\ny\r\nz"\nb\rc'], ',');
    expect(r.records).toEqual([[['a'], 1], [['x\ny\r\nz'], 2], [['b'], 5], [['c'], 6]]);
    expect(r.stats).toMatchObject({ crlf: 1, lf: 1, cr: 1 });
  });
});

describe('timestamp fast path', () => {
  const piece = fc.constantFrom(
    '2024', '1999', '0001', '-', '/', '.', '01', '12', '13', '31', '29', '02', '00', '60', 'T', 't', ' ', ':', '30',
    '59', 'Z', 'z', '.', ',', '123', '5', '+01:00', '-0530', 'UTC', 'PM', '1', '9',
  );
  const stampArb = fc.oneof(
    fc.array(piece, { maxLength: 14 }).map((p) => p.join('')),
    fc.integer({ min: -62e12, max: 250e12 }).map((ms) => new Date(ms).toISOString()),
    fc
      .tuple(fc.integer({ min: 0, max: 4e12 }), fc.integer({ min: 10, max: 24 }), fc.constantFrom('', 'Z', ' ', 'x'))
      .map(([ms, n, z]) => new Date(ms).toISOString().replace('T', ' ').slice(0, n) + z),
  );
  it('agrees with the general reader, value and scan state', () => {
    fc.assert(
      fc.property(stampArb, fc.boolean(), (s, dayFirst) => {
        const fast = parseTimestamp(s, dayFirst);
        const stateFast = { ...timeScan };
        const general = parseTimestampGeneral(s, dayFirst);
        const stateGeneral = { ...timeScan };
        expect(fast).toEqual(general);
        if (stateGeneral.family === 0) expect(stateFast.family).toBe(0);
        else expect(stateFast).toEqual(stateGeneral);
      }),
      { numRuns: 5000 },
    );
  });
});
