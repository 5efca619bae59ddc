/**
 * A pool of shard workers (Web Workers on a page, worker_threads in Node), each running `runShard`
 * (shard.ts) with the kernel loaded once: the compiled module is posted to every worker at start. A pool
 * outlives the forests sharded over it (sharded-forest.ts): the page keeps one and scores many times.
 *
 * Requests to one worker are answered in order; a worker that fails (an error it did not catch, an exit)
 * fails every request still waiting and every later one, with the reason.
 */
import { compileKernel, Column, SCORE, ATTRIBUTION, type KernelSource } from '../kernel/kernel';
import type { ShardReply, ShardRequest } from './shard';

/** The host's end of one shard worker. */
export interface ShardEndpoint {
  postMessage(message: ShardRequest, transfer: Transferable[]): void;
  /** Calls `handler` with each message from the worker. */
  onMessage(handler: (message: ShardReply) => void): void;
  /** Calls `handler` when the worker fails or exits. */
  onFailure(handler: (error: Error) => void): void;
  terminate(): void;
  /** Node: let the process exit while the worker has nothing to do (unref), or keep it alive (ref). */
  idle?(idle: boolean): void;
}

/** Starts one shard worker (`index` counts from 0 in the pool). */
export type SpawnShard = (index: number) => ShardEndpoint | Promise<ShardEndpoint>;

/** The largest pool `defaultPoolSize` picks: beyond 4 shards a batch's messaging outweighs the gain. */
export const MAX_DEFAULT_POOL = 4;

/**
 * Shard workers for a machine with `cores` logical cores (navigator.hardwareConcurrency on a page,
 * os.availableParallelism() in Node): one per core but one, which is left to the page's main thread (on
 * 2 cores, two shard workers made the main thread wait: tasks of 65-105 ms by the wall clock while
 * scoring, against none with one); at most MAX_DEFAULT_POOL; 1 (no pool: the forest runs where it is)
 * below 3 cores or when the count is unknown.
 */
export function defaultPoolSize(cores: number | undefined): number {
  if (!cores || !Number.isFinite(cores) || cores < 3) return 1;
  return Math.min(MAX_DEFAULT_POOL, Math.floor(cores) - 1);
}

/** A Web Worker running src/worker/shard.worker.ts, as a ShardEndpoint. */
export function webShard(worker: Worker): ShardEndpoint {
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer),
    onMessage: (handler) => worker.addEventListener('message', (e) => handler(e.data as ShardReply)),
    onFailure: (handler) => {
      // a module worker's error event carries no message when the script fails to load (toolchain.md)
      worker.addEventListener('error', (e) => {
        e.preventDefault();
        handler(new Error(`A shard worker failed${e.message ? `: ${e.message}` : ' (it could not be started or threw)'}.`));
      });
      worker.addEventListener('messageerror', () => handler(new Error('A shard worker received a message it could not read.')));
    },
    terminate: () => worker.terminate(),
  };
}

/** One worker of the pool: numbered requests, replies matched to them. */
export class ShardClient {
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private failure: Error | null = null;

  constructor(private readonly endpoint: ShardEndpoint) {
    endpoint.idle?.(true);
    endpoint.onMessage((reply) => {
      const w = this.waiting.get(reply.id);
      if (!w) return;
      this.waiting.delete(reply.id);
      if (this.waiting.size === 0) endpoint.idle?.(true);
      if ('error' in reply) w.reject(new Error(reply.error));
      else w.resolve(reply.result);
    });
    endpoint.onFailure((error) => this.fail(error));
  }

  /** Sends a request (its id is filled in); resolves with the shard's result. */
  request<T>(message: DistributiveOmit<ShardRequest, 'id'>, transfer: Transferable[] = []): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      if (this.waiting.size === 0) this.endpoint.idle?.(false);
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      try {
        this.endpoint.postMessage({ ...message, id } as ShardRequest, transfer);
      } catch (e) {
        this.waiting.delete(id);
        reject(e as Error);
      }
    });
  }

  fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const w of this.waiting.values()) w.reject(error);
    this.waiting.clear();
  }

  terminate(): void {
    this.fail(new Error('The worker pool was disposed.'));
    this.endpoint.terminate();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

const isNode = () => typeof process !== 'undefined' && !!process.versions?.node && typeof window === 'undefined';

export class ShardPool {
  private forests = 0;
  private disposed = false;

  private constructor(readonly shards: readonly ShardClient[]) {}

  /** Workers in the pool. */
  get size(): number {
    return this.shards.length;
  }

  /**
   * Starts `size` shard workers and loads the kernel into each (compiled once, here). `spawn` starts one
   * worker; in Node it may be left out (worker_threads, node-shard.ts); on a page give
   * `() => webShard(new Worker(new URL('../worker/shard.worker.ts', import.meta.url), { type: 'module' }))`.
   */
  static async create(size: number, kernel: KernelSource, spawn?: SpawnShard): Promise<ShardPool> {
    if (!Number.isInteger(size) || size < 1 || size > 256) {
      throw new RangeError(`A pool takes from 1 to 256 workers; got ${String(size)}.`);
    }
    if (!spawn) {
      if (!isNode()) throw new Error('ShardPool.create needs `spawn` outside Node (a Web Worker running src/worker/shard.worker.ts).');
      spawn = (await import('./node-shard')).spawnNodeShard;
    }
    const module = await compileKernel(kernel);
    const shards: ShardClient[] = [];
    try {
      for (let i = 0; i < size; i++) shards.push(new ShardClient(await spawn(i)));
      await Promise.all(
        shards.map((s) =>
          s.request({ op: 'load', module, input: Column.input, output: Column.output, score: SCORE, attribution: ATTRIBUTION }),
        ),
      );
    } catch (e) {
      for (const s of shards) s.terminate();
      throw e;
    }
    return new ShardPool(shards);
  }

  /** A fresh id for a forest's instances on the shards. */
  forestId(): number {
    if (this.disposed) throw new Error('The worker pool was disposed.');
    return ++this.forests;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Terminates the workers; requests still waiting fail. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.shards) s.terminate();
  }
}
