/** parseCsvBlob (streaming) gives the same Table as parseCsvText, whatever the chunk size. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CsvError, parseCsvBlob, parseCsvText, tableToCsv } from '../../src/ingest/index';
import type { Table } from '../../src/ingest/index';
import { parseCsvFile, writeCsvFile } from '../../src/ingest/node';
import { readBlob } from '../../src/ingest/parse-blob';
import { csvErrorAsync, fixtureBytes, fixtureText } from './helpers';

const FIXTURES = [
  'bom-crlf.csv',
  'semicolon-decimal-comma.csv',
  'tab-separated.tsv',
  'pipe-quoted.csv',
  'mixed-endings.csv',
  'blank-lines.csv',
  'thousands.csv',
  'ragged.csv',
  'epoch-seconds.csv',
];

const INLINE = [
  'a,b\r\n"x\r\ny",1\r\n"""",2\r',
  'Zeit;Wert\n01.02.2024 10:00;1,5\n02.02.2024 10:00;2,5',
  'name,v\nK\u00f6ln \u2013 \u00b0C \ud83d\ude00,1\n\u65e5\u672c,2\n',
  'time,value\n',
  '\ufeffx\n1\n\n\n2\n',
];

function parseOrError(f: () => Table): Table | string {
  try {
    return f();
  } catch (e) {
    if (e instanceof CsvError) return `CsvError: ${e.message}`;
    throw e;
  }
}

async function parseOrErrorAsync(f: () => Promise<Table>): Promise<Table | string> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof CsvError) return `CsvError: ${e.message}`;
    throw e;
  }
}

describe('parseCsvBlob equals parseCsvText', () => {
  const texts: [string, string][] = [
    ...FIXTURES.map((f) => [f, fixtureText(f)] as [string, string]),
    ...INLINE.map((t, i) => [`inline ${i}`, t] as [string, string]),
  ];
  it.each(texts)('%s', async (_name, text) => {
    const expected = parseOrError(() => parseCsvText(text));
    const blob = new Blob([text]);
    expect(await parseOrErrorAsync(() => parseCsvBlob(blob))).toEqual(expected);
    for (const chunk of [1, 2, 3, 7, 64]) {
      expect(await parseOrErrorAsync(() => readBlob(blob, undefined, undefined, undefined, chunk)), `chunk ${chunk}`).toEqual(expected);
    }
  });

  it('the binary fixture is refused the same way', async () => {
    const e = await csvErrorAsync(() => parseCsvBlob(new Blob([fixtureBytes('binary.bin')])));
    expect(e.message).toMatch(/does not look like a CSV file/);
  });

  it('a big binary file is refused after its first chunk, without reading the rest', async () => {
    const bytes = new Uint8Array(8 << 20);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 251; // no line breaks to sniff on
    let chunks = 0;
    const e = await csvErrorAsync(() => readBlob(new Blob([bytes]), undefined, () => chunks++, undefined, 64 * 1024));
    expect(e.message).toMatch(/does not look like a CSV file/);
    expect(chunks).toBe(0);
  });

  it('an empty blob is "The file is empty"', async () => {
    expect((await csvErrorAsync(() => parseCsvBlob(new Blob([])))).message).toMatch(/^The file is empty/);
  });

  it('an unclosed quote found while streaming names the same line and column', async () => {
    const text = 'a,b\n' + '1,2\n'.repeat(1000) + '3,"4\n5,6\n';
    const e = await csvErrorAsync(() => readBlob(new Blob([text]), undefined, undefined, undefined, 100));
    expect([e.line, e.column]).toEqual([1002, 2]);
  });

  it('a thousand columns, streamed by small chunks', async () => {
    const header = Array.from({ length: 1000 }, (_, i) => `c${i}`).join(';');
    const rows = Array.from({ length: 60 }, (_, r) => Array.from({ length: 1000 }, (_, i) => `${r},${i}`).join(';'));
    const text = [header, ...rows].join('\r\n');
    const t = await readBlob(new Blob([text]), undefined, undefined, undefined, 4096);
    expect(t).toEqual(parseCsvText(text));
    expect([t.delimiter, t.decimal, t.rows, t.numeric.size]).toEqual([';', ',', 60, 1000]);
  });

  it('options are applied the same way', async () => {
    const text = 'a;b\n01/02/2024;1.234\n03/04/2024;5.678\n';
    const options = { dayFirst: true, decimal: '.' as const, delimiter: ';' };
    expect(await parseCsvBlob(new Blob([text]), options)).toEqual(parseCsvText(text, options));
  });
});

describe('progress and abort', () => {
  const text = 'time,value\n' + Array.from({ length: 2000 }, (_, i) => `${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()},${i}`).join('\n');
  const blob = new Blob([text]);

  it('reports bytes and rows as it goes, ending at the total', async () => {
    const seen: { bytes: number; totalBytes: number; rows: number }[] = [];
    const t = await readBlob(blob, undefined, (p) => seen.push(p), undefined, 4096);
    expect(seen.length).toBeGreaterThan(10);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.bytes).toBeGreaterThanOrEqual(seen[i - 1]!.bytes);
      expect(seen[i]!.rows).toBeGreaterThanOrEqual(seen[i - 1]!.rows);
    }
    expect(seen.at(-1)).toEqual({ bytes: blob.size, totalBytes: blob.size, rows: 2000 });
    expect(t.rows).toBe(2000);
  });

  it('stops with an AbortError when aborted before it starts', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(parseCsvBlob(blob, undefined, undefined, ac.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('stops between chunks when aborted while running', async () => {
    const ac = new AbortController();
    let calls = 0;
    const run = readBlob(blob, undefined, () => { if (++calls === 3) ac.abort(); }, ac.signal, 1024);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(3);
  });
});

describe('encodings', () => {
  const text = 'name;v\nK\u00f6ln;1,5\nM\u00fcnchen;2,5\n';

  it('UTF-16 little-endian with a BOM', async () => {
    const bytes = new Uint8Array(Buffer.from('\ufeff' + text, 'utf16le'));
    const t = await readBlob(new Blob([bytes]), undefined, undefined, undefined, 5);
    const expected = parseCsvText(text);
    expect(t.warnings[0]).toMatch(/UTF-16 \(little-endian\)/);
    expect({ ...t, warnings: t.warnings.slice(1) }).toEqual(expected);
  });

  it('UTF-16 big-endian with a BOM', async () => {
    const le = Buffer.from('\ufeff' + text, 'utf16le');
    const be = new Uint8Array(le.length);
    for (let i = 0; i < le.length; i += 2) {
      be[i] = le[i + 1]!;
      be[i + 1] = le[i]!;
    }
    const t = await parseCsvBlob(new Blob([be]));
    expect(t.cells[0]).toEqual(['K\u00f6ln', '1,5']);
  });

  it('Windows-1252 bytes 0x80-0x9F become their characters (euro sign, curly quotes)', async () => {
    const bytes = new Uint8Array([...Buffer.from('name,v\n', 'latin1'), 0x93, 0x80, 0x20, 0x35, 0x94, 0x2c, 0x31, 0x0a]);
    const t = await parseCsvBlob(new Blob([bytes]));
    expect(t.cells[0]).toEqual(['\u201c\u20ac 5\u201d', '1']);
  });

  it('Windows-1252 (not valid UTF-8) is read as such, with a note', async () => {
    const bytes = new Uint8Array(Buffer.from(text, 'latin1'));
    const t = await parseCsvBlob(new Blob([bytes]));
    expect(t.cells.map((r) => r[0])).toEqual(['K\u00f6ln', 'M\u00fcnchen']);
    expect(Array.from(t.numeric.get('v')!)).toEqual([1.5, 2.5]);
    expect(t.warnings[0]).toMatch(/not valid UTF-8; it was read as Windows-1252/);
  });
});

describe('Node adapter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rcf-ingest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parseCsvFile streams a file from disk; writeCsvFile writes tableToCsv', async () => {
    const text = fixtureText('semicolon-decimal-comma.csv');
    const path = join(dir, 'in.csv');
    writeFileSync(path, text);
    const t = await parseCsvFile(path);
    expect(t).toEqual(parseCsvText(text));
    const extra = [{ name: 'score', values: [1, 2, 3, 4] }];
    const out = join(dir, 'out.csv');
    await writeCsvFile(out, t, extra);
    expect(readFileSync(out, 'utf8')).toBe(tableToCsv(t, extra));
  });
});
