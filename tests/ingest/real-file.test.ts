/**
 * A file shaped like NAB's realKnownCause/machine_temperature_system_failure.csv (22,695 rows of
 * "YYYY-MM-DD HH:MM:SS,value" every 5 minutes from 2013-12-02 21:15:00, with a step back in time and
 * a few outages), generated here rather than copied.
 */
import { describe, expect, it } from 'vitest';
import { parseCsvBlob, parseCsvText, tableToCsv } from '../../src/ingest/index';

const ROWS = 22_695;
const STEP = 300_000;
const START = Date.UTC(2013, 11, 2, 21, 15);
/** Row index → extra jump (ms) before that row: one step back of 55 min, and three outages. */
const JUMPS = new Map<number, number>([
  [10_149, -55 * 60_000 - STEP],
  [3_000, 2 * 3_600_000],
  [15_000, 12 * 3_600_000],
  [20_000, 45 * 60_000],
]);

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function stamp(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

function generate(): { text: string; times: number[]; values: number[] } {
  let seed = 12345;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const times: number[] = [];
  const values: number[] = [];
  const lines = ['timestamp,value'];
  let t = START;
  for (let i = 0; i < ROWS; i++) {
    if (i > 0) t += STEP + (JUMPS.get(i) ?? 0);
    // temperatures around 85 with noise; printed with NAB's mix of 8-digit and 16-digit decimals
    let v = 85 + 10 * Math.sin(i / 300) + 5 * (random() - 0.5);
    if (i >= 17_000 && i < 17_200) v -= 60 * random(); // the failure
    const text = i % 3 === 0 ? v.toFixed(8) : String(v);
    times.push(t);
    values.push(Number(text));
    lines.push(`${stamp(t)},${text}`);
  }
  return { text: lines.join('\n') + '\n', times, values };
}

describe('a machine-temperature-like file', () => {
  const { text, times, values } = generate();

  it('is read completely and correctly, with its trouble reported', () => {
    const t = parseCsvText(text);
    expect(t.rows).toBe(ROWS);
    expect(t.header).toEqual(['timestamp', 'value']);
    expect(t.delimiter).toBe(',');
    expect(t.decimal).toBe('.');
    expect(t.timeColumn).toBe('timestamp');
    expect([...t.numeric.keys()]).toEqual(['value']);
    expect(Array.from(t.numeric.get('value')!)).toEqual(values);
    expect(Array.from(t.time!)).toEqual(times);
    expect(t.start).toBe('2013-12-02T21:15:00.000Z');
    expect(t.end).toBe(new Date(times.at(-1)!).toISOString());
    expect(t.lines[0]).toBe(2);
    expect(t.lines[ROWS - 1]).toBe(ROWS + 1);
    expect(t.columns[1]).toMatchObject({ kind: 'number', missing: 0 });
    expect(t.warnings).toEqual([
      'Time column "timestamp": dates like "2013-12-02 21:15:00" with no time zone, read as UTC.',
      'Time column "timestamp": 1 time is earlier than the row before (first at line 10151); rows are kept in file order.',
      'Time column "timestamp": 3 gaps are longer than 5 × the usual step of 5 min (first at line 3002; the longest, 12 h 5 min, ends at line 15002). The gaps option says what scoring does with them: leave (the default) scores across them; zero or carry fills them first.',
    ]);
  });

  it('streams to the same table, and writes back with scores', async () => {
    const blob = new Blob([text]);
    const t = await parseCsvBlob(blob);
    expect(t).toEqual(parseCsvText(text));
    const scores = values.map((v) => v / 100);
    const back = parseCsvText(tableToCsv(t, [{ name: 'score', values: scores }]));
    expect(Array.from(back.numeric.get('score')!)).toEqual(scores);
    expect(Array.from(back.numeric.get('value')!)).toEqual(values);
  });
});
