/**
 * Shard workers in Node: worker_threads running `runShard` (shard.ts). The worker's code is `runShard`'s
 * own source text (`eval`), so there is no worker file to find: it works the same from the bundled library
 * (dist/node, where shared code lands in chunks/) and from the TypeScript sources under vitest, which Node
 * 20 could not load in a worker. Loaded lazily by pool.ts, so browsers never see node:worker_threads.
 */
import { Worker } from 'node:worker_threads';
import { runShard, type ShardReply } from './shard';
import type { ShardEndpoint } from './pool';

/** The worker's program: runShard on the worker's parentPort. */
const SOURCE =
  `const { parentPort } = require('node:worker_threads');\n` +
  `(${runShard.toString()})({ post: (m, t) => parentPort.postMessage(m, t), listen: (h) => parentPort.on('message', h) });\n`;

export function spawnNodeShard(index: number): ShardEndpoint {
  const worker = new Worker(SOURCE, { eval: true, name: `rcf-shard-${index}` });
  let terminating = false;
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer as never),
    onMessage: (handler) => worker.on('message', (m: ShardReply) => handler(m)),
    onFailure: (handler) => {
      worker.on('error', (e) => handler(e instanceof Error ? e : new Error(String(e))));
      worker.on('exit', (code) => {
        if (!terminating) handler(new Error(`A shard worker exited unexpectedly (code ${code}).`));
      });
    },
    idle: (idle) => (idle ? worker.unref() : worker.ref()),
    terminate: () => {
      terminating = true;
      void worker.terminate();
    },
  };
}
