/** possibleDefaultColumns: which columns the default choice could still be after more rows (a live input's pause). */
import { describe, expect, it } from 'vitest';
import { defaultColumn, possibleDefaultColumns } from '../../src/ingest/columns';
import { parseCsvText } from '../../src/ingest/index';

const open = (text: string, skip?: (name: string) => boolean) => {
  const t = parseCsvText(text);
  return possibleDefaultColumns(t.columns, t.rows, skip);
};

describe('possibleDefaultColumns', () => {
  it.each([
    ['a column that numbers the rows so far may be a row index or not', 't,value\n1,2\n', ['t', 'value']],
    ['…on however few rows, from 0 too', 't,value\n0,2\n1,4\n', ['t', 'value']],
    ['…and after many', 't,value\n' + Array.from({ length: 50 }, (_, i) => `${i + 1},${i % 7}`).join('\n') + '\n', ['t', 'value']],
    ['one that stopped numbering the rows is data', 't,value\n1,2\n2,4\n3,6\n9,8\n', ['t']],
    ['a name like an index is fixed by the header', 'id,value\n1,2\n', ['value']],
    ['one numeric column is the choice whatever it holds', 'time,value\n2024-01-01 00:00,1\n', ['value']],
    ['a first data column that cannot number the rows settles it', 'time,cpu,mem\n2024-01-01 00:00,20.5,1000\n', ['cpu']],
    ['a column of empty cells so far may become a number column', 'a,b\n,3\n', ['a', 'b']],
    ['text stays text', 'host,b\nweb1,3\n', ['b']],
    ['when every column may be an index, the first number column may be chosen', 'n,x\n0,0\n', ['x', 'n']],
    ['a label column is not data nor index', 'label,v\n0,0\n', ['v']],
    ['…even when it numbers the rows so far', 'is_anomaly,value\n0,5\n1,6\n', ['value']],
    ['…and is the choice when nothing else can be a number', 'time,label\n2024-01-01 00:00,0\n', ['label']],
    ['…or may be, when a column of empty cells may still become one', 'a,label\n,0\n', ['a', 'label']],
  ])('%s', (_, text, expected) => {
    expect(open(text)).toEqual(expected);
  });

  it('a column of missing markers so far (NA) may become a number column, when the caller says it has no value yet', () => {
    const t = parseCsvText('x,value\nNA,3\n');
    expect(possibleDefaultColumns(t.columns, t.rows)).toEqual(['value']);
    expect(possibleDefaultColumns(t.columns, t.rows, undefined, ['x'])).toEqual(['x', 'value']);
  });

  it('leaves out the skipped column (--group-by)', () => {
    expect(open('k,value\n1,2\n', (n) => n === 'k')).toEqual(['value']);
  });

  it('a choice settled on the first rows is the choice on the whole input', () => {
    const inputs = [
      't,value\n' + Array.from({ length: 10 }, (_, i) => `${i + 1},${i === 8 ? 500 : (i + 1) * 2}`).join('\n') + '\n',
      't,value\n1,2\n2,4\n3,6\n9,8\n10,1\n11,3\n',
      'idx,a,b\n0,,5\n1,,6\n2,4,7\n3,5,8\n',
      'time,cpu,mem\n2024-01-01 00:00,20.5,1000\n2024-01-01 00:01,1,1\n2024-01-01 00:02,2,2\n',
      'label,v\n0,0\n1,1\n0,2\n0,9\n',
      'is_anomaly,t,value\n0,1,4\n0,2,5\n1,3,6\n0,9,2\n',
    ];
    for (const text of inputs) {
      const lines = text.trimEnd().split('\n');
      const whole = parseCsvText(text);
      const chosen = defaultColumn(whole.columns, whole.rows);
      for (let k = 2; k <= lines.length; k++) {
        const possible = open(lines.slice(0, k).join('\n') + '\n');
        expect(possible).toContain(chosen);
      }
    }
  });
});
