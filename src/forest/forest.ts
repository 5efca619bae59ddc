/**
 * The forest orchestrator: options, shingling, warm-up and chunking around one kernel instance.
 *
 * Rows go in (each a vector of `inputDimensions` values); per row comes out a score, or NaN while the
 * forest is warming up (shingle not yet full, or fewer than `outputAfter` rows seen). Each row is scored
 * before it updates the forest (score-then-update). Synchronous once created: runs as is in Node, in a
 * worker, or on a page.
 */
import { resolveOptions, type ForestOptions, type ForestOptionsInput } from '../shared/options';
import {
  instantiateKernel, instantiateKernelSync, compileKernel, Column, SCORE, UPDATE, SCORE_UNIT,
  type KernelExports, type KernelSource,
} from '../kernel/kernel';

/** Points handed to the kernel per call. */
export const BATCH = 1024;

export interface ForestStats {
  rowsSeen: number;
  updates: number;
  pointsStored: number;
  memoryBytes: number;
}

export class RandomCutForest {
  readonly options: ForestOptions;
  readonly dimensions: number;
  private readonly kernel: KernelExports;
  private readonly plannedBytes: number;
  /** The last shingleSize rows, oldest first once full (a sliding copy; S*inputDimensions values). */
  private readonly shingle: Float64Array;
  private rows = 0;
  /** Last finite value per input column, for carrying forward a missing one. */
  private readonly lastFinite: Float64Array;
  private imputedRows = 0;

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
    this.shingle = new Float64Array(this.dimensions);
    this.lastFinite = new Float64Array(this.options.inputDimensions).fill(NaN);
  }

  /** Rows whose missing or non-finite values were carried forward from the previous row. */
  get imputed(): number {
    return this.imputedRows;
  }

  /** Rows seen so far (including warm-up rows). */
  get rowsSeen(): number {
    return this.rows;
  }

  /**
   * Scores and learns `rows` (row-major, `rowCount × inputDimensions`, finite values: missing values are
   * the caller's to impute). Returns one score per row, NaN where none is reported yet.
   */
  process(rows: Float64Array, out = new Float64Array(rows.length / this.options.inputDimensions)): Float64Array {
    const { inputDimensions: m, shingleSize: S, outputAfter, numberOfTrees } = this.options;
    const D = this.dimensions;
    const count = rows.length / m;
    if (!Number.isInteger(count)) {
      throw new Error(`process() takes whole rows of ${m} values; got ${rows.length} values.`);
    }
    const k = this.kernel;
    const shingle = this.shingle;
    const scale = 1 / (SCORE_UNIT * numberOfTrees);
    let input = new Float64Array(k.memory.buffer, k.column(Column.input), BATCH * D);
    let batch = 0; // points waiting in the kernel's input column
    let batchFlags = 0;
    const batchRows = new Int32Array(BATCH); // row index of each waiting point
    const flush = () => {
      if (batch === 0) return;
      k.process(batch, batchFlags);
      if (batchFlags & SCORE) {
        const output = new Float64Array(k.memory.buffer, k.column(Column.output), batch);
        for (let i = 0; i < batch; i++) out[batchRows[i]] = output[i] * scale;
      } else {
        for (let i = 0; i < batch; i++) out[batchRows[i]] = NaN;
      }
      batch = 0;
      if (input.buffer !== k.memory.buffer) input = new Float64Array(k.memory.buffer, k.column(Column.input), BATCH * D);
    };
    const last = this.lastFinite;
    rowLoop: for (let r = 0; r < count; r++) {
      // a value that is missing or not finite never reaches the trees: carry the previous one forward;
      // before any value was seen in that column, the row is left out (no score)
      let imputed = false;
      for (let j = 0; j < m; j++) {
        const v = rows[r * m + j];
        if (Number.isFinite(v) && Math.abs(v) <= 3.4028234663852886e38) continue;
        if (Number.isNaN(last[j])) {
          out[r] = NaN;
          continue rowLoop;
        }
        imputed = true;
      }
      if (imputed) this.imputedRows++;
      // slide the shingle by one row: oldest first
      if (S > 1) shingle.copyWithin(0, m);
      for (let j = 0; j < m; j++) {
        const v = rows[r * m + j];
        const ok = Number.isFinite(v) && Math.abs(v) <= 3.4028234663852886e38;
        if (ok) last[j] = v;
        shingle[D - m + j] = ok ? v : last[j];
      }
      const t = this.rows++;
      if (t < S - 1) {
        out[r] = NaN;
        continue;
      }
      const flags = t >= outputAfter ? SCORE | UPDATE : UPDATE;
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
    this.shingle.fill(0);
    this.lastFinite.fill(NaN);
  }

  stats(): ForestStats {
    return {
      rowsSeen: this.rows,
      updates: this.kernel.updateCount(),
      pointsStored: this.kernel.pointsInUse(),
      memoryBytes: this.plannedBytes,
    };
  }
}
