/**
 * The library's classes and functions that need a kernel, with a default one: the package's own rcf.wasm,
 * found from the entry module's URL (Node: build/rcf.wasm of the package; browsers: rcf.wasm next to
 * dist/browser/index.js). Each still takes a kernel source (a compiled module, the bytes, or a URL) for
 * setups that load it themselves (a strict CSP, a CDN).
 */
import { RandomCutForest as Forest } from '../forest/forest';
import { Detector as BaseDetector, type DetectorOptions } from '../forest/detector';
import { loadSnapshot as load } from '../forest/snapshot';
import type { Thresholder } from '../forest/thresholder';
import { compileKernel, type KernelSource } from '../kernel/kernel';
import type { ForestOptionsInput } from '../shared/options';

export type ForestClass = typeof Forest & {
  /** Creates a forest; the kernel defaults to the package's own. */
  create(options?: ForestOptionsInput, source?: KernelSource): Promise<Forest>;
  compile(source?: KernelSource): Promise<WebAssembly.Module>;
};

export type DetectorClass = typeof BaseDetector & {
  /** Creates a detector with the kernel compiled from `source` (default: the package's own). */
  create(options?: DetectorOptions, source?: KernelSource): Promise<BaseDetector>;
};

export type LoadSnapshot = (
  bytes: Uint8Array,
  source?: KernelSource,
) => Promise<{ forest: Forest; thresholder: Thresholder | null; columns: string[] | null }>;

/** RandomCutForest, Detector, loadSnapshot and loadKernel whose kernel defaults to `kernel`. */
export function withDefaultKernel(kernel: KernelSource) {
  const RandomCutForest = new Proxy(Forest, {
    get(target, key, receiver) {
      if (key === 'create') return (options: ForestOptionsInput = {}, source: KernelSource = kernel) => target.create(options, source);
      if (key === 'compile') return (source: KernelSource = kernel) => target.compile(source);
      return Reflect.get(target, key, receiver);
    },
  }) as ForestClass;
  const Detector = new Proxy(BaseDetector, {
    get(target, key, receiver) {
      if (key === 'create') {
        return async (options: DetectorOptions = { forest: {} }, source: KernelSource = kernel) => new target(options, await compileKernel(source));
      }
      return Reflect.get(target, key, receiver);
    },
  }) as DetectorClass;
  const loadSnapshot: LoadSnapshot = async (bytes, source = kernel) => load(bytes, await compileKernel(source));
  /** The kernel, compiled once (cached per source). */
  const loadKernel = (source: KernelSource = kernel): Promise<WebAssembly.Module> => compileKernel(source);
  return { RandomCutForest, Detector, loadSnapshot, loadKernel };
}
