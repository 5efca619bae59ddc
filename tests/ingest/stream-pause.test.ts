/** CsvStreamReader.decideNow(accept): a layout turned down at a pause decides nothing. */
import { describe, expect, it } from 'vitest';
import { CsvStreamReader, type CsvLayout, type RowBatch } from '../../src/ingest/stream';

const text = 'a,b\n1,\n2,5\n3,6\n4,7\n';

function read(pauses: ((layout: CsvLayout) => boolean)[]) {
  const reader = new CsvStreamReader();
  const offered: CsvLayout[] = [];
  const lines = text.split(/(?<=\n)/);
  reader.push(lines[0]! + lines[1]!);
  for (let i = 2; i <= lines.length; i++) {
    const accept = pauses[i - 2];
    if (accept) reader.decideNow((l) => (offered.push(l), accept(l)));
    if (i < lines.length) reader.push(lines[i]!);
  }
  reader.end();
  const batches: RowBatch[] = [];
  for (let b; (b = reader.take()); ) batches.push(b);
  return { reader, offered, batches };
}

describe('CsvStreamReader.decideNow with accept', () => {
  it('turned down at every pause: the same layout, rows and summary as with no pause', () => {
    const none = read([]);
    const refused = read([() => false, () => false, () => false]);
    expect(refused.offered.map((l) => l.rows)).toEqual([1, 2, 3]);
    expect(refused.offered[0]!.columns.map((c) => c.kind)).toEqual(['number', 'text']); // what one row would have decided
    expect(refused.reader.layout).toEqual(none.reader.layout);
    expect(refused.reader.layout!.columns.map((c) => c.kind)).toEqual(['number', 'number']);
    expect(refused.batches).toEqual(none.batches);
    expect(refused.reader.summary()).toEqual(none.reader.summary());
  });

  it('accepted: decided on the rows in hand, as the layout offered said', () => {
    const r = read([() => false, () => true]);
    expect(r.reader.layout!.rows).toBe(2);
    const { valueless, ...offered } = r.offered[1]!;
    expect(r.reader.layout).toEqual(offered);
    expect(valueless).toEqual([]);
    // the first pause's layout: "b" has had no value yet
    expect(r.offered[0]!.valueless).toEqual(['b']);
    expect(r.batches[0]!.rows).toBe(2);
  });
});
