/**
 * Shared helpers of the end-to-end tests: a fresh headless Chromium (Debian's /usr/bin/chromium, no
 * downloaded browser), page-error collection, a long-task probe, canvas pixel checks, screenshots.
 */
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SHOTS = 'test-results';

export interface Session {
  ctx: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Probe injected before any page script: records long tasks, and when the status first says scoring started and "Scored". */
const PROBE = `(() => {
  window.__longTasks = [];
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { window.__longTasks = null; }
  window.__scoringAt = null;
  window.__scoredAt = null;
  window.__statuses = [];
  const watch = () => {
    const s = document.querySelector('[role="status"]');
    const text = s ? s.textContent || '' : '';
    if (text && window.__statuses[window.__statuses.length - 1] !== text) window.__statuses.push(text);
    if (window.__scoringAt === null && /^(Warming up|Scoring)/.test(text)) {
      window.__scoringAt = performance.now();
      performance.mark('e2e:scoring');
    }
    if (window.__scoredAt === null && /^Scored /.test(text)) {
      window.__scoredAt = performance.now();
      performance.mark('e2e:scored');
    }
  };
  new MutationObserver(watch).observe(document, { subtree: true, childList: true, characterData: true });
})();`;

export async function openBrowser(options: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<Session> {
  const profile = mkdtempSync(join(tmpdir(), 'rcf-e2e-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
  });
  await ctx.addInitScript(PROBE);
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
  });
  mkdirSync(SHOTS, { recursive: true });
  return {
    ctx,
    page,
    errors,
    async close() {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A fresh browser on the page at `url` (the playground), once its dataset is scored. */
export async function openScored(url: string, options: Parameters<typeof openBrowser>[0] = {}): Promise<Session> {
  const s = await openBrowser(options);
  await s.page.goto(url);
  await waitScored(s.page);
  return s;
}

export interface LongTaskReport {
  /** Long tasks from navigation until scoring started (page start-up, parsing, mounting the charts). */
  before: { count: number; max: number };
  /** Long tasks while scoring ran (from the first "Warming up"/"Scoring" status to "Scored"). */
  during: { count: number; max: number };
  all: { count: number; max: number; total: number };
  /** Milliseconds from navigation start to the first scoring status, and to "Scored …". */
  scoringAt: number | null;
  scoredAt: number | null;
}

/** Long tasks seen so far (null when the browser does not report them), split around the scoring run. */
export async function longTasks(page: Page): Promise<LongTaskReport | null> {
  return page.evaluate(() => {
    const w = window as unknown as {
      __longTasks: { start: number; duration: number }[] | null;
      __scoringAt: number | null;
      __scoredAt: number | null;
    };
    const list = w.__longTasks;
    if (!list) return null;
    const from = w.__scoringAt ?? Infinity;
    const to = w.__scoredAt ?? Infinity;
    const pick = (f: (t: { start: number; duration: number }) => boolean) => {
      const l = list.filter(f);
      return { count: l.length, max: l.reduce((m, t) => Math.max(m, t.duration), 0) };
    };
    return {
      before: pick((t) => t.start < from),
      during: pick((t) => t.start >= from && t.start <= to),
      all: { ...pick(() => true), total: list.reduce((sum, t) => sum + t.duration, 0) },
      scoringAt: w.__scoringAt,
      scoredAt: w.__scoredAt,
    };
  });
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
}

export interface TaskStats {
  count: number;
  /** Longest task: wall-clock and main-thread CPU milliseconds. */
  maxWall: number;
  maxCpu: number;
  /** Tasks over 50 ms: by wall clock (what a person waits) and by CPU time (work this page did). */
  over50Wall: number;
  over50Cpu: number;
}

/**
 * Records the page's main-thread tasks with Chrome tracing (wall clock and CPU time each). On a shared,
 * busy machine wall-clock long tasks also count time the thread waited for a core; CPU time is the
 * page's own work. Start before navigating; `stop` splits them at the probe's "scoring"/"scored" marks.
 */
export async function traceTasks(ctx: BrowserContext, page: Page) {
  const cdp = await ctx.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => void events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', {
    categories: 'disabled-by-default-devtools.timeline,devtools.timeline,toplevel,blink.user_timing',
    transferMode: 'ReportEvents',
  });
  return async (): Promise<{ before: TaskStats; during: TaskStats } | null> => {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
    const scoring = events.find((e) => e.name === 'e2e:scoring');
    const scored = events.find((e) => e.name === 'e2e:scored');
    if (!scoring || !scored) return null;
    const tasks = events.filter((e) => e.ph === 'X' && e.name === 'RunTask' && e.pid === scoring.pid && e.tid === scoring.tid);
    const stats = (list: TraceEvent[]): TaskStats => ({
      count: list.length,
      maxWall: Math.max(0, ...list.map((t) => (t.dur ?? 0) / 1000)),
      maxCpu: Math.max(0, ...list.map((t) => (t.tdur ?? 0) / 1000)),
      over50Wall: list.filter((t) => (t.dur ?? 0) > 50_000).length,
      over50Cpu: list.filter((t) => (t.tdur ?? 0) > 50_000).length,
    });
    // the task that started the run (and set the status) ends after the mark: count it as "before"
    const startedIn = (t: TraceEvent) => t.ts <= scoring.ts && t.ts + (t.dur ?? 0) >= scoring.ts;
    return {
      before: stats(tasks.filter((t) => t.ts < scoring.ts || startedIn(t))),
      during: stats(tasks.filter((t) => t.ts > scoring.ts && t.ts <= scored.ts && !startedIn(t))),
    };
  };
}

export function describeTasks(t: { before: TaskStats; during: TaskStats } | null): string {
  if (!t) return 'main-thread tasks: no trace';
  const f = (x: TaskStats) =>
    `${x.count} tasks, longest ${x.maxWall.toFixed(0)} ms wall / ${x.maxCpu.toFixed(0)} ms CPU, ` +
    `over 50 ms: ${x.over50Wall} by wall clock, ${x.over50Cpu} by CPU`;
  return `main-thread tasks (Chrome trace): before scoring: ${f(t.before)}; while scoring: ${f(t.during)}`;
}

/** Every text the status showed, in order (recorded by the probe). */
export function statusHistory(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses.slice());
}

/** One line for the test output. */
export function describeLongTasks(r: LongTaskReport | null): string {
  if (!r) return 'long tasks: not reported by this browser';
  const f = (x: { count: number; max: number }) => `${x.count} (max ${x.max.toFixed(0)} ms)`;
  return `long tasks: ${f(r.all)} in all; before scoring started ${f(r.before)}; while scoring ${f(r.during)}`;
}

/** Painted pixels of the canvas inside the chart named `name`, and how many distinct columns have paint. */
export async function canvasInk(page: Page, name: RegExp): Promise<{ painted: number; columns: number; width: number }> {
  const chart = page.getByRole('img', { name });
  return chart.locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const ctx = c.getContext('2d')!;
    const { data, width, height } = ctx.getImageData(0, 0, c.width, c.height);
    let painted = 0;
    const cols = new Uint8Array(width);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (data[(y * width + x) * 4 + 3] > 0) {
          painted++;
          cols[x] = 1;
        }
      }
    }
    return { painted, columns: cols.reduce((a, b) => a + b, 0), width };
  });
}

/** Accessible text of the status (role="status"). */
export function statusText(page: Page): Promise<string> {
  return page.getByRole('status').innerText();
}

/** Waits until the status says the run is finished: "Scored N points in T". */
export async function waitScored(page: Page, timeout = 60_000): Promise<string> {
  const status = page.getByRole('status');
  await status.filter({ hasText: /^Scored [\d,]+ points in / }).waitFor({ timeout });
  return status.innerText();
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat('en-US').format(n);
}

/** A small RFC 4180 reader for checking downloads: quoted fields, doubled quotes, CRLF or LF. */
export function readCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += ch;
  }
  if (cell !== '' || row.length) {
    row.push(cell);
    rows.push(row);
  }
  return rows;
}

/** Waits for two animation frames (the charts draw on the next one). */
export function frames(page: Page): Promise<unknown> {
  return page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

/** The text of the zoom toolbar's range: "Showing <from> – <to> (N rows)". */
export function rangeShown(page: Page): Promise<string> {
  return page.getByRole('toolbar', { name: 'Zoom' }).getByText(/^Showing /).innerText();
}

/** Rows in the range shown, from the zoom toolbar. */
export async function rowsShown(page: Page): Promise<number> {
  const m = /\(([\d,]+) rows\)/.exec(await rangeShown(page));
  return m ? Number(m[1].replace(/,/g, '')) : NaN;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/** Runs axe-core (node_modules/axe-core) on the page as it is; returns the violations, worst first. */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const { readFileSync } = await import('node:fs');
  const source = readFileSync('node_modules/axe-core/axe.min.js', 'utf8');
  await page.addScriptTag({ content: source });
  const result = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => JSON.stringify(n.target)) }));
  });
  const rank: Record<string, number> = { critical: 0, serious: 1, moderate: 2, minor: 3 };
  return result.sort((a, b) => (rank[a.impact ?? 'minor'] ?? 4) - (rank[b.impact ?? 'minor'] ?? 4));
}
