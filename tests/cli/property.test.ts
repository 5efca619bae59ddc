import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { run, wholeFileOutput } from './helpers';

/** A random small CSV: a header, number columns (with missing cells), maybe a text and a time column. */
const csv = fc
  .record({
    delimiter: fc.constantFrom(',', ';', '\t', '|'),
    eol: fc.constantFrom('\n', '\r\n'),
    numbers: fc.integer({ min: 1, max: 3 }),
    text: fc.boolean(),
    time: fc.boolean(),
    rows: fc.integer({ min: 1, max: 60 }),
    seed: fc.integer({ min: 0, max: 1e6 }),
    trailingEol: fc.boolean(),
  })
  .chain((shape) =>
    fc
      .array(
        fc.record({
          values: fc.array(
            fc.oneof(
              { weight: 8, arbitrary: fc.double({ min: -1e4, max: 1e4, noNaN: true }).map((v) => String(Math.round(v * 1000) / 1000)) },
              { weight: 1, arbitrary: fc.constantFrom('', 'NA') },
            ),
            { minLength: shape.numbers, maxLength: shape.numbers },
          ),
          text: fc.oneof(
            fc.stringMatching(/^[a-zA-Zäöü ]{1,8}$/),
            fc.constantFrom('say "hi"', 'a, b', 'a; b', 'two\nlines', 'tab\there', 'x|y', ' padded ', 'ünï €'),
          ),
          step: fc.integer({ min: 0, max: 120 }),
        }),
        { minLength: shape.rows, maxLength: shape.rows },
      )
      .map((rows) => {
        const d = shape.delimiter;
        const quote = (s: string) => (/[",;\t|\n\r]|^ | $/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
        const header = [
          ...(shape.time ? ['when'] : []),
          ...Array.from({ length: shape.numbers }, (_, i) => `v${i + 1}`),
          ...(shape.text ? ['note'] : []),
        ];
        let t = Date.UTC(2024, 0, 1);
        const lines = [header.join(d)];
        for (const row of rows) {
          t += row.step * 1000;
          const cells = [
            ...(shape.time ? [new Date(t).toISOString()] : []),
            // the decimal point as written, or a comma when the delimiter is not a comma
            ...row.values.map((v) => (d === ',' ? v : v.replace('.', ','))),
            ...(shape.text ? [quote(row.text)] : []),
          ];
          lines.push(cells.map((c) => (c.includes(d) ? quote(c) : c)).join(d));
        }
        return {
          text: lines.join(shape.eol) + (shape.trailingEol ? shape.eol : ''),
          seed: shape.seed,
          decimal: (d === ',' ? '.' : ',') as '.' | ',',
          firstRowComplete: rows[0]!.values.every((v) => v !== '' && v !== 'NA'),
        };
      }),
  );

/** The UTF-8 bytes cut at random places (inside characters too). */
function pieces(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let from = 0;
  for (const c of at) {
    out.push(bytes.subarray(from, c));
    from = c;
  }
  out.push(bytes.subarray(from));
  return out;
}

describe('streaming rcf score', () => {
  it('writes what the whole-file implementation wrote, for random small CSVs cut into random pieces', async () => {
    await fc.assert(
      fc.asyncProperty(csv, fc.array(fc.nat(), { maxLength: 8 }), async ({ text, seed }, cuts) => {
        const options = { numberOfTrees: 5, sampleSize: 16, seed };
        let expected: string;
        try {
          expected = await wholeFileOutput(text, options);
        } catch {
          return; // no numeric column (all cells missing): nothing to compare
        }
        const r = await run(['score', '-', '--trees', '5', '--sample-size', '16', '--seed', String(seed)], {
          stdin: pieces(new TextEncoder().encode(text), cuts),
        });
        expect(r.stderr).not.toMatch(/rcf: (?!-|stdin:|scored|note:)/);
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it('with the layout decided on the first rows (--detect-rows), rows after them are read the same way', async () => {
    await fc.assert(
      fc.asyncProperty(csv, fc.array(fc.nat(), { maxLength: 4 }), fc.integer({ min: 1, max: 20 }), async ({ text, decimal, firstRowComplete }, cuts, detect) => {
        // the first row holds a number in every number column, so the first rows settle the same kinds
        if (!firstRowComplete) return;
        let expected: string;
        try {
          expected = await wholeFileOutput(text, { numberOfTrees: 5, sampleSize: 16 }, undefined, { decimal });
        } catch {
          return;
        }
        const r = await run(['score', '-', '--trees', '5', '--sample-size', '16', '--decimal', decimal, '--detect-rows', String(detect)], {
          stdin: pieces(new TextEncoder().encode(text), cuts),
        });
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(expected);
      }),
      { numRuns: 40 },
    );
  });
});
