/**
 * The page worker's reader (read-columns.ts): a File read by slices into its number and time columns, a
 * read stopped midway or by the memory limits keeps whole rows, and the export reads the file again.
 */
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { CsvError, parseCsvText, tableToCsv } from '../../src/ingest/index';
import { exportColumnsCsv, readCsvColumns } from '../../src/ingest/read-columns';

function series(rows: number, extra = ''): string {
  let text = 'timestamp,value,note,load\n';
  for (let r = 0; r < rows; r++) {
    const t = new Date(Date.UTC(2024, 0, 1) + r * 60_000).toISOString().replace('T', ' ').slice(0, 19);
    text += `${t},${(Math.sin(r / 7) * 10 + r / 100).toFixed(4)},"row ${r}${r % 50 === 0 ? ', with ""quotes""\nand a line break' : ''}",${r % 13}${extra}\n`;
  }
  return text;
}

/** A Blob that aborts `controller` once a slice starting past `at` bytes is asked for. */
function abortingBlob(text: string, at: number, controller: AbortController): Blob {
  const blob = new Blob([text]);
  return {
    size: blob.size,
    type: '',
    slice(a?: number, b?: number) {
      if ((a ?? 0) >= at) controller.abort();
      return blob.slice(a, b);
    },
  } as Blob;
}

describe('readCsvColumns', () => {
  it('reads the same numbers and times as parseCsvText, whatever the slice size', async () => {
    const text = series(12_345); // more rows than the detection takes (10,000)
    const whole = parseCsvText(text);
    for (const sliceBytes of [7, 4096, 1 << 20]) {
      const t = await readCsvColumns(new Blob([text]), {}, undefined, undefined, { sliceBytes });
      expect(t.rows).toBe(whole.rows);
      expect(t.header).toEqual(whole.header);
      expect(t.timeColumn).toBe('timestamp');
      expect([...t.numeric.keys()]).toEqual([...whole.numeric.keys()]);
      for (const [name, values] of whole.numeric) expect(t.numeric.get(name)).toEqual(values);
      expect(t.time).toEqual(whole.time);
      expect(t.stopped).toBeNull();
      expect(t.start).toBe(whole.start);
      expect(t.end).toBe(whole.end);
    }
  });

  it('reports progress with bytes, rows and time, ending at the whole file', async () => {
    const text = series(3000);
    const seen: { bytes: number; rows: number; totalBytes: number; milliseconds: number }[] = [];
    await readCsvColumns(new Blob([text]), {}, (p) => seen.push(p), undefined, { sliceBytes: 1000 });
    const last = seen[seen.length - 1]!;
    expect(last.bytes).toBe(new Blob([text]).size);
    expect(last.totalBytes).toBe(last.bytes);
    expect(last.rows).toBe(3000);
    expect(last.milliseconds).toBeGreaterThanOrEqual(0);
  });

  it('stopped midway: keeps whole rows read so far, never a cut one, and says so', async () => {
    const text = series(5000);
    const whole = parseCsvText(text);
    const controller = new AbortController();
    const blob = abortingBlob(text, Math.floor(text.length / 2), controller);
    const t = await readCsvColumns(blob, {}, undefined, controller.signal, { sliceBytes: 333 });
    expect(t.stopped?.reason).toBe('stopped');
    expect(t.rows).toBeGreaterThan(1000);
    expect(t.rows).toBeLessThan(5000);
    expect(t.stopped!.bytes).toBeLessThan(t.stopped!.totalBytes);
    // every row kept is the file's row, the last included (a row cut by the slice is dropped)
    for (const [name, values] of t.numeric) expect(values).toEqual(whole.numeric.get(name)!.subarray(0, t.rows));
    expect(t.time).toEqual(whole.time!.subarray(0, t.rows));
    expect(t.warnings[0]).toMatch(/^Reading stopped at your request after [\d,]+ rows \(.* of .* MB\); those rows are loaded\.$/);
  });

  it('a stop before the first slice is an error that says nothing was loaded', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readCsvColumns(new Blob([series(10)]), {}, undefined, controller.signal)).rejects.toThrow(
      /stopped before the first data row: nothing was loaded/,
    );
  });

  it('stops at the row and cell limits, keeping the first rows and naming the command line', async () => {
    const text = series(4000);
    const whole = parseCsvText(text);
    const byRows = await readCsvColumns(new Blob([text]), {}, undefined, undefined, { maxRows: 2500, sliceBytes: 4096 });
    expect(byRows.rows).toBe(2500);
    expect(byRows.stopped?.reason).toBe('limit');
    expect(byRows.numeric.get('value')).toEqual(whole.numeric.get('value')!.subarray(0, 2500));
    expect(byRows.warnings[0]).toMatch(/^Only the first 2,500 rows were read \(.*\): the page keeps at most 2,500 rows.*`rcf score FILE`/);
    // 2 number columns + time = 3 cells per row
    const byCells = await readCsvColumns(new Blob([text]), {}, undefined, undefined, { maxCells: 3000 });
    expect(byCells.rows).toBe(1000);
    expect(byCells.stopped?.reason).toBe('limit');
  });

  it('refuses a binary file at once, from its first slice', async () => {
    const bytes = new Uint8Array(5_000_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    let slices = 0;
    const blob = new Blob([bytes]);
    const counting = { size: blob.size, type: '', slice: (a?: number, b?: number) => (slices++, blob.slice(a, b)) } as Blob;
    await expect(readCsvColumns(counting)).rejects.toBeInstanceOf(CsvError);
    expect(slices).toBe(1);
  });

  it('says how dates like 03/04/2020 were read, and whether the dates settle it', async () => {
    const open = 'when,v\n01/02/2020,1\n03/04/2020,2\n';
    expect((await readCsvColumns(new Blob([open]))).dateOrder).toEqual({ dayFirst: false, open: true });
    const chosen = await readCsvColumns(new Blob([open]), { dayFirst: true });
    expect(chosen.dateOrder).toEqual({ dayFirst: true, open: true });
    expect(chosen.time![1]).toBe(Date.UTC(2020, 3, 3));
    expect((await readCsvColumns(new Blob(['when,v\n01/02/2020,1\n25/04/2020,2\n']))).dateOrder).toEqual({ dayFirst: true, open: false });
    expect((await readCsvColumns(new Blob(['when,v\n2020-01-02,1\n2020-04-03,2\n']))).dateOrder?.open).toBe(false); // ISO dates: no question
    // open, and read the way the times go forward (11 Mar … 2 Apr, not 3 Nov, 3 Dec, 4 Jan, 4 Feb); the choice stays the person's
    const forward = 'when,v\n11/03/2020,1\n12/03/2020,2\n01/04/2020,3\n02/04/2020,4\n';
    const auto = await readCsvColumns(new Blob([forward]));
    expect(auto.dateOrder).toEqual({ dayFirst: true, open: true });
    expect(auto.time![2]).toBe(Date.UTC(2020, 3, 1));
    expect(auto.warnings.join('\n')).toMatch(/read as day first \(DD\/MM\/YYYY\): times go forward that way, not month first/);
    const told = await readCsvColumns(new Blob([forward]), { dayFirst: false });
    expect(told.dateOrder).toEqual({ dayFirst: false, open: true });
    expect(told.time![2]).toBe(Date.UTC(2020, 0, 4));
  });

  it('an empty file is a CsvError; a header alone gives no rows', async () => {
    await expect(readCsvColumns(new Blob([]))).rejects.toBeInstanceOf(CsvError);
    const t = await readCsvColumns(new Blob(['a,b\n']));
    expect(t.rows).toBe(0);
  });
});

describe('exportColumnsCsv', () => {
  it('writes what tableToCsv writes for the whole table (quotes, line breaks, CRLF, semicolons)', async () => {
    const files = [
      series(1200),
      series(300).replace(/\n/g, '\r\n'),
      'when;temp;label\n2024-01-01 00:00;1,5;a\n2024-01-01 00:01;2,25;"b;c"\n2024-01-01 00:02;;d\n',
    ];
    for (const text of files) {
      const t = await readCsvColumns(new Blob([text]), {}, undefined, undefined, { sliceBytes: 97 });
      const scores = Float64Array.from({ length: t.rows }, (_, i) => (i % 3 ? i / 7 : NaN));
      const flags = Array.from({ length: t.rows }, (_, i) => String(i % 2 === 0));
      const extra = [
        { name: 'score', values: scores },
        { name: 'imputed', values: flags },
      ];
      const got = await (await exportColumnsCsv(t, extra, 101)).text();
      expect(got).toBe(tableToCsv(parseCsvText(text), extra));
    }
  });

  it('after a stopped read, writes the rows that were read', async () => {
    const text = series(3000);
    const controller = new AbortController();
    const t = await readCsvColumns(abortingBlob(text, 40_000, controller), {}, undefined, controller.signal, { sliceBytes: 1000 });
    const got = await (await exportColumnsCsv(t, [{ name: 'score', values: new Float64Array(t.rows).fill(1) }])).text();
    const whole = parseCsvText(text);
    const expected = tableToCsv({ ...whole, rows: t.rows, cells: whole.cells.slice(0, t.rows) }, [
      { name: 'score', values: new Float64Array(t.rows).fill(1) },
    ]);
    expect(got).toBe(expected);
  });

  it('random files: the columns read by slices equal parseCsvText, and the export equals tableToCsv', async () => {
    const cell = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map((v) => String(v)),
      fc.constantFrom('', 'NA', 'x', '"q,uoted"', '"multi\nline"', ' 7 '),
    );
    const file = fc.tuple(
      fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 60 }),
      fc.constantFrom('\n', '\r\n'),
      fc.integer({ min: 1, max: 64 }),
    );
    await fc.assert(
      fc.asyncProperty(file, async ([rows, eol, sliceBytes]) => {
        const text = 'a,b,c' + eol + rows.map((r) => r.join(',')).join(eol) + eol;
        let whole;
        try {
          whole = parseCsvText(text);
        } catch (e) {
          await expect(readCsvColumns(new Blob([text]), {}, undefined, undefined, { sliceBytes })).rejects.toBeInstanceOf(CsvError);
          return;
        }
        const t = await readCsvColumns(new Blob([text]), {}, undefined, undefined, { sliceBytes });
        expect(t.rows).toBe(whole.rows);
        for (const [name, values] of whole.numeric) expect(t.numeric.get(name)).toEqual(values);
        const extra = [{ name: 'score', values: Float64Array.from({ length: t.rows }, (_, i) => i) }];
        expect(await (await exportColumnsCsv(t, extra, sliceBytes)).text()).toBe(tableToCsv(whole, extra));
      }),
      { numRuns: 150 },
    );
  });
});
