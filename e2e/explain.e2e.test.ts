/**
 * Explanations: an anomaly event's Explain button (or Enter on a chart's cursor, or a click on an alert dot)
 * opens a panel that says why the row scored as it did: its score, grade and threshold; the score's share
 * by column (too high or too low) and by row of the shingle; the expected value beside the actual one.
 * Escape or Close closes it, and focus goes back to what opened it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { frames, openBrowser, runAxe, SHOTS, waitScored, type Session } from './browser';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openBrowser({ width: 1280, height: 800, colorScheme: 'light' });
  page = s.page;
  await page.goto(inject('baseURL'));
  await waitScored(page);
});

afterAll(async () => {
  await s?.close();
});

/** The open explanation, once explain() answered (its heading names the score). */
const panel = () => page.getByRole('region', { name: /^Why row [\d,]+ scored \d+\.\d{3}$/ });
const anyPanel = () => page.getByRole('region', { name: /^Why row/ });
const eventsRegion = () => page.getByRole('region', { name: 'Anomaly events', exact: true });

/** The percentages of a list of bars ("62.5%"), as numbers. */
async function shares(selector: string): Promise<number[]> {
  const texts = await panel().locator(selector).allInnerTexts();
  return texts.map((t) => {
    expect(t).toMatch(/^\d+\.\d%$/);
    return Number(t.replace('%', ''));
  });
}
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** Does `change`, then waits until a run has started and finished after it. */
async function rescored(change: () => Promise<unknown>): Promise<string> {
  await page.evaluate(() => ((window as unknown as { __statuses: string[] }).__statuses.length = 0));
  await change();
  await page.waitForFunction(() => {
    const st = (window as unknown as { __statuses: string[] }).__statuses;
    const started = st.findIndex((t) => /^(Loading|Warming up|Scoring)/.test(t));
    return started >= 0 && st.slice(started).some((t) => /^Scored /.test(t));
  }, undefined, { timeout: 30_000 });
  return waitScored(page);
}

const activeLabel = () =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return el ? (el.getAttribute('aria-label') ?? el.textContent ?? '') : '';
  });

describe('explanations', () => {
  it('explains the first event of the default dataset: score, shares adding up to 100%, expected beside actual; Escape closes', async () => {
    const why = eventsRegion().getByRole('button', { name: /^Explain event 1 at / });
    await why.click();
    await panel().waitFor({ timeout: 30_000 });
    const heading = await panel().getByRole('heading', { level: 2 }).innerText();
    expect(heading).toMatch(/^Why row [\d,]+ scored \d+\.\d{3}$/);

    const text = await panel().innerText();
    // time and row, score, threshold, grade (an alert), in text
    expect(text).toMatch(/time\s+20\d\d-\d\d-\d\d \d\d:\d\d UTC/);
    expect(text).toMatch(/threshold\s+\d+\.\d{3}/);
    expect(text).toMatch(/grade\s+(0\.\d\d|1\.00|<0\.01) \(an alert/);
    // one column (value): all of the score, too high or too low
    const byColumn = await shares('.column .share');
    expect(byColumn.length).toBe(1);
    expect(Math.abs(sum(byColumn) - 100)).toBeLessThanOrEqual(0.1);
    expect(text).toMatch(/value\s+100\.0% of the score, too (high|low)/);
    // the alerting row: the expected value beside the actual one
    const values = await panel().locator('.column .values').innerText();
    expect(values).toMatch(/^expected about -?[\d,.]+, was -?[\d,.]+$/);
    // and the words agree with them: too high when it was above what would have looked normal
    const [expectedValue, actualValue] = [...values.matchAll(/-?[\d,.]*\d/g)].map((m) => Number(m[0].replace(/,/g, '')));
    expect(text).toMatch(actualValue > expectedValue! ? /100\.0% of the score, too high/ : /100\.0% of the score, too low/);
    // a summary sentence on the top contribution
    expect(await panel().locator('.summary').innerText()).toMatch(/^Top contribution: value, too (high|low) \(100\.0% of the score\)\./);
    // shingleSize 1: no bars by row of the shingle, said in words
    expect(text).toMatch(/shingleSize is 1/);

    // the panel has focus; Escape closes it and focus goes back to the button
    expect(await page.evaluate(() => document.activeElement?.closest('section')?.getAttribute('aria-labelledby') ?? '')).not.toBe('');
    await frames(page);
    await panel().screenshot({ path: `${SHOTS}/explain-default.png` });
    await page.screenshot({ path: `${SHOTS}/explain-default-page.png`, fullPage: true });
    await page.keyboard.press('Escape');
    expect(await anyPanel().count()).toBe(0);
    expect(await activeLabel()).toMatch(/^Explain event 1 at /);

    // Enter on the focused chart's cursor row opens it too; Close closes it and focus goes back to the chart
    const chart = page.getByRole('img', { name: /^Values/ });
    await chart.focus();
    await page.keyboard.press('ArrowRight'); // the cursor appears in the middle of the range shown (the event)
    await page.keyboard.press('Enter');
    await panel().waitFor({ timeout: 30_000 });
    await panel().getByRole('button', { name: 'Close the explanation' }).click();
    expect(await anyPanel().count()).toBe(0);
    expect(await activeLabel()).toMatch(/^Values/);
    expect(s.errors).toEqual([]);
  });

  it('on an uploaded 2-column CSV with shingleSize 4: bars by row of the shingle; the spiking column has the largest share', async () => {
    const rows = 1200;
    const spike = 900;
    let seed = 7;
    const noise = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648 - 0.5;
    };
    const lines = ['flow,latency'];
    for (let i = 0; i < rows; i++) {
      const flow = 10 + Math.sin((2 * Math.PI * i) / 60) + 0.05 * noise();
      let latency = 20 + 2 * Math.cos((2 * Math.PI * i) / 90) + 0.1 * noise();
      if (i === spike) latency += 15;
      lines.push(`${flow.toFixed(4)},${latency.toFixed(4)}`);
    }
    await page.getByLabel('Upload a CSV file').setInputFiles({ name: 'two-columns.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
    await page.getByRole('img', { name: 'Values: flow over row' }).waitFor();
    await waitScored(page);
    await rescored(() => page.getByLabel('Score all columns together').check());
    await rescored(() => page.getByLabel('shingleSize', { exact: true }).fill('4'));
    await page.getByRole('img', { name: 'Anomaly score: score of flow, latency over row' }).waitFor();

    // the event with the highest peak: the latency spike
    const sortBy = eventsRegion().getByLabel('Sort by'); // only with more than one event
    if (await sortBy.count()) await sortBy.selectOption('score');
    await eventsRegion().getByRole('button', { name: /^Explain event \d+ at / }).first().click();
    await panel().waitFor({ timeout: 30_000 });
    const row = Number((/^Why row ([\d,]+)/.exec(await panel().getByRole('heading', { level: 2 }).innerText())![1]).replace(/,/g, ''));
    expect(row - 1).toBeGreaterThanOrEqual(spike); // shown 1-based; the spike is inside the shingle
    expect(row - 1).toBeLessThan(spike + 4);

    // by column: flow and latency, adding up to 100%, latency (the spike, too high) the largest
    const names = await panel().locator('.column .name').allInnerTexts();
    expect(names).toEqual(['flow', 'latency']);
    const byColumn = await shares('.column .share');
    expect(Math.abs(sum(byColumn) - 100)).toBeLessThanOrEqual(0.2);
    expect(byColumn[1]).toBeGreaterThan(byColumn[0]);
    expect(await panel().locator('.column').nth(1).innerText()).toMatch(/too high/);

    // by row of the shingle: four bars, newest first, adding up to 100%; the spike's row has the largest
    const offsets = await panel().locator('.offset .name').allInnerTexts();
    expect(offsets).toEqual(['this row', '1 step ago', '2 steps ago', '3 steps ago']);
    const byOffset = await shares('.offset .share');
    expect(Math.abs(sum(byOffset) - 100)).toBeLessThanOrEqual(0.2);
    const top = byOffset.indexOf(Math.max(...byOffset));
    expect(top).toBe(row - 1 - spike); // "k steps ago" is the spike's row
    expect(await panel().locator('.offset .track').count()).toBe(4);
    // the summary names the top contribution: latency, most of it from k steps ago; the value it quotes is
    // said to be this row's (the row explained), not the row k steps ago
    const summary = await panel().locator('.summary').innerText();
    expect(summary).toMatch(
      new RegExp(`^Top contribution: latency \\(\\d+\\.\\d% of the score\\), most of it from ${offsets[top]} \\(\\d+\\.\\d%\\)\\.`),
    );
    expect(summary).toMatch(/( In this row latency was -?[\d,.]+, too (high|low): about -?[\d,.]+ would have looked normal\.| Over the shingle, latency is mostly too high\.)$/);

    await frames(page);
    await panel().screenshot({ path: `${SHOTS}/explain-upload-shingle4.png` });
    // no serious or critical axe-core violations with the panel open, light and dark
    const bad = async () =>
      (await runAxe(page))
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.impact} ${v.id}: ${v.help} ${v.nodes.join(' ')}`)
        .join('\n');
    expect(await bad()).toBe('');
    await page.getByLabel('Theme').selectOption('dark');
    await frames(page);
    expect(await bad()).toBe('');
    await panel().screenshot({ path: `${SHOTS}/explain-upload-shingle4-dark.png` });
    await panel().focus();
    await page.keyboard.press('Escape');
    expect(await anyPanel().count()).toBe(0);

    // a click on the alert dot (the cursor still marks the row explained) opens it again
    const dot = page.getByRole('img', { name: /^Values/ }).locator('.dot');
    await page.getByRole('img', { name: /^Values/ }).scrollIntoViewIfNeeded();
    const box = (await dot.boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await panel().waitFor({ timeout: 30_000 });
    expect(await panel().getByRole('heading', { level: 2 }).innerText()).toMatch(new RegExp(`^Why row ${row} scored`));
    await page.keyboard.press('Escape');
    expect(await anyPanel().count()).toBe(0);
    expect(s.errors).toEqual([]);
  });
});
