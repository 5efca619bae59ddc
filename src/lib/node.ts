/**
 * The package's Node entry (`import … from 'rcf-playground'`): everything src/index.ts exports, with the
 * WebAssembly kernel found next to the package by default. `RandomCutForest.create(options)`,
 * `Detector.create(options)` and `loadSnapshot(bytes)` take an optional kernel source (a compiled
 * module, the bytes, or a URL) for setups that load it themselves.
 */
import { RandomCutForest as Forest } from '../forest/forest';
import { Detector as BaseDetector, type DetectorOptions } from '../forest/detector';
import { loadSnapshot as load } from '../forest/snapshot';
import type { Thresholder } from '../forest/thresholder';
import { compileKernel, type KernelSource } from '../kernel/kernel';
import type { ForestOptionsInput } from '../shared/options';

export * from '../index';

/** Where the kernel is by default: build/rcf.wasm of the package (this file is dist/lib/index.js). */
export const defaultKernelUrl: URL = new URL(['..', '..', 'build', 'rcf.wasm'].join('/'), import.meta.url);

/** The kernel, compiled once (cached per source). Default: the package's own build/rcf.wasm. */
export function loadKernel(source: KernelSource = defaultKernelUrl): Promise<WebAssembly.Module> {
  return compileKernel(source);
}

type ForestClass = typeof Forest & {
  /** Creates a forest; the kernel defaults to the package's own (defaultKernelUrl). */
  create(options?: ForestOptionsInput, source?: KernelSource): Promise<Forest>;
  compile(source?: KernelSource): Promise<WebAssembly.Module>;
};

/** RandomCutForest (src/forest/forest.ts) whose create() and compile() default to the package's kernel. */
export const RandomCutForest: ForestClass = new Proxy(Forest, {
  get(target, key, receiver) {
    if (key === 'create') return (options: ForestOptionsInput = {}, source: KernelSource = defaultKernelUrl) => target.create(options, source);
    if (key === 'compile') return (source: KernelSource = defaultKernelUrl) => target.compile(source);
    return Reflect.get(target, key, receiver);
  },
}) as ForestClass;
export type RandomCutForest = Forest;

type DetectorClass = typeof BaseDetector & {
  /** Creates a detector with the kernel compiled from `source` (default: the package's own). */
  create(options?: DetectorOptions, source?: KernelSource): Promise<BaseDetector>;
};

/** Detector (src/forest/detector.ts), plus Detector.create(options, source?) that loads the kernel. */
export const Detector: DetectorClass = new Proxy(BaseDetector, {
  get(target, key, receiver) {
    if (key === 'create') {
      return async (options: DetectorOptions = { forest: {} }, source: KernelSource = defaultKernelUrl) =>
        new target(options, await compileKernel(source));
    }
    return Reflect.get(target, key, receiver);
  },
}) as DetectorClass;
export type Detector = BaseDetector;

/** Reads a snapshot (src/forest/snapshot.ts); the kernel defaults to the package's own. */
export async function loadSnapshot(
  bytes: Uint8Array, source: KernelSource = defaultKernelUrl,
): Promise<{ forest: Forest; thresholder: Thresholder | null }> {
  return load(bytes, await compileKernel(source));
}
