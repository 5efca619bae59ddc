import { it, expect } from 'vitest';
import { traceSeries, nearestIndex, extent } from '../../src/ui/charts/trace';
import { timeStats, xAxisFor } from '../../src/ui/charts/x-axis';
import { parseNabTime, windowsFor } from '../../src/ui/windows';
import { formatUtcTick, formatDuration, formatCount, baseName } from '../../src/ui/format';
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
  expect(timeStats([1, 2, 1.5, 3])).toEqual({ finite: true, min: 1, max: 3, backSteps: 1 });
  expect(parseNabTime('2013-12-10 06:25:00.000000')).toBe(Date.UTC(2013, 11, 10, 6, 25));
  expect(windowsFor({ 'a.csv': [['2013-12-10 06:25:00.000000', '2013-12-12 05:35:00.000000']] }, 'a.csv').length).toBe(1);
  expect(formatUtcTick(new Date(Date.UTC(2024, 2, 2)))).toBe('Mar 02');
  expect(formatUtcTick(new Date(Date.UTC(2024, 2, 1)))).toBe('Mar');
  expect(formatUtcTick(new Date(Date.UTC(2024, 0, 1)))).toBe('2024');
  expect(formatUtcTick(new Date(Date.UTC(2024, 2, 2, 15)))).toBe('15:00');
  expect(formatDuration(930)).toBe('0.9 s');
  expect(formatCount(22631)).toBe('22,631');
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
