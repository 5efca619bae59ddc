/**
 * The examples, as someone who installed the package would open them, served from the repository root by a
 * small static server: examples/dashboard.html (a plain page importing dist/browser/index.js, built here by
 * `npm run build:lib`, and d3 from node_modules) and examples/svelte (a Svelte component importing
 * rcf-playground/browser, built by its own Vite config to dist/examples/svelte). Live scores must appear,
 * the chart must draw, Stop must stop, no page errors and no failed request.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { openBrowser, type Session } from './browser';

const root = resolve(__dirname, '..');
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm', '.map': 'application/json', '.css': 'text/css',
};

let server: Server;
let base = '';

beforeAll(async () => {
  execFileSync('npm', ['run', 'build:lib'], { cwd: root, stdio: 'pipe' });
  execFileSync('npm', ['run', 'build:examples'], { cwd: root, stdio: 'pipe' });
  server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    // only what the example needs: the example, the package's build, d3
    if (!/^\/(examples|dist\/browser|dist\/examples|node_modules\/d3)\//.test(path)) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(root, path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);

afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe('examples/dashboard.html', () => {
  it('streams to the worker and shows live scores', async () => {
    const s: Session = await openBrowser();
    try {
      const failed: string[] = [];
      s.page.on('requestfailed', (r) => failed.push(r.url()));
      s.page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
      await s.page.goto(`${base}/examples/dashboard.html`);
      const status = s.page.getByRole('status');
      await status.filter({ hasText: /^Streamed \d+ points, \d+ scored; latest score \d/ }).waitFor({ timeout: 30_000 });
      await s.page.waitForFunction(() => Number(document.body.dataset.scored) >= 100, undefined, { timeout: 30_000 });
      const text = await status.innerText();
      const latest = Number(/latest score ([\d.]+)/.exec(text)![1]);
      expect(Number.isFinite(latest)).toBe(true);
      const painted = await s.page.locator('#chart').evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      });
      expect(painted).toBeGreaterThan(500);
      await s.page.getByRole('button', { name: 'Stop' }).click();
      await status.filter({ hasText: /^Stopped after \d+ points, \d+ scored\.$/ }).waitFor({ timeout: 10_000 });
      expect(failed).toEqual([]);
      expect(s.errors).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe('examples/svelte (a Svelte 5 component, built with Vite)', () => {
  it('streams to the worker, shows live scores and draws value and score', async () => {
    const s: Session = await openBrowser();
    try {
      const failed: string[] = [];
      const wasm: string[] = [];
      s.page.on('requestfailed', (r) => failed.push(r.url()));
      s.page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
      s.page.context().on('request', (r) => void (r.url().endsWith('.wasm') && wasm.push(r.url())));
      await s.page.goto(`${base}/dist/examples/svelte/index.html`);
      await expectLive(s);
      // the application's build carried the package's kernel along (hashed, in its own assets)
      expect(wasm.some((u) => /\/dist\/examples\/svelte\/assets\/rcf-[\w-]+\.wasm$/.test(u))).toBe(true);
      // axes from the scales' ticks
      const chart = s.page.getByRole('img', { name: 'Value and anomaly score of the last 1,000 points' });
      expect(await chart.locator('svg text').count()).toBeGreaterThan(4);
      await s.page.getByRole('button', { name: 'Stop' }).click();
      await s.page.getByRole('status').filter({ hasText: /^Stopped after \d+ points, \d+ scored\.$/ }).waitFor({ timeout: 10_000 });
      expect(await s.page.getByRole('button', { name: 'Stop' }).isDisabled()).toBe(true);
      expect(failed).toEqual([]);
      expect(s.errors).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

/** Waits for 100 scored points on the status line and checks the chart's canvas is drawn on. */
async function expectLive(s: Session): Promise<void> {
  const status = s.page.getByRole('status');
  await status.filter({ hasText: /^Streamed \d+ points, \d+ scored; latest score \d/ }).waitFor({ timeout: 30_000 });
  await s.page.waitForFunction(() => Number(document.querySelector('[role="status"]')?.getAttribute('data-scored')) >= 100, undefined, { timeout: 30_000 });
  const latest = Number(/latest score ([\d.]+)/.exec(await status.innerText())![1]);
  expect(Number.isFinite(latest)).toBe(true);
  const painted = await s.page.getByRole('img', { name: /Value and anomaly score/ }).locator('canvas').evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
    return n;
  });
  expect(painted).toBeGreaterThan(500);
}
