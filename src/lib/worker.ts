/**
 * The browser entry's worker (built to dist/browser/ as its own file): the page's forest API
 * (src/worker/forest-api.ts) exposed with Comlink, the kernel resolved next to this file by default.
 * setup() (sent first by createForestWorker) may name another kernel (a URL, bytes or a compiled module)
 * and a worker count for score() (nested shard workers; default 1: the forest runs in this worker).
 */
import * as Comlink from 'comlink';
import { createForestApi, type ForestApi } from '../worker/forest-api';
import { webShard } from '../pool/pool';
import type { KernelSource } from '../kernel/kernel';

const defaultKernel = new URL('../../build/rcf.wasm', import.meta.url);

export interface WorkerSetup {
  kernel?: KernelSource;
  workers?: number;
}

let kernel: KernelSource = defaultKernel;
let workers = 1;
let api: ForestApi | null = null;
const current = (): ForestApi =>
  (api ??= createForestApi(kernel, {
    workers,
    spawn: (i) => webShard(new Worker(new URL('../worker/shard.worker.ts', import.meta.url), { type: 'module', name: `rcf-shard-${i}` })),
  }));

const facade = {
  /** Chooses the kernel and score()'s worker count; drops any state (call it first). */
  setup(settings: WorkerSetup): void {
    if (settings.kernel !== undefined) kernel = settings.kernel;
    if (settings.workers !== undefined) workers = settings.workers;
    if (api) void api.dispose();
    api = null;
  },
} as { setup(settings: WorkerSetup): void } & ForestApi;

// the API's methods, forwarded to the API made with the current settings (names from a throwaway instance)
for (const name of Object.keys(createForestApi(defaultKernel)) as (keyof ForestApi)[]) {
  (facade as unknown as Record<string, unknown>)[name] = (...args: unknown[]) =>
    (current()[name] as (...a: unknown[]) => unknown)(...args);
}

export type WorkerApi = typeof facade;

// exposed synchronously: a message sent before this runs would be lost
Comlink.expose(facade);
