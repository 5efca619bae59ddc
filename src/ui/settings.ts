/**
 * The options people can tune on the page, with the same words as src/shared/options.ts (forest) and
 * src/forest/thresholder.ts (z), and their checking.
 *
 * timeDecay and outputAfter may be left empty (null): they then follow sampleSize, as their defaults do.
 */
import {
  defaultTimeDecay, forestMemoryBytes, KERNEL_MAX_BYTES, LIMITS, MISSING_VALUES, resolveOptions, SCORING_MODES, zProblem, type ForestOptions,
  type MissingValues, type ScoringMode,
} from '../shared/options';
import { DEFAULT_THRESHOLD, type ThresholdOptions } from '../forest/thresholder';
import { GAP_POLICIES, type GapPolicy } from '../forest/gaps';
import { formatCount, gotText } from './format';

export interface Settings {
  numberOfTrees: number;
  sampleSize: number;
  shingleSize: number;
  /** null = the default, 1 / (10 × sampleSize). */
  timeDecay: number | null;
  /** null = the default, sampleSize / 4. */
  outputAfter: number | null;
  seed: number;
  scoringMode: ScoringMode;
  normalize: boolean;
  missingValues: MissingValues;
  /** Gaps in time: left, or filled with zeros or the last values first (src/forest/gaps.ts). */
  gaps: GapPolicy;
  /** Threshold: deviations above the mean score where an alert is raised. */
  z: number;
}

/** The whole-number options, in the order the page shows them. */
export const SETTING_NAMES = ['numberOfTrees', 'sampleSize', 'shingleSize', 'seed'] as const;
export type IntegerSetting = (typeof SETTING_NAMES)[number];
export const SETTING_KEYS = [
  'numberOfTrees', 'sampleSize', 'shingleSize', 'timeDecay', 'outputAfter', 'seed', 'scoringMode', 'normalize',
  'missingValues', 'gaps', 'z',
] as const satisfies readonly (keyof Settings)[];

/** Limits of z, the same on the page and the command line (src/shared/options.ts). */
export { Z_LIMITS } from '../shared/options';

/** The defaults of src/shared/options.ts for one input column, and the thresholder's z. */
export const DEFAULT_SETTINGS: Settings = (() => {
  const o = resolveOptions({ inputDimensions: 1 });
  return {
    numberOfTrees: o.numberOfTrees,
    sampleSize: o.sampleSize,
    shingleSize: o.shingleSize,
    timeDecay: null,
    outputAfter: null,
    seed: o.seed,
    scoringMode: o.scoringMode,
    normalize: o.normalize,
    missingValues: o.missingValues,
    gaps: 'leave',
    z: DEFAULT_THRESHOLD.z,
  };
})();

/** Rows that get no score: the shingle must fill (shingleSize − 1 rows) and outputAfter rows must be seen. */
export function warmUpRows(options: Pick<ForestOptions, 'outputAfter' | 'shingleSize'>): number {
  return Math.max(options.outputAfter, options.shingleSize - 1);
}

const isBlank = (v: unknown) => v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v));

/** The option fields the page checks one by one. */
export type CheckedSetting = IntegerSetting | 'timeDecay' | 'outputAfter' | 'z';
export const CHECKED_SETTINGS: readonly CheckedSetting[] = [...SETTING_NAMES, 'timeDecay', 'outputAfter', 'z'];

/**
 * What is wrong with one field's value: a sentence beginning "Must be…", limits with thousands
 * separators; '' when nothing. The field shows it beside itself; checkSettings names the field before it.
 */
export function settingProblem(name: CheckedSetting, v: unknown, unreadable = false): string {
  const got = (x: unknown) => gotText(x, unreadable);
  switch (name) {
    case 'timeDecay':
      return (isBlank(v) && !unreadable) || (typeof v === 'number' && v >= 0 && v <= 1) ? '' : `Must be a number from 0 to 1 (or empty for the default); ${got(v)}.`;
    case 'outputAfter':
      return (isBlank(v) && !unreadable) || (typeof v === 'number' && Number.isInteger(v) && v >= 0)
        ? ''
        : `Must be a whole number of rows, 0 or more (or empty for the default); ${got(v)}.`;
    case 'z':
      return zProblem(v, got);
    default: {
      const [lo, hi] = LIMITS[name];
      return typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi
        ? ''
        : `Must be a whole number from ${formatCount(lo)} to ${formatCount(hi)}; ${got(v)}.`;
    }
  }
}

/** The fields whose product is the forest's size (with the columns scored together). */
const SIZE_SETTINGS = ['numberOfTrees', 'sampleSize', 'shingleSize'] as const;

/**
 * What is wrong with each field (settingProblem), and with the fields that together make a forest too large
 * for the kernel's memory (numberOfTrees, sampleSize, shingleSize, with `inputDimensions` columns): each of
 * them says so, naming the others. checkSettings says it in one sentence (resolveOptions' memoryMessage).
 * `unreadable`: the number fields whose text the browser could not read as a number (1e400), which arrive
 * empty (null) but are not.
 */
export function settingProblems(settings: Settings, inputDimensions = 1, unreadable: ReadonlySet<string> = new Set()): Record<CheckedSetting, string> {
  const problems = Object.fromEntries(CHECKED_SETTINGS.map((n) => [n, settingProblem(n, settings[n], unreadable.has(n))])) as Record<CheckedSetting, string>;
  if (SIZE_SETTINGS.some((n) => problems[n]) || problems.timeDecay) return problems;
  const { numberOfTrees, sampleSize, shingleSize } = settings;
  const timeDecay = isBlank(settings.timeDecay) ? defaultTimeDecay(sampleSize) : (settings.timeDecay as number);
  const bytes = forestMemoryBytes({ numberOfTrees, sampleSize, shingleSize, inputDimensions, timeDecay });
  if (bytes <= KERNEL_MAX_BYTES) return problems;
  const columns = inputDimensions > 1 ? ` and ${formatCount(inputDimensions)} columns` : '';
  for (const name of SIZE_SETTINGS) {
    const others = SIZE_SETTINGS.filter((n) => n !== name).map((n) => `${n} ${formatCount(settings[n])}`).join(' and ');
    problems[name] =
      `Too large with ${others}${columns}: together they need about ${(bytes / 2 ** 30).toFixed(1)} GiB, ` +
      "more than the kernel's memory can hold (4 GiB at most). Lower one of them.";
  }
  return problems;
}

/**
 * Checks the settings as typed (an empty number field arrives as null) and resolves them to full options.
 * `unreadable`: the fields whose text the browser could not read as a number (they arrive as null too, but
 * are not empty: no default for them). Every field that is wrong is named ("numberOfTrees must be…; sampleSize must be…"), not only the first.
 */
export function checkSettings(settings: Settings, inputDimensions = 1, unreadable: ReadonlySet<string> = new Set()): ForestOptions {
  const wrong = CHECKED_SETTINGS.flatMap((name) => {
    const problem = settingProblem(name, settings[name], unreadable.has(name));
    return problem ? [`${name} m${problem.slice(1)}`] : [];
  });
  if (wrong.length === 1) throw new Error(wrong[0]);
  if (wrong.length > 1) throw new Error(`${wrong.length} options are not valid. ${wrong.join(' ')}`);
  return resolveOptions(forestInput(settings, inputDimensions));
}

/**
 * The settings that give `options` (a model's): timeDecay and outputAfter left empty where they are their
 * defaults for its sampleSize; gaps and z (not a forest's) kept from `current`.
 */
export function settingsOf(options: ForestOptions, current: Settings): Settings {
  const { numberOfTrees, sampleSize, shingleSize, seed, scoringMode, normalize, missingValues } = options;
  const defaults = resolveOptions({ sampleSize, inputDimensions: options.inputDimensions });
  return {
    ...current,
    numberOfTrees, sampleSize, shingleSize, seed, scoringMode, normalize, missingValues,
    timeDecay: options.timeDecay === defaults.timeDecay ? null : options.timeDecay,
    outputAfter: options.outputAfter === defaults.outputAfter ? null : options.outputAfter,
  };
}

/** The forest options to send to the worker (empty timeDecay/outputAfter left out: defaults). */
export function forestInput(settings: Settings, inputDimensions = 1) {
  const { numberOfTrees, sampleSize, shingleSize, seed, scoringMode, normalize, missingValues } = settings;
  return {
    numberOfTrees, sampleSize, shingleSize, seed, scoringMode, normalize, missingValues, inputDimensions,
    ...(isBlank(settings.timeDecay) ? {} : { timeDecay: settings.timeDecay as number }),
    ...(isBlank(settings.outputAfter) ? {} : { outputAfter: settings.outputAfter as number }),
  };
}

/**
 * The thresholder settings to send: z only. The worker's thresholderFor lowers continueZ with a z below it,
 * as it does for the command line and the library, so the page grades as `rcf score --z` does.
 */
export function thresholdInput(settings: Settings): Partial<ThresholdOptions> {
  return { z: settings.z };
}

/** Parses one setting from text (a URL); undefined when the text is not a valid value for it. */
export function parseSetting(name: keyof Settings, text: string): Settings[keyof Settings] | undefined {
  switch (name) {
    case 'scoringMode':
      return (SCORING_MODES as readonly string[]).includes(text) ? (text as ScoringMode) : undefined;
    case 'missingValues':
      return (MISSING_VALUES as readonly string[]).includes(text) ? (text as MissingValues) : undefined;
    case 'gaps':
      return (GAP_POLICIES as readonly string[]).includes(text) ? (text as GapPolicy) : undefined;
    case 'normalize':
      return text === 'true' || text === '1' ? true : text === 'false' || text === '0' ? false : undefined;
    case 'timeDecay':
    case 'outputAfter':
      if (text === '' || text === 'auto') return null;
      return Number.isFinite(Number(text)) ? Number(text) : undefined;
    default:
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined;
  }
}

/** One line of the settings of a run: "numberOfTrees 50 · sampleSize 256 · …" (resolved values; gaps when filled). */
export function describeSettings(o: ForestOptions, z: number, gaps: GapPolicy = 'leave'): { name: string; value: string }[] {
  const decay = o.timeDecay === 0 ? '0' : o.timeDecay.toPrecision(3).replace(/\.?0+$/, '');
  return [
    { name: 'numberOfTrees', value: String(o.numberOfTrees) },
    { name: 'sampleSize', value: String(o.sampleSize) },
    { name: 'shingleSize', value: String(o.shingleSize) },
    { name: 'timeDecay', value: decay },
    { name: 'outputAfter', value: String(o.outputAfter) },
    { name: 'scoringMode', value: o.scoringMode },
    { name: 'z', value: String(z) },
    { name: 'normalize', value: o.normalize ? 'on' : 'off' },
    { name: 'missingValues', value: o.missingValues },
    ...(gaps !== 'leave' ? [{ name: 'gaps', value: gaps }] : []),
    { name: 'seed', value: String(o.seed) },
  ];
}
