/**
 * Why a row whose score is above the threshold got grade 0 (no alert): the thresholder's rule
 * (src/forest/thresholder.ts, realertLevel) told in words for the readout.
 */
import { DEFAULT_THRESHOLD, realertLevel } from '../forest/thresholder';
import { formatCount, formatScore } from './format';

export interface NoAlertInput {
  row: number;
  scores: ArrayLike<number>;
  grades: ArrayLike<number>;
  thresholds: ArrayLike<number>;
  /** Rows with grade > 0, in increasing order. */
  alertRows: readonly number[];
  /** The forest's shingleSize, and sampleSize: no alert before this row (sampleSize less the rows a loaded
   * model had seen). */
  shingleSize: number;
  sampleSize: number;
  /** Row → "2013-12-10 05:35 UTC" or "row 1,234". */
  where: (row: number) => string;
}

/** The last alert row before `row` in sorted `alertRows`, or -1. */
export function lastAlertBefore(alertRows: readonly number[], row: number): number {
  let lo = 0;
  let hi = alertRows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (alertRows[mid] < row) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? alertRows[lo - 1] : -1;
}

/**
 * Why row `row` raised no alert though its score is above the threshold; null when the score is not
 * above the threshold or the row alerted.
 */
export function noAlertReason(i: NoAlertInput): string | null {
  const { row } = i;
  const score = i.scores[row];
  const threshold = i.thresholds[row];
  if (!(score > threshold) || !(i.grades[row] === 0)) return null;
  if (row < i.sampleSize) {
    return `above the threshold, but no alert in the first ${formatCount(i.sampleSize)} rows (sampleSize: the forest’s sample is still filling)`;
  }
  const last = lastAlertBefore(i.alertRows, row);
  if (last < 0) return 'above the threshold, inside an incident already reported: no new alert unless it escalates';
  const need = realertLevel({ ...DEFAULT_THRESHOLD, shingleSize: i.shingleSize }, row, last, i.scores[last], threshold);
  const inside = `above the threshold, inside the incident that alerted at ${i.where(last)}`;
  if (need.factor === 0) {
    return `${inside}: no new alert while that row is in the shingle (until ${i.where(need.from)})`;
  }
  const faded = need.reference > i.scores[last] * 0.999999 ? '' : need.reference <= threshold ? ', faded to the threshold' : ', faded';
  return `${inside}: no new alert unless it scores ${formatScore(need.level)} or more (${need.factor} × ${formatScore(need.reference)}, that alert’s score${faded})`;
}
