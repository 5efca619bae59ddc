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
import { forestMemoryBytes, KERNEL_MAX_BYTES, memoryMessage, OptionsError, type ForestOptions, type ForestOptionsInput } from '../shared/options';
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

/** The error when the kernel refuses a configuration (configure() returned 0): an options error, said plainly. */
export function planError(o: ForestOptions, dimensions: number, trees: number): Error {
  // resolveOptions refuses a forest above the kernel's estimate (memoryMessage): below it, memory could not grow
  const bytes = forestMemoryBytes(o, trees, BATCH);
  if (bytes > KERNEL_MAX_BYTES) return new OptionsError(memoryMessage(o, bytes));
  return new OptionsError(
    `${trees} trees × sampleSize ${o.sampleSize} × ${dimensions} dimensions (shingleSize × columns) need about ` +
      `${(bytes / 2 ** 30).toFixed(1)} GiB, and the kernel could not get that much memory; ` +
      'use fewer trees, a smaller sample or a shorter shingle.',
  );
}

export class SnapshotStateError extends Error {
  constructor(why: string) {
    super(`The snapshot cannot be restored: ${why}.`);
    this.name = 'SnapshotStateError';
  }
}

/** What each of the kernel's restore checks means (assembly/snapshot.ts). */
const RESTORE_CHECKS: Record<number, string> = {
  1: 'a tree link points outside the tree', 2: 'a tree node is reached twice (a cycle or a shared node)',
  3: 'a cut dimension is out of range', 4: 'a cut value is not finite', 5: 'a leaf in a tree has multiplicity 0',
  6: "a leaf's point lies outside the point store", 7: 'the count of nodes in use is wrong',
  8: 'the free node list is broken', 9: 'the free leaf list is broken', 10: "a node's mass is not the sum of its children's",
  11: "a cut does not separate its children's boxes", 12: 'a reservoir holds more than sampleSize entries',
  13: 'a reservoir entry names no leaf of its tree',
  14: "a reservoir's update numbers do not increase, or reach the update count",
  15: 'a reservoir is not a max-heap', 16: "a leaf's multiplicity differs from the reservoir entries naming it",
  17: "the point store's header is impossible", 18: 'a stored point value is not finite',
  19: 'the update count is impossible',
};

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
   * trees; assembly/imputation.ts), put back on the data's scale. With `attribution` (at.length × 2 ×
   * dimensions), also each such row's attribution, as process() would have given it.
   * Writes at.length × inputDimensions values to `expected` (NaN for a row without a point). A forest
   * that is one call behind another gives, this way, the expected values of the other's alerts exactly.
   */
  replay(
    rows: Float64Array, at: ArrayLike<number>, expected = new Float64Array(at.length * this.options.inputDimensions),
    attribution?: Float64Array,
  ): Float64Array {
    const p = this.pipeline;
    p.rowCount(rows, {});
    expected.fill(NaN);
    attribution?.fill(NaN);
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
        if (attribution && this.options.scoringMode === 'score') {
          // the row's attribution as process() would give it (scored, not learnt: the update comes after)
          new Float64Array(k.memory.buffer, k.column(Column.input), D).set(batch.points.subarray(i * D, (i + 1) * D));
          k.process(1, SCORE | ATTRIBUTION);
          const output = new Float64Array(k.memory.buffer, k.column(Column.output), BATCH * (1 + 2 * D));
          const trees = this.options.numberOfTrees;
          for (let q = 0; q < 2 * D; q++) attribution[next * 2 * D + q] = output[BATCH + q] / trees;
        }
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

  /**
   * Learns every row of `rows` but the last, as process() would, and returns the last row's point as the
   * trees see it (shingled, normalised, `dimensions` values) without learning it: the trees are left as
   * they were when that row was scored (the row pipeline has moved past it, so use this forest for nothing
   * more). `scored` says whether process() would have reported its score. Null when the last row gets no
   * point (the shingle not yet full, or a skipped row). Called by the worker's tree() (src/forest/tree-view.ts).
   */
  replayBefore(rows: Float64Array): { point: Float64Array; scored: boolean } | null {
    const p = this.pipeline;
    const count = p.rowCount(rows, {});
    const k = this.kernel;
    const D = this.dimensions;
    let found: { point: Float64Array; scored: boolean } | null = null;
    for (const batch of p.batches(rows, new Float64Array(count))) {
      let n = batch.count;
      if (n > 0 && batch.rows[n - 1] === count - 1) {
        found = { point: batch.points.slice((n - 1) * D, n * D), scored: (batch.flags & SCORE) !== 0 };
        n--;
      }
      if (n === 0) continue;
      new Float64Array(k.memory.buffer, k.column(Column.input), n * D).set(batch.points.subarray(0, n * D));
      k.process(n, UPDATE);
    }
    return found;
  }

  /**
   * The forest's whole state, for snapshots (src/forest/snapshot.ts): the row pipeline's numbers, the
   * kernel's update count and point store header, and copies of the kernel's state regions.
   */
  saveState(): { pipeline: Float64Array; updates: number; regions: Uint8Array[] } {
    const k = this.kernel;
    const count = k.REGIONS.value as number;
    const regions: Uint8Array[] = [];
    for (let r = 0; r < count; r++) regions.push(new Uint8Array(k.memory.buffer, k.regionAddress(r), k.regionBytes(r)).slice());
    return { pipeline: this.pipeline.saveState(), updates: k.updateCount(), regions };
  }

  /**
   * Puts back a state saveState() gave, on a forest created with the same options. Throws a
   * SnapshotStateError (and leaves the forest empty) when the state is impossible: the kernel checks every
   * link, cut, mass, leaf and reservoir entry before it is used (assembly/snapshot.ts).
   */
  restoreState(state: { pipeline: Float64Array; updates: number; regions: Uint8Array[] }): void {
    const k = this.kernel;
    const count = k.REGIONS.value as number;
    const fail = (why: string) => {
      k.reset();
      this.pipeline.reset();
      throw new SnapshotStateError(why);
    };
    if (state.regions.length !== count) fail(`it has ${state.regions.length} kernel regions, not ${count}`);
    const header = state.regions[8];
    if (header.byteLength !== 16) fail('its point store header is not 16 bytes');
    const view = new DataView(header.buffer, header.byteOffset, 16);
    const capacity = view.getInt32(0, true);
    const tail = view.getInt32(4, true);
    if (!k.prepareRestore(capacity, tail)) fail(`its point store (${capacity} cells, ${tail} used) cannot be planned`);
    for (let r = 0; r < count; r++) {
      const bytes = k.regionBytes(r);
      if (state.regions[r].byteLength !== bytes) fail(`kernel region ${r} has ${state.regions[r].byteLength} bytes where ${bytes} belong`);
      new Uint8Array(k.memory.buffer, k.regionAddress(r), bytes).set(state.regions[r]);
    }
    if (!this.pipeline.restoreState(state.pipeline)) fail('its row pipeline state is impossible');
    const check = k.finishRestore(state.updates);
    if (check !== 0) {
      this.pipeline.reset();
      throw new SnapshotStateError(RESTORE_CHECKS[check] ?? `kernel check ${check} failed`);
    }
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
      clampedRows: this.pipeline.clampedRows,
    };
  }
}
