/** Columns: names, kinds, missing cells, ragged rows. */
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/ingest/index';
import { caseText, checkTable } from './helpers';
import type { Case } from './helpers';

const cases: Case[] = [
  {
    name: 'a numeric column with some bad cells stays numeric; bad cells are NaN and reported with their line',
    text: 'a,b\n1,x\n2,y\noops,z\n4,w\n',
    expect: {
      kinds: { a: 'number', b: 'text' },
      numeric: { a: [1, 2, NaN, 4] },
      numericNames: ['a'],
      missing: { a: 1, b: 0 },
      warnings: [/Column "a": 1 cell is not a number \(first at line 4: "oops"\); it counts as missing/, /Text column \(not numbers\): "b"/],
    },
  },
  {
    name: 'missing markers (empty, NA, N/A, null, NaN, -, #N/A) are missing, not bad',
    text: 'a\n1\n\nNA\nn/a\nnull\nNaN\n-\n#N/A\n2\n',
    expect: { rows: 8, numeric: { a: [1, NaN, NaN, NaN, NaN, NaN, NaN, 2] }, missing: { a: 6 }, noWarnings: [/not a number/] },
  },
  {
    name: 'a column of mostly words is text, even with a few numbers',
    text: 'label,v\nok,1\nwarn,2\n3,3\nfail,4\n',
    expect: { kinds: { label: 'text', v: 'number' }, numericNames: ['v'] },
  },
  {
    name: 'an all-empty column is text and reported',
    text: 'a,b,c\n1,,2\n3,,4\n',
    expect: { kinds: { b: 'text' }, missing: { b: 2 }, numericNames: ['a', 'c'], warnings: [/Column "b" is empty/] },
  },
  {
    name: 'header names are kept as text, even when they look like numbers (with a warning)',
    text: '2019,2020\n1,2\n3,4\n',
    expect: { header: ['2019', '2020'], rows: 2, numeric: { '2019': [1, 3], '2020': [2, 4] }, warnings: [/names are all numbers or dates/] },
  },
  {
    name: 'missing header names get "column N"',
    text: 'a,,c,\n1,2,3,4\n',
    expect: {
      header: ['a', 'column 2', 'c', 'column 4'],
      numeric: { 'column 2': [2], 'column 4': [4] },
      warnings: [/Line 1: columns 2, 4 have no name in the header; named "column 2", "column 4"/],
    },
  },
  {
    name: 'duplicate header names get a suffix',
    text: 'v,v,w,v,v_2\n1,2,3,4,5\n',
    expect: {
      header: ['v', 'v_3', 'w', 'v_4', 'v_2'],
      numeric: { v: [1], v_3: [2], w: [3], v_4: [4], v_2: [5] },
      warnings: [/repeated column names were made unique: "v" \(column 2\) → "v_3"/],
    },
  },
  {
    name: 'rows with fewer cells than the header: missing cells, reported with the first line',
    text: 'a,b,c\n1,2,3\n4\n5,6\n',
    expect: {
      cells: [['1', '2', '3'], ['4', '', ''], ['5', '6', '']],
      numeric: { a: [1, 4, 5], b: [2, NaN, 6], c: [3, NaN, NaN] },
      warnings: [/2 rows have fewer cells than the header's 3 \(first at line 3\)/],
    },
  },
  {
    name: 'rows with more cells than the header: reported with the line; extra cells kept in cells, ignored',
    file: 'ragged.csv',
    expect: {
      header: ['time', 'a', 'b'],
      cells: [['2024-01-01', '1', '2'], ['2024-01-02', '3', ''], ['2024-01-03', '5', '6', '7'], ['2024-01-04', '8', '9', '']],
      numeric: { a: [1, 3, 5, 8], b: [2, NaN, 6, 9] },
      warnings: [
        /1 row has fewer cells than the header's 3 \(first at line 3\)/,
        /1 row has more cells than the header's 3 \(first at line 4, with 4\); the extra cells are ignored/,
        /1 row ends with extra empty cells/,
      ],
    },
  },
  {
    name: 'rows whose cells are all empty are kept (all values missing) and reported',
    text: 'a,b\n1,2\n,\n , \n3,4\n',
    expect: { rows: 4, lines: [2, 3, 4, 5], numeric: { a: [1, NaN, NaN, 3] }, warnings: [/2 rows have only empty cells \(first at line 3\); they are kept/] },
  },
  {
    name: 'min, max and missing per column',
    text: 'time,x,y\n2024-01-01,3,a\n2024-01-03,-1,\nbad,7,c\n2024-01-02,,d\n',
    expect: { missing: { time: 1, x: 1, y: 1 } },
  },
];

describe('columns', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    checkTable(parseCsvText(caseText(c), c.options), c.expect);
  });

  it('reports min and max: numbers for number columns, epoch ms for the time column, null for text', () => {
    const t = parseCsvText('time,x,y\n2024-01-01,3,a\n2024-01-03,-1,\nbad,7,c\n2024-01-02,,d\n');
    expect(t.columns).toEqual([
      { name: 'time', index: 0, kind: 'time', missing: 1, min: Date.UTC(2024, 0, 1), max: Date.UTC(2024, 0, 3) },
      { name: 'x', index: 1, kind: 'number', missing: 1, min: -1, max: 7 },
      { name: 'y', index: 2, kind: 'text', missing: 1, min: null, max: null },
    ]);
  });

  it('a file with a thousand columns works', () => {
    const n = 1000;
    const header = ['time', ...Array.from({ length: n - 1 }, (_, i) => `sensor ${i}`)];
    const lines = [header.join(',')];
    for (let r = 0; r < 50; r++) {
      lines.push([`2024-01-01T00:${String(r).padStart(2, '0')}:00Z`, ...Array.from({ length: n - 1 }, (_, i) => String(i * 0.5 + r))].join(','));
    }
    const t = parseCsvText(lines.join('\n') + '\n');
    expect(t.header.length).toBe(n);
    expect(t.rows).toBe(50);
    expect(t.timeColumn).toBe('time');
    expect(t.numeric.size).toBe(n - 1);
    expect(t.numeric.get('sensor 998')![49]).toBe(998 * 0.5 + 49);
    expect(t.columns[999]).toMatchObject({ name: 'sensor 998', kind: 'number', missing: 0 });
  });
});

describe('the column scored by default', () => {
  it('is the first number column that is not a row index', async () => {
    const { defaultColumn } = await import('../../src/ingest/columns');
    const pick = (text: string) => {
      const t = parseCsvText(text);
      return defaultColumn(t.columns, t.rows);
    };
    expect(pick('Unnamed: 0,temp\n0,1.5\n1,2.5\n2,0.5\n')).toBe('temp');
    expect(pick(',temp\n0,1.5\n1,2.5\n2,0.5\n')).toBe('temp'); // an unnamed first column of 0, 1, 2, … (pandas' index)
    expect(pick('id,temp\n17,1.5\n4,2.5\n9,0.5\n')).toBe('temp'); // named like an index
    expect(pick('seq,temp\n1,1.5\n2,2.5\n3,0.5\n4,7\n')).toBe('temp'); // 1..n with no gap
    expect(pick('count,temp\n3,1.5\n1,2.5\n9,0.5\n')).toBe('count'); // a real number column first
    expect(pick('index,n\n0,0\n1,1\n2,2\n')).toBe('index'); // every one looks like an index: the first
    expect(pick('when,label\n2024-01-01,x\n')).toBeNull();
  });

  it('is not a column of 0/1 labels (label, is_anomaly, outlier…), as on the page, unless there is nothing else', async () => {
    const { defaultColumn, isLabelColumn } = await import('../../src/ingest/columns');
    const pick = (text: string) => {
      const t = parseCsvText(text);
      return defaultColumn(t.columns, t.rows);
    };
    expect(pick('timestamp,is_anomaly,value\n2024-01-01 00:00,0,1.5\n2024-01-01 00:01,1,9\n2024-01-01 00:02,0,1.2\n')).toBe('value');
    expect(pick('label,v\n0,3\n1,8\n0,2\n')).toBe('v');
    expect(pick('Outliers,Is Anomaly,anomalous,x\n0,0,0,3\n1,1,1,8\n0,0,1,2\n')).toBe('x');
    expect(pick('label,idx\n0,0\n1,1\n0,2\n')).toBe('idx'); // a row index before a label column
    expect(pick('time,label\n2024-01-01,0\n2024-01-02,1\n')).toBe('label'); // nothing else to score
    expect(pick('labels,score\n0,3\n1,8\n')).toBe('score');
    expect(pick('labeller,v\n0,3\n1,8\n0,2\n')).toBe('labeller'); // only whole names
    // the page's rule is this one
    const page = await import('../../src/ui/labels');
    expect(page.isLabelColumn).toBe(isLabelColumn);
    for (const name of ['label', 'LABELS', 'is_anomaly', 'is anomaly', 'isOutlier', ' anomalies ']) expect(isLabelColumn(name), name).toBe(true);
    for (const name of ['labeller', 'value', 'is__anomaly', 'anomaly_score']) expect(isLabelColumn(name), name).toBe(false);
  });
});
