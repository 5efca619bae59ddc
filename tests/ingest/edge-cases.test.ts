/** Files that are empty, nearly empty, not CSV at all, or broken beyond repair. */
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsvText } from '../../src/ingest/index';
import { MAX_RECORD_CHARS } from '../../src/ingest/tokenizer';
import { checkTable, csvError, fixtureBytes } from './helpers';

describe('empty and nearly empty files', () => {
  it.each([
    ['an empty file', ''],
    ['only a BOM', '\ufeff'],
    ['only blank lines', '\n\r\n   \n\t\n'],
  ])('%s is a CsvError saying the file is empty', (_name, text) => {
    const e = csvError(() => parseCsvText(text));
    expect(e.message).toMatch(/^The file is empty/);
    expect(e.message).toMatch(/Expected a header line/);
    expect(e.line).toBeNull();
    expect(e.name).toBe('CsvError');
  });

  it.each([
    ['with a newline', 'time,value\n'],
    ['without a newline', 'time,value'],
    ['followed by blank lines', 'time,value\r\n\r\n\r\n'],
  ])('a header with no rows (%s) gives a Table with 0 rows and a warning', (_name, text) => {
    const t = parseCsvText(text);
    checkTable(t, { rows: 0, header: ['time', 'value'], timeColumn: null, warnings: [/header line but no data rows/] });
    expect(t.cells).toEqual([]);
    expect(t.numeric.size).toBe(0);
    expect(t.start).toBeNull();
  });

  it('a header with no rows and a timeColumn option keeps the (empty) time column', () => {
    const t = parseCsvText('time,value\n', { timeColumn: 'time' });
    expect(t.timeColumn).toBe('time');
    expect(t.time).toEqual(new Float64Array(0));
  });
});

describe('files that are not CSV', () => {
  it('a binary file (NUL bytes) is a CsvError at once', () => {
    const bytes = fixtureBytes('binary.bin');
    const text = new TextDecoder().decode(bytes);
    const e = csvError(() => parseCsvText(text));
    expect(e.message).toMatch(/does not look like a CSV file: it holds NUL bytes/);
    expect(e.message).toMatch(/save it as "CSV UTF-8"/);
  });

  it('mostly non-text without NUL bytes is a CsvError', () => {
    let s = 'a,b\n';
    for (let i = 0; i < 1000; i++) s += String.fromCharCode(1 + (i % 8), 0xfffd);
    expect(csvError(() => parseCsvText(s)).message).toMatch(/of its first 1024 characters are not text/);
  });

  it('an .xlsx (ZIP) file is a CsvError that says to save it as CSV', () => {
    const e = csvError(() => parseCsvText('PK\u0003\u0004\u0014\u0000\u0006\u0000rest'));
    expect(e.message).toMatch(/ZIP archive.*Excel \(\.xlsx\)/);
  });

  it('a NUL byte after the first kilobyte is not taken for binary', () => {
    const t = parseCsvText('a,b\n' + '1,2\n'.repeat(400) + 'x\u0000y,3\n');
    expect(t.rows).toBe(401);
  });
});

describe('broken quoting', () => {
  it('an unclosed quote is a CsvError naming its line and column', () => {
    const e = csvError(() => parseCsvText('a,b,c\n1,2,3\n4,"oops,6\n7,8,9\n'));
    expect(e.line).toBe(3);
    expect(e.column).toBe(2);
    expect(e.message).toMatch(/^Line 3, column 2: a quoted cell opens with " but never closes/);
    expect(e.message).toMatch(/must be doubled/);
  });

  it('a runaway quoted cell is stopped before it eats the memory', () => {
    const text = 'a,b\n1,"' + 'x'.repeat(MAX_RECORD_CHARS + 10) + '"\n';
    const e = csvError(() => parseCsvText(text));
    expect(e.line).toBe(2);
    expect(e.column).toBe(2);
    expect(e.message).toMatch(/runs on for more than/);
  });
});

describe('options', () => {
  it.each([[''], [',,'], ['"'], ['\n']])('delimiter %j is a CsvError', (d) => {
    expect(csvError(() => parseCsvText('a,b\n1,2\n', { delimiter: d })).message).toMatch(/delimiter option must be one character/);
  });

  it('"tab" is accepted as a delimiter name', () => {
    expect(parseCsvText('a\tb\n1\t2\n', { delimiter: 'tab' }).header).toEqual(['a', 'b']);
  });
});

describe('CsvError', () => {
  it('is an Error with line and column', () => {
    const e = new CsvError('m', 3, 'x');
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.message, e.line, e.column]).toEqual(['CsvError', 'm', 3, 'x']);
    expect(new CsvError('m').line).toBeNull();
  });
});
