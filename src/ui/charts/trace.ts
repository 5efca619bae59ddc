/**
 * Turning a column of values into a line on a canvas, cheaply enough to redraw every animation frame.
 *
 * When a series has more points than about twice the plot's width in pixels, drawing each one only paints
 * the same pixel columns over and over. So, like uPlot, we keep per pixel column only what can be seen:
 * the first, smallest, largest and last value (min/max decimation). The line keeps every spike (a single
 * outlier still reaches its pixel) and costs at most four vertices per pixel column, whatever the row count.
 * NaN values lift the pen (a gap: no score while the forest warms up, or a missing value).
 */

/** Where the tracer's lines go: a CanvasRenderingContext2D or a Path2D (or a recorder in tests). */
export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
}

/** A vertical span of ink in pixel column x, from y `top` down to `bottom` (pixels, top <= bottom). */
export type SpanSink = (x: number, top: number, bottom: number) => void;

export interface TraceInput {
  /** Values of the series (NaN = no value: the line breaks there). */
  y: ArrayLike<number>;
  /** First row to draw (inclusive) and last (exclusive). */
  from: number;
  to: number;
  /** Pixel x of row i (should mostly increase with i; a step back only costs a few more vertices). */
  xAt: (i: number) => number;
  /** Pixel y of a value. */
  yAt: (v: number) => number;
  /** Width of the plot in device pixels: decides whether min/max decimation pays off. */
  pixels: number;
}

/** Rows per pixel column above which the tracer decimates (below, every point is drawn as is). */
export const DECIMATE_ABOVE = 2;

/**
 * Traces rows [from, to). Sparse series (at most DECIMATE_ABOVE rows per pixel column) become a polyline in
 * `line`. Dense ones become one vertical span per pixel column, from its smallest to its largest value and
 * reaching the previous column's last value, so the spans join into the line; columns that are not next to
 * each other (a gap in time, a step back) are joined by a segment in `line`. Spans are filled rectangles,
 * which a canvas rasterises far faster than a stroked path with thousands of joins (that cost 15–35 ms per
 * frame for the two charts in software-rendered Chromium).
 * Returns how many spans and line vertices were emitted.
 */
export function traceSeries(line: PathSink, span: SpanSink, input: TraceInput): number {
  const { y, xAt, yAt, pixels } = input;
  const from = Math.max(0, input.from);
  const to = Math.min(y.length, input.to);
  if (to <= from) return 0;
  if (to - from <= DECIMATE_ABOVE * Math.max(1, pixels)) return traceAll(line, y, from, to, xAt, yAt);
  return traceDecimated(line, span, y, from, to, xAt, yAt);
}

function traceAll(
  sink: PathSink, y: ArrayLike<number>, from: number, to: number,
  xAt: (i: number) => number, yAt: (v: number) => number,
): number {
  let penDown = false;
  let vertices = 0;
  for (let i = from; i < to; i++) {
    const v = y[i];
    if (v !== v) {
      penDown = false;
      continue;
    }
    const px = xAt(i);
    const py = yAt(v);
    if (penDown) sink.lineTo(px, py);
    else sink.moveTo(px, py);
    penDown = true;
    vertices++;
  }
  return vertices;
}

function traceDecimated(
  line: PathSink, span: SpanSink, y: ArrayLike<number>, from: number, to: number,
  xAt: (i: number) => number, yAt: (v: number) => number,
): number {
  let emitted = 0;
  let penDown = false; // whether the previous column's line continues into the next one
  let prevColumn = 0;
  let prevLast = 0; // pixel y of the previous column's last value
  let column = NaN; // current pixel column (an integer), NaN = none open
  let first = 0;
  let last = 0;
  let lo = 0;
  let hi = 0;

  const flush = () => {
    if (column !== column) return;
    const a = yAt(lo);
    const b = yAt(hi);
    let top = a < b ? a : b;
    let bottom = a < b ? b : a;
    if (penDown) {
      if (Math.abs(column - prevColumn) <= 1) {
        if (prevLast < top) top = prevLast;
        if (prevLast > bottom) bottom = prevLast;
      } else {
        line.moveTo(prevColumn, prevLast);
        line.lineTo(column, yAt(first));
        emitted += 2;
      }
    }
    span(column, top, bottom);
    emitted++;
    penDown = true;
    prevColumn = column;
    prevLast = yAt(last);
    column = NaN;
  };

  for (let i = from; i < to; i++) {
    const v = y[i];
    if (v !== v) {
      flush();
      penDown = false;
      continue;
    }
    const c = Math.round(xAt(i));
    if (c !== column) {
      flush();
      column = c;
      first = last = lo = hi = v;
    } else {
      last = v;
      if (v < lo) lo = v;
      else if (v > hi) hi = v;
    }
  }
  flush();
  return emitted;
}

/** Smallest and largest finite value of y[from, to); null when there is none. */
export function extent(y: ArrayLike<number>, from = 0, to = y.length): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = from; i < to; i++) {
    const v = y[i];
    if (v < lo) lo = v; // NaN compares false both ways
    if (v > hi) hi = v;
  }
  return lo <= hi && Number.isFinite(lo) && Number.isFinite(hi) ? [lo, hi] : null;
}

/** Index of the row whose x is nearest to `target` in an ascending array (binary search; for a nearly
 * ascending one, a row near it). */
export function nearestIndex(xs: ArrayLike<number>, target: number): number {
  const n = xs.length;
  if (n === 0) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(xs[lo - 1] - target) <= Math.abs(xs[lo] - target)) return lo - 1;
  return lo;
}
