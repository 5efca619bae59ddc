/**
 * The row pipeline: everything a forest does to rows before the trees see them, in plain TypeScript and the
 * same for every executor of batches (one kernel instance in this thread: forest.ts; trees sharded over
 * workers: src/pool/sharded-forest.ts). Missing values, normalisation, shingling, warm-up, and batching of
 * up to BATCH shingled points, each batch with the kernel flags its points are processed with.
 *
 * It never touches a kernel: it hands out batches, and `writeScores` turns an executor's integer score sums
 * into scores, so every executor divides the same sums the same way (docs/algorithm.md "Forest score").
 */
import { resolveOptions, type ForestOptions, type ForestOptionsInput } from '../shared/options';
import { SCORE, UPDATE, ATTRIBUTION, CODISP, SCORE_UNIT } from '../kernel/kernel';

/** Points handed to the kernel per call. */
export const BATCH = 1024;
/** The largest finite f32: the kernel stores coordinates as f32, so larger magnitudes count as non-finite. */
const F32_MAX = 3.4028234663852886e38;

export interface ForestStats {
  rowsSeen: number;
  updates: number;
  pointsStored: number;
  memoryBytes: number;
  imputedRows: number;
  skippedRows: number;
  clampedRows: number;
}

/** Optional per-row outputs of `process`. */
export interface ProcessOutputs {
  /**
   * rows × 2·dimensions values (dimensions = shingleSize × inputDimensions): per row the attribution's
   * high part for each shingled dimension, then its low part (oldest row of the shingle first). They sum
   * to the row's score. NaN where the row has no score. Scoring mode 'score' only.
   */
  attribution?: Float64Array;
  /** Per row: 0 as read, 1 values filled in (missing value), 2 row skipped. */
  imputed?: Uint8Array;
  /**
   * Per row: the share of the shingle's rows that are as read (1 - filled-in rows / shingleSize); a grade
   * is multiplied by it, so that an alert on imputed values counts for less. NaN for a skipped row.
   */
  confidence?: Float64Array;
}

/** A missing or non-finite value met with missingValues 'error'. Rows before it were processed. */
export class MissingValueError extends Error {
  constructor(
    /** Index of the row in this process() call. */
    readonly row: number,
    /** Index of the input column. */
    readonly column: number,
    readonly value: number,
  ) {
    super(
      `Row ${row + 1} has a missing or non-finite value (${String(value)}) in input column ${column + 1}; ` +
        `choose another missingValues policy (carry, zero, skip) or fix the data.`,
    );
    this.name = 'MissingValueError';
  }
}

/**
 * Shingled points for one kernel `process(count, flags)` call. `points` and `rows` are views of the
 * pipeline's buffers: valid until the pipeline is asked for the next batch (copy them to keep them).
 */
export interface Batch {
  /** count × dimensions values, row-major. */
  points: Float64Array;
  count: number;
  /** Kernel flags: UPDATE alone (warming up: the rows get no score), or SCORE | UPDATE (+ CODISP, ATTRIBUTION). */
  flags: number;
  /** Row index (in the process() call) of each point. */
  rows: Int32Array;
  /**
   * With normalize: count × inputDimensions divisors the rows' values were divided by (1 where none), so that
   * values the trees give back (imputed values) can be put back on the data's scale. Otherwise absent.
   */
  scales?: Float64Array;
}

/** The state of a stream of rows: shingle, last values, running statistics, counts. */
export class RowPipeline {
  readonly options: ForestOptions;
  /** Dimensions of a point given to the trees: shingleSize × inputDimensions. */
  readonly dimensions: number;
  /** The last shingleSize rows, oldest first once full (S * inputDimensions values). */
  private readonly shingle: Float64Array;
  private rows = 0;
  /** Last value that reached the shingle, per input column (NaN before the first). */
  private readonly lastValue: Float64Array;
  /** Running count, mean and sum of squared deviations of each column's finite values (Welford). */
  private readonly count: Float64Array;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private readonly points: Float64Array;
  private readonly batchRows = new Int32Array(BATCH);
  private readonly batchScales: Float64Array;
  /** Which of the shingle's rows had values filled in (a ring of shingleSize flags), and how many. */
  private readonly shingleFilled: Uint8Array;
  private filledAt = 0;
  private filledCount = 0;
  imputedRows = 0;
  skippedRows = 0;
  /** Rows with a finite value beyond ±3.4e38 (f32's range), kept as ±3.4e38. */
  clampedRows = 0;

  constructor(input: ForestOptionsInput) {
    this.options = resolveOptions(input);
    const o = this.options;
    this.dimensions = o.shingleSize * o.inputDimensions;
    const m = o.inputDimensions;
    this.shingle = new Float64Array(this.dimensions);
    this.points = new Float64Array(BATCH * this.dimensions);
    this.batchScales = new Float64Array(o.normalize ? BATCH * m : 0);
    this.shingleFilled = new Uint8Array(o.shingleSize);
    this.lastValue = new Float64Array(m).fill(NaN);
    this.count = new Float64Array(m);
    this.mean = new Float64Array(m);
    this.m2 = new Float64Array(m);
  }

  /** Rows seen so far (including warm-up rows, not skipped ones). */
  get rowsSeen(): number {
    return this.rows;
  }

  /**
   * Checks a process() call's arguments (whole rows; room for attribution, in scoring mode 'score' only)
   * and returns its row count.
   */
  rowCount(rows: Float64Array, extra: ProcessOutputs): number {
    const m = this.options.inputDimensions;
    const count = rows.length / m;
    if (!Number.isInteger(count)) {
      throw new Error(`process() takes whole rows of ${m} values; got ${rows.length} values.`);
    }
    const { attribution } = extra;
    if (attribution && this.options.scoringMode !== 'score') throw new Error("attribution needs scoringMode 'score'.");
    if (attribution && attribution.length < count * 2 * this.dimensions) {
      throw new Error(`attribution needs room for ${count} × ${2 * this.dimensions} values.`);
    }
    return count;
  }

  /**
   * Walks `rows` (row-major, whole rows; checked by `rowCount`) and yields their points in batches of up to
   * BATCH, a new batch whenever the flags change. Rows that get no score (warming up, skipped) get NaN in
   * `out` and `attribution` here; `imputed` is filled for every row. With missingValues 'error', throws a
   * MissingValueError at the bad row, after the batch before it was yielded (so an executor that finishes
   * each batch it is given has processed every row before it).
   */
  *batches(rows: Float64Array, out: Float64Array, extra: ProcessOutputs = {}): Generator<Batch, void, void> {
    const { inputDimensions: m, shingleSize: S, outputAfter, missingValues, normalize, scoringMode } = this.options;
    const D = this.dimensions;
    const count = rows.length / m;
    const { attribution, imputed, confidence } = extra;
    const shingle = this.shingle;
    const points = this.points;
    const batchRows = this.batchRows;
    const scoreFlags = SCORE | UPDATE | (scoringMode === 'codisp' ? CODISP : 0) | (attribution ? ATTRIBUTION : 0);
    let batch = 0; // points waiting
    let batchFlags = 0;
    const scales = this.batchScales;
    const take = (): Batch => {
      const b: Batch = { points: points.subarray(0, batch * D), count: batch, flags: batchFlags, rows: batchRows.subarray(0, batch) };
      if (normalize) b.scales = scales.subarray(0, batch * m);
      batch = 0;
      return b;
    };
    const noScore = (r: number, how: number) => {
      out[r] = NaN;
      if (attribution) attribution.fill(NaN, r * 2 * D, (r + 1) * 2 * D);
      if (imputed) imputed[r] = how;
      if (confidence && how === 2) confidence[r] = NaN;
    };
    const last = this.lastValue;
    const { count: n, mean, m2 } = this;
    const scaleOfRow = new Float64Array(normalize ? m : 0);
    rowLoop: for (let r = 0; r < count; r++) {
      // a value that is missing or not finite never reaches the trees
      let filled = 0;
      for (let j = 0; j < m; j++) {
        const v = rows[r * m + j];
        if (Number.isFinite(v)) continue; // (beyond f32's range it is clamped below)
        if (missingValues === 'error') {
          if (batch > 0) yield take();
          throw new MissingValueError(r, j, v);
        }
        if (missingValues === 'skip' || (missingValues === 'carry' && Number.isNaN(last[j]))) {
          // 'carry' before any value was seen in that column: nothing to carry, the row is left out
          this.skippedRows++;
          noScore(r, 2);
          continue rowLoop;
        }
        filled = 1;
      }
      if (filled) this.imputedRows++;
      let clamped = false;
      if (imputed) imputed[r] = filled;
      // the shingle's filled-in rows: the oldest leaves, this one enters
      const ring = this.shingleFilled;
      this.filledCount += filled - ring[this.filledAt];
      ring[this.filledAt] = filled;
      this.filledAt = (this.filledAt + 1) % S;
      if (confidence) confidence[r] = 1 - this.filledCount / S;
      // slide the shingle by one row: oldest first
      if (S > 1) shingle.copyWithin(0, m);
      for (let j = 0; j < m; j++) {
        let v = rows[r * m + j];
        // the divisor comes from the rows before this one, so an outlier does not rescale itself
        const sd = normalize && n[j] > 1 ? Math.sqrt(m2[j] / (n[j] - 1)) : 0;
        if (Number.isFinite(v) && Math.abs(v) > F32_MAX) {
          // the kernel stores f32: a finite value beyond its range is kept as the largest f32 of its sign,
          // still an extreme value, rather than lost
          v = v > 0 ? F32_MAX : -F32_MAX;
          clamped = true;
        }
        if (Number.isFinite(v)) {
          // Welford's running statistics (of values as read)
          const c = ++n[j];
          const d = v - mean[j];
          mean[j] += d / c;
          m2[j] += d * (v - mean[j]);
        } else {
          v = missingValues === 'zero' ? 0 : last[j];
        }
        last[j] = v;
        if (normalize) {
          const divisor = sd > 0 ? sd : 1;
          v /= divisor;
          scaleOfRow[j] = divisor;
        }
        shingle[D - m + j] = v;
      }
      if (clamped) this.clampedRows++;
      const t = this.rows++;
      if (t < S - 1) {
        noScore(r, filled);
        continue;
      }
      const flags = t >= outputAfter ? scoreFlags : UPDATE;
      if (batch > 0 && (flags !== batchFlags || batch === BATCH)) yield take();
      batchFlags = flags;
      if (!(flags & SCORE)) {
        // warming up: the point updates the trees, the row reports no score
        out[r] = NaN;
        if (attribution) attribution.fill(NaN, r * 2 * D, (r + 1) * 2 * D);
      }
      points.set(shingle, batch * D);
      if (normalize) scales.set(scaleOfRow, batch * m);
      batchRows[batch++] = r;
    }
    if (batch > 0) yield take();
  }

  /**
   * Writes a scored batch's results: `sums[i]` is point i's integer sum of tree scores in units of 2^-32
   * (over all the forest's trees), so its score is sums[i] / (2^32 × numberOfTrees); `attributionSums`
   * (count × 2·dimensions, summed over trees) is divided by numberOfTrees. `sumsAt`/`attributionAt` are
   * where the batch's values start in those arrays.
   */
  writeScores(
    batch: Batch, sums: Float64Array, sumsAt: number, out: Float64Array,
    attributionSums?: Float64Array, attributionAt = 0, attribution?: Float64Array,
  ): void {
    const trees = this.options.numberOfTrees;
    const scale = SCORE_UNIT * trees; // docs/algorithm.md: the integer sum divided by 2^32 × trees
    const rows = batch.rows;
    for (let i = 0; i < batch.count; i++) out[rows[i]] = sums[sumsAt + i] / scale;
    if (attribution && attributionSums) {
      const W = 2 * this.dimensions;
      for (let i = 0; i < batch.count; i++) {
        const from = attributionAt + i * W;
        const to = rows[i] * W;
        for (let q = 0; q < W; q++) attribution[to + q] = attributionSums[from + q] / trees;
      }
    }
  }

  /** The pipeline's state as numbers (for snapshots): counters, then the shingle and per-column arrays. */
  saveState(): Float64Array {
    const m = this.options.inputDimensions;
    const S = this.options.shingleSize;
    const out = new Float64Array(3 + this.dimensions + 4 * m + 2 + S);
    out.set([this.rows, this.imputedRows, this.skippedRows]);
    out.set(this.shingle, 3);
    let at = 3 + this.dimensions;
    for (const a of [this.lastValue, this.count, this.mean, this.m2]) {
      out.set(a, at);
      at += m;
    }
    out[at++] = this.filledAt;
    out[at++] = this.clampedRows;
    out.set(this.shingleFilled, at);
    return out;
  }

  /** Restores what saveState() gave; false (and nothing changed) when its length or counters are impossible. */
  restoreState(state: Float64Array): boolean {
    const m = this.options.inputDimensions;
    const S = this.options.shingleSize;
    if (state.length !== 3 + this.dimensions + 4 * m + 2 + S) return false;
    const whole = (x: number) => Number.isInteger(x) && x >= 0 && x <= Number.MAX_SAFE_INTEGER;
    if (!whole(state[0]) || !whole(state[1]) || !whole(state[2])) return false;
    [this.rows, this.imputedRows, this.skippedRows] = [state[0], state[1], state[2]];
    this.shingle.set(state.subarray(3, 3 + this.dimensions));
    let at = 3 + this.dimensions;
    for (const a of [this.lastValue, this.count, this.mean, this.m2]) {
      a.set(state.subarray(at, at + m));
      at += m;
    }
    const filledAt = state[at++];
    const clamped = state[at++];
    const flags = state.subarray(at, at + S);
    if (!(Number.isInteger(filledAt) && filledAt >= 0 && filledAt < S) || !whole(clamped)) return false;
    if (!flags.every((f) => f === 0 || f === 1)) return false;
    this.filledAt = filledAt;
    this.clampedRows = clamped;
    this.shingleFilled.set(flags);
    this.filledCount = flags.reduce((a, b) => a + b, 0);
    return true;
  }

  /** Forgets every row: back to the state of a new pipeline. */
  reset(): void {
    this.rows = 0;
    this.imputedRows = 0;
    this.skippedRows = 0;
    this.clampedRows = 0;
    this.shingleFilled.fill(0);
    this.filledAt = 0;
    this.filledCount = 0;
    this.shingle.fill(0);
    this.lastValue.fill(NaN);
    this.count.fill(0);
    this.mean.fill(0);
    this.m2.fill(0);
  }
}
