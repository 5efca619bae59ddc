/**
 * The forest orchestrator: the row pipeline (pipeline.ts: options, missing values, normalisation,
 * shingling, warm-up, batching) around one kernel instance that executes every batch in this thread.
 *
 * Rows go in (each a vector of `inputDimensions` values); per row comes out a score, or NaN while the
 * forest is warming up (shingle not yet full, or fewer than `outputAfter` rows seen) or for a skipped row.
 * Each row is scored before it updates the forest (score-then-update). Synchronous once created: runs as
 * is in Node, in a worker, or on a page. The same forest with its trees sharded over workers, async and
 * with bit-identical scores: src/pool/sharded-forest.ts.
 */
import type { ForestOptions, ForestOptionsInput } from '../shared/options';
import {
  instantiateKernel, instantiateKernelSync, compileKernel, Column, SCORE, UPDATE, ATTRIBUTION,
  type KernelExports, type KernelSource,
} from '../kernel/kernel';
import { BATCH, RowPipeline, type ForestStats, type ProcessOutputs } from './pipeline';

export { BATCH, MissingValueError, type ForestStats, type ProcessOutputs } from './pipeline';

/**
 * The kernel's configure() arguments for trees [firstTree, firstTree + trees) of a forest: the seed as two
 * 32-bit words, the batch size BATCH. A shard of a forest draws the random numbers those trees would draw
 * in one forest (docs/algorithm.md "Randomness").
 */
export function kernelArguments(
  o: ForestOptions, dimensions: number, trees: number, firstTree: number,
): [trees: number, sampleSize: number, dimensions: number, seedHigh: number, seedLow: number, timeDecay: number, firstTree: number, batch: number] {
  const seed = BigInt(o.seed);
  return [trees, o.sampleSize, dimensions, Number(seed >> 32n), Number(seed & 0xffffffffn), o.timeDecay, firstTree, BATCH];
}

/** The error when the kernel refuses a configuration (configure() returned 0). */
export function planError(o: ForestOptions, dimensions: number, trees: number): Error {
  return new Error(
    `Could not plan memory for ${trees} trees × sampleSize ${o.sampleSize} × ${dimensions} dimensions; try fewer trees or a smaller sample.`,
  );
}

export class RandomCutForest {
  readonly options: ForestOptions;
  /** Dimensions of a point given to the trees: shingleSize × inputDimensions. */
  readonly dimensions: number;
  private readonly pipeline: RowPipeline;
  private readonly kernel: KernelExports;
  private readonly plannedBytes: number;

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
    this.pipeline = new RowPipeline(input);
    this.options = this.pipeline.options;
    this.dimensions = this.pipeline.dimensions;
    this.kernel = kernel;
    const trees = this.options.numberOfTrees;
    this.plannedBytes = kernel.configure(...kernelArguments(this.options, this.dimensions, trees, 0));
    if (!this.plannedBytes) throw planError(this.options, this.dimensions, trees);
  }

  /** Rows seen so far (including warm-up rows, not skipped ones). */
  get rowsSeen(): number {
    return this.pipeline.rowsSeen;
  }

  /** Rows whose missing or non-finite values were filled in. */
  get imputed(): number {
    return this.pipeline.imputedRows;
  }

  /**
   * Scores and learns `rows` (row-major, `rowCount × inputDimensions`). Returns one score per row, NaN where
   * none is reported. Missing (NaN) or non-finite values are handled by `missingValues`; with 'error' a
   * MissingValueError is thrown after the rows before it were processed.
   */
  process(
    rows: Float64Array,
    out: Float64Array = new Float64Array(rows.length / this.options.inputDimensions),
    extra: ProcessOutputs = {},
  ): Float64Array {
    const p = this.pipeline;
    p.rowCount(rows, extra);
    const k = this.kernel;
    const D = this.dimensions;
    for (const batch of p.batches(rows, out, extra)) {
      new Float64Array(k.memory.buffer, k.column(Column.input), batch.count * D).set(batch.points);
      k.process(batch.count, batch.flags);
      if (batch.flags & SCORE) {
        // views made after the call: it may have grown memory
        const output = new Float64Array(k.memory.buffer, k.column(Column.output), BATCH * (1 + 2 * D));
        if (batch.flags & ATTRIBUTION) p.writeScores(batch, output, 0, out, output, BATCH, extra.attribution);
        else p.writeScores(batch, output, 0, out);
      }
    }
    return out;
  }

  /**
   * Replays `rows` as `process` would (same state afterwards: scoring changes nothing), and just before
   * each row listed in `at` (row indices into `rows`, increasing) updates the trees, asks them what each of
   * that row's input values would have been to look normal, given the row's other values and the rows
   * before it: the kernel's imputation of that coordinate of the newest row of the shingle (median over
   * trees; assembly/imputation.ts), put back on the data's scale.
   * Writes at.length × inputDimensions values to `expected` (NaN for a row without a point). A forest
   * that is one call behind another gives, this way, the expected values of the other's alerts exactly.
   */
  replay(rows: Float64Array, at: ArrayLike<number>, expected = new Float64Array(at.length * this.options.inputDimensions)): Float64Array {
    const p = this.pipeline;
    p.rowCount(rows, {});
    expected.fill(NaN);
    const k = this.kernel;
    const D = this.dimensions;
    const m = this.options.inputDimensions;
    const scratch = new Float64Array(rows.length / m);
    let next = 0; // the next target in `at`
    for (const batch of p.batches(rows, scratch)) {
      let from = 0; // first point of the batch not yet given to the kernel
      const update = (to: number) => {
        if (to <= from) return;
        new Float64Array(k.memory.buffer, k.column(Column.input), (to - from) * D).set(batch.points.subarray(from * D, to * D));
        k.process(to - from, UPDATE);
        from = to;
      };
      for (let i = 0; i < batch.count && next < at.length; i++) {
        const row = batch.rows[i];
        while (next < at.length && at[next] < row) next++; // a target row without a point: stays NaN
        if (next >= at.length || at[next] !== row) continue;
        update(i);
        // each input column of the newest row in turn, the rest of the point known
        for (let j = 0; j < m; j++) {
          new Float64Array(k.memory.buffer, k.column(Column.input), D).set(batch.points.subarray(i * D, (i + 1) * D));
          k.impute(1, D - m + j, D - m + j + 1);
          const value = new Float64Array(k.memory.buffer, k.column(Column.output), 1)[0];
          expected[next * m + j] = value * (batch.scales ? batch.scales[i * m + j] : 1);
        }
        next++;
      }
      update(batch.count);
    }
    return expected;
  }

  /** Forgets everything learnt; the same seed gives the same scores again. */
  reset(): void {
    this.kernel.reset();
    this.pipeline.reset();
  }

  stats(): ForestStats {
    return {
      rowsSeen: this.pipeline.rowsSeen,
      updates: this.kernel.updateCount(),
      pointsStored: this.kernel.pointsInUse(),
      memoryBytes: this.plannedBytes,
      imputedRows: this.pipeline.imputedRows,
      skippedRows: this.pipeline.skippedRows,
    };
  }
}
