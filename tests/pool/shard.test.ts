/**
 * The shard's message handling, in this thread (no worker): replies in order, errors as messages, results
 * equal to a kernel driven directly.
 */
import { describe, it, expect } from 'vitest';
import { runShard, type ShardReply, type ShardRequest, type ShardBatchResult } from '../../src/pool/shard';
import { RandomCutForest, kernelArguments } from '../../src/forest/forest';
import { Column, SCORE, UPDATE, ATTRIBUTION } from '../../src/kernel/kernel';
import { resolveOptions } from '../../src/shared/options';

function shardInThisThread() {
  const replies: ShardReply[] = [];
  let handler: (m: ShardRequest) => void = () => {};
  runShard({ post: (m) => void replies.push(m), listen: (h) => (handler = h) });
  return { send: (m: ShardRequest) => handler(m), replies };
}

describe('runShard', () => {
  it('answers each request by id, errors included, and scores like the forest', async () => {
    const module = await RandomCutForest.compile(new URL('../../build/rcf.wasm', import.meta.url));
    const { send, replies } = shardInThisThread();
    const o = resolveOptions({ numberOfTrees: 6, sampleSize: 16, seed: 5 });
    send({ id: 1, op: 'configure', forest: 1, args: kernelArguments(o, 1, 6, 0) });
    send({ id: 2, op: 'load', module, input: Column.input, output: Column.output, score: SCORE, attribution: ATTRIBUTION });
    send({ id: 3, op: 'configure', forest: 1, args: kernelArguments(o, 1, 6, 0) });
    send({ id: 4, op: 'reset', forest: 9 });
    send({ id: 5, op: 'nothing' } as unknown as ShardRequest);
    const points = Float64Array.from({ length: 200 }, (_, i) => Math.sin(i / 5));
    send({ id: 6, op: 'process', forest: 1, count: 100, flags: UPDATE, points: points.subarray(0, 100) });
    send({ id: 7, op: 'process', forest: 1, count: 100, flags: SCORE | UPDATE, points: points.subarray(100) });
    send({ id: 8, op: 'drop', forest: 1 });
    send({ id: 9, op: 'process', forest: 1, count: 1, flags: SCORE, points: new Float64Array(1) });
    expect(replies.map((r) => r.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(replies[0]).toEqual({ id: 1, error: 'Shard has no kernel: send load first.' });
    expect((replies[2] as { result: number }).result).toBeGreaterThan(0);
    expect(replies[3]).toEqual({ id: 4, error: 'Shard has no forest 9.' });
    expect(replies[4]).toEqual({ id: 5, error: 'Unknown shard request "nothing".' });
    expect(replies[8]).toEqual({ id: 9, error: 'Shard has no forest 1.' });
    const warm = (replies[5] as { result: ShardBatchResult }).result;
    expect([warm.sums, warm.attribution, warm.updates]).toEqual([null, null, 100]);
    const scored = (replies[6] as { result: ShardBatchResult }).result;
    // the forest with outputAfter 100 scores exactly the second half
    const forest = RandomCutForest.fromModule({ ...o, outputAfter: 100 }, module).process(points);
    expect(Array.from(scored.sums!, (s) => s / (2 ** 32 * 6))).toEqual(Array.from(forest.subarray(100)));
    expect(scored.updates).toBe(200);
  });
});
