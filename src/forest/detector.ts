/**
 * A detector: a forest, its thresholder (grade, threshold, events) and, when asked, expected values for
 * the rows that alert. What the command line and the worker run for each chunk of rows.
 *
 * Expected values need the forest as it was just before the alerting row, but a chunk is scored (and
 * learnt) whole before its grades are known. So a second forest with the same options and seed follows one
 * chunk behind: it replays each chunk (update only, the cheaper half of the work) and, just before each
 * alerting row, asks its trees what would have been normal there (RandomCutForest.replay). Its state is the
 * first forest's at every row, so the values are exact, in streaming, at about a third more work and twice
 * the memory; without `expected` there is no second forest.
 */
import type { ForestOptionsInput } from '../shared/options';
import { RandomCutForest, type ForestStats } from './forest';
import { thresholderFor, type Thresholder, type ThresholdOptions } from './thresholder';

export interface DetectorOptions {
  forest: ForestOptionsInput;
  threshold?: Partial<ThresholdOptions>;
  /** Attribution per row (rows × 2 × dimensions; see ProcessOutputs). Scoring mode 'score' only. */
  attribution?: boolean;
  /** Expected values (rows × inputDimensions) where grade > 0. */
  expected?: boolean;
}

export interface DetectorOutput {
  scores: Float64Array;
  grades: Float64Array;
  thresholds: Float64Array;
  /** Per row: 0 as read, 1 values filled in, 2 row skipped. */
  imputed: Uint8Array;
  attribution: Float64Array | null;
  /** rows × inputDimensions: what would have looked normal, where grade > 0; NaN elsewhere. */
  expected: Float64Array | null;
}

export class Detector {
  readonly forest: RandomCutForest;
  readonly thresholder: Thresholder;
  private readonly follower: RandomCutForest | null;
  private readonly attribution: boolean;
  private rows = 0;

  constructor(options: DetectorOptions, module: WebAssembly.Module) {
    this.forest = RandomCutForest.fromModule(options.forest, module);
    this.thresholder = thresholderFor(this.forest.options, options.threshold);
    this.follower = options.expected ? RandomCutForest.fromModule(options.forest, module) : null;
    this.attribution = Boolean(options.attribution);
  }

  get options() {
    return this.forest.options;
  }

  /**
   * Scores, grades and learns `rows` (row-major, rowCount × inputDimensions). With missingValues 'error' a
   * MissingValueError is thrown after the rows before it were processed (their results are lost to this
   * call; the command line processes chunks and reports the line).
   */
  process(rows: Float64Array): DetectorOutput {
    const f = this.forest;
    const m = f.options.inputDimensions;
    const count = rows.length / m;
    const out: DetectorOutput = {
      scores: new Float64Array(count),
      grades: new Float64Array(count),
      thresholds: new Float64Array(count),
      imputed: new Uint8Array(count),
      attribution: this.attribution ? new Float64Array(count * 2 * f.dimensions) : null,
      expected: this.follower ? new Float64Array(count * m).fill(NaN) : null,
    };
    const confidence = new Float64Array(count);
    f.process(rows, out.scores, { imputed: out.imputed, confidence, ...(out.attribution ? { attribution: out.attribution } : {}) });
    const alerts: number[] = [];
    for (let r = 0; r < count; r++) {
      const g = this.thresholder.grade(this.rows + r, out.scores[r], confidence[r]);
      out.grades[r] = g.grade;
      out.thresholds[r] = g.threshold;
      if (g.grade > 0) alerts.push(r);
    }
    this.rows += count;
    if (this.follower && out.expected) {
      const values = this.follower.replay(rows, alerts);
      alerts.forEach((r, i) => out.expected!.set(values.subarray(i * m, (i + 1) * m), r * m));
    }
    return out;
  }

  stats(): ForestStats {
    const s = this.forest.stats();
    return this.follower ? { ...s, memoryBytes: s.memoryBytes + this.follower.stats().memoryBytes } : s;
  }
}
