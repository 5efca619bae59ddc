/**
 * Why a row whose score is above the threshold got grade 0 (no alert): the thresholder's rule
 * (src/forest/thresholder.ts, realertLevel) told in words for the readout.
 */
import { DEFAULT_THRESHOLD, realertLevel } from '../forest/thresholder';
import { formatCount, formatCountOf, formatScore } from './format';

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
  const alertScore = i.scores[last];
  const was = `that alert’s score`;
  let ref: string;
  if (need.reference <= threshold) {
    // the reference is the threshold: that alert's score, faded over the rows since, is below it (or the
    // threshold has risen above the score itself)
    ref = alertScore > threshold
      ? `the threshold: ${was}, ${formatScore(alertScore)}, faded to it over ${formatCountOf(row - last, 'row')}`
      : `the threshold, now above ${was}, ${formatScore(alertScore)}`;
  } else if (need.reference >= alertScore * 0.999999) ref = was;
  else ref = `${was}, ${formatScore(alertScore)}, faded over ${formatCountOf(row - last, 'row')}`;
  return `${inside}: no new alert unless it scores ${formatScore(need.level)} or more (${need.factor} × ${formatScore(need.reference)}, ${ref})`;
}

/** Scores above the threshold that raised no alert, counted by why (for a run with no anomaly event). */
export interface SilentCounts {
  /** Rows scored above their threshold. */
  above: number;
  /** Of them, rows before sampleSize (no alert is raised there). */
  early: number;
  /** Of them, rows after sampleSize that got no alert (inside an incident still open from an earlier run). */
  inside: number;
  /** Rows with a score at all (0: the forest was still warming up on every row). */
  scored: number;
}

export function silentCounts(
  scores: ArrayLike<number>,
  thresholds: ArrayLike<number>,
  grades: ArrayLike<number>,
  sampleSize: number,
): SilentCounts {
  const c = { above: 0, early: 0, inside: 0, scored: 0 };
  const n = Math.min(scores.length, thresholds.length, grades.length);
  for (let r = 0; r < n; r++) {
    if (scores[r] === scores[r]) c.scored++;
    if (!(scores[r] > thresholds[r])) continue;
    c.above++;
    if (grades[r] > 0) continue;
    if (r < sampleSize) c.early++;
    else c.inside++;
  }
  return c;
}

/**
 * The events list's text when a run has no anomaly event: true in each case (no score above the threshold,
 * or some above it but none alerted, and why).
 */
export function noEventText(c: SilentCounts, sampleSize: number): string {
  // with no score at all, lowering z cannot help: the rows ended while the forest was warming up
  if (c.scored === 0) return 'No anomaly event: no row has a score (the forest was still warming up on every row).';
  if (c.above === 0) return 'No anomaly event: no score rose above the threshold. Lower z to be told about smaller anomalies.';
  const n = (k: number) => `${formatCount(k)} score${k === 1 ? '' : 's'}`;
  const first = `the first ${formatCount(sampleSize)} rows, where no alert is raised (sampleSize: the forest’s sample is still filling)`;
  const open = 'inside an incident already reported before these rows (no new alert unless it escalates)';
  const all = c.above === 1 ? 'it is' : 'all are';
  const why =
    c.inside === 0 ? `${all} in ${first}`
      : c.early === 0 ? `${all} ${open}`
        : `${formatCount(c.early)} in ${first}, and ${formatCount(c.inside)} ${open}`;
  return `No anomaly event: ${n(c.above)} rose above the threshold, but none raised an alert: ${why}.`;
}
