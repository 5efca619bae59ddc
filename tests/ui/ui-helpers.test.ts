import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { traceSeries, nearestIndex, extent } from '../../src/ui/charts/trace';
import { timeStats, xAxisFor } from '../../src/ui/charts/x-axis';
import { parseNabTime, windowsFor } from '../../src/ui/windows';
import { formatUtcTick, formatDuration, formatCount, formatCountOf, formatGrade, baseName } from '../../src/ui/format';
import { topAlertOf } from '../../src/ui/labels';
import { parseCsvText } from '../../src/ingest/index';
import type { DateOrder } from '../../src/ingest/stream';
const rec = () => { const ops: string[] = []; return { ops, line: { moveTo: (x: number, y: number) => ops.push(`M${x},${y}`), lineTo: (x: number, y: number) => ops.push(`L${x},${y}`) }, spans: [] as number[][] }; };
it('dense: one span per column covering min..max and previous last; NaN breaks', () => {
  const y = [0, 5, 1, 3, NaN, 2, 8, 4, 4, 9, 1, 1];
  const r = rec();
  const n = traceSeries(r.line, (x, t, b) => r.spans.push([x, t, b]), { y, from: 0, to: y.length, xAt: (i) => Math.floor(i / 2), yAt: (v) => 10 - v, pixels: 2 });
  // columns: 0:[0,5] 1:[1,3] 2:[NaN→break, 2] 3:[8,4] 4:[4,9] 5:[1,1]
  expect(r.spans[0]).toEqual([0, 5, 10]);
  expect(r.spans[1]).toEqual([1, 5, 9]); // includes previous last (5 → y 5)
  expect(r.spans[2]).toEqual([2, 8, 8]); // after NaN: no join with column 1
  expect(r.ops).toEqual([]);
});
it('dense with a gap in columns draws a connector', () => {
  const y = [1, 2, 3, 4, 5, 6];
  const r = rec();
  traceSeries(r.line, (x, t, b) => r.spans.push([x, t, b]), { y, from: 0, to: 6, xAt: (i) => (i < 3 ? 0 : 10), yAt: (v) => v, pixels: 1 });
  expect(r.spans).toEqual([[0, 1, 3], [10, 4, 6]]);
  expect(r.ops).toEqual(['M0,3', 'L10,4']);
});
it('sparse: polyline with breaks', () => {
  const r = rec();
  traceSeries(r.line, () => { throw new Error('no spans'); }, { y: [1, NaN, 2, 3], from: 0, to: 4, xAt: (i) => i * 10, yAt: (v) => v, pixels: 100 });
  expect(r.ops).toEqual(['M0,1', 'M20,2', 'L30,3']);
});
it('helpers', () => {
  expect(nearestIndex([0, 10, 20, 30], 14)).toBe(1);
  expect(nearestIndex([0, 10, 20, 30], 16)).toBe(2);
  expect(nearestIndex([0, 10, 20, 30], 99)).toBe(3);
  expect(nearestIndex([0, 10, 20, 30], -5)).toBe(0);
  expect(extent([NaN, 3, -1, NaN])).toEqual([-1, 3]);
  expect(extent([NaN])).toBeNull();
  expect(timeStats([1, 2, 1.5, 3, 5])).toEqual({ finite: true, min: 1, max: 5, backSteps: 1, backTotal: 0.5, largestBack: 0.5, largestBackRow: 2, medianStep: 1.5 });
  expect(parseNabTime('2013-12-10 06:25:00.000000')).toBe(Date.UTC(2013, 11, 10, 6, 25));
  expect(windowsFor({ 'a.csv': [['2013-12-10 06:25:00.000000', '2013-12-12 05:35:00.000000']] }, 'a.csv').length).toBe(1);
  expect(formatUtcTick(new Date(Date.UTC(2024, 2, 2)))).toBe('Mar 02');
  expect(formatUtcTick(new Date(Date.UTC(2024, 2, 1)))).toBe('Mar');
  expect(formatUtcTick(new Date(Date.UTC(2024, 0, 1)))).toBe('2024');
  expect(formatUtcTick(new Date(Date.UTC(2024, 2, 2, 15)))).toBe('15:00');
  expect(formatDuration(930)).toBe('0.9 s');
  expect(formatCount(22631)).toBe('22,631');
  expect([formatCountOf(1, 'row'), formatCountOf(0, 'row'), formatCountOf(22631, 'row'), formatCountOf(1, 'copy', 'copies')]).toEqual(['1 row', '0 rows', '22,631 rows', '1 copy']);
  expect(baseName('dir/x.CSV')).toBe('x');
  const ax = xAxisFor({ name: 'a', rows: 3, columns: [], timeColumn: 't', time: new Float64Array([3, NaN, 5]), numeric: [], warnings: [], stopped: null, dateOrder: null });
  expect(ax.kind).toBe('index');
  expect(ax.note).toMatch(/missing/);
});
it('the block index gives the same spans as reading every row (with NaN gaps and a filling column)', async () => {
  const { BLOCK } = await import('../../src/ui/charts/trace');
  const n = 100_003;
  let seed = 3;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const y = new Float64Array(n).map((_, i) => (i < 70 || (i > 5000 && i < 5037) ? NaN : Math.sin(i / 500) + rnd()));
  const plain = Array.from(y); // not a Float64Array: no index
  for (const [from, to, pixels] of [[0, n, 997], [123, 77_777, 640], [0, 40_000, 4000], [BLOCK * 3, BLOCK * 900, 300]]) {
    const a = rec();
    const b = rec();
    const xAt = (i: number) => ((i - from) / (to - from)) * pixels;
    traceSeries(a.line, (x, t, bt) => a.spans.push([x, t, bt]), { y, from, to, xAt, yAt: (v) => 100 - v * 40, pixels });
    traceSeries(b.line, (x, t, bt) => b.spans.push([x, t, bt]), { y: plain, from, to, xAt, yAt: (v) => 100 - v * 40, pixels });
    expect(a.spans).toEqual(b.spans);
    expect(a.ops).toEqual(b.ops);
  }
});

describe('the x axis: time, or the row number when the times cannot be an axis', () => {
  const MIN = 60_000;
  const T0 = Date.UTC(2024, 0, 1);
  /** Times from steps (minutes) after T0. */
  const stepped = (steps: number[]) => {
    const t = [T0];
    for (const s of steps) t.push(t[t.length - 1]! + s * MIN);
    return t;
  };
  const regular = (n: number) => Array.from({ length: n }, (_, i) => T0 + i * MIN);
  const view = (time: ArrayLike<number>, dateOrder: DateOrder | null = null) => ({
    name: 'a', rows: time.length, columns: [], timeColumn: 'when', time: Float64Array.from(time), numeric: [], warnings: [], stopped: null, dateOrder,
  });
  // 12 days of each month of 2020, hourly, written day first (01/01/2020 00:00 … 12/12/2020 23:00): no day above 12
  const ambiguous = ['when,v'];
  for (let m = 1; m <= 12; m++) {
    for (let d = 1; d <= 12; d++) {
      for (let h = 0; h < 24; h++) ambiguous.push(`${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/2020 ${String(h).padStart(2, '0')}:00,${h}`);
    }
  }
  const ambiguousText = ambiguous.join('\n') + '\n';
  const machine = () => parseCsvText(readFileSync('public/datasets/machine_temperature_system_failure.csv', 'utf8')).time!;
  const cases: [string, () => ReturnType<typeof view>, 'time' | 'index', RegExp | null][] = [
    ['a regular series', () => view(regular(500)), 'time', null],
    // one step back of 55 minutes (11 usual steps) in 79 days: drawn where it falls
    ["NAB's machine temperature (one small step back in a long series)", () => view(machine()), 'time', null],
    ['a long series with a few repeated times and one slightly out of order', () => view(stepped(Array.from({ length: 999 }, (_, i) => (i % 300 === 7 ? 0 : i === 500 ? -0.5 : 1)))), 'time', null],
    ['a short series with one step back of one usual step', () => view(stepped([1, 1, 1, 1, 1, 1, 1, 1, 1, -1, 2, 1, 1, 1, 1, 1, 1, 1, 1])), 'time', null],
    [
      'a short series with one step back of ten usual steps',
      () => view(stepped([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -10, 11, 1, 1, 1, 1, 1])),
      'index',
      /^x is the row number: the times in "when" go back by 10 min at row 14, 56% of their span\.$/,
    ],
    [
      'day-first dates read month first: 11 steps back by months (under 1% of the rows)',
      () => view(parseCsvText(ambiguousText, { dayFirst: false }).time!, { dayFirst: false, open: true }),
      'index',
      /^x is the row number: the times in "when" go back by 334 days 23 h at row 289, 97% of their span\. Its dates may be the other way round: choose day first under Dates in “when”\.$/,
    ],
    ['the same dates, read the way their times go forward', () => view(parseCsvText(ambiguousText).time!, { dayFirst: true, open: true }), 'time', null],
    [
      'many steps back, each short but long together',
      () => view(stepped(Array.from({ length: 999 }, (_, i) => (i % 120 === 60 ? -8 : 1)))),
      'index',
      /^x is the row number: the times in "when" go back 8 times by 1 h 4 min in all, 6\.9% of their span\.$/,
    ],
    [
      'steps back in more than 1% of the rows',
      () => view(stepped(Array.from({ length: 99 }, (_, i) => (i % 20 === 10 ? -0.5 : 1)))),
      'index',
      /^x is the row number: the times in "when" are not in time order: 5 of them go back \(the longest by 30 s, at row 12\)\.$/,
    ],
    ['a missing time', () => view([T0, NaN, T0 + MIN]), 'index', /^x is the row number: the times in "when" are missing or unreadable in places\.$/],
    ['all times the same', () => view([T0, T0, T0]), 'index', /^x is the row number: the times in "when" are all the same\.$/],
    ['one row', () => view([T0]), 'index', /^x is the row number: "when" has one time only\.$/],
  ];
  it.each(cases)('%s', (_name, make, kind, note) => {
    const v = make();
    const ax = xAxisFor(v);
    expect(ax.kind).toBe(kind);
    expect(ax.values).toBe(kind === 'time' ? v.time : null);
    if (note) expect(ax.note, String(ax.note)).toMatch(note);
    else expect(ax.note).toBeNull();
  });
});

describe('grades and the row an event’s Explain explains', () => {
  it('an alert’s grade never reads 0.00: below 0.005 it is <0.01', () => {
    expect(formatGrade(0.004)).toBe('<0.01');
    expect(formatGrade(0.0001)).toBe('<0.01');
    expect(formatGrade(0.005)).toBe('0.01');
    expect(formatGrade(0)).toBe('0.00');
    expect(formatGrade(0.86)).toBe('0.86');
    expect(formatGrade(1)).toBe('1.00');
  });

  it('Explain explains the event’s top-grade alert (the grade the list shows), not its start', () => {
    // an event from row 10 to 40: alerts at 10 (grade 0.18) and 30 (0.86); the peak score is at 31 (no alert)
    const grades = new Float64Array(50);
    const scores = new Float64Array(50).fill(0.5);
    grades[10] = 0.18;
    scores[10] = 1.77;
    grades[30] = 0.86;
    scores[30] = 3.5;
    scores[31] = 3.69;
    const event = { start: 10, end: 40, peak: 31 };
    expect(topAlertOf(event, [10, 30], grades, scores)).toBe(30);
    // one alert: its start
    expect(topAlertOf({ start: 10, end: 12, peak: 11 }, [10, 30], grades, scores)).toBe(10);
  });
});
