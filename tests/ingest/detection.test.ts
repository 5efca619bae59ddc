/** One case per kind of format trouble: each a small file, the table it must give and the warnings. */
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/ingest/index';
import { caseText, checkTable } from './helpers';
import type { Case } from './helpers';

const cases: Case[] = [
  // --- encoding ---
  {
    name: 'UTF-8 BOM is removed and reported; CRLF line endings reported',
    file: 'bom-crlf.csv',
    expect: {
      header: ['timestamp', 'value'],
      rows: 3,
      numeric: { value: [1.5, 2.5, 3.5] },
      lines: [2, 3, 4],
      warnings: [/byte order mark/, /CRLF \(Windows\)/],
    },
  },
  // --- delimiters ---
  {
    name: 'comma: no delimiter warning',
    text: 'a,b\n1,2\n3,4\n',
    expect: { delimiter: ',', header: ['a', 'b'], numeric: { a: [1, 3], b: [2, 4] }, noWarnings: [/Delimiter/, /line endings/i] },
  },
  {
    name: 'semicolon with decimal comma, thousands dots and day-first dotted dates',
    file: 'semicolon-decimal-comma.csv',
    expect: {
      delimiter: ';',
      decimal: ',',
      header: ['Zeit', 'Temperatur', 'Druck', 'Ort'],
      timeColumn: 'Zeit',
      kinds: { Zeit: 'time', Temperatur: 'number', Druck: 'number', Ort: 'text' },
      numeric: { Temperatur: [21.5, 21.75, -0.5, 150], Druck: [1013.25, 1012.5, 1011, 1010.75] },
      time: ['2024-02-01T10:00:00.000Z', '2024-02-01T10:15:00.000Z', '2024-02-01T10:30:00.000Z', '2024-02-13T10:45:00.000Z'],
      warnings: [/Delimiter: semicolon/, /Decimal separator: comma/, /Thousands separators/, /day first/, /Text column.*"Ort"/],
    },
  },
  {
    name: 'tab, with scientific notation',
    file: 'tab-separated.tsv',
    expect: {
      delimiter: '\t',
      numeric: { cpu: [0.5, 0.75, 0.001], memory: [1024, 2048, 4096] },
      timeColumn: 'time',
      time: ['2024-03-01T00:00:00.000Z', '2024-03-01T00:01:00.000Z', '2024-03-01T00:02:00.000Z'],
      warnings: [/Delimiter: tab/],
    },
  },
  {
    name: 'pipe, with quoted cells holding the delimiter, quotes and a line break',
    file: 'pipe-quoted.csv',
    expect: {
      delimiter: '|',
      cells: [
        ['1', 'a | b', '10'],
        ['2', 'say "hi"', '20'],
        ['3', 'two\nlines', '30'],
      ],
      lines: [2, 3, 4],
      numeric: { id: [1, 2, 3], value: [10, 20, 30] },
      kinds: { comment: 'text' },
      warnings: [/Delimiter: pipe/],
    },
  },
  {
    name: 'delimiter detection ignores delimiters inside quotes',
    text: 'name,value\n"a;b;c",1\n"d;e;f",2\n"g;h",3\n',
    expect: { delimiter: ',', cells: [['a;b;c', '1'], ['d;e;f', '2'], ['g;h', '3']] },
  },
  {
    name: 'semicolon file whose text cells hold commas',
    text: 'when;what;n\n2024-01-01;a, b;1\n2024-01-02;c, d, e;2\n',
    expect: { delimiter: ';', numeric: { n: [1, 2] }, cells: [['2024-01-01', 'a, b', '1'], ['2024-01-02', 'c, d, e', '2']] },
  },
  {
    name: 'the delimiter option wins over detection ("\\t" spelled out)',
    text: 'a\tb;c\n1\t2;3\n',
    options: { delimiter: '\\t' },
    expect: { delimiter: '\t', header: ['a', 'b;c'], noWarnings: [/Delimiter/] },
  },
  {
    name: 'one column of numbers: no delimiter, and nothing to warn about',
    text: 'value\n1.5\n2.5\n',
    expect: { header: ['value'], numeric: { value: [1.5, 2.5] }, noWarnings: [/Only one column/] },
  },
  {
    name: 'one column of text: perhaps another delimiter, said',
    text: 'when value\n2024-01-01 1.5\nx 2.5\n',
    expect: { header: ['when value'], warnings: [/Only one column found/] },
  },
  {
    name: 'one column of decimal-comma numbers is not split at the commas',
    text: 'value\n1,5\n2,25\n',
    expect: { header: ['value'], delimiter: ';', decimal: ',', numeric: { value: [1.5, 2.25] } },
  },
  // --- quoting ---
  {
    name: 'quoted cells: doubled quotes, delimiters, CRLF inside, spaces around quotes',
    text: 'a,b,c\r\n"x, ""y""", "q" ,"multi\r\nline"\r\n1,2,3\r\n',
    expect: {
      cells: [
        ['x, "y"', 'q', 'multi\r\nline'],
        ['1', '2', '3'],
      ],
      lines: [2, 4],
    },
  },
  {
    name: 'a quote inside an unquoted cell is an ordinary character',
    text: 'size,n\n5" screen,1\n7" tablet,2\n',
    expect: { cells: [['5" screen', '1'], ['7" tablet', '2']], noWarnings: [/quote/] },
  },
  {
    name: 'text after a closing quote is kept and reported',
    text: 'a,b\n"x"y,1\n',
    expect: { cells: [['xy', '1']], warnings: [/text after the closing quote \(first at line 2\)/] },
  },
  {
    name: 'quoted empty cell and quoted numbers',
    text: 'a,b\n"",1\n"2.5","3"\n',
    expect: { numeric: { a: [NaN, 2.5], b: [1, 3] } },
  },
  // --- line endings ---
  {
    name: 'LF only: nothing reported',
    text: 'a,b\n1,2\n',
    expect: { rows: 1, noWarnings: [/line ending/i] },
  },
  {
    name: 'CR only (classic Mac)',
    text: 'a,b\r1,2\r3,4\r',
    expect: { rows: 2, lines: [2, 3], numeric: { a: [1, 3] }, warnings: [/CR only/] },
  },
  {
    name: 'mixed CRLF, LF and CR',
    file: 'mixed-endings.csv',
    expect: {
      rows: 4,
      lines: [2, 3, 4, 5],
      numeric: { value: [1, 2, 3, 4] },
      warnings: [/Mixed line endings: 2 CRLF, 2 LF, 1 lone CR/],
    },
  },
  {
    name: 'no newline at the end of the file',
    text: 'a,b\n1,2\n3,4',
    expect: { rows: 2, numeric: { b: [2, 4] } },
  },
  // --- blank lines and whitespace ---
  {
    name: 'blank and whitespace-only lines are skipped and counted',
    file: 'blank-lines.csv',
    expect: { rows: 2, lines: [3, 6], numeric: { a: [1, 3], b: [2, 4] }, warnings: [/Skipped 5 blank lines \(first at line 2\)/] },
  },
  {
    name: 'leading and trailing whitespace around cells and names',
    text: '  time ,  value  \n 2024-01-01 00:00 ,  1.5 \n2024-01-01 00:01,\t-2\t\n',
    expect: {
      header: ['time', 'value'],
      timeColumn: 'time',
      numeric: { value: [1.5, -2] },
      cells: [['2024-01-01 00:00', '1.5'], ['2024-01-01 00:01', '-2']],
    },
  },
  {
    name: 'spaces inside quotes are kept in cells but numbers still read',
    text: 'a,b\n" 1.5 ",x\n',
    expect: { cells: [[' 1.5 ', 'x']], numeric: { a: [1.5] } },
  },
  // --- numbers ---
  {
    name: 'thousands separators with a decimal point',
    file: 'thousands.csv',
    expect: {
      decimal: '.',
      numeric: { amount: [1234.5, 12345678.25, 999.5], weight: [12, 13, 14] },
      warnings: [/Thousands separators found, e\.g\. "1,234\.5" in column "amount" \(line 2\) = 1234\.5/],
    },
  },
  {
    name: 'thousands separators with a decimal comma: dots and spaces',
    text: 'a;b\n1.234,5;1 234,5\n2.000.000,25;12 345 678,75\n3,5;0,5\n',
    expect: { decimal: ',', numeric: { a: [1234.5, 2000000.25, 3.5], b: [1234.5, 12345678.75, 0.5] } },
  },
  {
    name: 'no-break spaces and apostrophes as thousands separators',
    text: 'a,b\n"1\u00a0234.5",1\'234.5\n"2\u202f000.25",2\'000\n',
    expect: { numeric: { a: [1234.5, 2000.25], b: [1234.5, 2000] } },
  },
  {
    name: 'scientific notation, signs and bare fractions',
    text: 'x\n1e3\n-2.5E-3\n+4e+2\n.5\n-.25\n6.\n1.7976931348623157e308\n5e-324\n',
    expect: { numeric: { x: [1000, -0.0025, 400, 0.5, -0.25, 6, 1.7976931348623157e308, 5e-324] } },
  },
  {
    name: 'unicode minus sign',
    text: 'x\n\u22121.5\n2\n',
    expect: { numeric: { x: [-1.5, 2] } },
  },
  {
    name: 'numbers too large for a double, hex and bad groupings are not numbers',
    text: 'x\n1\n1e999\n0x1F\n1,23.4\n2\n3\n4\n',
    expect: { numeric: { x: [1, NaN, NaN, NaN, 2, 3, 4] }, warnings: [/Column "x": 3 cells are not numbers \(first at line 3: "1e999"\)/] },
  },
  {
    name: 'ambiguous "1,234" in a comma-free semicolon file is read with a decimal comma, with a warning',
    text: 'a;b\n1,234;x\n5,678;y\n',
    expect: { decimal: ',', numeric: { a: [1.234, 5.678] }, warnings: [/could have a decimal separator or a thousands separator/] },
  },
  {
    name: '"1.234" in a comma file is read with a decimal point, without a warning (commas separate cells)',
    text: 'a,b\n1.234,x\n5.678,y\n',
    expect: { decimal: '.', numeric: { a: [1.234, 5.678] }, noWarnings: [/could have a decimal separator/] },
  },
  {
    name: 'ambiguous "85.123" in a semicolon file is read with a decimal point, with a warning',
    text: 'a;b\n85.123;x\n86.001;y\n',
    expect: { decimal: '.', numeric: { a: [85.123, 86.001] }, warnings: [/"85\.123" \(line 2\) could have a decimal separator.*read with a decimal point/] },
  },
  {
    name: 'a decimal option settles an ambiguity',
    text: 'a;b\n1.234;x\n5.678;y\n',
    options: { decimal: '.' },
    expect: { decimal: '.', numeric: { a: [1.234, 5.678] }, noWarnings: [/decimal separator/i] },
  },
  {
    name: 'the majority decides the decimal separator; the others are reported',
    text: 'a;b\n1,5;x\n2,5;y\n3,25;z\n4.5;w\n',
    expect: { decimal: ',', numeric: { a: [1.5, 2.5, 3.25, NaN] }, warnings: [/1 number uses a decimal point instead \(first at line 5\)/] },
  },
  {
    name: 'integers only in a semicolon file: decimal comma (for writing scores back)',
    text: 'a;b\n1;2\n3;4\n',
    expect: { decimal: ',', numeric: { a: [1, 3] }, noWarnings: [/decimal/i] },
  },
];

describe('format detection', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const table = parseCsvText(caseText(c), c.options);
    checkTable(table, c.expect);
  });

  it('line numbers stay right after multi-line quoted cells', () => {
    const t = parseCsvText('a,b\n"1\n2\n3",x\n4,y\r\n"5\r\n6",z\n7,w\n');
    expect(Array.from(t.lines)).toEqual([2, 5, 6, 8]);
  });
});
