/**
 * A forest whose trees are sharded over a pool of workers: the same options, outputs and scores as
 * RandomCutForest (forest.ts), bit for bit, computed on several cores.
 *
 * The host runs the row pipeline (src/forest/pipeline.ts: missing values, normalisation, shingling,
 * warm-up, batching), exactly as RandomCutForest does. Shard i of n holds trees
 * [⌊i·T/n⌋, ⌊(i+1)·T/n⌋) of the T trees, seeded as in one forest (kernel `firstTree`). Every batch of
 * shingled points goes to all shards; each answers with, per point, the integer sum of its trees' scores
 * in units of 2^-32; the host adds the shards' sums and divides once by 2^32 × T. Integer sums do not
 * depend on grouping (docs/algorithm.md "Forest score"), so the scores are those of one forest, bit for bit
 * (the sums are exact in f64 while below 2^53: score mode always; codisp up to about 2 million in
 * sampleSize × numberOfTrees, where one forest would round them the same way only by chance). Attribution
 * is summed in floating point, tree by tree in one forest and shard by shard here: it may differ in the
 * last bits (about 1e-15 relative).
 *
 * Async: process() returns a promise; calls are queued and run one after the other. Up to IN_FLIGHT
 * batches are sent ahead, so the shards do not wait for the host between batches.
 */
import { RowPipeline, type Batch, type ForestStats, type ProcessOutputs } from '../forest/pipeline';
import { kernelArguments, planError } from '../forest/forest';
import { SCORE, ATTRIBUTION, type KernelSource } from '../kernel/kernel';
import type { ForestOptions, ForestOptionsInput } from '../shared/options';
import { ShardPool, type SpawnShard } from './pool';
import type { ShardBatchResult } from './shard';

/** Batches sent to the shards before the host waits for the oldest one's scores. */
const IN_FLIGHT = 2;

export interface ShardedForestHow {
  /** A pool to run on (it stays open after dispose()); or: */
  pool?: ShardPool;
  /** Workers of a pool made for this forest alone (closed by dispose()). */
  workers?: number;
  /** How to start a worker of that pool (required outside Node; see ShardPool.create). */
  spawn?: SpawnShard;
}

export class ShardedForest {
  readonly options: ForestOptions;
  /** Dimensions of a point given to the trees: shingleSize × inputDimensions. */
  readonly dimensions: number;
  private readonly pipeline: RowPipeline;
  /** Calls run one after the other (the pipeline's state is the stream's). */
  private queue: Promise<unknown> = Promise.resolve();
  private disposed = false;
  private updates = 0;
  private stored: number[];

  private constructor(
    input: ForestOptionsInput,
    private readonly pool: ShardPool,
    private readonly ownsPool: boolean,
    private readonly id: number,
    /** The shards this forest uses (the first min(pool size, numberOfTrees) workers). */
    private readonly shards: number,
    private readonly plannedBytes: number,
  ) {
    this.pipeline = new RowPipeline(input);
    this.options = this.pipeline.options;
    this.dimensions = this.pipeline.dimensions;
    this.stored = new Array<number>(shards).fill(0);
  }

  /**
   * A forest sharded over `how.pool`, or over a pool of `how.workers` made for it. Uses
   * min(workers, numberOfTrees) shards (a shard holds at least one tree).
   */
  static async create(input: ForestOptionsInput, kernel: KernelSource, how: ShardedForestHow): Promise<ShardedForest> {
    const probe = new RowPipeline(input); // validates the options before any worker starts
    const o = probe.options;
    const D = probe.dimensions;
    const ownsPool = !how.pool;
    const pool = how.pool ?? (await ShardPool.create(Math.max(1, Math.min(how.workers ?? 1, o.numberOfTrees)), kernel, how.spawn));
    try {
      const id = pool.forestId();
      const n = Math.min(pool.size, o.numberOfTrees);
      const T = o.numberOfTrees;
      const bytes = await Promise.all(
        Array.from({ length: n }, (_, i) => {
          const first = Math.floor((i * T) / n);
          const trees = Math.floor(((i + 1) * T) / n) - first;
          return pool.shards[i]!.request<number>({ op: 'configure', forest: id, args: kernelArguments(o, D, trees, first) });
        }),
      );
      if (bytes.some((b) => !b)) {
        await Promise.all(Array.from({ length: n }, (_, i) => pool.shards[i]!.request({ op: 'drop', forest: id })));
        throw planError(o, D, T);
      }
      return new ShardedForest(input, pool, ownsPool, id, n, bytes.reduce((a, b) => a + b, 0));
    } catch (e) {
      if (ownsPool) pool.dispose();
      throw e;
    }
  }

  /** Shards (workers) the trees are spread over. */
  get workers(): number {
    return this.shards;
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
   * RandomCutForest.process, on the shards: scores and learns `rows`; resolves with one score per row (NaN
   * where none is reported). With missingValues 'error' it rejects with a MissingValueError after the rows
   * before the bad one were processed.
   */
  process(
    rows: Float64Array,
    out = new Float64Array(rows.length / this.options.inputDimensions),
    extra: ProcessOutputs = {},
  ): Promise<Float64Array> {
    return this.serially(async () => {
      this.pipeline.rowCount(rows, extra);
      const inFlight: Promise<void>[] = [];
      try {
        for (const batch of this.pipeline.batches(rows, out, extra)) {
          const sent = this.send(batch, out, extra.attribution);
          sent.catch(() => {}); // awaited below; this only keeps an early failure from counting as unhandled
          inFlight.push(sent);
          if (inFlight.length >= IN_FLIGHT) await inFlight.shift();
        }
      } finally {
        // a MissingValueError leaves the loop after the batches before it were sent: let them finish
        await Promise.all(inFlight);
      }
      return out;
    });
  }

  /** Forgets everything learnt; the same seed gives the same scores again. */
  reset(): Promise<void> {
    return this.serially(async () => {
      await Promise.all(this.shardIndices().map((i) => this.pool.shards[i]!.request({ op: 'reset', forest: this.id })));
      this.pipeline.reset();
      this.updates = 0;
      this.stored.fill(0);
    });
  }

  /**
   * As RandomCutForest.stats, as of the last batch: pointsStored counts each shard's point store (a point
   * kept by trees on two shards counts twice), memoryBytes adds the shards' planned bytes.
   */
  stats(): ForestStats {
    return {
      rowsSeen: this.pipeline.rowsSeen,
      updates: this.updates,
      pointsStored: this.stored.reduce((a, b) => a + b, 0),
      memoryBytes: this.plannedBytes,
      imputedRows: this.pipeline.imputedRows,
      skippedRows: this.pipeline.skippedRows,
      clampedRows: this.pipeline.clampedRows,
    };
  }

  /**
   * Frees the forest: closes the pool it made, or drops its instances from a pool it was given (after the
   * calls already queued). process() rejects afterwards.
   */
  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    if (this.ownsPool) {
      this.pool.dispose();
      return;
    }
    await this.queue.catch(() => {});
    if (this.pool.isDisposed) return;
    await Promise.all(this.shardIndices().map((i) => this.pool.shards[i]!.request({ op: 'drop', forest: this.id }))).catch(() => {});
  }

  private shardIndices(): number[] {
    return Array.from({ length: this.shards }, (_, i) => i);
  }

  private serially<T>(f: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      if (this.disposed) throw new Error('This forest was disposed.');
      return f();
    });
    this.queue = run.catch(() => {});
    return run;
  }

  /** Sends a batch to every shard; resolves when its scores (if any) are written. */
  private async send(batch: Batch, out: Float64Array, attribution: Float64Array | undefined): Promise<void> {
    // the batch's views are the pipeline's: copy what is needed after the next batch is made
    const kept: Batch = { points: batch.points, count: batch.count, flags: batch.flags, rows: batch.rows.slice() };
    const replies = await Promise.all(
      this.shardIndices().map((i) => {
        const points = batch.points.slice();
        return this.pool.shards[i]!.request<ShardBatchResult>(
          { op: 'process', forest: this.id, count: batch.count, flags: batch.flags, points },
          [points.buffer],
        );
      }),
    );
    this.updates = replies[0]!.updates;
    replies.forEach((r, i) => (this.stored[i] = r.pointsStored));
    if (!(kept.flags & SCORE)) return;
    // integers (exact in f64): any order of addition gives the same sum
    const sums = replies[0]!.sums!;
    for (let s = 1; s < replies.length; s++) {
      const more = replies[s]!.sums!;
      for (let i = 0; i < kept.count; i++) sums[i] += more[i]!;
    }
    let attributionSums: Float64Array | undefined;
    if (kept.flags & ATTRIBUTION) {
      attributionSums = replies[0]!.attribution!;
      for (let s = 1; s < replies.length; s++) {
        const more = replies[s]!.attribution!;
        for (let q = 0; q < attributionSums.length; q++) attributionSums[q] += more[q]!;
      }
    }
    this.pipeline.writeScores(kept, sums, 0, out, attributionSums, 0, attribution);
  }
}

