/**
 * The x axis both charts share: time when the dataset has a usable time column (every row has a time, and
 * they are in order but for a few small steps back), else the row number.
 */
import { formatDuration } from '../../ingest/time';
import type { DatasetView } from '../../worker/forest-api';
import { formatCount } from '../format';

export interface XAxis {
  kind: 'time' | 'index';
  /** x of each row: epoch milliseconds (time) or null (x is the row number, from 1). */
  values: Float64Array | null;
  /** Rows. */
  count: number;
  domain: [number, number];
  /** How the axis is named in labels: "time" or "row number". */
  noun: string;
  /** Why time is not used, when the dataset has a time column that cannot be an axis. */
  note: string | null;
}

/** Steps back allowed on a time axis: at most this share of the rows (and 1 whatever the rows)… */
export const BACK_STEPS_SHARE = 0.01;
/** …none longer than this many usual steps or this share of the time span, whichever is longer… */
export const BACK_STEP_USUAL = 4;
export const BACK_STEP_SHARE = 0.01;
/** …and all of them together no longer than this share of the span (or BACK_STEP_USUAL usual steps). */
export const BACK_TOTAL_SHARE = 0.03;

export function xAxisFor(view: DatasetView): XAxis {
  const count = view.rows;
  const column = view.timeColumn;
  if (!view.time || !column || view.time.length !== count || count === 0) return indexAxis(count);
  const t = timeStats(view.time);
  const why = whyNotTime(t, count);
  if (why === null) return { kind: 'time', values: view.time, count, domain: [t.min, t.max], noun: 'time', note: null };
  let note = count === 1 ? `x is the row number: "${column}" has one time only.` : `x is the row number: the times in "${column}" ${why}.`;
  // the likeliest cause of times that go back a long way: dates like 03/04/2020 read the wrong way round
  if (t.finite && t.backSteps > 0 && view.dateOrder?.open) {
    note += ` Its dates may be the other way round: choose ${view.dateOrder.dayFirst ? 'month' : 'day'} first under Dates in “${column}”.`;
  }
  return { ...indexAxis(count), note };
}

/**
 * Why times cannot be the x axis (to follow "the times in …"), or null when they can. A few small steps back
 * (a clock change, a log glitch: NAB's machine temperature goes back 55 minutes once in 79 days, 11 usual
 * steps) are drawn where they fall; times missing, out of order in many places, or going back a long way (a
 * zig-zag across the chart: dates read month first that are day first go back by months) cannot be an axis.
 */
export function whyNotTime(t: TimeStats, count: number): string | null {
  if (!t.finite) return 'are missing or unreadable in places';
  const span = t.max - t.min;
  if (!(span > 0)) return 'are all the same';
  if (t.backSteps === 0) return null;
  const at = `row ${formatCount(t.largestBackRow + 1)}`;
  if (t.backSteps > Math.max(1, count * BACK_STEPS_SHARE)) {
    return `are not in time order: ${formatCount(t.backSteps)} of them go back (the longest by ${formatDuration(t.largestBack)}, at ${at})`;
  }
  const usual = t.medianStep === t.medianStep ? BACK_STEP_USUAL * t.medianStep : 0;
  if (t.largestBack > Math.max(usual, BACK_STEP_SHARE * span)) {
    return `go back by ${formatDuration(t.largestBack)} at ${at}, ${backShare(t.largestBack, span)} of their span`;
  }
  if (t.backTotal > Math.max(usual, BACK_TOTAL_SHARE * span)) {
    return `go back ${t.backSteps} times by ${formatDuration(t.backTotal)} in all, ${backShare(t.backTotal, span)} of their span`;
  }
  return null;
}

function backShare(back: number, span: number): string {
  const p = (100 * back) / span;
  return `${p < 10 ? Math.round(p * 10) / 10 : Math.round(p)}%`;
}

export interface TimeStats {
  /** Every time is finite (the other fields are complete only then). */
  finite: boolean;
  min: number;
  max: number;
  /** Times earlier than the row before. */
  backSteps: number;
  /** Their lengths added up (ms). */
  backTotal: number;
  /** The longest step back (ms; 0 if none), and the 0-based row it goes back to. */
  largestBack: number;
  largestBackRow: number;
  /** Median of the steps forward (ms); NaN if none. */
  medianStep: number;
}

/** Whether all times are finite, their range, their steps back (how many, how long), and the usual step forward. */
export function timeStats(time: ArrayLike<number>): TimeStats {
  const r: TimeStats = { finite: true, min: Infinity, max: -Infinity, backSteps: 0, backTotal: 0, largestBack: 0, largestBackRow: -1, medianStep: NaN };
  const forward = new Float64Array(Math.max(0, time.length - 1));
  let k = 0;
  for (let i = 0; i < time.length; i++) {
    const v = time[i];
    if (!Number.isFinite(v)) {
      r.finite = false;
      return r;
    }
    if (v < r.min) r.min = v;
    if (v > r.max) r.max = v;
    if (i === 0) continue;
    const dt = v - time[i - 1];
    if (dt > 0) forward[k++] = dt;
    else if (dt < 0) {
      r.backSteps++;
      r.backTotal -= dt;
      if (-dt > r.largestBack) {
        r.largestBack = -dt;
        r.largestBackRow = i;
      }
    }
  }
  if (k > 0) {
    const sorted = forward.subarray(0, k).sort();
    r.medianStep = k % 2 ? sorted[(k - 1) / 2] : (sorted[k / 2 - 1] + sorted[k / 2]) / 2;
  }
  return r;
}

/** Rows numbered from 1, as people count them (row 1 is the first data row, under the header). */
export function indexAxis(count: number): XAxis {
  return { kind: 'index', values: null, count, domain: [1, Math.max(2, count)], noun: 'row number', note: null };
}

/** x of row i (0-based): its time, or its row number (i + 1). */
export function xOf(axis: XAxis, i: number): number {
  return axis.values ? axis.values[i] : i + 1;
}
