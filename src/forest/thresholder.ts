/**
 * From score to decision: a streaming adaptive threshold, an anomaly grade and one event per incident
 * (rcf-spec section 7).
 *
 * Threshold. The score stream's exponentially decayed mean and deviation (the deviation at least
 * `minRelativeDeviation` of the mean) give
 *   threshold    = max(floor, mean + z * dev)           the alert level
 *   continuation = max(floor, mean + continueZ * dev)   the still-unusual level (lower: hysteresis)
 * both max(floor, initialThreshold) until `warmScores` scores were seen: never below the floor. Scores above
 * the threshold enter the statistics clipped to it, so one incident does not raise the bar for the next.
 *
 * Grade. 0 at or below the threshold; above it, rising with how many deviations the score stands above the
 * threshold, 1 at `fullGradeDeviations` deviations (at least 0.001 when it alerts, never above 1).
 *
 * Incidents (one alert, one event each). An alert opens an incident unless one is open. The incident stays
 * open while scores keep exceeding the continuation level with gaps of at most `incidentGap` rows (never less
 * than the shingle size: an anomaly stays in the shingle for shingleSize rows), and closes after more than
 * `incidentGap` rows without such a score. Inside an open incident a score above the threshold is NOT
 * reported again (grade 0): it is a shingle that still holds the anomaly already reported, or its aftermath.
 * Escalation, so that a long incident cannot hide a second, stronger anomaly: at least `incidentGap` rows
 * after the incident's last alert, a score of at least `escalation` times that alert's score alerts again
 * (same event); that reference fades towards the threshold with a half-life of `escalationHalfLife` rows.
 * Sooner, once the last alert's row has left the shingle, a score of twice the reference alerts again: a
 * minor alert must not hide a far stronger anomaly a few rows later (a noise alert of 3.0, then a spike of
 * 7.6 28 rows on, got grade 0 without this). Measured on NAB realKnownCause, seeds 1-5: 17.8/19 windows,
 * 117.6 outside (111.0 without it; 133.6 with 1.5 x instead of 2 x).
 * The event's start is the row of its first alert.
 *
 * Warm-up. No alert before row `alertAfter`: until the forest has seen sampleSize rows its trees hold fewer
 * points than planned, and the first sight of anything is novel (art_daily_no_noise: one alert at row 108,
 * the first rise of the daily pattern, without it). The statistics learn from those scores all the same.
 * Pass the forest's sampleSize (0: no quiet period).
 *
 * How the defaults were chosen. Measured with scripts/detection.mjs on NAB: the 7 realKnownCause files
 * (windows with a row of grade > 0, rows with grade > 0 outside every window, first 15% of rows ignored),
 * forest defaults (50 trees, sampleSize 256) with shingle 1, seeds 1-5, means; realAWSCloudwatch (17 files,
 * 30 windows) as a check against fitting 19 windows; artificialNoAnomaly for false alerts. With all
 * defaults: realKnownCause 17.8/19 windows, 117.6 points outside; realAWSCloudwatch 25.4/30, 233.4 (with
 * shingle 8: 15.8/19, 73; 25.6/30, 112). The first version (repeats suppressed for shingleSize rows only, and
 * not when higher) had 17.8/19 with 1,835 outside at shingle 1, 15.8/19 with 488 at shingle 8; Amazon's
 * thresholded RCF (shingle 8) 15/19 with 485. Each option below says what changing it alone does.
 * (The first 15% of the smallest file is 282 rows, so `alertAfter` plays no part in these numbers.)
 */

export interface ThresholdOptions {
  /**
   * Deviations above the mean where the alert threshold sits. Default 3 (spec; Amazon's thresholded RCF).
   * Measured: 2.5 gives 17.8/19 windows, 134 outside; 3.5 gives 17.0/19, 101.
   */
  z: number;
  /**
   * Deviations above the mean that keep an open incident going. Default 2: a score two deviations up is
   * still unusual, though not alert-worthy. Measured: 3 (no hysteresis) 17.8/19 windows, 143 outside;
   * 2.5: 131 outside; 1.5: incidents hardly end on noisy series, 17.2/19.
   */
  continueZ: number;
  /**
   * Neither level goes below this. Default 0.8 (spec: in-distribution scores stay below about 0.8). Without
   * it and without minRelativeDeviation, series whose scores barely vary alert on nothing
   * (art_daily_no_noise 7 alerts, the square wave 14); either one alone prevents that.
   */
  floor: number;
  /** Threshold until `warmScores` scores were seen. Default 1.5 (spec). */
  initialThreshold: number;
  /** Scores needed before the statistics are trusted. Default 10 (spec; Amazon's minimum). */
  warmScores: number;
  /**
   * Weight of the newest score in the decayed mean and deviation. Default 1/1000: about 1,000 scores of
   * memory (3.5 days at NAB's 5-minute sampling). Not sensitive: 1/3000 gives 105 outside, 1/333 122, the
   * same 17.8/19 windows.
   */
  decay: number;
  /**
   * The deviation used is at least this fraction of the mean. Default 0.1: a score less than 30% above the
   * typical score (3 x 10%) never alerts. On a perfectly repeating series the scores barely vary, and the
   * forest's own sampling noise crosses mean + 3 deviations: a pure sine of period 50 (median score 0.90,
   * bumps to 1.2) alerts 7-14 times in 4,000 rows with shingles 1-8; with 0.1 (and 0.05 not enough) none, for
   * periods 50, 96 and 288, shingles 1, 4 and 8, seeds 1-3. On NAB the deviation is 20-40% of the mean, so
   * nothing changes there (0 and 0.1 give the same rows); 0.2 starts to lose windows (17.2/19).
   */
  minRelativeDeviation: number;
  /** Deviations above the threshold where the grade reaches 1. Default 4 (spec). */
  fullGradeDeviations: number;
  /**
   * Rows without a score above the continuation level after which an incident is over; also the least
   * distance between two alerts of one incident. Default 64 rows, never less than the shingle size.
   * Measured: 32 rows let incidents break up (190 points outside), 48 135; 96 merges separate anomalies
   * (17.4/19 windows, and 23.0/30 instead of 25.4/30 on realAWSCloudwatch).
   */
  incidentGap: number;
  /**
   * Inside an open incident, a score this many times the last alert's (faded) score alerts again. Default
   * 1.5. Without escalation long incidents hide later anomalies: 14.0/19 windows (11.8/30 on
   * realAWSCloudwatch); 1.25 gives 147 outside; 2 loses windows (17.2/19).
   */
  escalation: number;
  /**
   * Half-life in rows of the escalation reference (the last alert's score fades towards the threshold), so
   * a long disturbed stretch still reports a later anomaly that is stronger than what it has become. Default
   * 256 rows (the default sampleSize; about a day at 5-minute sampling). Without fading: 97 outside and the
   * same 17.8/19 windows, but 22.4/30 on realAWSCloudwatch; 128 rows: 118 outside, 25.0/30; 512: 104, 24.8/30.
   */
  escalationHalfLife: number;
  /** No alert before this row: the forest's sampleSize (its sample is not full before). Default 256. */
  alertAfter: number;
  /** Rows an anomaly stays in view: the forest's shingle size. */
  shingleSize: number;
}

export const DEFAULT_THRESHOLD: Omit<ThresholdOptions, 'shingleSize'> = {
  z: 3,
  continueZ: 2,
  floor: 0.8,
  initialThreshold: 1.5,
  warmScores: 10,
  decay: 1 / 1000,
  minRelativeDeviation: 0.1,
  fullGradeDeviations: 4,
  incidentGap: 64,
  escalation: 1.5,
  escalationHalfLife: 256,
  alertAfter: 256,
};

export interface AnomalyEvent {
  /** Row of the event's first alert: where the incident starts. */
  start: number;
  /** Last row of the incident whose score was above the continuation level (grows while it is open). */
  end: number;
  /** Row with the highest score in the incident, and that score. */
  peak: number;
  score: number;
  /** Highest grade among the event's alerts. */
  grade: number;
  /** Alerts in the event: 1, plus one per escalation. */
  alerts: number;
}

export interface Graded {
  /** In [0, 1]; > 0 only on alerting rows; NaN where the score is NaN (no score yet). */
  grade: number;
  /** The alert threshold the score was compared with; NaN where the score is NaN. */
  threshold: number;
}

/** Where a thresholder stood (Thresholder.mark), to go back to. */
export interface ThresholderMark {
  count: number;
  mean: number;
  variance: number;
  lastAlertRow: number;
  lastAlertScore: number;
  graded: number;
  events: number;
  current: { index: number; was: AnomalyEvent } | null;
}

/** What a snapshot keeps of a thresholder. */
export interface ThresholderState {
  count: number;
  mean: number;
  variance: number;
  lastAlertRow: number | null;
  lastAlertScore: number;
  events: AnomalyEvent[];
  /** Index in events of the open incident, or -1. */
  current: number;
  /** Rows graded so far. */
  rows: number;
}

/** What a score at `row` inside an open incident must reach to alert again (realertLevel). */
export interface Realert {
  /** The score needed (Infinity: none can, the last alert's row is still in the shingle). */
  level: number;
  /** The factor applied (2 or `escalation`; 0 while the last alert is in the shingle). */
  factor: number;
  /** The last alert's score, faded (never below the threshold). */
  reference: number;
  /** The first row at which a new alert can happen at all (the last alert's row has left the shingle). */
  from: number;
}

/**
 * The rule for a second alert inside an open incident, in plain words (the page and the README say the same):
 * an alert opens an incident; while it is open (until `incidentGap` rows pass without a score above the
 * continuation level), a score above the threshold raises no new alert unless it beats the incident's last
 * alert: 2 times that alert's score once the alert's row has left the shingle (`shingleSize` rows later),
 * 1.5 times (`escalation`) once `incidentGap` rows have passed; that score halves every
 * `escalationHalfLife` rows, never below the threshold.
 */
export function realertLevel(
  o: Pick<ThresholdOptions, 'shingleSize' | 'incidentGap' | 'escalation' | 'escalationHalfLife'>,
  row: number,
  lastAlertRow: number,
  lastAlertScore: number,
  threshold: number,
): Realert {
  const since = row - lastAlertRow;
  const gap = Math.max(o.incidentGap, o.shingleSize);
  const reference = Math.max(threshold, lastAlertScore * Math.pow(0.5, since / o.escalationHalfLife));
  const from = lastAlertRow + o.shingleSize;
  // at least `gap` rows on: `escalation` times (or twice, if that is less); at least shingleSize rows on: twice
  const factor = since >= gap ? Math.min(o.escalation, 2) : since >= o.shingleSize ? 2 : 0;
  return { level: factor > 0 ? factor * reference : Infinity, factor, reference, from };
}

export class Thresholder {
  readonly options: ThresholdOptions;
  readonly events: AnomalyEvent[] = [];
  private count = 0;
  private mean = 0;
  private variance = 0;
  /** The open incident, or null. */
  private current: AnomalyEvent | null = null;
  private lastAlertRow = -Infinity;
  private lastAlertScore = 0;
  private graded = 0;

  constructor(options: Partial<ThresholdOptions> & { shingleSize: number }) {
    this.options = { ...DEFAULT_THRESHOLD, ...options };
    const o = this.options;
    const positive = (name: string, v: number) => {
      if (!(v > 0 && Number.isFinite(v))) throw new RangeError(`${name} must be a positive number; got ${v}.`);
    };
    const wholeOrZero = (name: string, v: number) => {
      if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`${name} must be a whole number, 0 or more; got ${v}.`);
    };
    positive('z', o.z);
    if (!(o.continueZ >= 0 && o.continueZ <= o.z)) {
      throw new RangeError(`continueZ must be from 0 to z (${o.z}); got ${o.continueZ}.`);
    }
    if (!(o.floor >= 0 && Number.isFinite(o.floor))) throw new RangeError(`the threshold floor must be 0 or more; got ${o.floor}.`);
    if (!(o.decay > 0 && o.decay <= 1)) throw new RangeError(`the threshold decay must be in (0, 1]; got ${o.decay}.`);
    if (!(o.minRelativeDeviation >= 0 && Number.isFinite(o.minRelativeDeviation))) {
      throw new RangeError(`minRelativeDeviation must be 0 or more; got ${o.minRelativeDeviation}.`);
    }
    positive('initialThreshold', o.initialThreshold);
    positive('fullGradeDeviations', o.fullGradeDeviations);
    if (!(o.escalation >= 1)) throw new RangeError(`escalation must be 1 or more; got ${o.escalation}.`);
    if (!(o.escalationHalfLife > 0)) throw new RangeError(`escalationHalfLife must be a positive number of rows; got ${o.escalationHalfLife}.`);
    wholeOrZero('warmScores', o.warmScores);
    wholeOrZero('incidentGap', o.incidentGap);
    wholeOrZero('alertAfter', o.alertAfter);
    if (!(Number.isInteger(o.shingleSize) && o.shingleSize >= 1)) {
      throw new RangeError(`shingleSize must be a whole number, 1 or more; got ${o.shingleSize}.`);
    }
  }

  /** The alert threshold the next score will be compared with. */
  get threshold(): number {
    return this.level(this.options.z);
  }

  /** The level that keeps an open incident going. */
  get continuation(): number {
    return this.level(this.options.continueZ);
  }

  /** Rows graded so far (the highest row given to grade(), plus one): where a stream that goes on starts. */
  get rowsGraded(): number {
    return this.graded;
  }

  /** Is an incident open (an anomaly reported and not yet over)? */
  get inIncident(): boolean {
    return this.current !== null;
  }

  private level(z: number): number {
    const o = this.options;
    if (this.count < o.warmScores) return Math.max(o.floor, o.initialThreshold);
    return Math.max(o.floor, this.mean + z * this.deviation);
  }

  /** The decayed deviation, at least minRelativeDeviation of the mean. */
  private get deviation(): number {
    return Math.max(Math.sqrt(this.variance), this.options.minRelativeDeviation * Math.abs(this.mean));
  }

  /** Rows that close an incident, and the least distance between two alerts of one incident. */
  private get gap(): number {
    return Math.max(this.options.incidentGap, this.options.shingleSize);
  }

  /**
   * Grades the score of row `row` (rows in increasing order); `confidence` (ProcessOutputs.confidence, 1
   * when every value was read) scales the grade down where values were filled in. A NaN score (no score
   * yet: warm-up, skipped row) is skipped: grade and threshold NaN, nothing learnt; so is -Infinity.
   */
  grade(row: number, score: number, confidence = 1): Graded {
    if (row >= this.graded) this.graded = row + 1;
    if (!(score > -Infinity)) return { grade: NaN, threshold: NaN };
    const o = this.options;
    const threshold = this.threshold;
    const continuation = this.continuation;
    const deviation = this.deviation;
    const gap = this.gap;

    let event = this.current;
    if (event && row - event.end > gap) event = this.current = null; // quiet for `gap` rows: the incident is over

    let grade = 0;
    if (score > threshold && row >= o.alertAfter) {
      const scale = o.fullGradeDeviations * Math.max(deviation, 1e-3 * threshold);
      // lower confidence (values filled in) lowers the grade; the alert stands
      const g = Math.min(1, Math.max(1e-3, (score - threshold) / scale)) * (confidence > 0 ? Math.min(1, confidence) : 1e-3);
      if (!event) {
        grade = g;
        event = this.current = { start: row, end: row, peak: row, score, grade, alerts: 1 };
        this.events.push(event);
      } else if (score >= realertLevel(o, row, this.lastAlertRow, this.lastAlertScore, threshold).level) {
        // a clearly stronger anomaly inside a long incident; a far stronger one as soon as the last alert's
        // row has left the shingle
        grade = g;
        event.alerts++;
        event.grade = Math.max(event.grade, g);
      }
      if (grade > 0) {
        this.lastAlertRow = row;
        this.lastAlertScore = score;
      }
    }
    if (event && score > continuation) {
      event.end = row;
      if (score > event.score) {
        event.peak = row;
        event.score = score;
      }
    }

    // statistics: scores above the threshold enter clipped to it
    const x = score > threshold ? threshold : score;
    this.count++;
    if (this.count === 1) {
      this.mean = x;
      this.variance = 0;
    } else {
      const a = Math.max(o.decay, 1 / this.count);
      const d = x - this.mean;
      this.mean += a * d;
      this.variance = (1 - a) * (this.variance + a * d * d);
    }
    return { grade, threshold };
  }

  /**
   * Grades a run of scores whose first is row `firstRow` (the forest's output for one process() call).
   * Returns grade and threshold per row (NaN where the score is NaN).
   */
  gradeAll(scores: ArrayLike<number>, firstRow = 0): { grade: Float64Array; threshold: Float64Array } {
    const grade = new Float64Array(scores.length);
    const threshold = new Float64Array(scores.length);
    for (let i = 0; i < scores.length; i++) {
      const r = this.grade(firstRow + i, scores[i]);
      grade[i] = r.grade;
      threshold[i] = r.threshold;
    }
    return { grade, threshold };
  }

  /** The thresholder's state (for snapshots): plain data, JSON-safe (-Infinity written as null). */
  saveState(): ThresholderState {
    return {
      count: this.count,
      mean: this.mean,
      variance: this.variance,
      lastAlertRow: Number.isFinite(this.lastAlertRow) ? this.lastAlertRow : null,
      lastAlertScore: this.lastAlertScore,
      events: this.events.map((e) => ({ ...e })),
      current: this.current ? this.events.indexOf(this.current) : -1,
      rows: this.graded,
    };
  }

  /** Restores what saveState() gave. Throws a RangeError naming what is impossible in it. */
  restoreState(s: ThresholderState): void {
    const finite = (name: string, v: unknown) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`thresholder ${name} must be a finite number; got ${String(v)}.`);
      return v;
    };
    const count = finite('count', s.count);
    const mean = finite('mean', s.mean);
    const variance = finite('variance', s.variance);
    const lastAlertScore = finite('lastAlertScore', s.lastAlertScore);
    const lastAlertRow = s.lastAlertRow === null ? -Infinity : finite('lastAlertRow', s.lastAlertRow);
    if (!Array.isArray(s.events)) throw new RangeError('thresholder events must be a list.');
    const events = s.events.map((e) => ({
      start: finite('event start', e?.start), end: finite('event end', e?.end), peak: finite('event peak', e?.peak),
      score: finite('event score', e?.score), grade: finite('event grade', e?.grade), alerts: finite('event alerts', e?.alerts),
    }));
    if (!(Number.isInteger(s.current) && s.current >= -1 && s.current < events.length)) {
      throw new RangeError(`thresholder current event must be -1 or an index of its events; got ${String(s.current)}.`);
    }
    const graded = finite('rows', s.rows);
    Object.assign(this, { count, mean, variance, lastAlertRow, lastAlertScore, graded });
    this.events.length = 0;
    this.events.push(...events);
    this.current = s.current >= 0 ? this.events[s.current] : null;
  }

  /**
   * Where the thresholder stands now, to go back to with rollback() (the rows graded since are forgotten:
   * statistics, events and the open incident). Cheap: only the open incident changes once it is recorded.
   */
  mark(): ThresholderMark {
    return {
      count: this.count, mean: this.mean, variance: this.variance, lastAlertRow: this.lastAlertRow,
      lastAlertScore: this.lastAlertScore, graded: this.graded, events: this.events.length,
      current: this.current ? { index: this.events.indexOf(this.current), was: { ...this.current } } : null,
    };
  }

  /** Goes back to where mark() was taken (nothing else than grade() may have changed it since). */
  rollback(m: ThresholderMark): void {
    this.count = m.count;
    this.mean = m.mean;
    this.variance = m.variance;
    this.lastAlertRow = m.lastAlertRow;
    this.lastAlertScore = m.lastAlertScore;
    this.graded = m.graded;
    this.events.length = m.events;
    this.current = m.current ? Object.assign(this.events[m.current.index], m.current.was) : null;
  }

  /** Forgets the statistics and the events. */
  reset(): void {
    this.count = 0;
    this.mean = 0;
    this.variance = 0;
    this.current = null;
    this.lastAlertRow = -Infinity;
    this.lastAlertScore = 0;
    this.graded = 0;
    this.events.length = 0;
  }
}

/**
 * The thresholder that goes with a forest: quiet until sampleSize rows (`alertAfter`), the forest's
 * shingleSize, and for scoringMode 'codisp' (another scale) no absolute floor and no alert before the
 * statistics are warm. `overrides` (e.g. z) win.
 */
export function thresholderFor(
  forest: { shingleSize: number; sampleSize: number; scoringMode: 'score' | 'codisp' },
  overrides: Partial<ThresholdOptions> = {},
): Thresholder {
  const scale: Partial<ThresholdOptions> =
    forest.scoringMode === 'codisp' ? { floor: 0, initialThreshold: Number.MAX_VALUE } : {};
  // a z below the default continuation level brings that level down with it (it stays 2/3 of z at most)
  const z = overrides.z;
  const continueZ = overrides.continueZ ?? (z !== undefined && z < DEFAULT_THRESHOLD.continueZ ? (2 / 3) * z : undefined);
  return new Thresholder({
    shingleSize: forest.shingleSize, alertAfter: forest.sampleSize, ...scale, ...overrides,
    ...(continueZ === undefined ? {} : { continueZ }),
  });
}
