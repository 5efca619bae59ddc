/**
 * The package's browser entry (`rcf-playground/browser`, built to dist/browser/index.js): a worker
 * factory, and the same synchronous forest, detector, snapshots and CSV reading as the Node entry, for a
 * page's own thread or its own worker. The worker script and the kernel are files next to this module,
 * resolved from import.meta.url, so it works from a plain <script type="module"> with no bundler plugin.
 */
import * as Comlink from 'comlink';
import type { ForestApi, ScoreChunk, ScoreRequest, ScoreSummary } from '../worker/forest-api';
import type { WorkerApi } from './worker';
import type { KernelSource } from '../kernel/kernel';

export type {
  ForestApi, DatasetView, ScoreChunk, ScoreRequest, ScoreSummary, MissingStop, ModelInfo, Explanation, ExpectedValue,
} from '../worker/forest-api';
export type { ForestOptions, ForestOptionsInput } from '../shared/options';
export type { ForestStats } from '../forest/forest';
export type { KernelSource } from '../kernel/kernel';
import { withDefaultKernel } from './defaults';
import type { RandomCutForest as Forest } from '../forest/forest';
import type { Detector as BaseDetector } from '../forest/detector';

/** The kernel next to this module (dist/browser/rcf.wasm), the default of every function below. */
export const defaultKernelUrl: URL = new URL('../../build/rcf.wasm', import.meta.url);
const withKernel = withDefaultKernel(defaultKernelUrl);
/** The forest in this thread (synchronous once created: create() fetches and compiles the kernel). */
export const RandomCutForest = withKernel.RandomCutForest;
export type RandomCutForest = Forest;
export const Detector = withKernel.Detector;
export type Detector = BaseDetector;
export const loadSnapshot = withKernel.loadSnapshot;
export const loadKernel = withKernel.loadKernel;
export { saveSnapshot, SnapshotError, SNAPSHOT_VERSION } from '../forest/snapshot';
export { Thresholder, thresholderFor, DEFAULT_THRESHOLD, type ThresholdOptions, type AnomalyEvent } from '../forest/thresholder';
export { resolveOptions, OptionsError, LIMITS } from '../shared/options';
export { parseCsvText, parseCsvBlob, tableToCsv, tableToCsvChunks, CsvError, CsvStreamReader, defaultColumn } from '../ingest';
export type { Table, ColumnInfo, ParseOptions } from '../ingest';
export { readCsvColumns, exportColumnsCsv, type ColumnTable, type ReadProgress } from '../ingest/read-columns';

export interface ForestWorkerOptions {
  /**
   * The kernel: a URL (resolved against the page), its bytes, or a compiled WebAssembly.Module (for strict
   * CSP setups that compile it themselves). Default: rcf.wasm shipped next to the worker.
   */
  kernel?: KernelSource;
  /** Workers score() shards the trees over (nested workers); default 1 (the forest runs in the worker). */
  workers?: number;
  /** The worker script's URL, if it is served elsewhere. Default: next to this module. */
  workerUrl?: string | URL;
  /** The worker's name (devtools), with workerUrl. */
  name?: string;
  /** Disposes the worker when aborted. */
  signal?: AbortSignal;
}

export interface StreamOptions {
  /** Called with each chunk's scores (one per row; NaN while warming up). */
  onScores?: (scores: Float64Array, rows: Float64Array) => void;
  /** Stops between chunks (the call then rejects with an AbortError). */
  signal?: AbortSignal;
}

export interface ForestWorker {
  /** The worker's API (src/worker/forest-api.ts), Comlink-wrapped: every method returns a promise. */
  readonly api: Comlink.Remote<ForestApi>;
  /** Scores the loaded dataset; onChunk sees scores as they arrive; `signal` cancels between chunks. */
  score(request: ScoreRequest, options?: { onChunk?: (chunk: ScoreChunk) => void; signal?: AbortSignal }): Promise<ScoreSummary>;
  /** Feeds chunks of rows (row-major) to the streaming forest (api.configure first, or defaults), one after another. */
  stream(chunks: Iterable<Float64Array> | AsyncIterable<Float64Array>, options?: StreamOptions): Promise<number>;
  /** Ends the worker (and its shard workers). */
  dispose(): void;
}

const abortError = () => new DOMException('The operation was aborted.', 'AbortError');

/** Starts a forest worker. */
export function createForestWorker(options: ForestWorkerOptions = {}): ForestWorker {
  // the literal `new Worker(new URL(…, import.meta.url), …)` is what the build turns into a separate worker file
  const worker = options.workerUrl
    ? new Worker(options.workerUrl, { type: 'module', name: options.name ?? 'rcf-forest' })
    : new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'rcf-forest' });
  const remote = Comlink.wrap<WorkerApi>(worker);
  let kernel = options.kernel;
  if (typeof kernel === 'string') kernel = new URL(kernel, globalThis.location?.href).href;
  else if (kernel instanceof URL) kernel = kernel.href;
  // sent first: messages are handled in order, so every later call sees these settings
  if (kernel !== undefined || options.workers !== undefined) void remote.setup({ kernel, workers: options.workers });
  const api = remote as unknown as Comlink.Remote<ForestApi>;
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    remote[Comlink.releaseProxy]();
    worker.terminate();
  };
  options.signal?.addEventListener('abort', dispose, { once: true });
  return {
    api,
    async score(request, { onChunk, signal } = {}) {
      if (signal?.aborted) throw abortError();
      const onAbort = () => void api.cancel();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await api.score(request, onChunk ? Comlink.proxy(onChunk) : undefined);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    },
    async stream(chunks, { onScores, signal } = {}) {
      let rows = 0;
      for await (const chunk of chunks) {
        if (signal?.aborted) throw abortError();
        const scores = await api.process(chunk);
        rows += scores.length;
        onScores?.(scores, chunk);
      }
      return rows;
    },
    dispose,
  };
}
