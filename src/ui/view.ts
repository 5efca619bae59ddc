/**
 * The x range the charts show (zoom and pan), in x units (epoch ms or row numbers), and the rows inside it.
 * Pure functions: the page keeps one range and every chart reads it, so the charts stay in step.
 */
import { xOf, type XAxis } from './charts/x-axis';

export type Range = [number, number];

/** The narrowest range one can zoom to: a few rows (by the axis's average step). */
export function minSpan(x: XAxis): number {
  const [a, b] = x.domain;
  return Math.max(((b - a) / Math.max(1, x.count - 1)) * 8, 1e-9);
}

/** Keeps a range inside the axis's domain and at least minSpan wide (keeping its width when it can). */
export function clampRange(x: XAxis, r: Range): Range {
  const [lo, hi] = x.domain;
  const full = hi - lo;
  let width = Math.min(full, Math.max(minSpan(x), r[1] - r[0]));
  if (!(width > 0)) width = full;
  let a = Number.isFinite(r[0]) ? r[0] : lo;
  if (a < lo) a = lo;
  if (a + width > hi) a = hi - width;
  return [a, a + width];
}

/** Zooms by `factor` (< 1 zooms in) keeping the x value `at` where it is on screen. */
export function zoomRange(x: XAxis, r: Range, factor: number, at = (r[0] + r[1]) / 2): Range {
  const f = Math.max(1e-6, factor);
  return clampRange(x, [at - (at - r[0]) * f, at + (r[1] - at) * f]);
}

/** Moves the range by `fraction` of its width (positive: later). */
export function panRange(x: XAxis, r: Range, fraction: number): Range {
  const d = (r[1] - r[0]) * fraction;
  return clampRange(x, [r[0] + d, r[1] + d]);
}

/** Whether a range is (about) the whole axis. */
export function isFull(x: XAxis, r: Range): boolean {
  const [lo, hi] = x.domain;
  const eps = (hi - lo) * 1e-9;
  return r[0] <= lo + eps && r[1] >= hi - eps;
}

/** First index whose value is >= target in an ascending array (n when none). */
function lowerBound(xs: ArrayLike<number>, target: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Rows [from, to) to draw for a range: those inside it plus one on each side (so the line runs to the
 * plot's edges). Times a little out of order (a few steps back) may leave a row out at the edges.
 */
export function visibleRows(x: XAxis, r: Range): [number, number] {
  const n = x.count;
  if (n === 0) return [0, 0];
  if (isFull(x, r)) return [0, n];
  if (!x.values) {
    const from = Math.max(0, Math.floor(r[0]) - 2);
    const to = Math.min(n, Math.ceil(r[1]) + 1);
    return [from, to];
  }
  const from = Math.max(0, lowerBound(x.values, r[0]) - 1);
  const to = Math.min(n, lowerBound(x.values, r[1]) + 1);
  return [from, Math.max(from, to)];
}

/** A range around rows [start, end] with some room either side (for jumping to an event). */
export function rangeAround(x: XAxis, start: number, end: number, xOfRow: (i: number) => number): Range {
  const a = xOfRow(Math.max(0, start));
  const b = xOfRow(Math.min(x.count - 1, end));
  const span = Math.max(b - a, minSpan(x) * 12);
  const pad = span * 1.5;
  return clampRange(x, [a - pad, b + pad]);
}

/** First index whose value is > target in an ascending array (n when none). */
function upperBound(xs: ArrayLike<number>, target: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] <= target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether row i (0-based) is inside the range (its x within it). */
export function rowInRange(x: XAxis, r: Range, i: number): boolean {
  if (!(i >= 0 && i < x.count)) return false;
  const v = xOf(x, i);
  return v >= r[0] && v <= r[1];
}

/**
 * The row to put a cursor at `row` in the range: `row` itself when it is inside, else the row inside the
 * range nearest to it (the first or the last one inside); null when no row is inside (a gap in time).
 */
export function clampRow(x: XAxis, r: Range, row: number): number | null {
  const n = x.count;
  if (n === 0) return null;
  if (rowInRange(x, r, row)) return row;
  let first: number;
  let last: number;
  if (x.values) {
    first = lowerBound(x.values, r[0]);
    last = upperBound(x.values, r[1]) - 1;
  } else {
    first = Math.ceil(r[0]) - 1;
    last = Math.floor(r[1]) - 1;
  }
  first = Math.max(0, first);
  last = Math.min(n - 1, last);
  if (first > last) return null;
  const pick = row < first ? first : row > last ? last : xOf(x, row) < r[0] ? first : last;
  return rowInRange(x, r, pick) ? pick : null;
}
