/**
 * The page's state in its URL hash, so that a link restores what was on screen: the dataset (a built-in
 * file, or a generator with its seed and rows; an uploaded file cannot travel in a link), the column,
 * the options that differ from their defaults, and the x range shown.
 *
 *   #data=nab:nyc_taxi.csv&column=value&numberOfTrees=100&z=2.5&from=2014-11-01T00:00:00Z&to=2014-11-03T00:00:00Z
 *   #data=synthetic:correlated&generatorSeed=7&rows=4000&column=a&columns=all
 */
import { builtInByFile, type DatasetSource } from './datasets';
import { generatorById, generatorProblem, SYNTHETIC_ROWS, SYNTHETIC_SEED, type GeneratorId } from './synthetic';
import { DEFAULT_SETTINGS, parseSetting, SETTING_KEYS, type Settings } from './settings';
import type { Range } from './view';

export interface SharedState {
  source: DatasetSource | null;
  column: string | null;
  /** All numeric columns scored together. */
  together: boolean;
  /** Only the settings the link names. */
  settings: Partial<Settings>;
  /** The x range shown, or null for all of it. */
  view: Range | null;
}

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

/** The hash (without '#') for a state; `timeAxis` says whether the range is in epoch ms. */
export function encodeState(state: SharedState, timeAxis: boolean): string {
  const p = new URLSearchParams();
  const s = state.source;
  if (s?.kind === 'builtin') p.set('data', `nab:${s.file}`);
  else if (s?.kind === 'upload') p.set('data', `upload:${s.name}`);
  else if (s?.kind === 'synthetic') {
    p.set('data', `synthetic:${s.generator}`);
    p.set('generatorSeed', String(s.seed));
    p.set('rows', String(s.rows));
  }
  if (state.column) p.set('column', state.column);
  if (state.together) p.set('columns', 'all');
  for (const key of SETTING_KEYS) {
    const v = state.settings[key];
    // an empty or unreadable field (null, where the default is a number) is left out: the link keeps the default
    if (v === undefined || v === null || v === DEFAULT_SETTINGS[key]) continue;
    p.set(key, String(v));
  }
  if (state.view) {
    const [a, b] = state.view;
    p.set('from', timeAxis ? iso(Math.round(a)) : String(Math.round(a * 1000) / 1000));
    p.set('to', timeAxis ? iso(Math.round(b)) : String(Math.round(b * 1000) / 1000));
  }
  return p.toString().replace(/%3A/gi, ':').replace(/%2C/gi, ',');
}

/** Reads a hash (with or without '#'); what cannot be read is left out and listed in `problems`. */
export function decodeState(hash: string): SharedState & { problems: string[] } {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const problems: string[] = [];
  let source: DatasetSource | null = null;
  const data = p.get('data');
  if (data) {
    const [kind, id = ''] = data.split(/:(.*)/s);
    if (kind === 'nab' && builtInByFile(id)) source = { kind: 'builtin', file: id };
    else if (kind === 'synthetic' && generatorById(id)) {
      const seed = Number(p.get('generatorSeed') ?? 1);
      const rowsText = p.get('rows');
      const rows = rowsText === null ? SYNTHETIC_ROWS.default : rowsText.trim() === '' ? NaN : Number(rowsText);
      const n = (v: number) => v.toLocaleString('en-US');
      if (Number.isInteger(rows) && (rows < SYNTHETIC_ROWS.min || rows > SYNTHETIC_ROWS.max)) {
        problems.push(`The link asks for ${n(rows)} generated rows; generated series have ${n(SYNTHETIC_ROWS.min)} to ${n(SYNTHETIC_ROWS.max)}, so the nearest is used.`);
      } else if (!Number.isInteger(rows)) {
        const asked = rowsText!.trim() === '' ? 'The link’s rows= is empty' : `The link asks for ${JSON.stringify(rowsText)} generated rows`;
        problems.push(`${asked}; rows are whole numbers from ${n(SYNTHETIC_ROWS.min)} to ${n(SYNTHETIC_ROWS.max)}, so ${n(SYNTHETIC_ROWS.default)} are used.`);
      }
      if (generatorProblem('seed', seed)) {
        problems.push(`The link asks for generator seed ${p.get('generatorSeed')}; seeds are whole numbers from 0 to ${SYNTHETIC_SEED.max.toLocaleString('en-US')}, so seed ${SYNTHETIC_SEED.default} is used.`);
      }
      source = {
        kind: 'synthetic',
        generator: id as GeneratorId,
        seed: generatorProblem('seed', seed) ? SYNTHETIC_SEED.default : seed,
        rows: Number.isInteger(rows) ? Math.min(SYNTHETIC_ROWS.max, Math.max(SYNTHETIC_ROWS.min, rows)) : SYNTHETIC_ROWS.default,
      };
    } else if (kind === 'upload') {
      problems.push(
        `This link was made for an uploaded file (${id || 'a file'}), which never left the page it was opened in: ` +
          'the built-in dataset is shown with the link\'s options. Upload the file again to see it.',
      );
    } else problems.push(`The link names a dataset this page does not have ("${data}"); the built-in dataset is shown.`);
  }
  const settings: Partial<Settings> = {};
  for (const key of SETTING_KEYS) {
    const text = p.get(key);
    if (text === null) continue;
    const v = parseSetting(key, text);
    if (v === undefined) problems.push(`The link's ${key} ("${text}") is not a valid value; the default is used.`);
    else (settings as Record<string, unknown>)[key] = v;
  }
  let view: Range | null = null;
  const from = p.get('from');
  const to = p.get('to');
  if (from !== null && to !== null) {
    const a = readX(from);
    const b = readX(to);
    if (Number.isFinite(a) && Number.isFinite(b) && b > a) view = [a, b];
    else problems.push(`The link's range (${from} to ${to}) could not be read; all rows are shown.`);
  }
  return { source, column: p.get('column'), together: p.get('columns') === 'all', settings, view, problems };
}

function readX(text: string): number {
  return /^\d{4}-\d\d-\d\dT/.test(text) ? Date.parse(text) : Number(text);
}
