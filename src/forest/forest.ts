/**
 * The forest orchestrator: options, missing values, normalisation, shingling, warm-up and chunking around
 * one kernel instance.
 *
 * Rows go in (each a vector of `inputDimensions` values); per row comes out a score, or NaN while the
 * forest is warming up (shingle not yet full, or fewer than `outputAfter` rows seen) or for a skipped row.
 * Each row is scored before it updates the forest (score-then-update). Synchronous once created: runs as
 * is in Node, in a worker, or on a page.
 */
import { resolveOptions, type ForestOptions, type ForestOptionsInput } from '../shared/options';
import {
  instantiateKernel, instantiateKernelSync, compileKernel, Column, SCORE, UPDATE, ATTRIBUTION, CODISP, SCORE_UNIT,
  type KernelExports, type KernelSource,
} from '../kernel/kernel';

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

export class RandomCutForest {
  readonly options: ForestOptions;
  /** Dimensions of a point given to the trees: shingleSize × inputDimensions. */
  readonly dimensions: number;
  private readonly kernel: KernelExports;
  private readonly plannedBytes: number;
  /** The last shingleSize rows, oldest first once full (S * inputDimensions values). */
  private readonly shingle: Float64Array;
  private rows = 0;
  /** Last value that reached the shingle, per input column (NaN before the first). */
  private readonly lastValue: Float64Array;
  /** Running count, mean and sum of squared deviations of each column's finite values (Welford). */
  private readonly count: Float64Array;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;
  private imputedRows = 0;
  private skippedRows = 0;

  /** Creates a forest from the kernel's compiled module, bytes or URL. */
  static async create(options: ForestOptionsInput, source: KernelSource): Promise<RandomCutForest> {
    const kernel = await instantiateKernel(source);
    return new RandomCutForest(options, kernel);
  }

  /** Synchronous creation from an already compiled module. */
  static fromModule(options: ForestOptionsInput, module: WebAssembly.Module): RandomCutForest {
    return new RandomCutForest(options, instantiateKernelSync(module));
  }

  static compile(source: KernelSource): Promise<WebAssembly.Module> {
    return compileKernel(source);
  }

  private constructor(input: ForestOptionsInput, kernel: KernelExports) {
    this.options = resolveOptions(input);
    const o = this.options;
    this.kernel = kernel;
    this.dimensions = o.shingleSize * o.inputDimensions;
    const seed = BigInt(o.seed);
    this.plannedBytes = kernel.configure(
      o.numberOfTrees, o.sampleSize, this.dimensions, Number(seed >> 32n), Number(seed & 0xffffffffn),
      o.timeDecay, 0, BATCH,
    );
    if (!this.plannedBytes) {
      throw new Error(
        `Could not plan memory for ${o.numberOfTrees} trees × sampleSize ${o.sampleSize} × ${this.dimensions} dimensions; try fewer trees or a smaller sample.`,
      );
    }
    const m = o.inputDimensions;
    this.shingle = new Float64Array(this.dimensions);
    this.lastValue = new Float64Array(m).fill(NaN);
    this.count = new Float64Array(m);
    this.mean = new Float64Array(m);
    this.m2 = new Float64Array(m);
  }

  /** Rows seen so far (including warm-up rows, not skipped ones). */
  get rowsSeen(): number {
    return this.rows;
  }

  /** Rows whose missing or non-finite values were filled in. */
  get imputed(): number {
    return this.imputedRows;
  }

  /**
   * Scores and learns `rows` (row-major, `rowCount × inputDimensions`). Returns one score per row, NaN where
   * none is reported. Missing (NaN) or non-finite values are handled by `missingValues`; with 'error' a
   * MissingValueError is thrown after the rows before it were processed.
   */
  process(
    rows: Float64Array,
    out = new Float64Array(rows.length / this.options.inputDimensions),
    extra: ProcessOutputs = {},
  ): Float64Array {
    const { inputDimensions: m, shingleSize: S, outputAfter, numberOfTrees, missingValues, normalize, scoringMode } =
      this.options;
    const D = this.dimensions;
    const count = rows.length / m;
    if (!Number.isInteger(count)) {
      throw new Error(`process() takes whole rows of ${m} values; got ${rows.length} values.`);
    }
    const { attribution, imputed } = extra;
    if (attribution && scoringMode !== 'score') throw new Error("attribution needs scoringMode 'score'.");
    if (attribution && attribution.length < count * 2 * D) {
      throw new Error(`attribution needs room for ${count} × ${2 * D} values.`);
    }
    const k = this.kernel;
    const shingle = this.shingle;
    const scale = SCORE_UNIT * numberOfTrees; // docs/algorithm.md: the integer sum divided by 2^32 × trees
    const scoreFlags = SCORE | UPDATE | (scoringMode === 'codisp' ? CODISP : 0) | (attribution ? ATTRIBUTION : 0);
    let input = new Float64Array(k.memory.buffer, k.column(Column.input), BATCH * D);
    let batch = 0; // points waiting in the kernel's input column
    let batchFlags = 0;
    const batchRows = new Int32Array(BATCH); // row index of each waiting point
    const flush = () => {
      if (batch === 0) return;
      k.process(batch, batchFlags);
      if (batchFlags & SCORE) {
        const output = new Float64Array(k.memory.buffer, k.column(Column.output), BATCH * (1 + 2 * D));
        for (let i = 0; i < batch; i++) out[batchRows[i]] = output[i] / scale;
        if (attribution) {
          for (let i = 0; i < batch; i++) {
            const from = BATCH + i * 2 * D;
            const to = batchRows[i] * 2 * D;
            for (let q = 0; q < 2 * D; q++) attribution[to + q] = output[from + q] / numberOfTrees;
          }
        }
      } else {
        for (let i = 0; i < batch; i++) out[batchRows[i]] = NaN;
        if (attribution) for (let i = 0; i < batch; i++) attribution.fill(NaN, batchRows[i] * 2 * D, (batchRows[i] + 1) * 2 * D);
      }
      batch = 0;
      if (input.buffer !== k.memory.buffer) input = new Float64Array(k.memory.buffer, k.column(Column.input), BATCH * D);
    };
    const noScore = (r: number, how: number) => {
      out[r] = NaN;
      if (attribution) attribution.fill(NaN, r * 2 * D, (r + 1) * 2 * D);
      if (imputed) imputed[r] = how;
    };
    const last = this.lastValue;
    const { count: n, mean, m2 } = this;
    rowLoop: for (let r = 0; r < count; r++) {
      // a value that is missing or not finite never reaches the trees
      let filled = 0;
      for (let j = 0; j < m; j++) {
        const v = rows[r * m + j];
        if (Number.isFinite(v) && Math.abs(v) <= F32_MAX) continue;
        if (missingValues === 'error') {
          flush();
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
      if (imputed) imputed[r] = filled;
      // slide the shingle by one row: oldest first
      if (S > 1) shingle.copyWithin(0, m);
      for (let j = 0; j < m; j++) {
        let v = rows[r * m + j];
        if (Number.isFinite(v) && Math.abs(v) <= F32_MAX) {
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
          const sd = n[j] > 1 ? Math.sqrt(m2[j] / (n[j] - 1)) : 0;
          v = sd > 0 ? v / sd : v;
        }
        shingle[D - m + j] = v;
      }
      const t = this.rows++;
      if (t < S - 1) {
        noScore(r, filled);
        continue;
      }
      const flags = t >= outputAfter ? scoreFlags : UPDATE;
      if (batch > 0 && (flags !== batchFlags || batch === BATCH)) flush();
      batchFlags = flags;
      input.set(shingle, batch * D);
      batchRows[batch++] = r;
    }
    flush();
    return out;
  }

  /** Forgets everything learnt; the same seed gives the same scores again. */
  reset(): void {
    this.kernel.reset();
    this.rows = 0;
    this.imputedRows = 0;
    this.skippedRows = 0;
    this.shingle.fill(0);
    this.lastValue.fill(NaN);
    this.count.fill(0);
    this.mean.fill(0);
    this.m2.fill(0);
  }

  stats(): ForestStats {
    return {
      rowsSeen: this.rows,
      updates: this.kernel.updateCount(),
      pointsStored: this.kernel.pointsInUse(),
      memoryBytes: this.plannedBytes,
      imputedRows: this.imputedRows,
      skippedRows: this.skippedRows,
    };
  }
}
