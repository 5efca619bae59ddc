/** tableToCsv: every original row and column, extra columns, quoting, numbers. */
import { describe, expect, it } from 'vitest';
import { formatNumber, parseCsvText, tableToCsv, tableToCsvChunks } from '../../src/ingest/index';

describe('tableToCsv', () => {
  it('writes every original row and column plus the extra columns', () => {
    const t = parseCsvText('time,value,note\n2024-01-01,1.5,a\n2024-01-02,2.5,b\n');
    const out = tableToCsv(t, [
      { name: 'score', values: [0.1, 0.25] },
      { name: 'grade', values: ['low', 'high'] },
    ]);
    expect(out).toBe('time,value,note,score,grade\n2024-01-01,1.5,a,0.1,low\n2024-01-02,2.5,b,0.25,high\n');
  });

  it('NaN, Infinity, undefined, null and missing values are empty cells', () => {
    const t = parseCsvText('a\n1\n2\n3\n4\n5\n');
    const values = [NaN, Infinity, undefined, null] as unknown as number[];
    expect(tableToCsv(t, [{ name: 's', values }])).toBe('a,s\n1,\n2,\n3,\n4,\n5,\n');
  });

  it('numbers are written with the shortest round-trip text', () => {
    const t = parseCsvText('a\n1\n2\n3\n4\n');
    const values = [0.1 + 0.2, 1 / 3, 1e21, -5e-324];
    const out = tableToCsv(t, [{ name: 's', values }]);
    expect(out).toBe('a,s\n1,0.30000000000000004\n2,0.3333333333333333\n3,1e+21\n4,-5e-324\n');
    expect(Array.from(parseCsvText(out).numeric.get('s')!)).toEqual(values);
  });

  it('quotes per RFC 4180 with the table delimiter: delimiter, quote, line breaks, edge spaces', () => {
    const t = parseCsvText('a;b\n"x;y";"say ""hi"""\n"two\nlines";" padded "\n');
    expect(t.delimiter).toBe(';');
    const out = tableToCsv(t, [{ name: 'c;d', values: ['1;2', 'plain'] }]);
    expect(out).toBe('a;b;"c;d"\n"x;y";"say ""hi""";"1;2"\n"two\nlines";" padded ";plain\n');
    expect(parseCsvText(out).cells).toEqual([
      ['x;y', 'say "hi"', '1;2'],
      ['two\nlines', ' padded ', 'plain'],
    ]);
  });

  it('a decimal-comma table gets decimal commas in the extra columns', () => {
    const t = parseCsvText('t;v\n2024-01-01;1,5\n2024-01-02;2,5\n');
    expect(t.decimal).toBe(',');
    const out = tableToCsv(t, [{ name: 'score', values: [0.75, 1e-7] }]);
    expect(out).toBe('t;v;score\n2024-01-01;1,5;0,75\n2024-01-02;2,5;1e-7\n');
    const back = parseCsvText(out);
    expect(Array.from(back.numeric.get('score')!)).toEqual([0.75, 1e-7]);
  });

  it('with a comma delimiter and a decimal comma, numbers are quoted', () => {
    const t = parseCsvText('v\n"1,5"\n"2,5"\n', { decimal: ',', delimiter: ',' });
    expect(tableToCsv(t, [{ name: 's', values: [0.5, 2] }])).toBe('v,s\n"1,5","0,5"\n"2,5",2\n');
  });

  it('short rows are padded, extra cells beyond the header left out; extra names made unique', () => {
    const t = parseCsvText('a,b\n1\n2,3,4\n');
    expect(tableToCsv(t, [{ name: 'a', values: [9] }])).toBe('a,b,a_2\n1,,9\n2,3,\n');
  });

  it('a header-only table gives only the header line', () => {
    expect(tableToCsv(parseCsvText('x,y\n'), [{ name: 's', values: [] }])).toBe('x,y,s\n');
  });

  it('the chunked writer gives the same text', () => {
    const t = parseCsvText('a\n' + Array.from({ length: 25 }, (_, i) => i).join('\n'));
    const extra = [{ name: 's', values: Array.from({ length: 25 }, (_, i) => i / 7) }];
    const chunks = [...tableToCsvChunks(t, extra, 10)];
    expect(chunks.length).toBe(4);
    expect(chunks.join('')).toBe(tableToCsv(t, extra));
  });

  it('formatNumber', () => {
    expect(formatNumber(-0, '.')).toBe('0');
    expect(formatNumber(1.5, ',')).toBe('1,5');
    expect(formatNumber(NaN, '.')).toBe('');
    expect(formatNumber(-Infinity, '.')).toBe('');
  });
});

describe('tableToCsv keeps rows with nothing in them', () => {
  it.each([
    ['one column', 'v\n1\n""\n2\n', '\n'],
    ['two columns', 'a,b\n1,2\n,\n3,4\n', ','],
    ['tab-separated', 'a\tb\n1\t2\n""\t\n3\t4\n', '\t'],
  ])('%s', (_name, text) => {
    const t = parseCsvText(text);
    expect(t.rows).toBe(3);
    const back = parseCsvText(tableToCsv(t, [{ name: 's', values: [1, NaN, 3] }]));
    expect(back.rows).toBe(3);
    expect(Array.from(back.numeric.get('s')!)).toEqual([1, NaN, 3]);
  });
});
