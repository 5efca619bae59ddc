/**
 * Main-thread client of the forest worker: owns the worker's lifetime, turns callbacks into Comlink
 * proxies, and maps an AbortSignal to cancel (between chunks) or, with `hard`, to terminating the worker.
 */
import * as Comlink from 'comlink';
import type { ExportProgress, ForestApi, LoadOptions, ReadProgress, ScoreChunk, ScoreRequest, ScoreSummary } from '../worker/forest-api';

export type { DatasetView, ExportProgress, ReadProgress, ScoreChunk, ScoreRequest, ScoreSummary } from '../worker/forest-api';

export class ForestClient {
  private worker: Worker;
  readonly api: Comlink.Remote<ForestApi>;

  constructor() {
    this.worker = new Worker(new URL('../worker/forest.worker.ts', import.meta.url), { type: 'module', name: 'rcf-forest' });
    this.api = Comlink.wrap<ForestApi>(this.worker);
  }

  /**
   * Reads a CSV in the worker; `onProgress` hears of bytes and rows read; `signal` stops the read, which
   * then ends with the rows read so far.
   */
  async loadCsv(file: Blob | string, name: string, onProgress?: (p: ReadProgress) => void, signal?: AbortSignal, options?: LoadOptions) {
    const onAbort = () => void this.api.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.api.loadCsv(file, name, onProgress ? Comlink.proxy(onProgress) : undefined, options);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  loadUrl(url: string, name: string) {
    return this.api.loadUrl(new URL(url, location.href).href, name);
  }

  /**
   * Scores the loaded dataset; `onChunk` sees scores as they arrive (answering `false` when it does not take
   * one: the worker does not keep it, and stops); `signal` cancels between chunks.
   */
  async score(
    request: ScoreRequest,
    onChunk: (chunk: ScoreChunk) => void | number | false | Promise<void | number | false>,
    signal?: AbortSignal,
  ): Promise<ScoreSummary> {
    const onAbort = () => void this.api.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await this.api.score(request, Comlink.proxy(onChunk));
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** The dataset with its scores as CSV; `onProgress` hears of each stage (see ExportProgress). */
  exportCsv(onProgress?: (p: ExportProgress) => void) {
    return this.api.exportCsv(onProgress ? Comlink.proxy(onProgress) : undefined);
  }

  dispose() {
    this.api[Comlink.releaseProxy]();
    this.worker.terminate();
  }
}
