/**
 * The browser entry (rcf-playground/browser) from the packed and installed package, in a project outside
 * the repository (tests/package/install.ts), served with a strict Content-Security-Policy: scripts and
 * workers only from 'self', WebAssembly compilation allowed ('wasm-unsafe-eval'), no inline script, no eval.
 * e2e/package-page/page.js runs each scenario; the scores are compared with the Node library's.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RandomCutForest } from '../src/index';
import { packAndInstall, root, type Installed } from '../tests/package/install';
import { openBrowser, type Session } from './browser';

const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src data:";
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm', '.map': 'application/json',
};
const OPTIONS = { shingleSize: 4, numberOfTrees: 30, sampleSize: 128, seed: 5 };

let installed: Installed;
let server: Server;
let base = '';
let s: Session;
const requests: string[] = [];

beforeAll(async () => {
  installed = packAndInstall();
  const { project } = installed;
  for (const f of ['index.html', 'page.js']) copyFileSync(join(root, 'e2e/package-page', f), join(project, f));
  // the README's browser example as it is, its module script moved to a file (the policy forbids inline scripts)
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const api = readme.slice(readme.indexOf('## API'), readme.indexOf('## What is computed'));
  const example = /```html\n<script type="module">\n([\s\S]*?)<\/script>\n```/.exec(api)![1]!;
  writeFileSync(join(project, 'readme.js'), example);
  writeFileSync(join(project, 'readme.html'), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><script type="module" src="./readme.js"></script>');
  // the kernel once more at a URL of the page's choosing, for the explicit bytes and URL cases
  mkdirSync(join(project, 'kernel'));
  copyFileSync(join(project, 'node_modules/rcf-playground/dist/browser/rcf.wasm'), join(project, 'kernel/rcf-copy.wasm'));
  server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    try {
      const body = await readFile(join(project, path === '/' ? 'index.html' : path));
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'content-security-policy': CSP }).end(body);
    } catch {
      res.writeHead(404, { 'content-security-policy': CSP }).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s = await openBrowser();
  s.ctx.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await s.page.goto(`${base}/index.html`);
  await s.page.getByRole('status').filter({ hasText: 'Ready' }).waitFor({ timeout: 30_000 });
}, 180_000);

afterAll(async () => {
  await s?.close();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  if (installed) rmSync(installed.dir, { recursive: true, force: true });
});

/** The Node library's scores for the page's series (the same numbers, passed back from the page). */
async function nodeScores(rows: number): Promise<(number | null)[]> {
  const series = await s.page.evaluate((n) => (window as unknown as { rcf: { series(n: number): number[] } }).rcf.series(n), rows);
  const forest = await RandomCutForest.create(OPTIONS, pathToFileURL(join(root, 'build/rcf.wasm')));
  return Array.from(forest.process(Float64Array.from(series)), (v) => (Number.isNaN(v) ? null : v));
}

type Rcf = {
  mainThread(): Promise<{ scores: (number | null)[]; csvEqual: boolean }>;
  stream(how: string): Promise<(number | null)[]>;
  score(workers: number): Promise<{ scores: (number | null)[]; workers: number; cancelled: boolean }>;
  abort(): Promise<{ cancelled: boolean; scoredRows: number; chunks: number; streamError: string | null; afterRows: number }>;
  dispose(): Promise<{ afterDispose: string | null; afterAbort: string | null }>;
  violations: string[];
};
const call = <K extends keyof Rcf>(name: K, arg?: unknown) =>
  s.page.evaluate(([n, a]) => ((window as unknown as { rcf: Record<string, (x: unknown) => unknown> }).rcf[n as string]!(a)), [name, arg] as const) as Promise<
    Rcf[K] extends (...args: never[]) => Promise<infer R> ? R : never
  >;

describe('rcf-playground/browser from an installed package, under a strict CSP', () => {
  it('the worker finds its kernel next to the module and scores as the Node library does', async () => {
    requests.length = 0;
    const scores = await call('stream', 'default');
    expect(scores.filter((v) => v !== null).length).toBeGreaterThan(500);
    expect(scores).toEqual(await nodeScores(600));
    expect(requests).toContain('/node_modules/rcf-playground/dist/browser/rcf.wasm');
  });

  it('the synchronous forest, snapshots and CSV reading run in the page itself, as in Node', async () => {
    const r = await call('mainThread');
    expect(r.scores).toEqual(await nodeScores(600));
    expect(r.csvEqual).toBe(true);
  });

  it.each(['bytes', 'url'])('takes the kernel explicitly as %s (and then does not fetch its own)', async (how) => {
    requests.length = 0;
    const scores = await call('stream', how);
    expect(scores).toEqual(await nodeScores(600));
    expect(requests).toContain('/kernel/rcf-copy.wasm');
    expect(requests).not.toContain('/node_modules/rcf-playground/dist/browser/rcf.wasm');
  });

  it('shards the trees over nested workers: the same scores as one worker, bit for bit', async () => {
    const one = await call('score', 1);
    const three = await call('score', 3);
    expect(one.workers).toBe(1);
    expect(three.workers).toBe(3);
    expect(one.scores.filter((v) => v !== null).length).toBeGreaterThan(2900);
    expect(three.scores).toEqual(one.scores);
    expect(requests).toContain('/node_modules/rcf-playground/dist/browser/shard.worker.js');
  });

  it('an AbortSignal cancels a run between chunks; the worker stays usable', async () => {
    const r = await call('abort');
    expect(r.cancelled).toBe(true);
    expect(r.chunks).toBeLessThan(20);
    expect(r.streamError).toBe('AbortError');
    expect(r.afterRows).toBe(10);
  });

  it('dispose() (or the signal given to createForestWorker) ends the worker', async () => {
    const closed: string[] = [];
    const started: string[] = [];
    const onWorker = (w: import('playwright-core').Worker) => {
      started.push(w.url());
      w.on('close', () => closed.push(w.url()));
    };
    s.page.on('worker', onWorker);
    const r = await call('dispose');
    s.page.off('worker', onWorker);
    expect(r.afterDispose).toMatch(/released/i);
    expect(r.afterAbort).toMatch(/released/i);
    expect(started).toHaveLength(2);
    await expect.poll(() => closed.length, { timeout: 5000 }).toBe(2);
  });

  it("runs the README's browser example as it is", async () => {
    const page = await s.ctx.newPage();
    const logs: string[] = [];
    const errors: string[] = [];
    page.on('console', (m) => (m.type() === 'error' ? errors : logs).push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/readme.html`);
    await expect.poll(() => logs.at(-1) ?? '', { timeout: 30_000 }).toMatch(/^\d+ scored \d+ events/);
    expect(logs.some((l) => /^5000 \/ 5000$/.test(l))).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('needed nothing the policy forbids', async () => {
    expect(await s.page.evaluate(() => (window as unknown as { rcf: { violations: string[] } }).rcf.violations)).toEqual([]);
    expect(s.errors).toEqual([]);
  });
});
