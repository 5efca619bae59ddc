/**
 * The package's Node entry (`import … from 'rcf-playground'`): everything src/index.ts exports, with the
 * WebAssembly kernel found next to the package by default. `RandomCutForest.create(options)`,
 * `Detector.create(options)` and `loadSnapshot(bytes)` take an optional kernel source (a compiled
 * module, the bytes, or a URL) for setups that load it themselves.
 */
import type { RandomCutForest as Forest } from '../forest/forest';
import type { Detector as BaseDetector } from '../forest/detector';
import { withDefaultKernel } from './defaults';

export * from '../index';

/** Where the kernel is by default: build/rcf.wasm of the package (this file is dist/lib/index.js). */
export const defaultKernelUrl: URL = new URL(['..', '..', 'build', 'rcf.wasm'].join('/'), import.meta.url);

const withKernel = withDefaultKernel(defaultKernelUrl);
/** The kernel, compiled once (cached per source). Default: the package's own build/rcf.wasm. */
export const loadKernel = withKernel.loadKernel;
/** RandomCutForest (src/forest/forest.ts) whose create() and compile() default to the package's kernel. */
export const RandomCutForest = withKernel.RandomCutForest;
export type RandomCutForest = Forest;
/** Detector (src/forest/detector.ts), plus Detector.create(options, source?) that loads the kernel. */
export const Detector = withKernel.Detector;
export type Detector = BaseDetector;
/** Reads a snapshot (src/forest/snapshot.ts); the kernel defaults to the package's own. */
export const loadSnapshot = withKernel.loadSnapshot;
