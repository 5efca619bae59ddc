/**
 * Loading the WebAssembly kernel (assembly/) and typed access to it. The module is compiled once per
 * thread and cached as a promise; each forest (or shard of one) gets its own instance and memory.
 */

export interface KernelExports {
  memory: WebAssembly.Memory;
  /**
   * Plans memory for one forest (or shard) and empties it. Returns the forest's own bytes (the model:
   * nodes, boxes, leaves, samplers, point store; the batch columns input/output excluded), or 0 when the
   * configuration is refused (sampleSize > 32767, dimensions > 65535) or memory could not grow.
   */
  configure(
    trees: number, sampleSize: number, dimensions: number, seedHigh: number, seedLow: number,
    timeDecay: number, firstTree: number, batch: number,
  ): number;
  reset(): void;
  process(count: number, flags: number): number;
  impute(count: number, from: number, to: number): number;
  updateCount(): number;
  brokenCount(): number;
  pointsInUse(): number;
  referenceCount(slot: number): number;
  nodesInUse(tree: number): number;
  sampleSizeOf(tree: number): number;
  column(id: number): number;
  /** Snapshots (assembly/snapshot.ts): REGIONS regions, each at regionAddress(k), regionBytes(k) long. */
  REGIONS: WebAssembly.Global;
  regionAddress(k: number): number;
  regionBytes(k: number): number;
  /** Sizes the point store for a restore; false when impossible. */
  prepareRestore(capacity: number, tail: number): number;
  /** Checks the written regions; 0, or the number of the failed check (the forest is then empty). */
  finishRestore(updates: number): number;
}

/** Column ids of `column()` (assembly/index.ts; layout in assembly/layout.ts). */
export const Column = {
  input: 0, output: 1, pointValue: 2, nodeRecord: 3, nodeBox: 4, leafPoint: 5, leafMass: 6, treeState: 7,
  sampleLeaf: 8, sampleEntry: 9, sampleCount: 10, randomState: 11, scratch: 12, storeHeader: 13,
  forestStart: 14, forestEnd: 15, planEnd: 16, weightKey: 17,
} as const;

export const SCORE = 1;
export const UPDATE = 2;
export const ATTRIBUTION = 4;
export const CODISP = 8;
/** Tree scores come back summed in units of 2^-32 (assembly/forest.ts). */
export const SCORE_UNIT = 4294967296;

/** Where the kernel's bytes come from: a compiled module, the bytes, or a URL to fetch. */
export type KernelSource = WebAssembly.Module | BufferSource | URL | string;

const compiled = new Map<unknown, Promise<WebAssembly.Module>>();

async function fetchBytes(url: URL | string): Promise<ArrayBuffer> {
  const href = String(url);
  if (href.startsWith('file:') && typeof process !== 'undefined' && process.versions?.node) {
    // a specifier bundlers leave alone: browsers never come here, and a browser build must not carry a
    // preload helper for it (an application's bundler adds its own, and two do not parse in one module)
    const fs = 'node:fs/promises';
    const { readFile } = (await import(/* @vite-ignore */ fs)) as typeof import('node:fs/promises');
    const bytes = await readFile(new URL(href));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  const response = await fetch(href);
  if (!response.ok) throw new Error(`Could not load the WebAssembly kernel from ${href}: HTTP ${response.status}.`);
  return response.arrayBuffer();
}

/** Compiles the kernel once per source (cached). */
export function compileKernel(source: KernelSource): Promise<WebAssembly.Module> {
  if (source instanceof WebAssembly.Module) return Promise.resolve(source);
  const key = source instanceof URL ? source.href : source;
  let p = compiled.get(key);
  if (!p) {
    p = (async () => {
      const bytes = typeof source === 'string' || source instanceof URL ? await fetchBytes(source) : source;
      return WebAssembly.compile(bytes as BufferSource);
    })();
    compiled.set(key, p);
    p.catch(() => compiled.delete(key));
  }
  return p;
}

/** A fresh kernel instance (its own memory). */
export async function instantiateKernel(source: KernelSource): Promise<KernelExports> {
  const module = await compileKernel(source);
  const instance = await WebAssembly.instantiate(module, {
    env: {
      abort(_message: number, _file: number, line: number, column: number) {
        throw new Error(`RCF kernel aborted at line ${line}, column ${column}.`);
      },
    },
  });
  return unsigned(instance.exports as unknown as KernelExports);
}

/**
 * WebAssembly hands i32 results to JavaScript as signed numbers, so an address or a size of 2 GiB or more
 * would come back negative (a forest of that size is allowed: up to 3.75 GiB). The exports that return
 * addresses or byte counts are read as unsigned here, once, for every caller.
 */
function unsigned(k: KernelExports): KernelExports {
  return {
    ...k,
    configure: (...args) => k.configure(...args) >>> 0,
    column: (id) => k.column(id) >>> 0,
    regionAddress: (r) => k.regionAddress(r) >>> 0,
    regionBytes: (r) => k.regionBytes(r) >>> 0,
  };
}

/** Synchronous instantiation from a compiled module (Node, or a worker that compiled already). */
export function instantiateKernelSync(module: WebAssembly.Module): KernelExports {
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort(_message: number, _file: number, line: number, column: number) {
        throw new Error(`RCF kernel aborted at line ${line}, column ${column}.`);
      },
    },
  });
  return unsigned(instance.exports as unknown as KernelExports);
}
