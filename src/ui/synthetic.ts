/**
 * Synthetic series generated in the page from a seed, as CSV text (loaded through the worker's loadCsv like
 * any file): a time column every 5 minutes from 2024-01-01 00:00 UTC, one or more value columns, and a
 * `label` column (1 on the rows of each injected anomaly, else 0) so the page can say which anomalies
 * the forest caught. Same generator, seed and rows: the same text, byte for byte.
 */

import { gotText } from './format';

export type GeneratorId = 'sine-spikes' | 'level-shift' | 'trend-change' | 'noise-burst' | 'correlated';

export interface Generator {
  id: GeneratorId;
  /** The picker's option text. */
  title: string;
  /** One phrase for the page. */
  about: string;
  /** A one-line suggestion shown with the series (an option that suits it), if any. */
  tip?: string;
}

export const GENERATORS: readonly Generator[] = [
  {
    id: 'sine-spikes', title: 'Sine with spikes', about: 'a daily sine with noise and five short spikes',
    tip: 'Tip: with shingleSize 1 a smooth series like this one alerts at many of its peaks; try shingleSize 8 (Forest options), which scores short shapes instead of single values.',
  },
  { id: 'level-shift', title: 'Level shift', about: 'a noisy daily cycle whose level steps up and stays there' },
  { id: 'trend-change', title: 'Trend change', about: 'a noisy series whose upward trend turns sharply steeper' },
  { id: 'noise-burst', title: 'Noise burst', about: 'a daily sine whose noise grows six-fold for half a day' },
  {
    id: 'correlated',
    title: 'Correlated columns',
    about: 'three correlated columns (a, b, c) where b stops following a for five hours; each column stays in its usual range',
  },
];

export const SYNTHETIC_ROWS = { default: 4000, min: 500, max: 200_000 } as const;
/** Generator seeds the page takes: whole numbers in this range (the generator mixes them into 32 bits). */
export const SYNTHETIC_SEED = { default: 1, min: 0, max: 2_147_483_647 } as const;

const thousands = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });
const gotValue = (v: unknown) => gotText(v, false, 'the field is empty or not a number');

/**
 * What is wrong with a generator field as typed (an empty or unreadable number field arrives as null), or
 * '' when it is valid: rows and seed are whole numbers within SYNTHETIC_ROWS and SYNTHETIC_SEED.
 */
export function generatorProblem(name: 'rows' | 'seed', v: unknown): string {
  const { min, max } = name === 'rows' ? SYNTHETIC_ROWS : SYNTHETIC_SEED;
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
    ? ''
    : `Must be a whole number from ${thousands.format(min)} to ${thousands.format(max)}; ${gotValue(v)}.`;
}
const START = Date.UTC(2024, 0, 1);
const STEP = 5 * 60_000;
/** Rows per day at a 5-minute step. */
const DAY = 288;

/** mulberry32: a small, fast, seeded 32-bit generator (uniform in [0, 1)). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(uniform: () => number): () => number {
  return () => {
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

export interface SyntheticSeries {
  /** File name shown on the page, e.g. "synthetic-level-shift-seed-7.csv". */
  name: string;
  columns: string[];
  values: Float64Array[];
  label: Uint8Array;
}

/** Generates the series (numbers, not text). `rows` is clamped to SYNTHETIC_ROWS. */
export function generate(id: GeneratorId, seed: number, rows: number = SYNTHETIC_ROWS.default): SyntheticSeries {
  const n = Math.round(Math.min(SYNTHETIC_ROWS.max, Math.max(SYNTHETIC_ROWS.min, rows)));
  const uniform = mulberry32(seed * 2654435761 + 97);
  const noise = gaussian(uniform);
  const label = new Uint8Array(n);
  const mark = (from: number, to: number) => label.fill(1, Math.max(0, from), Math.min(n, to));
  const daily = (i: number) => Math.sin((2 * Math.PI * i) / DAY);
  const name = `synthetic-${id}-seed-${seed}.csv`;
  // anomalies go in the later part: the forest warms up and the threshold learns on the first quarter
  const at = (fraction: number) => Math.floor(n * fraction);

  if (id === 'correlated') {
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const c = new Float64Array(n);
    const from = at(0.7);
    const to = from + 60;
    for (let i = 0; i < n; i++) {
      const base = daily(i) + 0.3 * Math.sin((2 * Math.PI * i) / (DAY * 7));
      a[i] = 50 + 10 * base + 0.6 * noise();
      const follow = i >= from && i < to ? -base : base; // b mirrors a for a while
      b[i] = 20 + 4 * follow + 0.3 * noise();
      c[i] = 5 - 2 * base + 0.2 * noise();
    }
    mark(from, to);
    return { name, columns: ['a', 'b', 'c'], values: [a, b, c], label };
  }

  const v = new Float64Array(n);
  for (let i = 0; i < n; i++) v[i] = 10 * daily(i) + 0.5 * noise();
  if (id === 'sine-spikes') {
    for (let k = 0; k < 5; k++) {
      const i = at(0.3 + 0.13 * k + 0.05 * uniform());
      const sign = uniform() < 0.5 ? -1 : 1;
      v[i] += sign * (7 + 4 * uniform());
      mark(i - 3, i + 4);
    }
  } else if (id === 'level-shift') {
    const from = at(0.6);
    for (let i = from; i < n; i++) v[i] += 8;
    mark(from, from + 48);
  } else if (id === 'trend-change') {
    const from = at(0.55);
    for (let i = 0; i < n; i++) {
      v[i] = 0.3 * v[i] + (i / DAY) * 0.8 + (i >= from ? ((i - from) / DAY) * 12 : 0);
    }
    mark(from, from + 96);
  } else if (id === 'noise-burst') {
    const from = at(0.65);
    const to = from + DAY / 2;
    for (let i = from; i < Math.min(n, to); i++) v[i] += 3 * noise();
    mark(from, to);
  }
  return { name, columns: ['value'], values: [v], label };
}

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** "2024-01-01 00:05:00" for row i. */
function timeText(i: number): string {
  const d = new Date(START + i * STEP);
  return `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:00`;
}

/** The series as CSV text: timestamp, the value columns (4 decimals), label. */
export function toCsv(series: SyntheticSeries): string {
  const lines = [['timestamp', ...series.columns, 'label'].join(',')];
  const n = series.label.length;
  for (let i = 0; i < n; i++) {
    let line = timeText(i);
    for (const col of series.values) line += ',' + col[i].toFixed(4);
    lines.push(line + ',' + series.label[i]);
  }
  return lines.join('\n') + '\n';
}

export function generatorById(id: string): Generator | undefined {
  return GENERATORS.find((g) => g.id === id);
}
