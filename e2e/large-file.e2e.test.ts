/**
 * A large file: it is read in the worker slice by slice with a progress bar (rows, bytes, rate); Stop in
 * the middle of reading keeps the rows read so far, which are then scored; Stop in the middle of scoring
 * keeps what was scored; the page stays usable and the download holds the rows read. The file (about
 * 150 MB, generated here) is handed to the file input by path, as a person's file would be.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { openBrowser, SHOTS, statusText, waitScored, type Session } from './browser';

const ROWS = 5_000_000;

/** "time,value,count" rows, one a second: about 31 bytes a row. */
function bigCsv(path: string): number {
  const start = Date.UTC(2024, 0, 1);
  const parts: string[] = ['time,value,count\n'];
  let chunk = '';
  for (let r = 0; r < ROWS; r++) {
    chunk += `${new Date(start + r * 1000).toISOString().slice(0, 19)},${(Math.sin(r / 300) * 20 + (r % 97) / 10).toFixed(3)},${r % 1000}\n`;
    if (chunk.length > 1 << 20) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  const text = parts.join('');
  writeFileSync(path, text);
  return Buffer.byteLength(text);
}

let s: Session;
let page: Page;
let dir: string;
let file: string;
let bytes: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'rcf-large-'));
  file = join(dir, 'big-sensor.csv');
  bytes = bigCsv(file);
  s = await openBrowser({ width: 1280, height: 800 });
  page = s.page;
  await page.goto(inject('baseURL'));
  await waitScored(page);
}, 120_000);

afterAll(async () => {
  await s?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const mb = (n: number) => n / 1e6;

describe('a large file', () => {
  it('shows reading progress; Stop keeps the rows read, which are scored; Stop again keeps the scores', async () => {
    expect(mb(bytes)).toBeGreaterThan(150);
    await page.getByLabel('Upload a CSV file').setInputFiles(file);

    // progress: rows, bytes of the total and a rate, and a progress bar of bytes
    const status = page.getByRole('status');
    await status.filter({ hasText: /^Reading big-sensor\.csv… [\d,]+ rows · [\d.]+ of \d+ MB · [\d.]+ MB\/s$/ }).waitFor({ timeout: 30_000 });
    const bar = page.getByRole('progressbar', { name: 'Bytes of the file read' });
    await expect.poll(async () => Number(await bar.getAttribute('value')), { timeout: 30_000 }).toBeGreaterThan(8e6);
    expect(Number(await bar.getAttribute('max'))).toBe(bytes);
    const before = await statusText(page);
    console.log(`while reading: ${before}`);

    // Stop while reading: what was read is loaded and scored
    const stop = page.getByRole('button', { name: 'Stop' });
    await stop.click();
    await status.filter({ hasText: /^(Warming up|Scoring)/ }).waitFor({ timeout: 30_000 });
    const notes = page.getByText(/^Reading stopped at your request after [\d,]+ rows \([\d.]+ MB of \d+ MB\); those rows are loaded\.$/);
    await notes.waitFor({ state: 'attached' });
    const kept = Number(/after ([\d,]+) rows/.exec((await notes.textContent()) ?? '')![1].replace(/,/g, ''));
    expect(kept).toBeGreaterThan(200_000);
    expect(kept).toBeLessThan(ROWS);
    console.log(`kept ${kept} rows after Stop`);

    // the scoring run goes over exactly those rows: Stop it midway, the rows scored stay
    await status.filter({ hasText: /^Scoring… [\d,]+ of / }).waitFor({ timeout: 30_000 });
    expect(await statusText(page)).toContain(`of ${kept.toLocaleString('en-US')} rows`);
    await stop.click();
    const stopped = await status.filter({ hasText: /^Stopped after / }).innerText();
    const m = /^Stopped after ([\d,]+) of ([\d,]+) rows/.exec(stopped)!;
    expect(Number(m[2].replace(/,/g, ''))).toBe(kept);
    const scored = Number(m[1].replace(/,/g, ''));
    expect(scored).toBeGreaterThan(0);
    expect(scored).toBeLessThanOrEqual(kept);
    await page.screenshot({ path: `${SHOTS}/large-file-stopped.png` });

    // the page is still alive: another column scores, and the download has the rows read
    await page.getByLabel('Column to score').selectOption('count');
    await status.filter({ hasText: /^Scoring… / }).waitFor({ timeout: 30_000 });
    await stop.click();
    await status.filter({ hasText: /^Stopped after / }).waitFor();
    // preparing the CSV takes a while (the file is read again, attribution and expected values replayed):
    // it says how far it has got, and a double click gives one download, not two
    const downloads: unknown[] = [];
    page.on('download', (d) => downloads.push(d));
    const button = page.getByRole('button', { name: 'Download scores (CSV)' });
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), button.dblclick()]);
    expect(await page.getByText(/^Preparing the CSV: /).count()).toBe(0);
    const path = await download.path();
    const { createReadStream } = await import('node:fs');
    const { createInterface } = await import('node:readline');
    let lines = 0;
    let header = '';
    for await (const line of createInterface({ input: createReadStream(path) })) {
      if (lines++ === 0) header = line;
    }
    expect(header).toBe('time,value,count,score,grade,threshold,attribution_count,expected_count,imputed');
    expect(lines - 1).toBe(kept);
    expect(downloads).toHaveLength(1);

    // Cancel download: no file, the button works again, focus stays on it while preparing
    await button.focus();
    await page.keyboard.press('Enter');
    await page.getByText(/^Preparing the CSV: /).waitFor({ timeout: 10_000 });
    expect(await button.getAttribute('aria-disabled')).toBe('true');
    expect(await button.evaluate((b) => b === document.activeElement)).toBe(true);
    // from Cancel on it says Cancelling… and no stage, until the worker has stopped
    await page.locator('.hint.export').evaluate((el) => {
      const seen: string[] = [];
      (window as unknown as { exportTexts: string[] }).exportTexts = seen;
      new MutationObserver(() => {
        const text = el.textContent?.trim() ?? '';
        if (seen.length || text.startsWith('Cancelling…')) seen.push(text);
      }).observe(el, { subtree: true, childList: true, characterData: true });
    });
    await page.getByRole('button', { name: 'Cancel download' }).click();
    await page.getByText(/^Preparing the CSV: /).waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByText('Cancelling…').waitFor({ state: 'detached', timeout: 30_000 });
    const texts = await page.evaluate(() => (window as unknown as { exportTexts: string[] }).exportTexts);
    expect(texts[0]).toMatch(/^Cancelling…/);
    expect(texts.filter((t) => t.startsWith('Preparing'))).toEqual([]);
    await page.waitForTimeout(500);
    expect(downloads).toHaveLength(1);
    expect(await button.getAttribute('aria-disabled')).toBe('false');
    expect(await page.getByRole('alert').innerText()).toBe('');
    expect(s.errors).toEqual([]);
  });
});
