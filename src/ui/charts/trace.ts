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

/** Rows per block of the min/max index. */
export const BLOCK = 32;
const SHIFT = 5;

/**
 * Per block of BLOCK rows: first, last, smallest and largest value, for the complete blocks of the rows
 * that will not change any more (a column is filled in place from the top: scores as chunks arrive).
 * `ok[b]` is 0 when block b holds a NaN (drawn row by row, so the line breaks where it should).
 */
export class BlockIndex {
  first: Float64Array;
  last: Float64Array;
  min: Float64Array;
  max: Float64Array;
  ok: Uint8Array;
  /** Blocks computed so far (blocks [0, done) are valid). */
  done = 0;
  constructor(readonly y: ArrayLike<number>) {
    const n = Math.floor(y.length / BLOCK);
    this.first = new Float64Array(n);
    this.last = new Float64Array(n);
    this.min = new Float64Array(n);
    this.max = new Float64Array(n);
    this.ok = new Uint8Array(n);
  }

  /** Computes the complete blocks below row `to` (rows below `to` must be final). */
  ensure(to: number): void {
    const y = this.y;
    const upTo = Math.min(this.ok.length, Math.floor(to / BLOCK));
    for (let b = this.done; b < upTo; b++) {
      const start = b * BLOCK;
      let lo = Infinity;
      let hi = -Infinity;
      let good = 1;
      for (let i = start; i < start + BLOCK; i++) {
        const v = y[i];
        if (v !== v) {
          good = 0;
          break;
        }
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      this.ok[b] = good;
      this.first[b] = y[start];
      this.last[b] = y[start + BLOCK - 1];
      this.min[b] = lo;
      this.max[b] = hi;
    }
    if (upTo > this.done) this.done = upTo;
  }
}

const indexes = new WeakMap<object, BlockIndex>();

/** The block index of a typed array (made on first use, kept while the array lives). */
export function blockIndexOf(y: Float64Array): BlockIndex {
  let index = indexes.get(y);
  if (!index) {
    index = new BlockIndex(y);
    indexes.set(y, index);
  }
  return index;
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
  // whole blocks that fall in one pixel column are read from the block index (same result, far fewer rows)
  const index = y instanceof Float64Array ? blockIndexOf(y) : null;
  if (index) index.ensure(to);
  const blocks = index ? index.done : 0;

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

  for (let i = from; i < to; ) {
    if (index && (i & (BLOCK - 1)) === 0 && i + BLOCK <= to) {
      const b = i >> SHIFT;
      if (b < blocks && index.ok[b] === 1) {
        const c = Math.round(xAt(i));
        if (c === Math.round(xAt(i + BLOCK - 1))) {
          if (c !== column) {
            flush();
            column = c;
            first = index.first[b];
            lo = index.min[b];
            hi = index.max[b];
          } else {
            if (index.min[b] < lo) lo = index.min[b];
            if (index.max[b] > hi) hi = index.max[b];
          }
          last = index.last[b];
          i += BLOCK;
          continue;
        }
      }
    }
    const v = y[i];
    if (v !== v) {
      flush();
      penDown = false;
      i++;
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
    i++;
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
