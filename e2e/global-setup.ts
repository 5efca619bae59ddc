/**
 * Global setup of the end-to-end tests: serves the already built dist/web/ with `vite preview` (run
 * `npm run build` first), waits until it answers, and stops it afterwards (the whole process group).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

let server: ChildProcess | undefined;

export default async function setup(project: TestProject) {
  if (!existsSync('dist/web/index.html')) {
    throw new Error('dist/web/ is not built: run `npm run build` (or `npx vite build`) before the end-to-end tests.');
  }
  const port = Number(process.env.E2E_PORT) || 4300 + Math.floor(Math.random() * 1000);
  const url = `http://127.0.0.1:${port}/`;
  server = spawn(
    process.execPath,
    ['node_modules/vite/bin/vite.js', 'preview', '--port', String(port), '--strictPort', '--host', '127.0.0.1'],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let log = '';
  server.stdout!.on('data', (d) => (log += d));
  server.stderr!.on('data', (d) => (log += d));
  let exited = false;
  server.on('exit', () => (exited = true));

  // poll until it answers: a fixed sleep is not enough (it took 1.5–2.8 s to listen on this machine)
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (exited || Date.now() > deadline) {
      stop();
      throw new Error(`vite preview did not start on ${url}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  project.provide('baseURL', url);
  return stop;
}

function stop() {
  if (server?.pid && server.exitCode === null) {
    try {
      process.kill(-server.pid, 'SIGTERM'); // the group: vite and anything it started
    } catch {
      /* already gone */
    }
  }
  server = undefined;
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseURL: string;
  }
}
