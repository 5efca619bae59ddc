/**
 * The x axis both charts share: time when the dataset has a usable time column (every row has a time, and
 * they are in order but for a few steps back), else the row number.
 */
import type { DatasetView } from '../../worker/forest-api';

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

export function xAxisFor(view: DatasetView): XAxis {
  const count = view.rows;
  if (view.time && view.timeColumn && view.time.length === count && count > 0) {
    const t = timeStats(view.time);
    // a few steps back (a clock change, a log glitch: NAB's machine temperature has one) are drawn where
    // they fall; times missing, or out of order everywhere, cannot be an axis
    if (t.finite && t.backSteps <= Math.max(1, count * 0.01) && t.max > t.min) {
      return { kind: 'time', values: view.time, count, domain: [t.min, t.max], noun: 'time', note: null };
    }
    const why = t.finite ? 'are not in time order' : 'are missing or unreadable in places';
    return { ...indexAxis(count), note: `x is the row number: the times in "${view.timeColumn}" ${why}.` };
  }
  return indexAxis(count);
}

/** Whether all times are finite, their range, and how many go back before the row before. */
export function timeStats(time: ArrayLike<number>): { finite: boolean; min: number; max: number; backSteps: number } {
  let min = Infinity;
  let max = -Infinity;
  let backSteps = 0;
  for (let i = 0; i < time.length; i++) {
    const v = time[i];
    if (!Number.isFinite(v)) return { finite: false, min, max, backSteps };
    if (v < min) min = v;
    if (v > max) max = v;
    if (i > 0 && v < time[i - 1]) backSteps++;
  }
  return { finite: true, min, max, backSteps };
}

/** Rows numbered from 1, as people count them (row 1 is the first data row, under the header). */
export function indexAxis(count: number): XAxis {
  return { kind: 'index', values: null, count, domain: [1, Math.max(2, count)], noun: 'row number', note: null };
}

/** x of row i (0-based): its time, or its row number (i + 1). */
export function xOf(axis: XAxis, i: number): number {
  return axis.values ? axis.values[i] : i + 1;
}
