import { thresholderFor } from '../../src/forest/thresholder';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main, type CliIo } from '../../src/cli/main';
import { RandomCutForest } from '../../src/forest/forest';
import { parseCsvText, tableToCsv, type ParseOptions } from '../../src/ingest';
import type { ForestOptionsInput } from '../../src/shared/options';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'bin/rcf.js');
export const kernelUrl = new URL('../../build/rcf.wasm', import.meta.url);
export const cliFixture = (name: string) => fileURLToPath(new URL(`../fixtures/cli/${name}`, import.meta.url));
export const csvFixture = (name: string) => fileURLToPath(new URL(`../fixtures/csv/${name}`, import.meta.url));

let module: Promise<WebAssembly.Module> | null = null;
export function kernelModule(): Promise<WebAssembly.Module> {
  module ??= RandomCutForest.compile(kernelUrl);
  return module;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Pieces of stdin (for "-"). */
  stdin?: (string | Uint8Array)[] | AsyncIterable<string | Uint8Array>;
  tty?: boolean;
  stdoutTty?: boolean;
  interrupt?: AbortSignal;
  pauseMs?: number;
  /** Called with the stdout text so far after each write. */
  onStdout?: (text: string) => void;
}

/** Runs the command line in this process. */
export async function run(args: string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const stdin = options.stdin;
  const io: CliIo = {
    stdout: (t) => {
      stdout += t;
      options.onStdout?.(stdout);
    },
    stderr: (t) => (stderr += t),
    kernel: await kernelModule(),
    drain: async () => {},
    stdin: stdin === undefined ? (async function* () {})() : Array.isArray(stdin) ? (async function* () { yield* stdin; })() : stdin,
    stderrIsTTY: options.tty ?? false,
    stdoutIsTTY: options.stdoutTty ?? false,
    interrupt: options.interrupt ?? new AbortController().signal,
    pauseMs: options.pauseMs ?? 60_000,
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

/** What `rcf score` wrote before streaming: the whole file parsed into a Table, scored at once, written by tableToCsv. */
export async function wholeFileOutput(
  text: string,
  options: ForestOptionsInput = {},
  columns?: string[],
  parse: ParseOptions = {},
): Promise<string> {
  const table = parseCsvText(text, parse);
  const names = columns ?? [[...table.numeric.keys()][0]!];
  const m = names.length;
  const input = new Float64Array(table.rows * m);
  names.forEach((n, j) => table.numeric.get(n)!.forEach((v, r) => (input[r * m + j] = v)));
  const forest = RandomCutForest.fromModule({ ...options, inputDimensions: m }, await kernelModule());
  const imputed = new Uint8Array(table.rows);
  const confidence = new Float64Array(table.rows);
  const scores = forest.process(input, undefined, { imputed, confidence });
  const th = thresholderFor(forest.options);
  const grade = new Float64Array(table.rows);
  const threshold = new Float64Array(table.rows);
  scores.forEach((s, r) => ({ grade: grade[r], threshold: threshold[r] } = th.grade(r, s, confidence[r])));
  // expected values: a second forest replays the rows and imputes at each alert
  const alerts = Array.from(grade.keys()).filter((r) => grade[r] > 0);
  const values = RandomCutForest.fromModule({ ...options, inputDimensions: m }, await kernelModule()).replay(input, alerts);
  const expected = names.map(() => new Float64Array(table.rows).fill(NaN));
  alerts.forEach((r, i) => names.forEach((_, j) => (expected[j][r] = values[i * m + j])));
  return tableToCsv(table, [
    { name: 'score', values: scores },
    { name: 'grade', values: grade },
    { name: 'threshold', values: threshold },
    ...names.map((n, j) => ({ name: `expected_${n}`, values: expected[j] })),
    { name: 'imputed', values: Array.from(imputed, (v) => String(v === 1)) },
  ]);
}

/**
 * Builds dist/node (the bundle bin/rcf.js runs) when it is missing or older than a source file it is made
 * of, so the spawned tests never run a stale build.
 */
export function ensureBuilt(): void {
  const out = join(ROOT, 'dist/node/cli.js');
  let newest = 0;
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ts$/.test(e.name)) newest = Math.max(newest, statSync(p).mtimeMs);
    }
  };
  for (const d of ['src/cli', 'src/ingest', 'src/forest', 'src/kernel', 'src/shared', 'src/pool']) walk(join(ROOT, d));
  newest = Math.max(newest, statSync(join(ROOT, 'vite.node.config.ts')).mtimeMs);
  if (existsSync(out) && statSync(out).mtimeMs >= newest) return;
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '-c', 'vite.node.config.ts', '--logLevel', 'error'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`vite build -c vite.node.config.ts failed:\n${r.stdout}\n${r.stderr}`);
}

export interface Spawned {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  /** Resolves when stdout holds at least `lines` complete lines. */
  lines: (lines: number, timeoutMs?: number) => Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs bin/rcf.js as a child process with piped stdio. */
export function spawnBin(args: string[]): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT });
  let out = '';
  let err = '';
  let newlines = 0;
  const waiters: { lines: number; resolve: () => void }[] = [];
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d: string) => {
    out += d;
    for (let i = d.indexOf('\n'); i >= 0; i = d.indexOf('\n', i + 1)) newlines++;
    for (const w of waiters.splice(0)) {
      if (newlines >= w.lines) w.resolve();
      else waiters.push(w);
    }
  });
  child.stderr.on('data', (d: string) => (err += d));
  child.stdin.on('error', () => {}); // the child may stop reading first (Ctrl-C)
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exit,
    lines: (lines, timeoutMs = 5000) =>
      new Promise<void>((resolve, reject) => {
        if (newlines >= lines) return resolve();
        const timer = setTimeout(() => reject(new Error(`no ${lines} lines on stdout after ${timeoutMs} ms; got:\n${out.slice(-500)}\nstderr:\n${err}`)), timeoutMs);
        waiters.push({
          lines,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      }),
  };
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
