/**
 * The forest options the page lets people set, with the same words as src/shared/options.ts, and their
 * checking. (timeDecay and outputAfter keep their defaults, which follow from sampleSize.)
 */
import { LIMITS, resolveOptions, type ForestOptions } from '../shared/options';
import { formatCount } from './format';

export interface Settings {
  numberOfTrees: number;
  sampleSize: number;
  shingleSize: number;
  seed: number;
}

export const SETTING_NAMES = ['numberOfTrees', 'sampleSize', 'shingleSize', 'seed'] as const;

/** The defaults of src/shared/options.ts for one input column. */
export const DEFAULT_SETTINGS: Settings = (() => {
  const { numberOfTrees, sampleSize, shingleSize, seed } = resolveOptions({ inputDimensions: 1 });
  return { numberOfTrees, sampleSize, shingleSize, seed };
})();

/** Rows that get no score: the shingle must fill (shingleSize − 1 rows) and outputAfter rows must be seen. */
export function warmUpRows(options: Pick<ForestOptions, 'outputAfter' | 'shingleSize'>): number {
  return Math.max(options.outputAfter, options.shingleSize - 1);
}

/** Checks the settings as typed (an empty number field arrives as null) and resolves them to full options. */
export function checkSettings(settings: Settings, inputDimensions = 1): ForestOptions {
  for (const name of SETTING_NAMES) {
    const v = settings[name] as unknown;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      const [lo, hi] = LIMITS[name];
      const got = v === null || v === undefined || Number.isNaN(v) ? 'the field is empty' : `got ${String(v)}`;
      throw new Error(`${name} must be a whole number from ${formatCount(lo)} to ${formatCount(hi)}; ${got}.`);
    }
  }
  return resolveOptions({ ...settings, inputDimensions });
}
