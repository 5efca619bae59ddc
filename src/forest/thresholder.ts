/**
 * From score to decision: a streaming adaptive threshold and an anomaly grade (rcf-spec section 7).
 *
 * The score stream's exponentially decayed mean and deviation give threshold = max(floor, mean + z * dev)
 * (floor 0.8 on the default scale; initialThreshold until `warmScores` scores were seen). A score above the
 * threshold gets a grade in (0, 1], rising with how many deviations it stands above the threshold (1 at
 * `fullGradeDeviations`). Scores that alerted enter the statistics clipped to the threshold, so one
 * incident does not raise the bar for the next.
 *
 * One alert per incident: an anomaly stays in the shingle for shingleSize rows, so in the rows after an
 * alert a score that is not higher than the alert's is not reported again (grade 0). Alerts less than
 * shingleSize rows apart belong to one event.
 */

export interface ThresholdOptions {
  /** Deviations above the mean where the threshold sits. Default 3 (Amazon's thresholded RCF). */
  z: number;
  /** The threshold never goes below this. Default 0.8 (rcf-spec section 7). */
  floor: number;
  /** Threshold until `warmScores` scores were seen. Default 1.5 (rcf-spec section 7). */
  initialThreshold: number;
  warmScores: number;
  /** Weight of the newest score in the decayed statistics. Default 1/1000 (about 1,000 scores of memory). */
  decay: number;
  /** Deviations above the threshold where the grade reaches 1. Default 4. */
  fullGradeDeviations: number;
  /** Rows an anomaly stays in view (the shingle size). */
  shingleSize: number;
}

export const DEFAULT_THRESHOLD: Omit<ThresholdOptions, 'shingleSize'> = {
  z: 3,
  floor: 0.8,
  initialThreshold: 1.5,
  warmScores: 10,
  decay: 1 / 1000,
  fullGradeDeviations: 4,
};

export interface AnomalyEvent {
  /** Row of the first alert of the event. */
  start: number;
  /** Row of the last alert of the event. */
  end: number;
  /** Row with the highest score in the event, and that score and grade. */
  peak: number;
  score: number;
  grade: number;
}

export class Thresholder {
  readonly options: ThresholdOptions;
  private count = 0;
  private mean = 0;
  private variance = 0;
  private lastAlertRow = -Infinity;
  private lastAlertScore = 0;
  private current: AnomalyEvent | null = null;
  readonly events: AnomalyEvent[] = [];

  constructor(options: Partial<ThresholdOptions> & { shingleSize: number }) {
    this.options = { ...DEFAULT_THRESHOLD, ...options };
    const { z, floor, decay } = this.options;
    if (!(z > 0 && Number.isFinite(z))) throw new RangeError(`z must be a positive number; got ${z}.`);
    if (!(floor >= 0 && Number.isFinite(floor))) throw new RangeError(`the threshold floor must be 0 or more; got ${floor}.`);
    if (!(decay > 0 && decay <= 1)) throw new RangeError(`the threshold decay must be in (0, 1]; got ${decay}.`);
  }

  /** The threshold the next score will be compared with. */
  get threshold(): number {
    const o = this.options;
    if (this.count < o.warmScores) return o.initialThreshold;
    return Math.max(o.floor, this.mean + o.z * Math.sqrt(this.variance));
  }

  /**
   * Grades the score of row `row` (rows in increasing order; NaN scores are skipped and get grade NaN).
   * Writes the threshold in force to `thresholdOut` if given. Returns the grade.
   */
  grade(row: number, score: number): { grade: number; threshold: number } {
    if (Number.isNaN(score)) return { grade: NaN, threshold: NaN };
    const o = this.options;
    const threshold = this.threshold;
    const deviation = Math.sqrt(this.variance);
    let grade = 0;
    if (score > threshold) {
      const scale = o.fullGradeDeviations * Math.max(deviation, 1e-3 * threshold);
      grade = Math.min(1, Math.max(1e-3, (score - threshold) / scale));
      const sameAnomaly = row - this.lastAlertRow < o.shingleSize;
      if (sameAnomaly && score <= this.lastAlertScore) grade = 0;
    }
    if (grade > 0) {
      if (this.current && row - this.current.end < o.shingleSize) {
        this.current.end = row;
        if (score > this.current.score) Object.assign(this.current, { peak: row, score, grade });
      } else {
        this.current = { start: row, end: row, peak: row, score, grade };
        this.events.push(this.current);
      }
      this.lastAlertRow = row;
      this.lastAlertScore = score;
    }
    // statistics: alerting scores enter clipped to the threshold
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
}
