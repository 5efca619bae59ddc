/**
 * Where the CSV comes from (a file, or stdin for "-") and the loop that feeds it to the streaming reader:
 * chunk by chunk, stopping at once on Ctrl-C or a closed stdout, and deciding the layout on the rows in
 * hand when a live input (stdin, a pipe) pauses and they settle it, so `tail -f log.csv | rcf score -`
 * prints rows as they come.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { CsvLayout, CsvStreamReader } from '../ingest/stream';
import { UsageError } from './errors';

/** Bytes read from a file at a time. */
export const FILE_CHUNK_BYTES = 1 << 20;

export interface Source {
  /** For messages: the path, or "stdin". */
  name: string;
  /** Bytes in the input when known (a regular file). */
  size: number | null;
  /** Whether data may pause (stdin, pipes): then a pause settles the layout on the rows in hand. */
  live: boolean;
  chunks: AsyncIterator<Uint8Array | string>;
  /** Stops reading and lets go of the input. */
  close(): void;
}

export interface SourceOptions {
  stdin?: AsyncIterable<Uint8Array | string>;
  readFile?: (path: string) => Promise<string>;
}

export async function openSource(file: string, io: SourceOptions): Promise<Source> {
  if (file === '-') {
    const stdin = io.stdin ?? process.stdin;
    const chunks = stdin[Symbol.asyncIterator]();
    return {
      name: 'stdin',
      size: null,
      live: true,
      chunks,
      close: () => {
        void chunks.return?.().catch(() => {});
        if (!io.stdin) process.stdin.destroy();
      },
    };
  }
  if (io.readFile) {
    const text = await io.readFile(file).catch((e: NodeJS.ErrnoException) => {
      throw fileError(file, e);
    });
    const chunks = [text][Symbol.iterator]();
    return { name: file, size: null, live: false, chunks: toAsync(chunks), close: () => {} };
  }
  const info = await stat(file).catch((e: NodeJS.ErrnoException) => {
    throw fileError(file, e);
  });
  if (info.isDirectory()) throw new UsageError(`${file} is a directory, not a CSV file. Name a CSV file, or - for stdin.`);
  const stream = createReadStream(file, { highWaterMark: FILE_CHUNK_BYTES });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return {
    name: file,
    size: info.isFile() ? info.size : null,
    live: !info.isFile(),
    chunks: {
      next: () =>
        chunks.next().catch((e: NodeJS.ErrnoException) => {
          throw fileError(file, e);
        }),
    },
    close: () => stream.destroy(),
  };
}

function fileError(file: string, e: NodeJS.ErrnoException): Error {
  if (e.code === 'ENOENT') return new UsageError(`No such file: ${file}`);
  if (e.code === 'EACCES') return new UsageError(`Cannot read ${file}: permission denied.`);
  if (e.code === 'EISDIR') return new UsageError(`${file} is a directory, not a CSV file. Name a CSV file, or - for stdin.`);
  return new UsageError(`Cannot read ${file}: ${e.message}`);
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return { next: async () => it.next() };
}

export type Stop = 'interrupted' | 'broken-pipe';
export type PumpEnd = 'end' | Stop;

/**
 * Why the run must stop, once it must: Ctrl-C or a closed stdout. Listeners are added per wait and removed
 * after it (a long-lived promise raced on every chunk would keep every chunk's result alive).
 */
export class StopSignal {
  reason: Stop | null = null;
  private readonly listeners = new Set<(reason: Stop) => void>();

  fire(reason: Stop): void {
    if (this.reason) return;
    this.reason = reason;
    for (const l of [...this.listeners]) l(reason);
  }

  /** Calls `listener` when the signal fires (at once if it has); returns the function that removes it. */
  on(listener: (reason: Stop) => void): () => void {
    if (this.reason) {
      listener(this.reason);
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

type Event = { kind: 'data'; result: IteratorResult<Uint8Array | string> } | { kind: Stop } | { kind: 'pause' };

/**
 * Feeds the source to the reader until the input ends or `stop` fires; calls `after` after every chunk
 * (and after a pause settled the layout) to score and write what is ready. A live input that pauses for
 * `pauseMs` before the layout is settled gets it settled on the rows in hand, if `accept` takes the layout
 * they give (a layout turned down waits for more rows: the next pause after more input, DETECT_ROWS rows
 * or the end of the input settle it).
 */
export async function pump(
  source: Source,
  reader: CsvStreamReader,
  stop: StopSignal,
  pauseMs: number,
  after: () => Promise<void>,
  accept?: (layout: CsvLayout) => boolean,
): Promise<PumpEnd> {
  let pending: Promise<IteratorResult<Uint8Array | string>> | null = null;
  let waitForPause = true;
  for (;;) {
    if (stop.reason) return stop.reason;
    if (!pending) {
      pending = source.chunks.next();
      pending.catch(() => {}); // a read error after a stop is of no interest
    }
    const read = pending;
    const usePause = source.live && waitForPause && !reader.layout;
    let off = () => {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    const event = await new Promise<Event>((resolve, reject) => {
      off = stop.on((kind) => resolve({ kind }));
      read.then((result) => resolve({ kind: 'data', result }), reject);
      if (usePause) timer = setTimeout(() => resolve({ kind: 'pause' }), pauseMs);
    }).finally(() => {
      off();
      if (timer) clearTimeout(timer);
    });
    if (event.kind === 'pause') {
      if (reader.decideNow(accept)) await after();
      else waitForPause = false; // no complete row yet, or not settled on them: wait for more input before trying again
      continue;
    }
    if (event.kind !== 'data') return event.kind;
    pending = null;
    waitForPause = true;
    const { result } = event;
    if (result.done) {
      reader.end();
      await after();
      return 'end';
    }
    const chunk = result.value;
    if (typeof chunk === 'string') reader.push(chunk);
    else reader.pushBytes(chunk);
    await after();
  }
}

/** Progress on stderr: rows, bytes, rate; redrawn in place on a terminal, a line at a time elsewhere. */
export class Progress {
  private last = 0;
  private readonly started = performance.now();
  private shown = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly enabled: boolean,
    private readonly tty: boolean,
    private readonly size: number | null,
    private readonly intervalMs = 1000,
  ) {}

  update(rows: number, bytes: number, force = false): void {
    if (!this.enabled) return;
    const now = performance.now();
    if (!force && now - this.last < this.intervalMs) return;
    this.last = now;
    const seconds = Math.max((now - this.started) / 1000, 1e-3);
    const mb = bytes / 1e6; // MB of 1,000,000 bytes, as file managers count them
    const of = this.size ? ` of ${(this.size / 1e6).toFixed(1)} MB (${Math.floor((100 * bytes) / Math.max(this.size, 1))}%)` : '';
    const text = `rcf: ${rows.toLocaleString('en-US')} rows, ${mb.toFixed(1)} MB${of}, ${Math.round(rows / seconds).toLocaleString('en-US')} rows/s, ${(mb / seconds).toFixed(1)} MB/s`;
    this.write(this.tty ? `\r${text}\x1b[K` : `${text}\n`);
    this.shown = true;
  }

  /** Clears the line on a terminal, so the messages after it start on their own line. */
  done(): void {
    if (this.enabled && this.tty && this.shown) this.write('\r\x1b[K');
  }
}
