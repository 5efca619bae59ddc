/**
 * The `rcf` command line: the same WASM kernel as the page, on files from a terminal.
 * Output (CSV) goes to stdout; progress and messages to stderr.
 */
import { parseArgs } from 'node:util';
import { readFile } from 'node:fs/promises';
import { RandomCutForest } from '../forest/forest';
import { resolveOptions, OptionsError, type ForestOptionsInput } from '../shared/options';
import { parseCsvText, tableToCsv, CsvError, type Table } from '../ingest';
import type { KernelSource } from '../kernel/kernel';

export const HELP = `rcf: Random Cut Forest anomaly scores for CSV files (WebAssembly kernel, runs locally).

Usage:
  rcf score FILE.csv [options]      score a CSV file; writes it to stdout with a score column added
  rcf --help                        this help

The CSV needs a header row, one or more numeric columns and optionally a time column. Each row is
scored before it updates the forest (score-then-update), so scores read like a live stream's.

Options of score:
  --column NAME        the numeric column to score (default: the first numeric column)
  --trees N            numberOfTrees: trees in the forest (default 50, Amazon RCF's default)
  --sample-size N      sampleSize: points each tree keeps (default 256)
  --shingle-size N     shingleSize: consecutive rows that form one point (default 8, OpenSearch's default)
  --seed N             random seed (default 42); same seed, file and options give the same scores
  -h, --help           this help

Output: every original row and column, plus "score" (empty for the first rows, while the forest warms
up: until max(outputAfter = sampleSize / 4, shingleSize - 1) rows were seen). Scores below about 1 are
normal; clear outliers score 2 and more.

Example:
  rcf score data.csv --column value --trees 100 > scored.csv
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  kernel: KernelSource;
  readFile?: (path: string) => Promise<string>;
}

class UsageError extends Error {}

function integerOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`--${name} takes a whole number; got "${value}".`);
  return Number(value);
}

/** Runs the command line; returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        column: { type: 'string' },
        trees: { type: 'string' },
        'sample-size': { type: 'string' },
        'shingle-size': { type: 'string' },
        seed: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help || positionals.length === 0) {
      io.stdout(HELP);
      return positionals.length === 0 && !values.help ? 2 : 0;
    }
    const [command, file, ...rest] = positionals;
    if (command !== 'score') throw new UsageError(`Unknown command "${command}". Try: rcf score FILE.csv (rcf --help lists options).`);
    if (!file) throw new UsageError('rcf score needs a CSV file: rcf score FILE.csv');
    if (rest.length) throw new UsageError(`Unexpected argument "${rest[0]}".`);
    const options: ForestOptionsInput = {
      numberOfTrees: integerOption('trees', values.trees),
      sampleSize: integerOption('sample-size', values['sample-size']),
      shingleSize: integerOption('shingle-size', values['shingle-size']),
      seed: integerOption('seed', values.seed),
    };
    resolveOptions(options); // fail fast on bad options, before reading the file

    const text = await (io.readFile ?? ((p: string) => readFile(p, 'utf8')))(file).catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(e.code === 'ENOENT' ? `No such file: ${file}` : `Cannot read ${file}: ${e.message}`);
    });
    const table = parseCsvText(text);
    const column = pickColumn(table, values.column, file);
    const started = performance.now();
    const forest = await RandomCutForest.create(options, io.kernel);
    const scores = forest.process(table.numeric.get(column)!);
    const seconds = (performance.now() - started) / 1000;
    let scored = 0;
    for (const s of scores) if (!Number.isNaN(s)) scored++;
    io.stdout(tableToCsv(table, [{ name: 'score', values: scores }]));
    for (const w of table.warnings) io.stderr(`rcf: ${file}: ${w}\n`);
    const o = forest.options;
    io.stderr(
      `rcf: scored ${scored} of ${table.rows} rows of column "${column}" in ${seconds.toFixed(2)} s ` +
        `(${Math.round(table.rows / Math.max(seconds, 1e-9))} rows/s; numberOfTrees ${o.numberOfTrees}, ` +
        `sampleSize ${o.sampleSize}, shingleSize ${o.shingleSize}, seed ${o.seed})` +
        (forest.imputed ? `; ${forest.imputed} rows had missing values carried forward` : '') +
        '\n',
    );
    return 0;
  } catch (e) {
    if (e instanceof UsageError || e instanceof OptionsError || e instanceof CsvError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`rcf: ${(e as Error).message}\n`);
      return 2;
    }
    io.stderr(`rcf: ${(e as Error).stack ?? e}\n`);
    return 1;
  }
}

function pickColumn(table: Table, wanted: string | undefined, file: string): string {
  const numeric = [...table.numeric.keys()];
  if (wanted !== undefined) {
    if (table.numeric.has(wanted)) return wanted;
    const known = table.header.includes(wanted);
    throw new UsageError(
      known
        ? `Column "${wanted}" of ${file} is not numeric. Numeric columns: ${numeric.join(', ') || 'none'}.`
        : `${file} has no column "${wanted}". Columns: ${table.header.join(', ')}.`,
    );
  }
  if (numeric.length === 0) throw new UsageError(`${file} has no numeric column to score (columns: ${table.header.join(', ')}).`);
  return numeric[0];
}
