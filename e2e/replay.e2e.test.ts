/**
 * Replay: the series played again as a stream at a chosen speed, to watch the forest learn; Pause holds it,
 * Step adds one row, Play goes on, a faster speed finishes sooner, and the scores are those of a normal run.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { frames, openBrowser, runAxe, SHOTS, statusText, waitScored, type Session } from './browser';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openBrowser({ width: 1280, height: 900 });
  page = s.page;
  await page.goto(inject('baseURL'));
  await waitScored(page);
});

afterAll(async () => {
  await s?.close();
});

const rowOf = (status: string) => Number(/row ([\d,]+) of/.exec(status)![1]!.replace(/,/g, ''));
const readout = () => page.locator('.readout').innerText();

describe('replay', () => {
  it('plays the series as a stream; pause holds it, step adds one row, play goes on to the same scores', async () => {
    await page.mouse.move(0, 0);
    const before = await readout(); // the highest score of the normal run
    const replay = page.getByRole('group', { name: 'Replay' });
    await replay.getByLabel('speed').selectOption('100');
    // by keyboard: the same button starts, pauses and plays, and keeps the focus all along
    const toggle = replay.getByRole('button', { name: 'Replay from the start' });
    await toggle.focus();
    await page.keyboard.press('Enter');
    const status = page.getByRole('status');
    await status.filter({ hasText: /^Replay: row [\d,]+ of 22,695 at 100 rows\/s$/ }).waitFor();
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    expect(await focused()).toBe('Pause');
    // the charts follow the newest rows: zoomed in on about 20 seconds of them
    expect(await page.getByRole('button', { name: 'Show all rows' }).isEnabled()).toBe(true);
    // about 100 rows a second: after a second, somewhere between 20 and 400 rows (a loaded machine is slow)
    await page.waitForTimeout(1000);
    const after1s = rowOf(await statusText(page));
    expect(after1s).toBeGreaterThan(20);
    expect(after1s).toBeLessThan(400);

    await page.keyboard.press('Enter');
    await status.filter({ hasText: /^Replay paused at row / }).waitFor();
    expect(await focused()).toBe('Play');
    const paused = rowOf(await statusText(page));
    await page.waitForTimeout(600);
    expect(rowOf(await statusText(page))).toBe(paused);
    await replay.getByRole('button', { name: 'Step one row' }).click();
    await expect.poll(async () => rowOf(await statusText(page))).toBe(paused + 1);
    await replay.getByRole('button', { name: 'Step one row' }).click();
    await expect.poll(async () => rowOf(await statusText(page))).toBe(paused + 2);
    await frames(page);
    await page.screenshot({ path: `${SHOTS}/replay-paused.png` });
    expect((await runAxe(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical')).toEqual([]);

    // faster, then on to the end: the same scores as the normal run
    await replay.getByLabel('speed').selectOption('10000');
    await replay.getByRole('button', { name: 'Play' }).click();
    await status.filter({ hasText: /^Replay: row [\d,]+ of 22,695 at 10,000 rows\/s$/ }).waitFor();
    expect(await waitScored(page, 60_000)).toMatch(/^Scored 22,631 points in /);
    await page.mouse.move(0, 0);
    expect(await readout()).toBe(before);
    await replay.getByRole('button', { name: 'Replay from the start' }).waitFor();
    // played to the end: all rows shown again
    expect(await page.getByRole('button', { name: 'Show all rows' }).isEnabled()).toBe(false);
    expect(s.errors).toEqual([]);
  });

  it('Stop ends a replay, paused or not, keeping the rows scored', async () => {
    const replay = page.getByRole('group', { name: 'Replay' });
    await replay.getByLabel('speed').selectOption('300');
    await replay.getByRole('button', { name: 'Replay from the start' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: /^Replay: row / }).waitFor();
    await replay.getByRole('button', { name: 'Pause' }).click();
    await status.filter({ hasText: /^Replay paused at row / }).waitFor();
    const at = rowOf(await statusText(page));
    await page.getByRole('button', { name: 'Stop' }).click();
    const stopped = await status.filter({ hasText: /^Stopped after / }).innerText();
    expect(Number(/^Stopped after ([\d,]+) of/.exec(stopped)![1]!.replace(/,/g, ''))).toBe(at);
    await replay.getByRole('button', { name: 'Replay from the start' }).waitFor();
    // Run scores normally again
    await page.getByRole('button', { name: 'Run' }).click();
    expect(await waitScored(page)).toMatch(/^Scored 22,631 points in /);
  });

  it('an option changed during a replay ends it, and the run says so', async () => {
    const replay = page.getByRole('group', { name: 'Replay' });
    await replay.getByLabel('speed').selectOption('100');
    await replay.getByRole('button', { name: 'Replay from the start' }).click();
    await page.getByRole('status').filter({ hasText: /^Replay: row / }).waitFor();
    await page.getByLabel('numberOfTrees', { exact: true }).fill('40');
    expect(await waitScored(page)).toMatch(/^Scored 22,631 points in /);
    const shown = page.getByRole('group', { name: 'Options of the scores shown' });
    expect(await shown.innerText()).toContain('The replay ended: a new run started with these options (Replay from the start plays it again).');
    await replay.getByRole('button', { name: 'Replay from the start' }).waitFor();
    await page.getByLabel('numberOfTrees', { exact: true }).fill('50');
    await expect.poll(() => shown.innerText(), { timeout: 10_000 }).toMatch(/numberOfTrees 50/);
    expect(await shown.innerText()).not.toContain('The replay ended');
    expect(await waitScored(page)).toMatch(/^Scored 22,631 points in /);
  });
});
