/**
 * A shard: what runs inside each worker of a pool. It holds kernel instances (one per forest it takes part
 * in), each configured with a range of a forest's trees, and executes the batches of shingled points the
 * host sends, answering with per-point integer sums of its trees' scores (docs/algorithm.md "Forest
 * score"). It knows nothing of rows, shingles or options: the host's row pipeline did all that.
 *
 * `runShard` must stay self-contained (no reference to anything outside its body, types aside): in Node it
 * travels as source text to a worker_threads worker (`eval`, node-shard.ts), so that the same worker runs
 * from the bundled library and from the TypeScript sources under vitest, with no entry file to locate. In
 * the browser, src/worker/shard.worker.ts calls it. Messages are handled one at a time, in order, and
 * synchronously, so a host may send the next batch before the previous one is answered.
 */

/** Host → shard. `id` is echoed in the reply. */
export type ShardRequest =
  | {
      id: number;
      op: 'load';
      /** The compiled kernel; each forest gets its own instance (own memory). */
      module: WebAssembly.Module;
      /** Column ids and flags of the kernel (src/kernel/kernel.ts), passed rather than copied here. */
      input: number;
      output: number;
      score: number;
      attribution: number;
    }
  | {
      id: number;
      op: 'configure';
      forest: number;
      /** The kernel's configure() arguments: trees [firstTree, firstTree + trees) of the forest. */
      args: [trees: number, sampleSize: number, dimensions: number, seedHigh: number, seedLow: number,
        timeDecay: number, firstTree: number, batch: number];
    }
  | {
      id: number;
      op: 'process';
      forest: number;
      count: number;
      flags: number;
      /** count × dimensions shingled points, row-major. */
      points: Float64Array;
    }
  | { id: number; op: 'reset'; forest: number }
  | { id: number; op: 'drop'; forest: number };

/** The result of a 'process' request. */
export interface ShardBatchResult {
  /** Per point, the sum of this shard's tree scores in units of 2^-32 (an integer); null without SCORE. */
  sums: Float64Array | null;
  /** count × 2·dimensions attribution values summed over this shard's trees; null without ATTRIBUTION. */
  attribution: Float64Array | null;
  /** The kernel's updateCount(): the same on every shard of a forest. */
  updates: number;
  /** Points in this shard's point store. */
  pointsStored: number;
}

/** Shard → host: the result of request `id`, or the message of the error it raised. */
export type ShardReply = { id: number; result: unknown } | { id: number; error: string };

/** The two ends of a message channel as a shard sees them (a worker's global scope, or a parentPort). */
export interface ShardPort {
  post(message: ShardReply, transfer: Transferable[]): void;
  listen(handler: (message: ShardRequest) => void): void;
}

/** Runs a shard on `port` until its worker is terminated. Self-contained: see the file's comment. */
export function runShard(port: ShardPort): void {
  interface Kernel {
    memory: WebAssembly.Memory;
    configure(...args: number[]): number;
    reset(): void;
    process(count: number, flags: number): number;
    updateCount(): number;
    pointsInUse(): number;
    column(id: number): number;
  }
  let module: WebAssembly.Module | null = null;
  let ids = { input: 0, output: 1, score: 1, attribution: 4 };
  const forests = new Map<number, { kernel: Kernel; batch: number; dimensions: number }>();
  const forest = (id: number) => {
    const f = forests.get(id);
    if (!f) throw new Error(`Shard has no forest ${id}.`);
    return f;
  };

  const handle = (m: ShardRequest): { result: unknown; transfer: Transferable[] } => {
    switch (m.op) {
      case 'load':
        module = m.module;
        ids = { input: m.input, output: m.output, score: m.score, attribution: m.attribution };
        return { result: true, transfer: [] };
      case 'configure': {
        if (!module) throw new Error('Shard has no kernel: send load first.');
        const instance = new WebAssembly.Instance(module, {
          env: {
            abort(_message: number, _file: number, line: number, column: number) {
              throw new Error(`RCF kernel aborted at line ${line}, column ${column}.`);
            },
          },
        });
        const kernel = instance.exports as unknown as Kernel;
        const bytes = kernel.configure(...m.args);
        if (bytes) forests.set(m.forest, { kernel, batch: m.args[7], dimensions: m.args[2] });
        return { result: bytes, transfer: [] };
      }
      case 'process': {
        const { kernel: k, batch, dimensions: D } = forest(m.forest);
        new Float64Array(k.memory.buffer, k.column(ids.input), m.count * D).set(m.points);
        k.process(m.count, m.flags);
        let sums: Float64Array | null = null;
        let attribution: Float64Array | null = null;
        const transfer: Transferable[] = [];
        if (m.flags & ids.score) {
          // views made after the call: it may have grown memory; slices are copies, safe to transfer
          const output = new Float64Array(k.memory.buffer, k.column(ids.output), batch * (1 + 2 * D));
          sums = output.slice(0, m.count);
          transfer.push(sums.buffer);
          if (m.flags & ids.attribution) {
            attribution = output.slice(batch, batch + m.count * 2 * D);
            transfer.push(attribution.buffer);
          }
        }
        const result: ShardBatchResult = { sums, attribution, updates: k.updateCount(), pointsStored: k.pointsInUse() };
        return { result, transfer };
      }
      case 'reset':
        forest(m.forest).kernel.reset();
        return { result: true, transfer: [] };
      case 'drop':
        forests.delete(m.forest);
        return { result: true, transfer: [] };
      default:
        throw new Error(`Unknown shard request ${JSON.stringify((m as { op?: unknown }).op)}.`);
    }
  };

  port.listen((m) => {
    try {
      const { result, transfer } = handle(m);
      port.post({ id: m.id, result }, transfer);
    } catch (e) {
      port.post({ id: m.id, error: e instanceof Error ? e.message : String(e) }, []);
    }
  });
}
