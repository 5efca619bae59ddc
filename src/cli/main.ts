/**
 * The `rcf` command line: the same WASM kernel as the page, on files from a terminal.
 * Output (CSV or JSON lines) goes to stdout; progress, notes and warnings to stderr.
 *
 * Files are streamed: read by chunks, parsed, scored and written chunk by chunk, so memory stays bounded
 * whatever the file's size (src/ingest/stream.ts decides the format and column kinds on the first rows).
 */
import { parseArgs } from 'node:util';
import { MissingValueError } from '../forest/forest';
import { OptionsError } from '../shared/options';
import { CsvError } from '../ingest';
import type { KernelSource } from '../kernel/kernel';
import { UsageError } from './errors';
import { inspect } from './inspect';
import { score } from './score';
import { StopSignal } from './input';

export const HELP = `rcf: Random Cut Forest anomaly scores for CSV files (WebAssembly kernel, runs locally).

Usage:
  rcf score FILE.csv [options]      score a CSV file; writes it to stdout with a score column added
  rcf score - [options]             the same on stdin, row by row as it arrives (tail -f log.csv | rcf score -)
  rcf inspect FILE.csv [--json]     what was understood of a file (format, columns, time range), no scoring
  rcf --help                        this help

The CSV needs a header row, one or more numeric columns and optionally a time column. Each row is
scored before it updates the forest (score-then-update), so scores read like a live stream's. Files of
any size are streamed: read, scored and written by chunks, never held whole.

Reading the file (score and inspect):
  --delimiter C        the cell delimiter: , ; | or tab (default: detected from the first 64 KiB)
  --decimal C          the decimal separator: . or , (default: detected from the numbers)
  --time-column NAME   the time column (default: detected, a column of dates or of epoch times named like
                       "time"); none: no time column. Rows are always taken in file order
  --day-first          read dates like 03/04/2024 as day first when nothing in the data settles it (no
                       day above 12); default: the order in which the times of the first rows go forward,
                       else month first (day first for dates with dots like 03.04.2024), with a warning
  --month-first        read such dates as month first
  --detect-rows N      data rows the format and column kinds are decided on (default 10000, fewer for
                       very wide files); later rows are read the same way, and a cell that contradicts
                       (text in a number column) counts as missing and is reported with its line. On stdin
                       the decision is also made when the input pauses (200 ms) and the rows so far settle
                       the column to score, so rows come out at once; while a column before the default
                       one still numbers the rows like a row index, more rows could change the choice, so
                       the rows wait (a note says so; --column settles it)
  --progress           show progress on stderr (rows, MB, rows/s); on by default when stderr is a terminal
                       (for score: and stdout is not, so that it does not cut into the rows)

Scoring (score):
  --column NAME        a numeric column to score (default: the first numeric column that is not a row
                       index such as 0, 1, 2, … or one named id, index…, nor a column of labels named
                       label, anomaly, is_anomaly, outlier…, as on the page). Repeat it or give a
                       comma-separated list to score several columns as one input vector; the columns are
                       then normalised (each divided by its running standard deviation) when their
                       ranges differ by more than 100 times (a note on stderr says so)
  --trees N            numberOfTrees: trees in the forest (default 50, Amazon RCF's default)
  --sample-size N      sampleSize: points each tree keeps (default 256)
  --shingle-size N     shingleSize: consecutive rows that form one point (default 1, chosen by measurement
                       on NAB; 8, OpenSearch's default, also sees shape anomalies in periodic series)
  --time-decay X       timeDecay: how fast old points leave the sample, from 0 to 1
                       (default 1 / (10 × sampleSize); 0 keeps a uniform sample)
  --output-after N     outputAfter: rows seen before scores are reported (default sampleSize / 4)
  --missing POLICY     what a missing or unreadable value does (empty, NA, text in a number column):
                       carry  use the column's previous value (default; a row before any value is skipped)
                       zero   use 0
                       skip   leave the row out of the forest; its score is empty
                       error  stop with exit code 2, naming the line and column
  --gaps POLICY        gaps in time (more than 5 × the usual step between rows; needs a time column):
                       leave  as they are (default): the row after a gap follows the row before
                       zero   first feed the forest one row of zeros per missing step
                       carry  first feed it the last row's values once per missing step
                       (at most sampleSize rows per gap; fill rows are not written out)
  --seed N             random seed (default 42); same seed, file and options give the same scores
  --workers N          worker threads the trees are shared among, to use several cores (default 1: none,
                       the trees run in the main thread; at most 64, and one per tree). The scores are the
                       same, bit for bit, for any N
  --group-by COLUMN    one forest per key (distinct value) of COLUMN, as monitoring does for many hosts or
                       entities in one file: each key gets its own forest, thresholder, shingle, normalisation
                       and expected values, made when the key first appears. Rows stay in file order, each
                       scored by its key's forest; the key column is not scored (an empty cell is a key too).
                       The summary gives the number of groups and the memory per forest. Not with --save,
                       --load (a snapshot holds one forest) or --workers (split the file by key instead)
  --max-groups N       the most keys --group-by takes (default 1000, about 1 GB with the default options and
                       expected values); a new key beyond it stops the run with exit code 2, naming its line
  --mode MODE          score (default): expected inverse depth, Amazon RCF's scale (normal below about 1,
                       clear outliers 2 and more); codisp: expected collusive displacement, rrcf's scale
  --z X                deviations above the running mean of the scores where the alert threshold sits,
                       from 0.5 to 20 as on the page (default 3); the grade is 0 below the threshold and
                       rises to 1 at 4 deviations above
  --attribution        add attribution_<column> per scored column: its share of the score (summed over
                       the rows of the shingle); the shares add up to the score
  --save FILE          at the end, save the forest and its thresholder (a compact versioned snapshot;
                       with one thread: not with --workers)
  --load FILE          start from a saved forest instead of a new one (its options, and its threshold's z,
                       come from the file: not with --trees, --z and the like);
                       the scores go on exactly as if the two files had been one stream
  --no-expected        leave out expected_<column> (what the forest would have found normal, filled where
                       grade > 0); computing it takes a second forest one chunk behind (about a third more
                       time and twice the memory)
  --format F           csv (default): every original row and column plus the added columns, in the file's
                       delimiter and decimal separator, LF line endings;
                       jsonl: one JSON object per row, the original columns (numbers for numeric columns,
                       null where missing; text otherwise) and the added columns (null where empty)

inspect:
  --json               one JSON object: rows, delimiter, decimal, timeColumn, start, end (ISO 8601 UTC or
                       null), columns [{name, kind: time|number|text, missing, min, max}] (min and max of a
                       time column in epoch milliseconds), warnings [text], defaultColumn (what rcf score
                       scores without --column, or null), labelColumns [names of 0/1 label columns]

  -h, --help           this help

Output of score: every original row and column, plus
  score        the anomaly score (empty for the first rows, while the forest warms up: until
               max(outputAfter, shingleSize - 1) rows were seen). Below about 1 is normal; clear outliers
               score 2 and more
  grade        0 to 1: above 0 where an alert is raised. Usually one alert per incident: an incident stays
               open until 64 rows pass without a score above the mean + 2 deviations; inside it a score
               above the threshold gets 0 unless it is at least 2 times the incident's last alert's score
               (once that alert's row has left the shingle), or 1.5 times 64 rows or more after it (that
               score halves every 256 rows, never below the threshold); no alert in the first sampleSize
               rows (the sample is still filling)
  threshold    the alert threshold the score was compared with (it adapts to the score stream); a score
               above it alerts when no incident is open
  attribution_<column>  with --attribution
  expected_<column>     where grade > 0: the value of that column the forest would have found normal, given
                        the row's other columns and the rows before it (median over the trees)
  imputed      true where the row's values were filled in (--missing carry or zero)

Warnings about the file go to stderr after the output (or as they are found, while streaming). Ctrl-C
stops at once: the rows scored so far are written, exit code 130.

Exit codes: 0 done, 1 unexpected failure, 2 bad options or input (one line on stderr saying what, where
and what to do), 130 interrupted.

Examples:
  rcf score data.csv --column value --trees 100 > scored.csv
  rcf score data.csv --column cpu,memory --missing skip --format jsonl
  rcf score hosts.csv --group-by host --column cpu
  tail -n +1 -f log.csv | rcf score - --column latency
  rcf inspect data.csv --json
`;

export interface CliIo {
  /** Writes to stdout; returning false means "wait for drain before writing more". */
  stdout: (text: string) => unknown;
  stderr: (text: string) => unknown;
  kernel: KernelSource;
  /** Reads a whole file (tests); by default files are streamed from disk. */
  readFile?: (path: string) => Promise<string>;
  /** The input of "-" (default: process.stdin). */
  stdin?: AsyncIterable<Uint8Array | string>;
  /** Resolves when stdout can take more after stdout() returned false (default: process.stdout's drain). */
  drain?: () => Promise<void>;
  /** Whether stderr is a terminal (default: process.stderr.isTTY). */
  stderrIsTTY?: boolean;
  /** Whether stdout is a terminal (default: process.stdout.isTTY); then score shows no progress unless asked. */
  stdoutIsTTY?: boolean;
  /** Aborting it stops like Ctrl-C (given: SIGINT is left alone; absent: SIGINT stops). */
  interrupt?: AbortSignal;
  /** A live input's pause, in milliseconds, after which the layout is decided on the rows in hand (200). */
  pauseMs?: number;
}

/** What the subcommands share. */
export interface Context {
  io: CliIo;
  /** Fires when the run must stop: Ctrl-C, or stdout closed (rcf score big.csv | head). */
  stop: StopSignal;
  /** Whether stdout was closed: then nothing more is written anywhere. */
  brokenPipe: () => boolean;
  out: (text: string) => Promise<void>;
  err: (text: string) => void;
}

export type Values = ReturnType<typeof parse>['values'];

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      column: { type: 'string', multiple: true },
      trees: { type: 'string' },
      'sample-size': { type: 'string' },
      'shingle-size': { type: 'string' },
      'time-decay': { type: 'string' },
      'output-after': { type: 'string' },
      missing: { type: 'string' },
      gaps: { type: 'string' },
      mode: { type: 'string' },
      z: { type: 'string' },
      attribution: { type: 'boolean' },
      'no-expected': { type: 'boolean' },
      save: { type: 'string' },
      load: { type: 'string' },
      seed: { type: 'string' },
      workers: { type: 'string' },
      'group-by': { type: 'string' },
      'max-groups': { type: 'string' },
      format: { type: 'string' },
      delimiter: { type: 'string' },
      decimal: { type: 'string' },
      'time-column': { type: 'string' },
      'day-first': { type: 'boolean' },
      'month-first': { type: 'boolean' },
      'detect-rows': { type: 'string' },
      progress: { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

const SCORE_ONLY = ['column', 'trees', 'sample-size', 'shingle-size', 'time-decay', 'output-after', 'missing', 'gaps', 'seed', 'workers', 'group-by', 'max-groups', 'format'] as const;

/** stdout errors (EPIPE) of this process, watched once. */
let pipeBroken = false;
const pipeWaiters = new Set<() => void>();
let watchingStdout = false;
function watchStdout(): void {
  if (watchingStdout) return;
  watchingStdout = true;
  // EPIPE (the reader is gone: rcf score big.csv | head) and any other failure of stdout: stop writing
  process.stdout.on('error', () => {
    pipeBroken = true;
    for (const w of [...pipeWaiters]) w();
  });
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let values: Values;
  let positionals: string[];
  try {
    ({ values, positionals } = parse(withNegativeValues(argv)));
  } catch (e) {
    const err = e as Error & { code?: string };
    const unknown = err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /Unknown option '([^']+)'/.exec(err.message) : null;
    const message = unknown ? `Unknown option '${unknown[1]}'.` : oneLine(err.message);
    io.stderr(`rcf: ${message} (rcf --help lists the options)\n`);
    return 2;
  }
  if (values.help || positionals.length === 0) {
    io.stdout(HELP);
    return positionals.length === 0 && !values.help ? 2 : 0;
  }

  // stop on Ctrl-C or when stdout is closed
  let brokenHere = false;
  const stop = new StopSignal();
  const onSigint = () => {
    // a second Ctrl-C while the first is being handled ends the process at once
    if (stop.reason === 'interrupted' && !io.interrupt) process.exit(130);
    stop.fire('interrupted');
  };
  if (io.interrupt) {
    if (io.interrupt.aborted) onSigint();
    else io.interrupt.addEventListener('abort', onSigint, { once: true });
  } else process.on('SIGINT', onSigint);
  const usesProcessStdout = !io.drain;
  const onBroken = () => {
    brokenHere = true;
    stop.fire('broken-pipe');
  };
  if (usesProcessStdout) {
    watchStdout();
    if (pipeBroken) onBroken();
    pipeWaiters.add(onBroken);
  }
  const brokenPipe = () => brokenHere;
  // waits for stdout to take more, or for the run to stop (a reader that never reads must not hang Ctrl-C)
  const drain =
    io.drain ??
    (() =>
      new Promise<void>((resolve) => {
        if (stop.reason) return resolve();
        let offStop = () => {};
        const done = () => {
          process.stdout.off('drain', done);
          offStop();
          resolve();
        };
        process.stdout.on('drain', done);
        offStop = stop.on(done);
      }));
  const ctx: Context = {
    io,
    stop,
    brokenPipe,
    out: async (text) => {
      if (brokenHere || text.length === 0) return;
      if (io.stdout(text) === false && !brokenHere) await drain();
    },
    err: (text) => {
      if (!brokenHere) io.stderr(text);
    },
  };

  try {
    const [command, file, ...rest] = positionals;
    if (command !== 'score' && command !== 'inspect') {
      throw new UsageError(`Unknown command "${command}". Try: rcf score FILE.csv or rcf inspect FILE.csv (rcf --help lists options).`);
    }
    if (!file) throw new UsageError(`rcf ${command} needs a CSV file: rcf ${command} FILE.csv (or - for stdin)`);
    if (rest.length) throw new UsageError(`Unexpected argument "${rest[0]}". Give one file (or - for stdin); options start with --.`);
    if (command === 'inspect') {
      for (const name of SCORE_ONLY) {
        if (values[name] !== undefined) throw new UsageError(`--${name} is an option of rcf score, not of rcf inspect.`);
      }
      return await inspect(file, values, ctx);
    }
    if (values.json) throw new UsageError('--json is an option of rcf inspect; rcf score writes JSON lines with --format jsonl.');
    return await score(file, values, ctx);
  } catch (e) {
    if (brokenHere || (e as NodeJS.ErrnoException).code === 'EPIPE') return 0;
    if (e instanceof CsvError) {
      const file = positionals[1] === '-' ? 'stdin' : positionals[1];
      io.stderr(`rcf: ${file ? `${file}: ` : ''}${oneLine(e.message)}\n`);
      return 2;
    }
    if (e instanceof UsageError || e instanceof OptionsError || e instanceof MissingValueError || e instanceof RangeError) {
      io.stderr(`rcf: ${oneLine((e as Error).message)}\n`);
      return 2;
    }
    io.stderr(`rcf: ${(e as Error).stack ?? e}\n`);
    return 1;
  } finally {
    if (io.interrupt) io.interrupt.removeEventListener('abort', onSigint);
    else process.off('SIGINT', onSigint);
    pipeWaiters.delete(onBroken);
  }
}

/**
 * `--trees -5` would read as two options: join a value that looks like a negative number to its option
 * (`--trees=-5`), so the option's own check can say what is wrong with it.
 */
function withNegativeValues(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = argv[i + 1];
    if (/^--[a-z-]+$/.test(a) && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, ' ');
}
