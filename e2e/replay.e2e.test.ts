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
    await replay.getByRole('button', { name: 'Replay from the start' }).click();
    const status = page.getByRole('status');
    await status.filter({ hasText: /^Replay: row [\d,]+ of 22,695 at 100 rows\/s$/ }).waitFor();
    // about 100 rows a second: after a second, somewhere between 20 and 400 rows (a loaded machine is slow)
    await page.waitForTimeout(1000);
    const after1s = rowOf(await statusText(page));
    expect(after1s).toBeGreaterThan(20);
    expect(after1s).toBeLessThan(400);

    await replay.getByRole('button', { name: 'Pause' }).click();
    await status.filter({ hasText: /^Replay paused at row / }).waitFor();
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
    await expect(replay.getByRole('button', { name: 'Replay from the start' })).toBeDefined();
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
});
