/**
 * The worker's one API object: coarse, data-only methods (a dataset or a chunk of rows in, scores out;
 * never one message per point). The worker entry (forest.worker.ts) only exposes it through Comlink;
 * tests and Node call the same object directly.
 */
import { RandomCutForest, MissingValueError, type ForestStats } from '../forest/forest';
import { missingValueMessage } from '../shared/missing';
import { ShardedForest } from '../pool/sharded-forest';
import { ShardPool, type SpawnShard } from '../pool/pool';
import { thresholderFor, type AnomalyEvent, type ThresholdOptions, type Thresholder } from '../forest/thresholder';
import { saveSnapshot, loadSnapshot } from '../forest/snapshot';
import { GapFiller, GAP_POLICIES, gather, usualStep, type GapPolicy } from '../forest/gaps';
import { compileKernel } from '../kernel/kernel';
import { forestAtRow, treeViewOf, type ForestAtRow, type TreeView } from '../forest/tree-view';
import { resolveOptions, type ForestOptions, type ForestOptionsInput } from '../shared/options';
import type { KernelSource } from '../kernel/kernel';
import { CsvError, defaultColumn, type ColumnInfo } from '../ingest';
import type { DateOrder, StreamOptions } from '../ingest/stream';
import { cellAt, exportColumnsCsv, readCsvColumns, type ColumnTable, type ReadLimits, type ReadProgress, type ReadStop } from '../ingest/read-columns';

/** What the page needs to chart a dataset (numeric columns and time, no original cells). */
export interface DatasetView {
  name: string;
  rows: number;
  columns: ColumnInfo[];
  timeColumn: string | null;
  time: Float64Array | null;
  numeric: { name: string; values: Float64Array }[];
  warnings: string[];
  /** Set when reading ended before the end of the file (Stop, or the page's memory limits): what was read. */
  stopped: ReadStop | null;
  /** How the time column's dates like 03/04/2020 were read; `open`: the dates do not settle it (load again with dayFirst to choose). */
  dateOrder: DateOrder | null;
}

/** loadCsv's options: how to read (delimiter, decimal, timeColumn, dayFirst; detected when absent) and what to keep. */
export interface LoadOptions extends StreamOptions, ReadLimits {}

export type { ReadProgress, ReadStop } from '../ingest/read-columns';

export interface ScoreRequest {
  /** Numeric columns scored together (one input vector per row). Default: the first numeric column. */
  columns?: string[];
  options?: ForestOptionsInput;
  /** Thresholder settings (z, ...); defaults from src/forest/thresholder.ts. */
  threshold?: Partial<ThresholdOptions>;
  /**
   * Rows per chunk sent back (1 to 65,536; default 4,096). `onChunk` may answer with a number: the next
   * chunk's rows (a replay paces a run so); or with `false`: the chunk was not taken (the caller has
   * stopped), so it is not kept either and the run ends there, cancelled. Every chunk onChunk takes is kept,
   * even when cancel() came while it was on its way: what the run keeps is what the caller was given.
   */
  chunkRows?: number;
  /**
   * Workers the trees are sharded over (the same scores, bit for bit, for any count). 1: the forest runs in
   * this worker. Default: the API's `workers` (on the page: from navigator.hardwareConcurrency, see
   * forest.worker.ts). At most one per tree.
   */
  workers?: number;
  /** Keep each row's attribution, for explain(). Scoring mode 'score' only. Default false. */
  attribution?: boolean;
  /**
   * Gaps in time (much longer than the usual step): left as they are (default), or filled with rows of
   * zeros or of the last values before scoring the row after them (src/forest/gaps.ts). Needs a time column.
   */
  gaps?: GapPolicy;
  /**
   * Go on from the model loaded with loadModel() (its options, its thresholder; one thread) instead of a
   * new forest: the dataset's rows continue the stream the model has seen.
   */
  fromModel?: boolean;
}

/** What loadModel() found in a model file. */
export interface ModelInfo {
  options: ForestOptions;
  rowsSeen: number;
  events: number;
  bytes: number;
  /**
   * The names of the columns it was fed, in order (null: the file does not name them): score({ fromModel })
   * needs the same columns, so a caller can check them against its dataset before a run.
   */
  columns: string[] | null;
}

/** Why a row scored as it did (explain()). */
export interface Explanation {
  row: number;
  score: number;
  grade: number;
  threshold: number;
  /** The scored columns, and the shingle size: the attribution's dimensions are shingleSize × columns. */
  columns: string[];
  shingleSize: number;
  /** Per column: its share of the score, summed over the shingle's rows (the shares add up to the score). */
  byColumn: number[];
  /** Per row of the shingle, oldest first (the last is the row itself): its share of the score. */
  byOffset: number[];
  /** Per column: the share from values above what the forest knows (high) and below it (low). */
  high: number[];
  low: number[];
  /** The row's values, and (where grade > 0) the values that would have looked normal. */
  actual: number[];
  expected: number[] | null;
}

/** Scores for rows [start, start + scores.length); NaN where no score is reported (warming up). */
export interface ScoreChunk {
  start: number;
  scores: Float64Array;
  /** Anomaly grade per row in [0, 1]; > 0 where an alert is raised; NaN where there is no score. */
  grades: Float64Array;
  /** The alert threshold each score was compared with (NaN where there is no score). */
  thresholds: Float64Array;
  rowsDone: number;
  rows: number;
  /** Milliseconds the forest took over this chunk (for a caller that sizes the next chunk by time). */
  milliseconds: number;
}

/**
 * Progress of exportCsv: the attribution of every row (a replay of the run, when the run kept none), the
 * expected values at the alerts (a second replay), then writing the file (done and total are bytes).
 */
export interface ExportProgress {
  stage: 'attribution' | 'expected' | 'writing';
  done: number;
  total: number;
}

/** How exportCsv() ends when cancelExport() stopped it. */
export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.');
    this.name = 'ExportCancelled';
  }
}

/** What would have looked normal at an alerting row: one value per scored column. */
export interface ExpectedValue {
  row: number;
  values: number[];
}

export interface ScoreSummary {
  rows: number;
  scored: number;
  imputed: number;
  milliseconds: number;
  cancelled: boolean;
  columns: string[];
  options: ForestOptions;
  memoryBytes: number;
  /** Workers the trees were sharded over (1: none, the forest ran in the API's own thread). */
  workers: number;
  /** One per incident: start (first alert row), end, peak row, score and grade. */
  events: AnomalyEvent[];
  /** How gaps in time were filled ("3 gaps filled with 412 rows of zeros"), or null when they were not. */
  gaps: string | null;
  /**
   * Set when missingValues 'error' met a missing or unreadable value: the run stopped there, and the rows
   * before it are scored (`rows`) and kept (explain, export). Null otherwise.
   */
  missing: MissingStop | null;
}

/** Where missingValues 'error' stopped a run. */
export interface MissingStop {
  /** 0-based row of the dataset (the rows before it are scored). */
  row: number;
  /** The file's line of that row, and its cell as written ('' when empty); null when the file could not be read again. */
  line: number | null;
  cell: string | null;
  /** The column's name (one of the scored columns). */
  column: string;
  /** Where and what, and what to do (src/shared/missing.ts), with the file's line when known. */
  message: string;
}

const yieldToMessages = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Lets the messages waiting for this thread in (a task of its own, after them) without a timer's delay: a
 * MessageChannel message, where there is one (timers set from timers wait 4 ms or more).
 */
const yieldPromptly = () =>
  new Promise<void>((resolve) => {
    if (typeof MessageChannel === 'undefined') return void setTimeout(resolve, 0);
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      resolve();
    };
    port2.postMessage(null);
  });

/** Rows per chunk of score(): a whole number from 1 to 65,536 (4,096 for anything else). */
const chunkSize = (rows: number) => (Number.isInteger(rows) && rows >= 1 ? Math.min(rows, 65_536) : 4096);

/** How score() may shard the trees over a pool of workers. */
export interface PoolSettings {
  /** score()'s default worker count (1: no pool). */
  workers: number;
  /** Starts one shard worker (required on a page; Node starts worker_threads without it). */
  spawn?: SpawnShard;
}

/**
 * What a finished score() ran on and gave: what expected values, attribution, trees and exports are
 * computed from, so that a newer run or load started meanwhile does not mix into them.
 */
interface LastRun {
  table: ColumnTable;
  columns: string[];
  options: ForestOptions;
  rows: number;
  fromModel: boolean;
  thresholder: Thresholder;
  gaps: GapPolicy;
  scores: Float64Array;
  grades: Float64Array;
  thresholds: Float64Array;
  /** Kept by a run with attribution: true (2 × dimensions per row), else null. */
  attribution: Float64Array | null;
  imputed: Uint8Array;
}

interface PoolUse {
  size: number;
  pool: Promise<ShardPool>;
  /** score() runs using it. */
  users: number;
  /** Replaced: closed when no run uses it. */
  retired: boolean;
}

/** The most workers score() takes. */
export const MAX_WORKERS = 64;

export function createForestApi(kernel: KernelSource, poolSettings: PoolSettings = { workers: 1 }) {
  let table: ColumnTable | null = null;
  /** Stops the read going on (cancel()): it ends with the rows read so far. */
  let reading: AbortController | null = null;
  let tableName = '';
  let scores: Float64Array | null = null;
  let grades: Float64Array | null = null;
  let thresholds: Float64Array | null = null;
  /** What the last score() ran on, for expected values (computed on demand: expectedValues()). */
  let lastRun: LastRun | null = null;
  /** A model file loaded by loadModel(), to go on from. */
  let model: Uint8Array | null = null;
  /** A forest in the state the last score() started from: a new one, or the loaded model. */
  const startingForest = async (run: { options: ForestOptions; fromModel: boolean }) =>
    run.fromModel && model
      ? (await loadSnapshot(model, await compileKernel(kernel))).forest
      : RandomCutForest.create(run.options, kernel);
  /** A gap filler for a run over the table's rows, or null when gaps are left as they are. */
  const fillerFor = (t: ColumnTable, gaps: GapPolicy, columns: number, options: ForestOptions): GapFiller | null =>
    gaps === 'leave' || !t.time ? null : new GapFiller(gaps, columns, usualStep(t.time), options.sampleSize);
  /**
   * Rows [0, upTo) of a run's columns as its forest saw them (with the rows that filled gaps), and the
   * index among them of each row of the table (null: the same).
   */
  const runInput = (r: LastRun, upTo: number): { input: Float64Array; at: Int32Array | null } => {
    const m = r.columns.length;
    const source = r.columns.map((c) => r.table.numeric.get(c)!);
    const input = new Float64Array(upTo * m);
    for (let i = 0; i < upTo; i++) for (let j = 0; j < m; j++) input[i * m + j] = source[j][i];
    const filler = fillerFor(r.table, r.gaps, m, r.options);
    if (!filler) return { input, at: null };
    const filled = filler.fill(input, r.table.time!.subarray(0, upTo));
    return { input: filled.rows, at: filled.at };
  };
  /**
   * Each scored column's share of each row's score in a run (its attribution, high and low, summed over the
   * shingle's rows; the shares add up to the score), NaN where no score: from what score() kept, or
   * computed again by a forest fed the same rows (by chunks, so memory stays small).
   */
  const attributionByColumn = async (
    r: LastRun, onProgress?: (done: number, total: number) => void | Promise<void>,
  ): Promise<Float64Array[]> => {
    const m = r.columns.length;
    const D = r.options.shingleSize * m;
    const shares = r.columns.map(() => new Float64Array(r.table.rows).fill(NaN));
    const add = (a: Float64Array, at: number, row: number) => {
      if (Number.isNaN(r.scores[row])) return;
      for (let j = 0; j < m; j++) {
        let sum = 0;
        for (let d = j; d < D; d += m) sum += a[at + d] + a[at + D + d];
        shares[j][row] = sum;
      }
    };
    if (r.attribution) {
      for (let from = 0; from < r.rows; from += 65_536) {
        const to = Math.min(r.rows, from + 65_536);
        for (let row = from; row < to; row++) add(r.attribution, row * 2 * D, row);
        await onProgress?.(to, r.rows);
      }
      return shares;
    }
    const { input, at } = runInput(r, r.rows);
    const total = input.length / m;
    // the table row of each row fed (-1: a row that filled a gap)
    const rowOf = new Int32Array(total).fill(-1);
    if (at) at.forEach((fed, row) => (rowOf[fed] = row));
    else rowOf.forEach((_, i) => (rowOf[i] = i));
    const f = await startingForest(r);
    // small enough chunks that onProgress (which may wait for messages: cancelExport) is heard often
    const CHUNK = 2048;
    const out = new Float64Array(CHUNK);
    const a = new Float64Array(CHUNK * 2 * D);
    for (let from = 0; from < total; from += CHUNK) {
      const n = Math.min(CHUNK, total - from);
      f.process(input.subarray(from * m, (from + n) * m), out.subarray(0, n), { attribution: a.subarray(0, n * 2 * D) });
      for (let i = 0; i < n; i++) if (rowOf[from + i] >= 0) add(a, i * 2 * D, rowOf[from + i]);
      await onProgress?.(from + n, total);
    }
    return shares;
  };
  /**
   * Expected values at a run's alerts, computed once per run (see expectedValues): the rows are replayed by
   * chunks (one stream), `onProgress` hearing of the rows replayed after each (it may wait, or throw to stop).
   */
  const expectedFor = async (r: LastRun, onProgress?: (done: number, total: number) => void | Promise<void>): Promise<ExpectedValue[]> => {
    if (expected?.run === r) return expected.values;
    const { columns, rows, grades: g } = r;
    const m = columns.length;
    const { input, at } = runInput(r, rows);
    const alerts: number[] = [];
    for (let row = 0; row < rows; row++) if (g[row] > 0) alerts.push(row);
    // the rows fed (with those that filled gaps) where the alerts are, in order
    const targets = at ? alerts.map((row) => at[row]) : alerts;
    const values = new Float64Array(alerts.length * m);
    const f = await startingForest(r);
    const total = input.length / m;
    const CHUNK = 2048;
    let next = 0;
    for (let from = 0; from < total; from += CHUNK) {
      const to = Math.min(total, from + CHUNK);
      const first = next;
      while (next < targets.length && targets[next] < to) next++;
      const here = targets.slice(first, next).map((x) => x - from);
      f.replay(input.subarray(from * m, to * m), here, values.subarray(first * m, next * m));
      await onProgress?.(to, total);
    }
    const found = alerts.map((row, i) => ({ row, values: Array.from(values.subarray(i * m, (i + 1) * m)) }));
    expected = { run: r, values: found };
    return found;
  };
  let attribution: Float64Array | null = null;
  /** The forest as it scored a row, for tree(): kept while the same run's same row is shown. */
  let treeAt: { run: object; row: number; at: ForestAtRow } | null = null;
  let imputed: Uint8Array | null = null;
  let expected: { run: LastRun; values: ExpectedValue[] } | null = null;
  let exports = 0; // generation of exportCsv: cancelExport() stops older ones
  let run = 0; // generation: a newer score() or cancel() stops an older run between chunks
  let forest: RandomCutForest | null = null;
  let loads = 0; // generation of loadCsv: only the newest load may replace the table
  // the pool of score(): kept between runs (its workers start once); replaced when another size is asked,
  // the old one closed when the runs using it are done (a newer score() stops them between chunks)
  let pool: PoolUse | null = null;
  const takePool = (size: number): PoolUse => {
    if (!pool || pool.size !== size) {
      if (pool) retire(pool);
      const use: PoolUse = { size, pool: ShardPool.create(size, kernel, poolSettings.spawn), users: 0, retired: false };
      // a pool that failed to start stays failed: score() then runs here without trying again
      use.pool.catch(() => {});
      pool = use;
    }
    pool.users++;
    return pool;
  };
  const release = (use: PoolUse) => {
    use.users--;
    if (use.retired && use.users === 0) use.pool.then((p) => p.dispose(), () => {});
  };
  const retire = (use: PoolUse) => {
    use.retired = true;
    use.users++;
    release(use);
  };

  const view = (): DatasetView => {
    const t = table!;
    return {
      name: tableName,
      rows: t.rows,
      columns: t.columns,
      timeColumn: t.timeColumn,
      time: t.time ? t.time.slice() : null,
      numeric: [...t.numeric].map(([name, values]) => ({ name, values: values.slice() })),
      warnings: t.warnings,
      stopped: t.stopped,
      dateOrder: t.dateOrder,
    };
  };

  const api = {
    /**
     * Reads a CSV (a File/Blob or its text) in the worker, slice by slice, keeping its number and time
     * columns for scoring (the cells are read again for export). `onProgress` hears of the bytes and rows
     * read (about every 100 ms). cancel() stops the read: the rows read so far are the dataset (see
     * `stopped`), as when the file is larger than `limits` allow. A file that cannot be scored (no data
     * rows, no numeric column) is rejected and the dataset already loaded stays. When loads overlap, the
     * one asked last wins.
     */
    async loadCsv(
      source: Blob | string,
      name: string,
      onProgress?: (p: ReadProgress) => void | Promise<void>,
      options: LoadOptions = {},
    ): Promise<DatasetView> {
      const me = ++loads;
      reading?.abort();
      const controller = new AbortController();
      reading = controller;
      let parsed: ColumnTable;
      try {
        const blob = typeof source === 'string' ? new Blob([source], { type: 'text/csv' }) : source;
        const { maxRows, maxCells, sliceBytes, ...how } = options;
        parsed = await readCsvColumns(blob, how, onProgress ? (p) => void onProgress(p) : undefined, controller.signal, { maxRows, maxCells, sliceBytes });
      } finally {
        if (reading === controller) reading = null;
      }
      if (me !== loads) throw new Error(`Loading ${name} was superseded by a newer file.`);
      if (parsed.rows === 0) {
        throw new CsvError(
          parsed.stopped
            ? `Reading ${name} was stopped before its first data row. Load it again and let it read.`
            : `${name} has a header line but no data rows. Choose a CSV file with data.`,
        );
      }
      if (parsed.numeric.size === 0) {
        const columns = parsed.columns.map((c) => `"${c.name}" (${c.kind})`).join(', ');
        throw new CsvError(`${name} has no numeric column to score; its columns: ${columns}. Choose a file with a column of numbers.`);
      }
      run++;
      table = parsed;
      tableName = name;
      scores = grades = thresholds = attribution = imputed = null;
      lastRun = null;
      expected = null;
      treeAt = null;
      return view();
    },

    /** Fetches and parses a CSV by URL (the built-in datasets). */
    async loadUrl(url: string, name: string): Promise<DatasetView> {
      const response = await fetch(url);
      if (!response.ok) throw new Error(`Could not load ${name}: HTTP ${response.status} for ${url}.`);
      return api.loadCsv(await response.blob(), name);
    },

    /**
     * Scores the loaded dataset from its first row with a fresh forest, sending scores back in chunks
     * through `onChunk`. A later score() or cancel() stops it between chunks; what was scored is kept.
     * With missingValues 'error' a missing or unreadable value stops it at its row: the rows before it are
     * sent and kept, and the summary's `missing` says where (the file's line, the column's name) and what to do.
     */
    async score(
      request: ScoreRequest,
      onChunk?: (chunk: ScoreChunk) => void | number | false | Promise<void | number | false>,
    ): Promise<ScoreSummary> {
      if (!table) throw new Error('No dataset is loaded: load a CSV file first.');
      const t = table;
      const me = ++run;
      const numericNames = [...t.numeric.keys()];
      const chosen = defaultColumn(t.columns, t.rows);
      const columns = request.columns?.length ? request.columns : chosen !== null ? [chosen] : [];
      if (columns.length === 0) {
        throw new Error('This file has no numeric column to score: it needs at least one column of numbers.');
      }
      for (const c of columns) {
        if (!t.numeric.has(c)) {
          throw new Error(`Column "${c}" is not a numeric column of this file; numeric columns: ${numericNames.join(', ') || 'none'}.`);
        }
      }
      const gaps = request.gaps ?? 'leave';
      if (!GAP_POLICIES.includes(gaps)) throw new Error(`gaps must be one of ${GAP_POLICIES.join(', ')}; got ${String(gaps)}.`);
      if (gaps !== 'leave' && !t.time) {
        throw new Error(`gaps: '${gaps}' fills gaps in time, and this file has no time column; use gaps: 'leave'.`);
      }
      const fromModel = Boolean(request.fromModel);
      if (fromModel && !model) throw new Error('No model is loaded: load a model file first.');
      const restored = fromModel ? await loadSnapshot(model!, await compileKernel(kernel)) : null;
      if (restored?.columns && restored.columns.join('\u0000') !== columns.join('\u0000')) {
        throw new Error(
          `The model was saved for column(s) ${restored.columns.map((c) => `"${c}"`).join(', ')}; pick the same column(s) (now ${columns.map((c) => `"${c}"`).join(', ')}).`,
        );
      }
      if (restored && restored.forest.options.inputDimensions !== columns.length) {
        throw new Error(
          `The model was saved for ${restored.forest.options.inputDimensions} column(s); pick as many columns (now ${columns.length}).`,
        );
      }
      const options = restored ? restored.forest.options : resolveOptions({ ...request.options, inputDimensions: columns.length });
      const started = performance.now();
      const wanted = request.workers ?? poolSettings.workers;
      if (!Number.isInteger(wanted) || wanted < 1 || wanted > MAX_WORKERS) {
        throw new Error(`workers must be a whole number from 1 to ${MAX_WORKERS}; got ${String(wanted)}.`);
      }
      let use = wanted > 1 && options.numberOfTrees > 1 && !restored ? takePool(wanted) : null;
      let f: RandomCutForest | ShardedForest | null = null;
      if (use) {
        try {
          f = await ShardedForest.create(options, kernel, { pool: await use.pool });
        } catch {
          // workers could not be started (or the pool failed): score here, with the same results
          release(use);
          use = null;
        }
      }
      f ??= restored ? restored.forest : await RandomCutForest.create(options, kernel);
      try {
        const m = columns.length;
        const source = columns.map((c) => t.numeric.get(c)!);
        const all = new Float64Array(t.rows).fill(NaN);
        const allGrades = new Float64Array(t.rows).fill(NaN);
        const allThresholds = new Float64Array(t.rows).fill(NaN);
        scores = all;
        grades = allGrades;
        thresholds = allThresholds;
        lastRun = null;
        expected = null;
        if (request.attribution && options.scoringMode !== 'score') {
          throw new Error("attribution explains scoringMode 'score'; turn it off for codisp.");
        }
        const D = options.shingleSize * columns.length;
        const runAttribution = request.attribution ? new Float64Array(t.rows * 2 * D).fill(NaN) : null;
        attribution = runAttribution;
        imputed = new Uint8Array(t.rows);
        const thresholder = restored?.thresholder ?? thresholderFor(options, request.threshold);
        const firstRow = thresholder.rowsGraded; // a model goes on counting rows where it stopped
        const filler = fillerFor(t, gaps, m, options);
        let chunkRows = chunkSize(request.chunkRows ?? 4096);
        let rows = new Float64Array(chunkRows * m);
        let confidence = new Float64Array(chunkRows);
        let done = 0;
        let cancelled = false;
        /** Where missingValues 'error' stopped the run (a row of the table, an index of `columns`). */
        let missingAt: { row: number; column: number } | null = null;
        /** Forgets what was found for rows [from, from + n) (a chunk not reported, or not taken). */
        const unkeep = (from: number, n: number) => {
          all.fill(NaN, from, from + n);
          allGrades.fill(NaN, from, from + n);
          allThresholds.fill(NaN, from, from + n);
          imputed!.fill(0, from, from + n);
          runAttribution?.fill(NaN, from * 2 * D, (from + n) * 2 * D);
        };
        while (done < t.rows) {
          if (run !== me) {
            cancelled = true;
            break;
          }
          const n = Math.min(chunkRows, t.rows - done);
          for (let r = 0; r < n; r++) for (let j = 0; j < m; j++) rows[r * m + j] = source[j][done + r];
          const out = all.subarray(done, done + n);
          const chunkStarted = performance.now();
          const rowAttribution = attribution ? attribution.subarray(done * 2 * D, (done + n) * 2 * D) : null;
          // rows of this chunk scored: all of them, or those before a missing value (missingValues 'error')
          let good = n;
          if (filler) {
            // the rows that fill gaps go in first; only the table's rows are kept
            const filled = filler.fill(rows.subarray(0, n * m), t.time!.subarray(done, done + n));
            const total = filled.rows.length / m;
            const fOut = new Float64Array(total);
            const fConfidence = new Float64Array(total);
            const flags = new Uint8Array(total);
            const fAttribution = rowAttribution ? new Float64Array(total * 2 * D) : null;
            try {
              await f.process(filled.rows, fOut, { imputed: flags, confidence: fConfidence, ...(fAttribution ? { attribution: fAttribution } : {}) });
            } catch (e) {
              if (!(e instanceof MissingValueError)) throw e;
              // met at a row of the table (a fill row carries the row before it, which was met first)
              for (good = 0; good < n && filled.at[good] < e.row; good++);
              missingAt = { row: done + good, column: e.column };
            }
            const at = filled.at.subarray(0, good);
            gather(fOut, at, 1, out);
            gather(fConfidence, at, 1, confidence);
            for (let r = 0; r < good; r++) imputed[done + r] = flags[at[r]];
            if (fAttribution && rowAttribution) gather(fAttribution, at, 2 * D, rowAttribution);
          } else {
            try {
              await f.process(rows.subarray(0, n * m), out, {
                imputed: imputed.subarray(done, done + n),
                confidence,
                ...(rowAttribution ? { attribution: rowAttribution } : {}),
              });
            } catch (e) {
              if (!(e instanceof MissingValueError)) throw e;
              good = e.row;
              missingAt = { row: done + good, column: e.column };
            }
          }
          if (missingAt) {
            // the rows from the bad one on have no score (the forest stopped there)
            out.fill(NaN, good);
            if (rowAttribution) rowAttribution.fill(NaN, good * 2 * D);
            imputed.fill(0, done + good, done + n);
          }
          if (run !== me) {
            // stopped while the shards worked (a pool lets messages in meanwhile): this chunk is not
            // reported, so it is not kept either; no chunk goes out after a newer score() or cancel()
            unkeep(done, n);
            missingAt = null;
            cancelled = true;
            break;
          }
          // the thresholder as it was before this chunk: a chunk the caller does not take is taken back
          const before = thresholder.mark();
          for (let r = 0; r < good; r++) {
            const g = thresholder.grade(firstRow + done + r, out[r], confidence[r]);
            allGrades[done + r] = g.grade;
            allThresholds[done + r] = g.threshold;
          }
          done += good;
          const took = performance.now() - chunkStarted;
          // awaited: the page has the chunk before the next one (and the result) is sent; a number back sets
          // the next chunk's rows (a replay paces the run so: one row at a time, or more)
          const next = good === 0 ? undefined : await onChunk?.({
            start: done - good,
            scores: out.slice(0, good),
            grades: allGrades.slice(done - good, done),
            thresholds: allThresholds.slice(done - good, done),
            rowsDone: done,
            rows: t.rows,
            milliseconds: took,
          });
          if (next === false) {
            // not taken (the caller had stopped: the page after Stop): not kept either, so that what the
            // run keeps (explain, trees, export, events) is what the caller has, and the run ends here
            thresholder.rollback(before);
            done -= good;
            unkeep(done, n);
            missingAt = null;
            cancelled = true;
            break;
          }
          if (missingAt) break;
          if (typeof next === 'number' && chunkSize(next) !== chunkRows) {
            chunkRows = chunkSize(next);
            if (chunkRows > confidence.length) {
              rows = new Float64Array(chunkRows * m);
              confidence = new Float64Array(chunkRows);
            }
          }
          await yieldToMessages();
        }
        let scored = 0;
        for (let i = 0; i < done; i++) if (!Number.isNaN(all[i])) scored++;
        lastRun = {
          table: t, columns, options, rows: done, fromModel, thresholder, gaps,
          scores: all, grades: allGrades, thresholds: allThresholds, attribution, imputed: imputed!,
        };
        let missing: MissingStop | null = null;
        if (missingAt) {
          const column = columns[missingAt.column];
          const info = t.columns.find((c) => c.name === column);
          // the file is read again up to that row, for its line and what the cell held
          const found = info ? await cellAt(t, missingAt.row, info.index).catch(() => null) : null;
          missing = {
            row: missingAt.row,
            line: found ? found.line : null,
            cell: found ? found.cell : null,
            column,
            message: missingValueMessage({ row: missingAt.row, line: found?.line, column, cell: found?.cell }),
          };
        }
        return {
          rows: done,
          scored,
          imputed: f.imputed,
          milliseconds: performance.now() - started,
          cancelled,
          columns,
          options,
          memoryBytes: f.stats().memoryBytes,
          workers: f instanceof ShardedForest ? f.workers : 1,
          // this dataset's events (a model's earlier ones are not), in this dataset's row numbers
          events: thresholder.events
            .filter((e) => e.start >= firstRow)
            .map((e) => ({ ...e, start: e.start - firstRow, end: e.end - firstRow, peak: e.peak - firstRow })),
          gaps: filler ? filler.describe() : null,
          missing,
        };
      } finally {
        if (f instanceof ShardedForest) void f.dispose();
        if (use) release(use);
      }
    },

    /**
     * Why row `row` of the last score() scored as it did: its attribution by column and by row of the
     * shingle, high and low parts, and its expected values where it alerted. Kept from score() with
     * `attribution: true`; otherwise computed now by replaying the rows before it (about a third of a
     * scoring run's work). Null for a row without a score.
     */
    async explain(row: number): Promise<Explanation | null> {
      if (!table || !lastRun || !scores || !grades || !thresholds) {
        throw new Error('Score the dataset first: explain() reads what score() found.');
      }
      if (!Number.isInteger(row) || row < 0 || row >= lastRun.rows || Number.isNaN(scores[row])) return null;
      const { columns, options } = lastRun;
      if (options.scoringMode !== 'score') throw new Error("explain() explains scoringMode 'score'; codisp has no attribution.");
      const m = columns.length;
      const S = options.shingleSize;
      const D = S * m;
      let a: Float64Array;
      if (attribution) a = attribution.subarray(row * 2 * D, (row + 1) * 2 * D);
      else {
        // not kept while scoring: replay the rows before it (update only) and attribute this one
        const { input, at } = runInput(lastRun, row + 1);
        a = new Float64Array(2 * D);
        (await startingForest(lastRun)).replay(input, [at ? at[row] : row], undefined, a);
      }
      const high = new Array<number>(m).fill(0);
      const low = new Array<number>(m).fill(0);
      const byOffset = new Array<number>(S).fill(0);
      for (let s = 0; s < S; s++) {
        for (let j = 0; j < m; j++) {
          high[j] += a[s * m + j];
          low[j] += a[D + s * m + j];
          byOffset[s] += a[s * m + j] + a[D + s * m + j];
        }
      }
      const found = grades[row] > 0 ? (await api.expectedValues()).find((e) => e.row === row) : undefined;
      return {
        row,
        score: scores[row],
        grade: grades[row],
        threshold: thresholds[row],
        columns,
        shingleSize: S,
        byColumn: high.map((h, j) => h + low[j]),
        byOffset,
        high,
        low,
        actual: columns.map((c) => table!.numeric.get(c)![row]),
        expected: found ? found.values : null,
      };
    },

    /**
     * Tree `tree` (0..numberOfTrees - 1) of the forest as it scored row `row` of the last score(): its cuts
     * and leaves, and the row's path, isolation depth and score in that tree (src/forest/tree-view.ts). The
     * forest is rebuilt by replaying the rows before it (one thread), once per row: other trees of the same
     * row come at once.
     */
    async tree(request: { tree: number; row: number }): Promise<TreeView> {
      if (!table || !lastRun) throw new Error('Score the dataset first: tree() shows the forest of the last score().');
      const { row } = request;
      if (!Number.isInteger(row) || row < 0 || row >= lastRun.rows) {
        throw new RangeError(`row must be a whole number from 0 to ${lastRun.rows - 1}; got ${String(row)}.`);
      }
      const { columns, options } = lastRun;
      if (!treeAt || treeAt.run !== lastRun || treeAt.row !== row) {
        // the rows before it as the run fed them (gaps filled the same way); the row itself comes last
        treeAt = { run: lastRun, row, at: forestAtRow(await startingForest(lastRun), runInput(lastRun, row + 1).input) };
      }
      return treeViewOf(treeAt.at, request.tree, { columns, shingleSize: options.shingleSize, normalize: options.normalize, row });
    },

    /**
     * The forest and thresholder as they stand after the last complete score(), as a model file (a
     * snapshot: src/forest/snapshot.ts). The forest is rebuilt by replaying the rows (one thread).
     */
    async saveModel(): Promise<Uint8Array> {
      if (!table || !lastRun || lastRun.rows < table.rows) {
        throw new Error('Score the whole dataset first: a model is saved from a complete run.');
      }
      const f = await startingForest(lastRun);
      f.process(runInput(lastRun, lastRun.rows).input);
      return saveSnapshot(f, lastRun.thresholder, lastRun.columns);
    },

    /** Reads a model file (checked as a snapshot) for score({ fromModel: true }). */
    async loadModel(bytes: Uint8Array): Promise<ModelInfo> {
      const { forest: f, thresholder, columns } = await loadSnapshot(bytes, await compileKernel(kernel));
      model = bytes.slice();
      return { options: f.options, rowsSeen: f.rowsSeen, events: thresholder?.events.length ?? 0, bytes: bytes.byteLength, columns };
    },

    /** Closes score()'s worker pool, if any (a page terminates the whole worker instead). */
    async dispose(): Promise<void> {
      run++;
      if (pool) retire(pool);
      pool = null;
    },

    /** Stops a running read (loadCsv: the rows read so far are kept) and score() between chunks (what was scored stays). */
    cancel(): void {
      run++;
      reading?.abort();
    },

    /**
     * For each row of the last score() with grade > 0: the value of each scored column that the forest would
     * have found normal there, given the row's other columns and the rows before it. A forest with the same
     * options and seed replays the rows and imputes at those rows (src/forest/forest.ts replay): exact, and
     * about a third of a scoring run's work, done once, when first asked. Empty before a score() finished.
     */
    async expectedValues(): Promise<ExpectedValue[]> {
      return lastRun ? expectedFor(lastRun) : [];
    },

    /**
     * The loaded dataset as CSV (a Blob: the file is read again, slice by slice, so its size does not
     * matter): every original row and column, plus score, grade, threshold (empty where none),
     * attribution_<column> (each scored column's share of the score; scoringMode 'score'), expected_<column>
     * for each scored column (filled where grade > 0) and imputed: the command line's columns. What was there
     * when it was called is exported, even if a score() or loadCsv() starts meanwhile. `onProgress` hears of
     * each stage (ExportProgress).
     */
    async exportCsv(onProgress?: (p: ExportProgress) => void): Promise<Blob> {
      const me = ++exports;
      // between chunks of work (2,048 rows, a slice of the file) the worker takes its messages, a
      // cancelExport() among them (a loop that never waits would hear it only at its end), and stops if it
      // was cancelled
      const report = async (p: ExportProgress) => {
        await yieldPromptly();
        if (me !== exports) throw new ExportCancelled();
        onProgress?.(p);
      };
      const r = lastRun;
      const t = r?.table ?? table;
      if (!t) throw new Error('No dataset is loaded.');
      const none = () => new Float64Array(t.rows).fill(NaN);
      // a run going on (no lastRun yet): the scores so far
      const extra: { name: string; values: ArrayLike<number> | ArrayLike<string> }[] = [
        { name: 'score', values: (r ? r.scores : t === table ? scores : null) ?? none() },
        { name: 'grade', values: (r ? r.grades : t === table ? grades : null) ?? none() },
        { name: 'threshold', values: (r ? r.thresholds : t === table ? thresholds : null) ?? none() },
      ];
      if (r) {
        const columns = r.columns;
        if (r.options.scoringMode === 'score') {
          await report({ stage: 'attribution', done: 0, total: r.rows });
          const shares = await attributionByColumn(r, (done, total) => report({ stage: 'attribution', done, total }));
          columns.forEach((c, j) => extra.push({ name: `attribution_${c}`, values: shares[j] }));
        }
        const byColumn = columns.map(() => none());
        await report({ stage: 'expected', done: 0, total: r.rows });
        const found = await expectedFor(r, (done, total) => report({ stage: 'expected', done, total }));
        for (const e of found) e.values.forEach((v, j) => (byColumn[j][e.row] = v));
        columns.forEach((c, j) => extra.push({ name: `expected_${c}`, values: byColumn[j] }));
      }
      const flags = r ? r.imputed : t === table ? imputed : null;
      if (flags) extra.push({ name: 'imputed', values: Array.from(flags, (v) => (v === 1 ? 'true' : 'false')) });
      await report({ stage: 'writing', done: 0, total: t.source.size });
      return exportColumnsCsv(t, extra, undefined, (done, total) => report({ stage: 'writing', done, total }));
    },

    /** Stops exportCsv() calls going on (between chunks of rows or slices of the file): they reject with ExportCancelled. */
    cancelExport(): void {
      exports++;
    },

    // --- a forest fed directly, for dashboards that stream their own rows ---

    /** Creates (or replaces) the worker's streaming forest. */
    async configure(options: ForestOptionsInput = {}): Promise<ForestOptions> {
      forest = await RandomCutForest.create(options, kernel);
      return forest.options;
    },

    /** Scores then learns a chunk of rows (row-major); returns one score per row (NaN while warming up). */
    async process(rows: Float64Array): Promise<Float64Array> {
      if (!forest) forest = await RandomCutForest.create({}, kernel);
      return forest.process(rows);
    },

    async reset(): Promise<void> {
      forest?.reset();
    },

    async stats(): Promise<ForestStats | null> {
      return forest ? forest.stats() : null;
    },
  };
  return api;
}

export type ForestApi = ReturnType<typeof createForestApi>;
