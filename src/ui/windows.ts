/**
 * NAB's labelled anomaly windows (public/datasets/windows.json: file name → list of [start, end] as
 * 'YYYY-MM-DD HH:MM:SS.ffffff', UTC), as epoch-millisecond pairs for shading the charts; and fetching
 * the page's label files once. (Checking them against the data: labels.ts.)
 */

export type Window = [start: number, end: number];

const NAB_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?Z?$/;

/** '2013-12-10 06:25:00.000000' → epoch ms (UTC); NaN when the text is not such a time. */
export function parseNabTime(text: string): number {
  const m = NAB_TIME.exec(text.trim());
  if (!m) return NaN;
  const [, y, mo, d, h, mi, s = '0', frac = '0'] = m;
  const ms = Math.round(Number(`0.${frac}`) * 1000);
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, ms);
}

/** The windows listed for `fileName` in a parsed windows.json; [] when it has none. */
export function windowsFor(json: unknown, fileName: string): Window[] {
  if (!json || typeof json !== 'object') return [];
  const list = (json as Record<string, unknown>)[fileName];
  if (!Array.isArray(list)) return [];
  const out: Window[] = [];
  for (const pair of list) {
    if (!Array.isArray(pair) || pair.length !== 2) continue;
    const a = parseNabTime(String(pair[0]));
    const b = parseNabTime(String(pair[1]));
    if (Number.isFinite(a) && Number.isFinite(b) && b >= a) out.push([a, b]);
  }
  return out;
}

const cache = new Map<string, Promise<unknown>>();

/** Fetches a JSON file of datasets/ once (relative to the page); a failure gives null, not an error. */
export function loadDatasetJson(file: 'windows.json' | 'labels.json'): Promise<unknown> {
  let p = cache.get(file);
  if (!p) {
    p = fetch(`datasets/${file}`)
      .then((r) => (r.ok ? r.json() : null))
      .catch(() => null);
    cache.set(file, p);
  }
  return p;
}
