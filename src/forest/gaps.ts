/**
 * Gaps in time: rows whose time is much later than the row before (more than GAP_FACTOR × the usual step,
 * as the CSV reader reports them). The forest sees rows, not times, so by default a gap is left as it is:
 * the row after it simply follows the row before. On request the gap is filled first, one row per missing
 * step, with zeros (a count that was not logged because nothing happened) or with the last row's values
 * carried forward (a sensor that stopped reporting a steady value). Fill rows teach the forest and move
 * its shingle like any row, but they are not rows of the file: they get no score, no grade and no output.
 *
 * At most `maxPerGap` rows fill one gap (the forest's sampleSize by default: beyond it, more rows of the
 * same value only replace the sample with more of the same). Deterministic: the same rows and times give
 * the same fill rows whatever the chunks they come in, so replays (expected values, explanations, model
 * files) see exactly what the scoring run saw.
 */
import { GAP_FACTOR } from '../ingest/time';

export const GAP_POLICIES = ['leave', 'zero', 'carry'] as const;
export type GapPolicy = (typeof GAP_POLICIES)[number];

/** Rows the usual step is taken from (as the CSV reader decides on its first rows). */
export const STEP_ROWS = 10_000;

/** The usual step of a time column: the median of the positive steps among its first rows; NaN if none. */
export function usualStep(time: ArrayLike<number>, rows = STEP_ROWS): number {
  const steps: number[] = [];
  let prev = NaN;
  for (let r = 0; r < Math.min(rows, time.length); r++) {
    const t = time[r]!;
    if (t !== t) continue;
    if (t > prev) steps.push(t - prev);
    prev = t;
  }
  if (steps.length === 0) return NaN;
  steps.sort((a, b) => a - b);
  return steps[steps.length >> 1]!;
}

/** Rows with their gaps filled: `rows` (row-major) and, for each row given, its index among them. */
export interface Filled {
  rows: Float64Array;
  at: Int32Array;
}

export class GapFiller {
  /** Gaps filled so far, rows put in them, and gaps that needed more than maxPerGap rows. */
  gaps = 0;
  filledRows = 0;
  cappedGaps = 0;
  private prev = NaN;
  private readonly last: Float64Array;

  /**
   * @param policy 'zero' or 'carry' ('leave' fills nothing)
   * @param columns values per row
   * @param step the usual step between rows' times (usualStep); NaN: nothing is ever a gap
   */
  constructor(
    readonly policy: GapPolicy,
    readonly columns: number,
    readonly step: number,
    readonly maxPerGap: number,
  ) {
    this.last = new Float64Array(columns);
  }

  /** Rows to put before a row at time t (and t becomes the time of the row before the next one). */
  private before(t: number): number {
    if (t !== t) return 0;
    const prev = this.prev;
    this.prev = t;
    if (this.policy === 'leave' || !(this.step > 0) || prev !== prev) return 0;
    const dt = t - prev;
    if (!(dt > GAP_FACTOR * this.step)) return 0;
    const missing = Math.round(dt / this.step) - 1;
    if (missing <= 0) return 0;
    this.gaps++;
    if (missing > this.maxPerGap) this.cappedGaps++;
    const n = Math.min(missing, this.maxPerGap);
    this.filledRows += n;
    return n;
  }

  /** `rows` (row-major, `columns` values each) with their times, and the fill rows before each gap. */
  fill(rows: Float64Array, time: ArrayLike<number>): Filled {
    const m = this.columns;
    const count = rows.length / m;
    const at = new Int32Array(count);
    const counts = new Int32Array(count);
    let total = 0;
    for (let r = 0; r < count; r++) {
      counts[r] = this.before(time[r]!);
      total += counts[r]! + 1;
    }
    const out = new Float64Array(total * m);
    let o = 0;
    const last = this.last;
    for (let r = 0; r < count; r++) {
      for (let k = 0; k < counts[r]!; k++, o++) {
        if (this.policy === 'carry') out.set(last, o * m);
        // 'zero': the array starts as zeros
      }
      at[r] = o;
      const row = rows.subarray(r * m, (r + 1) * m);
      out.set(row, o * m);
      // carry the row as read; a missing value is carried as missing (the forest's missingValues decides)
      last.set(row);
      o++;
    }
    return { rows: out, at };
  }

  /** One line for a summary: "3 gaps filled with 412 rows of zeros (1 gap longer than 256 rows)". */
  describe(): string {
    const what = this.policy === 'zero' ? 'zeros' : 'the values before them';
    const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
    let text = `${plural(this.gaps, 'gap', 'gaps')} filled with ${plural(this.filledRows, 'row', 'rows')} of ${what}`;
    if (this.cappedGaps) text += ` (${plural(this.cappedGaps, 'gap was', 'gaps were')} longer than ${this.maxPerGap} rows: filled with ${this.maxPerGap})`;
    return text;
  }
}

/** Takes the given rows' values out of rows with fill rows (`width` values per row), by `at`. */
export function gather(from: Float64Array, at: Int32Array, width: number, into: Float64Array): void {
  for (let r = 0; r < at.length; r++) into.set(from.subarray(at[r]! * width, (at[r]! + 1) * width), r * width);
}
