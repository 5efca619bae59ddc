/**
 * A million rows: a CSV generated here (1,000,000 rows, one a minute) is uploaded, scored with a small
 * forest (numberOfTrees 5, sampleSize 64, set through the link), then zoomed and panned with the wheel and
 * by dragging. Reports (asserts nothing about timing): load-to-scored time, frame intervals and chart draw
 * times while zooming and panning, and long tasks. Asserts that the charts keep drawing and the range moves.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { canvasInk, frames, longTasks, openBrowser, rowsShown, SHOTS, waitScored, type Session } from './browser';

const ROWS = 1_000_000;
let s: Session;
let page: Page;

function millionRows(): Buffer {
  const start = Date.UTC(2020, 0, 1);
  const parts: string[] = ['timestamp,value'];
  let seed = 7;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
  for (let i = 0; i < ROWS; i++) {
    const d = new Date(start + i * 60_000);
    const t = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:00`;
    let v = 20 + 5 * Math.sin((2 * Math.PI * i) / 1440) + noise();
    if (i % 97_001 === 50_000) v += 25; // a spike now and then
    parts.push(`${t},${v.toFixed(3)}`);
  }
  return Buffer.from(parts.join('\n') + '\n');
}

beforeAll(async () => {
  s = await openBrowser({ width: 1280, height: 800 });
  page = s.page;
  await page.goto(`${inject('baseURL')}#numberOfTrees=5&sampleSize=64`);
  await waitScored(page);
});

afterAll(async () => {
  await s?.close();
});

interface Stats {
  count: number;
  mean: number;
  p50: number;
  p95: number;
  max: number;
}

function stats(list: number[]): Stats {
  const a = [...list].sort((x, y) => x - y);
  const at = (q: number) => a[Math.min(a.length - 1, Math.floor(q * a.length))] ?? NaN;
  return { count: a.length, mean: a.reduce((x, y) => x + y, 0) / (a.length || 1), p50: at(0.5), p95: at(0.95), max: a[a.length - 1] ?? NaN };
}
const f = (x: Stats) => `n=${x.count} mean ${x.mean.toFixed(1)} ms, median ${x.p50.toFixed(1)}, p95 ${x.p95.toFixed(1)}, max ${x.max.toFixed(1)}`;

describe('a million rows', () => {
  it('loads, scores, and zooms and pans with the wheel and by dragging (numbers reported, not asserted)', async () => {
    const csv = millionRows();
    const t0 = Date.now();
    await page.getByLabel('Upload a CSV file').setInputFiles({ name: 'million.csv', mimeType: 'text/csv', buffer: csv });
    await page.getByRole('status').filter({ hasText: /^(Warming up|Scoring)/ }).waitFor({ timeout: 60_000 });
    const parsedMs = Date.now() - t0;
    const done = await waitScored(page, 120_000);
    const scoredMs = Date.now() - t0;
    expect(done).toMatch(/^Scored 999,984 points/); // 1,000,000 − outputAfter 16
    expect(await rowsShown(page)).toBe(ROWS);
    await frames(page);
    const longBefore = (await longTasks(page))?.all.count ?? 0;

    // measure: every animation frame's interval, every chart draw, long tasks
    await page.evaluate(() => {
      const w = window as unknown as { __rcfDrawTimes: number[]; __frames: number[]; __stopFrames: boolean };
      w.__rcfDrawTimes = [];
      w.__frames = [];
      w.__stopFrames = false;
      let last = performance.now();
      const tick = (now: number) => {
        w.__frames.push(now - last);
        last = now;
        if (!w.__stopFrames) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    const chart = page.getByRole('img', { name: /^Values/ });
    const box = (await chart.boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
    const interactionStart = await page.evaluate(() => performance.now());
    for (let i = 0; i < 25; i++) {
      await page.mouse.wheel(0, -120); // zoom in around the pointer
      await page.waitForTimeout(16);
    }
    const zoomedIn = await rowsShown(page);
    for (let i = 0; i < 25; i++) {
      await page.mouse.wheel(120, 0); // sideways: pan
      await page.waitForTimeout(16);
    }
    await page.mouse.down();
    for (let i = 0; i < 20; i++) await page.mouse.move(box.x + box.width * (0.5 - i * 0.015), box.y + box.height * 0.5);
    await page.mouse.up();
    for (let i = 0; i < 30; i++) {
      await page.mouse.wheel(0, 120); // zoom out again, through the dense views
      await page.waitForTimeout(16);
    }
    await frames(page);
    const measured = await page.evaluate((from) => {
      const w = window as unknown as {
        __rcfDrawTimes: number[]; __frames: number[]; __stopFrames: boolean; __longTasks: { start: number; duration: number }[] | null;
      };
      w.__stopFrames = true;
      const long = (w.__longTasks ?? []).filter((t) => t.start >= from);
      return { draws: w.__rcfDrawTimes.slice(), frames: w.__frames.slice(1), long: long.map((t) => t.duration) };
    }, interactionStart);
    const zoomedOut = await rowsShown(page);
    expect(zoomedIn).toBeLessThan(ROWS / 10);
    expect(zoomedOut).toBeGreaterThan(zoomedIn);
    await frames(page);
    const ink = await canvasInk(page, /^Values/);
    expect(ink.columns).toBeGreaterThan(ink.width * 0.9);
    await page.screenshot({ path: `${SHOTS}/million-rows.png` });

    // a zoomed-in view of the million, for the eye
    for (let i = 0; i < 40; i++) await page.mouse.wheel(0, -120);
    await frames(page);
    await page.screenshot({ path: `${SHOTS}/million-rows-zoomed.png` });

    console.log(
      `[e2e] 1,000,000 rows: upload → scoring started ${parsedMs} ms, → "${done}" ${scoredMs} ms (wall clock); ` +
        `zoom/pan: ${measured.draws.length} chart draws (${f(stats(measured.draws))}); ` +
        `frame intervals ${f(stats(measured.frames))}; long tasks while zooming/panning: ${measured.long.length}` +
        (measured.long.length ? ` (max ${Math.max(...measured.long).toFixed(0)} ms)` : '') +
        `; long tasks before (page start, load, scoring): ${longBefore}; rows shown zoomed in ${zoomedIn.toLocaleString('en-US')}`,
    );
    expect(s.errors).toEqual([]);
  });
});
