/**
 * Shard worker entry (browser): runs `runShard` (src/pool/shard.ts) on this worker's messages. Started by
 * the forest worker (forest.worker.ts), one per shard of its pool; the kernel arrives compiled, in the
 * first message. The handler is installed synchronously, so no message sent at start-up is lost.
 */
import { runShard, type ShardReply, type ShardRequest } from '../pool/shard';

const scope = self as unknown as DedicatedWorkerGlobalScope;
runShard({
  post: (message: ShardReply, transfer: Transferable[]) => scope.postMessage(message, transfer),
  listen: (handler: (message: ShardRequest) => void) => scope.addEventListener('message', (e) => handler(e.data as ShardRequest)),
});
