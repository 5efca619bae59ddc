/**
 * Forest options: names, defaults (each with its source) and validation. Shared by the kernel host, the
 * worker, the command line and the page, so the same words mean the same thing everywhere.
 */

/** 'score': expected inverse depth (Amazon RCF's scale). 'codisp': expected collusive displacement (rrcf's). */
export type ScoringMode = 'score' | 'codisp';
/** What happens to a missing or non-finite value (rcf-spec section 8). */
export type MissingValues = 'carry' | 'zero' | 'skip' | 'error';
export const SCORING_MODES: readonly ScoringMode[] = ['score', 'codisp'];
export const MISSING_VALUES: readonly MissingValues[] = ['carry', 'zero', 'skip', 'error'];

export interface ForestOptions {
  /** Trees in the forest. Default 50: Amazon RCF's default (100 in its command-line runner). */
  numberOfTrees: number;
  /** Points each tree keeps (reservoir size). Default 256: all reference implementations. */
  sampleSize: number;
  /**
   * Consecutive input rows concatenated into one point. Default 1, by measurement (rcf-spec section 10 asks
   * to choose it so): on NAB realKnownCause, detection with the default thresholder finds 17.8 of 19 windows
   * with 117.6 alerts outside at shingle 1 against 15.8 and 74 at 8 (scripts/detection.mjs, seeds 1-5), and
   * Amazon's own NAB score is 53.4 at shingle 1 against 29.4 at 8. Shingle 8 (OpenSearch's default) sees
   * shape anomalies in periodic series that shingle 1 cannot: choose it for those.
   */
  shingleSize: number;
  /** Reservoir time decay lambda. Default 1 / (10 * sampleSize): Amazon RCF. 0 = uniform reservoir. */
  timeDecay: number;
  /** Rows the forest must have seen before it reports scores. Default sampleSize / 4: Amazon RCF. */
  outputAfter: number;
  /** Seed of the forest's random streams. Default 42. Same seed, input and options = same scores. */
  seed: number;
  /** Input columns per row (the dimension of a row before shingling). */
  inputDimensions: number;
  /** Default 'score'. */
  scoringMode: ScoringMode;
  /**
   * Divide each input column by its running standard deviation, so a column in thousands does not drown
   * one in fractions. Default false here; the page and the command line turn it on when the columns'
   * ranges differ by more than 100 times (and say so).
   */
  normalize: boolean;
  /** Default 'carry': the previous row's value is used, and the row is marked imputed. */
  missingValues: MissingValues;
}

export type ForestOptionsInput = Partial<ForestOptions>;

/** Limits of each option alone; resolveOptions also refuses combinations whose forestMemoryBytes exceed KERNEL_MAX_BYTES. */
export const LIMITS = {
  numberOfTrees: [1, 1000],
  sampleSize: [4, 8192],
  shingleSize: [1, 256],
  inputDimensions: [1, 1024],
  seed: [0, Number.MAX_SAFE_INTEGER],
} as const;

/**
 * Limits of the alert threshold z (deviations above the running mean of the scores), the same on the page
 * and the command line. (The library's Thresholder takes any positive z.)
 */
export const Z_LIMITS = [0.5, 20] as const;

/**
 * What is wrong with a threshold z: a sentence beginning "Must be…" ('' when nothing). `got` says what was
 * given ("got 0.1" by default).
 */
export function zProblem(v: unknown, got: (v: unknown) => string = (x) => `got ${String(x)}`): string {
  const [lo, hi] = Z_LIMITS;
  return typeof v === 'number' && v >= lo && v <= hi ? '' : `Must be a number from ${lo} to ${hi.toLocaleString('en-US')}; ${got(v)}.`;
}

export class OptionsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptionsError';
  }
}

function integerIn(name: keyof typeof LIMITS, value: number): number {
  const [lo, hi] = LIMITS[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < lo || value > hi) {
    const n = (x: number) => x.toLocaleString('en-US');
    throw new OptionsError(`${name} must be a whole number from ${n(lo)} to ${n(hi)}; got ${typeof value === 'number' && Number.isInteger(value) ? n(value) : String(value)}.`);
  }
  return value;
}

/**
 * The most memory the kernel plans for one forest: 3.75 GiB of WebAssembly's 4 GiB (assembly/forest.ts,
 * configure, which refuses more).
 */
export const KERNEL_MAX_BYTES = 4026531840;

/** Ein(z) = integral from 0 to z of (1 - e^-y) / y dy (assembly/sampler.ts, ein). */
function ein(z: number): number {
  if (z > 25) return Math.log(z) + 0.5772156649015329;
  let term = z;
  let sum = 0;
  for (let k = 1; k < 200; k++) {
    sum += term / k;
    term *= -z / (k + 1);
    if (Math.abs(term) < 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}

/** The point store cells the kernel plans for (assembly/sampler.ts, expectedCells: see there). */
function expectedCells(trees: number, sampleSize: number, span: number, decay: number): number {
  const most = (trees * sampleSize + 1) * span;
  if (!(decay > 0)) return trees * sampleSize + 1;
  const x = decay * sampleSize;
  let expected: number;
  if (x > 20) expected = sampleSize + Math.log(trees * span) / decay;
  else {
    let lo = 0;
    let hi = Math.exp(x + 1);
    for (let i = 0; i < 100; i++) {
      const mid = 0.5 * (lo + hi);
      if (ein(mid) < x) lo = mid;
      else hi = mid;
    }
    expected = ein(span * trees * hi) / decay;
  }
  return expected < most ? expected : most;
}

/**
 * The kernel's estimate of the memory a forest of `trees` trees needs (assembly/forest.ts, configure: the
 * same sum; it refuses a forest above KERNEL_MAX_BYTES). `batch`: points per kernel call (BATCH of
 * src/forest/pipeline.ts).
 */
export function forestMemoryBytes(
  o: Pick<ForestOptions, 'numberOfTrees' | 'sampleSize' | 'shingleSize' | 'inputDimensions' | 'timeDecay'>,
  trees = o.numberOfTrees,
  batch = 1024,
): number {
  const n = o.sampleSize;
  const d = o.shingleSize * o.inputDimensions;
  const cells = Math.trunc(Math.min(1.25 * expectedCells(trees, n, d, o.timeDecay) + 4 * d, 268435456));
  return trees * n * (8 * d + 40) + batch * (24 * d + 24) + cells * 4.25 + 16 * n + 1048576;
}

/**
 * "numberOfTrees 1,000 × sampleSize 8,192 × shingleSize 256 need about 16.0 GiB, …": what is said when a
 * forest is too large for the kernel's memory, naming the options that make it so.
 */
export function memoryMessage(
  o: Pick<ForestOptions, 'numberOfTrees' | 'sampleSize' | 'shingleSize' | 'inputDimensions' | 'timeDecay'>,
  bytes = forestMemoryBytes(o),
): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const columns = o.inputDimensions > 1 ? ` × ${n(o.inputDimensions)} columns` : '';
  return (
    `numberOfTrees ${n(o.numberOfTrees)} × sampleSize ${n(o.sampleSize)} × shingleSize ${n(o.shingleSize)}${columns} need about ` +
    `${(bytes / 2 ** 30).toFixed(1)} GiB, more than the kernel's memory can hold (WebAssembly: 4 GiB at most); ` +
    'use fewer trees, a smaller sample or a shorter shingle.'
  );
}

/** timeDecay's default for a sample of `sampleSize` points: 1 / (10 × sampleSize), as Amazon RCF. */
export function defaultTimeDecay(sampleSize: number): number {
  return 1 / (10 * sampleSize);
}

/** Fills in defaults and validates. Throws OptionsError naming the option, the range and the value. */
export function resolveOptions(input: ForestOptionsInput = {}): ForestOptions {
  const inputDimensions = integerIn('inputDimensions', input.inputDimensions ?? 1);
  const sampleSize = integerIn('sampleSize', input.sampleSize ?? 256);
  const numberOfTrees = integerIn('numberOfTrees', input.numberOfTrees ?? 50);
  const shingleSize = integerIn('shingleSize', input.shingleSize ?? 1);
  const seed = integerIn('seed', input.seed ?? 42);
  const timeDecay = input.timeDecay ?? defaultTimeDecay(sampleSize);
  if (typeof timeDecay !== 'number' || !Number.isFinite(timeDecay) || timeDecay < 0 || timeDecay > 1) {
    throw new OptionsError(`timeDecay must be a number from 0 to 1; got ${String(timeDecay)}.`);
  }
  const outputAfter = input.outputAfter ?? Math.floor(sampleSize / 4);
  if (typeof outputAfter !== 'number' || !Number.isInteger(outputAfter) || outputAfter < 0) {
    throw new OptionsError(`outputAfter must be a whole number of rows, 0 or more; got ${String(outputAfter)}.`);
  }
  if (shingleSize * inputDimensions > 4096) {
    throw new OptionsError(
      `shingleSize × input columns must be at most 4096; got ${shingleSize} × ${inputDimensions}.`,
    );
  }
  const scoringMode = input.scoringMode ?? 'score';
  if (!SCORING_MODES.includes(scoringMode)) {
    throw new OptionsError(`scoringMode must be one of ${SCORING_MODES.join(', ')}; got ${String(scoringMode)}.`);
  }
  const missingValues = input.missingValues ?? 'carry';
  if (!MISSING_VALUES.includes(missingValues)) {
    throw new OptionsError(`missingValues must be one of ${MISSING_VALUES.join(', ')}; got ${String(missingValues)}.`);
  }
  const normalize = input.normalize ?? false;
  if (typeof normalize !== 'boolean') throw new OptionsError(`normalize must be true or false; got ${String(normalize)}.`);
  // the whole forest must fit in one kernel (a sharded run's replays, explain and models use one)
  const sizes = { numberOfTrees, sampleSize, shingleSize, inputDimensions, timeDecay };
  const bytes = forestMemoryBytes(sizes);
  if (bytes > KERNEL_MAX_BYTES) throw new OptionsError(memoryMessage(sizes, bytes));
  return {
    numberOfTrees, sampleSize, shingleSize, timeDecay, outputAfter, seed, inputDimensions, scoringMode, normalize,
    missingValues,
  };
}
