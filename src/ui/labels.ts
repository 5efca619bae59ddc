/**
 * Labelled anomalies: where they come from (NAB's windows and points for the built-in files, or a 0/1
 * column named like label/anomaly/is_anomaly in a CSV), what is wrong with them (notes, never fatal), and
 * how the forest's alerts compare with them ("windows caught: k of n, alerts outside windows: m").
 *
 * Windows are [start, end] in x units: epoch ms on a time axis, row numbers (from 1) on a row axis.
 */
import { parseNabTime, type Window } from './windows';
import { xOf, type XAxis } from './charts/x-axis';
import { formatCount, formatTime } from './format';
import { isLabelColumn } from '../ingest/columns';

/** A column of 0/1 labels, by name (label, labels, anomaly, is_anomaly, outlier…, any case): one rule, src/ingest/columns.ts. */
export { isLabelColumn };

/** The first numeric column named like a label column, or null. */
export function findLabelColumn(names: readonly string[]): string | null {
  return names.find(isLabelColumn) ?? null;
}

/**
 * Windows from a 0/1 column: each run of rows labelled 1 is one window from its first row's x to its last
 * row's x. Values other than 0 and 1 (missing ones too) count as 0 and are reported.
 */
export function windowsFromColumn(labels: ArrayLike<number>, x: XAxis, column: string): { windows: Window[]; notes: string[] } {
  const windows: Window[] = [];
  let odd = 0;
  let firstOdd = -1;
  let open = -1;
  const n = Math.min(labels.length, x.count);
  for (let i = 0; i <= n; i++) {
    const v = i < n ? labels[i] : 0;
    if (v !== 0 && v !== 1) {
      odd++;
      if (firstOdd < 0) firstOdd = i;
    }
    if (v === 1) {
      if (open < 0) open = i;
    } else if (open >= 0) {
      windows.push([xOf(x, open), xOf(x, i - 1)]);
      open = -1;
    }
  }
  const notes: string[] = [];
  if (odd > 0) {
    notes.push(
      `Label column "${column}": ${formatCount(odd)} value${odd === 1 ? ' is' : 's are'} neither 0 nor 1 (first in row ${formatCount(firstOdd + 1)}); read as 0.`,
    );
  }
  return { windows, notes };
}

export interface NabLabels {
  windows: Window[];
  notes: string[];
  /** Labelled anomaly points (x units) inside the data's range. */
  points: number[];
}

const describeWhen = (x: XAxis, v: number) => (x.kind === 'time' ? formatTime(v) : `row ${formatCount(v)}`);

/**
 * NAB's labels for one file, checked against the data: windows.json pairs and labels.json points
 * (parsed JSON, either may be null). Unreadable entries, windows outside the data's range and points
 * outside every window of their file are reported in `notes` and otherwise ignored.
 */
export function nabLabelsFor(windowsJson: unknown, pointsJson: unknown, fileName: string, x: XAxis): NabLabels {
  const notes: string[] = [];
  const windows: Window[] = [];
  const points: number[] = [];
  if (x.kind !== 'time') {
    const has = listFor(windowsJson, fileName).length > 0 || listFor(pointsJson, fileName).length > 0;
    if (has) notes.push(`NAB labels ${fileName} by time, but this file has no usable time axis: its labels are not shown.`);
    return { windows, notes, points };
  }
  const [lo, hi] = x.domain;
  for (const pair of listFor(windowsJson, fileName)) {
    const a = Array.isArray(pair) && pair.length === 2 ? parseNabTime(String(pair[0])) : NaN;
    const b = Array.isArray(pair) && pair.length === 2 ? parseNabTime(String(pair[1])) : NaN;
    if (!Number.isFinite(a) || !Number.isFinite(b) || b < a) {
      notes.push(`A labelled window of ${fileName} could not be read (${JSON.stringify(pair)}); it is ignored.`);
    } else if (b < lo || a > hi) {
      notes.push(`The labelled window ${formatTime(a)} – ${formatTime(b)} lies outside the data of ${fileName}; it is ignored.`);
    } else {
      windows.push([a, b]);
    }
  }
  for (const p of listFor(pointsJson, fileName)) {
    const t = parseNabTime(String(p));
    if (!Number.isFinite(t)) {
      notes.push(`A labelled anomaly of ${fileName} could not be read (${JSON.stringify(p)}); it is ignored.`);
    } else if (!windows.some(([a, b]) => t >= a && t <= b)) {
      notes.push(`The labelled anomaly at ${describeWhen(x, t)} lies outside every labelled window of ${fileName}.`);
    } else {
      points.push(t);
    }
  }
  return { windows, notes, points };
}

/** Keys of a labels file that name files this page does not have (reported, not fatal). */
export function unknownFiles(json: unknown, known: readonly string[]): string[] {
  if (!json || typeof json !== 'object') return [];
  return Object.keys(json).filter((k) => !known.includes(k));
}

function listFor(json: unknown, fileName: string): unknown[] {
  if (!json || typeof json !== 'object') return [];
  const list = (json as Record<string, unknown>)[fileName];
  return Array.isArray(list) ? list : [];
}

export interface Caught {
  /** Windows with at least one alert inside. */
  caught: number;
  total: number;
  /** Alerts (rows with grade > 0) inside no window. */
  outside: number;
  /** Per window: caught or not. */
  hit: boolean[];
  /** Windows that start after the last row scored (a run going on, or stopped): not scored yet. */
  notScored: number;
}

/**
 * The one rule for "is this alert in a labelled window": the alert row's x falls inside a window (ends
 * included). Returns the indices of the windows holding row `row` (empty: outside every window). The
 * counts (caughtWindows) and the events list (eventInWindows) both use it.
 */
export function windowsHolding(windows: readonly Window[], row: number, x: XAxis): number[] {
  const v = xOf(x, row);
  const held: number[] = [];
  for (let w = 0; w < windows.length; w++) if (v >= windows[w][0] && v <= windows[w][1]) held.push(w);
  return held;
}

/**
 * How alerts compare with labelled windows. `alertRows` are row indices with grade > 0 (any order).
 * A window is caught when an alert's x falls inside it (ends included).
 */
export function caughtWindows(windows: readonly Window[], alertRows: readonly number[], x: XAxis, rowsScored = x.count): Caught {
  const hit = windows.map(() => false);
  let outside = 0;
  for (const row of alertRows) {
    const held = windowsHolding(windows, row, x);
    for (const w of held) hit[w] = true;
    if (held.length === 0) outside++;
  }
  const last = rowsScored > 0 ? xOf(x, Math.min(rowsScored, x.count) - 1) : -Infinity;
  const notScored = rowsScored >= x.count ? 0 : windows.filter((w) => w[0] > last).length;
  return { caught: hit.filter(Boolean).length, total: windows.length, outside, hit, notScored };
}

/** The alert rows of one event: those of sorted `alertRows` from its start to its end (events never overlap). */
export function alertsOf(event: { start: number; end: number; peak: number }, alertRows: readonly number[]): number[] {
  const last = Math.max(event.end, event.peak);
  let lo = 0;
  let hi = alertRows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (alertRows[mid] < event.start) lo = mid + 1;
    else hi = mid;
  }
  const out: number[] = [];
  for (let i = lo; i < alertRows.length && alertRows[i] <= last; i++) out.push(alertRows[i]);
  // the event's first alert is its start, whatever the list holds
  return out.length ? out : [event.start];
}

/**
 * The row an event's Explain explains: its alert with the top grade (the grade the events list shows for
 * it); of equal grades, the higher score, then the earlier row.
 */
export function topAlertOf(
  event: { start: number; end: number; peak: number },
  alertRows: readonly number[],
  grades: ArrayLike<number>,
  scores: ArrayLike<number>,
): number {
  let best = -1;
  for (const r of alertsOf(event, alertRows)) {
    if (!(grades[r] > 0)) continue;
    if (best < 0 || grades[r] > grades[best] || (grades[r] === grades[best] && scores[r] > scores[best])) best = r;
  }
  return best >= 0 ? best : event.start;
}

/**
 * Where an event's alerts fall, by the same rule as caughtWindows: how many of them (`alerts`) are inside
 * a labelled window (`inside`). Summed over all events, alerts − inside is caughtWindows' `outside`.
 */
export function eventInWindows(
  event: { start: number; end: number; peak: number },
  alertRows: readonly number[],
  windows: readonly Window[],
  x: XAxis,
): { alerts: number; inside: number } {
  const rows = alertsOf(event, alertRows);
  return { alerts: rows.length, inside: rows.filter((r) => windowsHolding(windows, r, x).length > 0).length };
}
