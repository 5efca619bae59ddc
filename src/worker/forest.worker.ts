/**
 * Worker entry: exposes the API object synchronously (a message sent before this runs would be lost),
 * with the kernel's URL as Vite emits it, and the shard workers score() shards the trees over: nested
 * workers (src/worker/shard.worker.ts), one per core but one (left to the main thread) from
 * navigator.hardwareConcurrency, at most 4, none below 3 cores (src/pool/pool.ts, defaultPoolSize). Terminating this worker ends them too.
 */
import * as Comlink from 'comlink';
import kernelUrl from '../../build/rcf.wasm?url';
import { createForestApi } from './forest-api';
import { defaultPoolSize, webShard } from '../pool/pool';

Comlink.expose(
  createForestApi(new URL(kernelUrl, self.location.href), {
    workers: defaultPoolSize(navigator.hardwareConcurrency),
    spawn: (i) => webShard(new Worker(new URL('./shard.worker.ts', import.meta.url), { type: 'module', name: `rcf-shard-${i}` })),
  }),
);
