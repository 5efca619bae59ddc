/**
 * The first path: the page opens, loads the built-in NAB dataset, scores all of it while the charts fill,
 * and shades NAB's labelled windows. Reports (does not assert) long tasks and the load-to-scored time.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  canvasInk, describeLongTasks, describeTasks, formatCount, longTasks, openBrowser, SHOTS, statusHistory, statusText, traceTasks,
  waitScored, type Session,
} from './browser';

const ROWS = 22_695;
/** Rows with no score: the first max(outputAfter = 256 / 4, shingleSize − 1 = 0) = 64. */
const WARM_UP = 64;

let s: Session;

beforeAll(async () => {
  s = await openBrowser({ width: 1280, height: 800, colorScheme: 'light' });
});

afterAll(async () => {
  await s?.close();
});

describe('built-in dataset', () => {
  it('loads and scores all of machine_temperature_system_failure.csv, charts filling as chunks arrive', async () => {
    const { page } = s;
    const stopTrace = await traceTasks(s.ctx, page);
    const started = Date.now();
    await page.goto(inject('baseURL'));

    // both charts, found by their accessible names
    const values = page.getByRole('img', { name: /Values/ });
    const score = page.getByRole('img', { name: /Anomaly score/ });
    await values.waitFor({ timeout: 30_000 });
    await score.waitFor();
    // mid-run picture (best effort: on a fast machine the run may be over already)
    const scoring = page.getByRole('status').filter({ hasText: /^(Scoring|Scored)/ });
    await scoring.waitFor();
    if (/^Scoring/.test(await statusText(page))) await page.screenshot({ path: `${SHOTS}/default-streaming.png` });

    const text = await waitScored(page);
    const wallMs = Date.now() - started;
    const tasks = await stopTrace();
    expect(text).toMatch(/Scored 22,6\d\d points/);
    expect(text).toContain(`Scored ${formatCount(ROWS - WARM_UP)} points in `);
    expect(text).toMatch(/ in [\d.]+ (s|ms)$/);
    expect(await page.getByRole('alert').innerText()).toBe('');

    // the status went loading → warming up → "Scoring… N of M rows" with N rising → "Scored …"
    const history = await statusHistory(page);
    expect(history[0]).toMatch(/^Loading machine_temperature_system_failure\.csv/);
    expect(history.some((t) => /^Warming up/.test(t))).toBe(true);
    const progress = history
      .map((t) => /^Scoring… ([\d,]+) of 22,695 rows$/.exec(t))
      .filter((m) => m !== null)
      .map((m) => Number(m[1].replace(/,/g, '')));
    expect(progress.length).toBeGreaterThanOrEqual(5); // the charts filled in several steps
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[progress.length - 1]).toBe(ROWS);
    expect(history[history.length - 1]).toBe(text);

    // names and headings
    expect(await values.getAttribute('aria-label')).toBe('Values: value over time');
    expect(await score.getAttribute('aria-label')).toBe('Anomaly score: score of value over time');
    await page.getByRole('heading', { name: 'Values' }).waitFor();
    await page.getByRole('heading', { name: 'Anomaly score' }).waitFor();

    // NAB's four labelled windows are shaded on both charts
    expect(await values.locator('rect.band').count()).toBe(4);
    expect(await score.locator('rect.band').count()).toBe(4);

    // canvases are not blank: the lines reach across the plot (give the last frame a moment)
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const vInk = await canvasInk(page, /Values/);
    const sInk = await canvasInk(page, /Anomaly score/);
    expect(vInk.painted).toBeGreaterThan(2000);
    expect(vInk.columns).toBeGreaterThan(vInk.width * 0.95);
    expect(sInk.painted).toBeGreaterThan(2000);
    expect(sInk.columns).toBeGreaterThan(sInk.width * 0.9);

    // the column selector offers the one numeric column; controls are labelled
    const column = page.getByLabel('Column to score');
    expect(await column.locator('option').allInnerTexts()).toEqual(['value']);
    for (const name of ['numberOfTrees', 'sampleSize', 'shingleSize', 'seed']) {
      await page.getByLabel(name, { exact: true }).waitFor();
    }
    expect(await page.getByLabel('numberOfTrees', { exact: true }).inputValue()).toBe('50');
    await page.getByRole('button', { name: /Download/ }).waitFor();
    expect(await page.getByRole('button', { name: /Download/ }).isEnabled()).toBe(true);

    await page.screenshot({ path: `${SHOTS}/default-light-1280.png` });

    // hover readout: the cursor over the score chart shows time, value and score
    const box = (await score.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2);
    const readout = await page.locator('.readout').innerText();
    expect(readout).toMatch(/Cursor/);
    expect(readout).toMatch(/20\d\d-\d\d-\d\d \d\d:\d\d UTC/);
    expect(readout).toMatch(/score\s+\d+\.\d{3}/);
    await page.screenshot({ path: `${SHOTS}/default-hover.png` });

    const lt = await longTasks(page);
    console.log(
      `[e2e] built-in dataset: "${text}"; navigation → "Scored": ${lt?.scoredAt?.toFixed(0)} ms in the page ` +
        `(scoring started at ${lt?.scoringAt?.toFixed(0)} ms; ${wallMs} ms wall clock from goto); ${describeLongTasks(lt)}`,
    );
    console.log(`[e2e] ${describeTasks(tasks)}`);
    expect(s.errors).toEqual([]);
  });

  it('is keyboard operable: Tab reaches the controls and the charts; arrow keys move the cursor', async () => {
    const { page } = s;
    await page.mouse.move(0, 0);
    const values = page.getByRole('img', { name: /Values/ });
    await values.focus();
    await page.keyboard.press('End');
    let readout = await page.locator('.readout').innerText();
    expect(readout).toMatch(/2014-02-19/); // the last row
    await page.keyboard.press('Home');
    readout = await page.locator('.readout').innerText();
    expect(readout).toMatch(/2013-12-02 21:15 UTC/); // the first row
    expect(readout).toMatch(/none \(warming up\)/);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Shift+ArrowRight');

    // Tab order passes every control, then the charts
    // from the page's first control (the theme picker in the header), Tab through the rest
    await page.getByLabel('Theme').focus();
    const seen: string[] = [];
    // (the page has more controls now: dataset, every option, share and export, zoom; the charts come after them)
    for (let i = 0; i < 80 && !seen.includes('Anomaly score: score of value over time'); i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        if (!el) return '';
        const id = el.id ? document.querySelector(`label[for="${el.id}"]`)?.textContent : null;
        return (id ?? el.getAttribute('aria-label') ?? el.textContent ?? el.tagName).trim();
      }));
    }
    expect(seen).toEqual(expect.arrayContaining([
      'Dataset', 'Upload a CSV file', 'Column to score', 'Download scores (CSV)', 'numberOfTrees', 'sampleSize', 'shingleSize',
      'timeDecay', 'outputAfter', 'scoringMode', 'z', 'missingValues', 'normalize', 'seed', 'Run', 'Copy link',
      'Save charts as PNG', 'Save charts as SVG', 'Values: value over time', 'Anomaly score: score of value over time',
    ]));
    await page.getByLabel('seed', { exact: true }).focus();
    await page.screenshot({ path: `${SHOTS}/default-focus.png` });
  });

  it('Run during a run cancels the stale run; Stop stops one (what was scored stays)', async () => {
    const { page } = s;
    const status = page.getByRole('status');
    const trees = page.getByLabel('numberOfTrees', { exact: true });
    await trees.fill('200'); // a slower run, so that there is time to act during it
    await page.getByRole('button', { name: 'Run' }).click();
    await status.filter({ hasText: /^Scoring… / }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    const stopped = await status.innerText();
    expect(stopped).toMatch(/^Stopped after [\d,]+ of 22,695 rows\. Press Run to score again\.$/);
    const at = Number(/after ([\d,]+)/.exec(stopped)![1].replace(/,/g, ''));
    expect(at).toBeLessThan(ROWS);
    await page.waitForTimeout(300);
    expect(await status.innerText()).toBe(stopped); // the worker stopped too: no chunk moved it on
    expect(await page.getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true);
    // what was scored stays usable: it can be downloaded, and the file holds the rows shown, no more (a chunk
    // on its way when Stop was pressed is kept by neither)
    await expect.poll(() => page.getByRole('button', { name: /Download/ }).isEnabled()).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download/ }).click()]);
    const lines = readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
    const score = lines[0].split(',').indexOf('score');
    const scoredRows = lines.slice(1).map((l) => l.split(',')[score] !== '');
    expect(scoredRows.lastIndexOf(true)).toBe(at - 1);
    // a model is saved from a complete run: Save model is off, and says why
    const save = page.getByRole('button', { name: 'Save model' });
    expect(await save.isDisabled()).toBe(true);
    expect(await page.locator(`[id="${await save.getAttribute('aria-describedby')}"]`).innerText()).toBe(
      `A model is saved from a run that scored every row; this one was stopped after ${formatCount(at)} of 22,695 rows. Press Run to score them all.`,
    );

    // two runs back to back: the first is cancelled, only the second one reports
    await trees.fill('50');
    await page.getByRole('button', { name: 'Run' }).click();
    await status.filter({ hasText: /^Scoring… / }).waitFor();
    await page.evaluate(() => ((window as unknown as { __statuses: string[] }).__statuses.length = 0));
    await page.getByRole('button', { name: 'Run' }).click();
    const text = await waitScored(page);
    expect(text).toMatch(/^Scored 22,631 points in /);
    const all = await statusHistory(page);
    const restart = all.map((t) => t.startsWith('Warming up')).lastIndexOf(true);
    expect(restart).toBeGreaterThanOrEqual(0);
    const history = all.slice(restart);
    const progress = history
      .map((t) => /^Scoring… ([\d,]+) of/.exec(t))
      .filter((m) => m !== null)
      .map((m) => Number(m[1].replace(/,/g, '')));
    // from the second run's start, the count only rises, and one run reports
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(all.filter((t) => t.startsWith('Scored')).length).toBe(1);
    expect(s.errors).toEqual([]);
  });

  it('follows prefers-color-scheme: dark theme redraws the charts in dark colours', async () => {
    const { page } = s;
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(20, 23, 27)');
    const ink = await canvasInk(page, /Values/);
    expect(ink.painted).toBeGreaterThan(2000);
    await page.screenshot({ path: `${SHOTS}/default-dark-1280.png` });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('works narrower (800 and 480 px wide) without horizontal scrolling', async () => {
    const { page } = s;
    for (const width of [800, 480]) {
      await page.setViewportSize({ width, height: 900 });
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const ink = await canvasInk(page, /Anomaly score/);
      expect(ink.columns).toBeGreaterThan(ink.width * 0.9);
      await page.screenshot({ path: `${SHOTS}/default-light-${width}.png`, fullPage: true });
    }
    expect(s.errors).toEqual([]);
    expect(await statusText(page)).toMatch(/^Scored 22,631 points/);
  });
});
