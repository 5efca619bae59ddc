/**
 * rcf score: stream a CSV through the forest. Each chunk of input is parsed, scored and written before the
 * next is read, so memory is bounded by the chunk, the rows the layout is decided on and the forest.
 */
import { thresholderFor, type Thresholder } from '../forest/thresholder';
import { access, readFile, writeFile } from 'node:fs/promises';
import { constants as fsConstants } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { RandomCutForest, MissingValueError } from '../forest/forest';
import { saveSnapshot, loadSnapshot, SnapshotError } from '../forest/snapshot';
import { ShardedForest } from '../pool/sharded-forest';
import {
  resolveOptions, MISSING_VALUES, SCORING_MODES, type ForestOptionsInput, type MissingValues, type ScoringMode,
} from '../shared/options';
import { csvHeaderLine, csvLine, formatNumber, outputNames } from '../ingest/export';
import { CsvStreamReader } from '../ingest/stream';
import { defaultColumn } from '../ingest/columns';
import { GapFiller, GAP_POLICIES, gather, usualStep, type GapPolicy } from '../forest/gaps';
import type { CsvLayout, RowBatch } from '../ingest/stream';
import { UsageError } from './errors';
import { openSource, Progress, pump } from './input';
import type { Context, Values } from './main';
import { readingOptions } from './options';

/** Ranges (max − min) of several columns further apart than this turn normalisation on. */
export const NORMALIZE_RATIO = 100;

function integerOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim())) throw new UsageError(`--${name} takes a whole number; got "${value}".`);
  return Number(value);
}

function numberOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const v = Number(value.trim());
  if (value.trim() === '' || !Number.isFinite(v)) throw new UsageError(`--${name} takes a number; got "${value}".`);
  return v;
}

export function forestOptions(values: Values): ForestOptionsInput {
  const missing = values.missing;
  if (missing !== undefined && !MISSING_VALUES.includes(missing as MissingValues)) {
    throw new UsageError(`--missing takes one of ${MISSING_VALUES.join(', ')}; got "${missing}".`);
  }
  return {
    numberOfTrees: integerOption('trees', values.trees),
    sampleSize: integerOption('sample-size', values['sample-size']),
    shingleSize: integerOption('shingle-size', values['shingle-size']),
    seed: integerOption('seed', values.seed),
    timeDecay: numberOption('time-decay', values['time-decay']),
    outputAfter: integerOption('output-after', values['output-after']),
    missingValues: missing as MissingValues | undefined,
    scoringMode: scoringModeOption(values.mode),
  };
}

function gapsOption(gaps: string | undefined): GapPolicy {
  if (gaps === undefined) return 'leave';
  if (!(GAP_POLICIES as readonly string[]).includes(gaps)) throw new UsageError(`--gaps takes one of ${GAP_POLICIES.join(', ')}; got "${gaps}".`);
  return gaps as GapPolicy;
}

function scoringModeOption(mode: string | undefined): ScoringMode | undefined {
  if (mode === undefined) return undefined;
  if (!SCORING_MODES.includes(mode as ScoringMode)) throw new UsageError(`--mode takes score or codisp; got "${mode}".`);
  return mode as ScoringMode;
}

/** The most worker threads --workers takes. */
export const MAX_WORKERS = 64;

/** The --workers option: worker threads the trees are sharded over (1: none, the main thread). */
export function workersOption(value: string | undefined): number {
  const n = integerOption('workers', value) ?? 1;
  if (n < 1 || n > MAX_WORKERS) throw new UsageError(`--workers takes a whole number from 1 to ${MAX_WORKERS}; got "${value}".`);
  return n;
}

/** The --z option: deviations above the mean where the alert threshold sits. */
function zOption(z: string | undefined): number | undefined {
  if (z === undefined) return undefined;
  const v = Number(z);
  if (z.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UsageError(`--z takes a positive number of deviations; got "${z}".`);
  return v;
}

/** The columns named by --column (repeated, or comma-separated unless the whole text is a column name). */
export function wantedColumns(given: string[] | undefined, header: string[]): string[] {
  if (!given || given.length === 0) return [];
  const names: string[] = [];
  for (const g of given) {
    if (header.includes(g)) names.push(g);
    else names.push(...g.split(',').map((s) => s.trim()).filter((s) => s !== ''));
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new UsageError(`Column "${n}" is given twice to --column; name each column once.`);
    seen.add(n);
  }
  if (names.length === 0) throw new UsageError('--column needs a column name.');
  return names;
}

function pickColumns(layout: CsvLayout, given: string[] | undefined, file: string): number[] {
  const numeric = layout.columns.filter((c) => c.kind === 'number').map((c) => c.name);
  const wanted = wantedColumns(given, layout.header);
  if (wanted.length === 0) {
    if (numeric.length === 0) {
      throw new UsageError(`${file} has no numeric column to score (columns: ${layout.header.join(', ')}).`);
    }
    return [layout.header.indexOf(defaultColumn(layout.columns, layout.rows)!)];
  }
  return wanted.map((name) => {
    const index = layout.header.indexOf(name);
    if (index < 0) throw new UsageError(`${file} has no column "${name}". Columns: ${layout.header.join(', ')}.`);
    const column = layout.columns[index]!;
    if (column.kind !== 'number') {
      throw new UsageError(
        `Column "${name}" of ${file} is not numeric` +
          (column.kind === 'time' ? ' (it is read as times)' : '') +
          `. Numeric columns: ${numeric.join(', ') || 'none'}.`,
      );
    }
    return index;
  });
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Forest options that --load takes from the snapshot instead. */
const FOREST_FLAGS = ['trees', 'sample-size', 'shingle-size', 'time-decay', 'output-after', 'seed', 'mode', 'missing'] as const;

/** Per-row results of one batch. */
interface Outputs {
  scores: Float64Array;
  grades: Float64Array;
  thresholds: Float64Array;
  attribution: Float64Array | null;
  /** rows × columns: expected values where grade > 0, NaN elsewhere. */
  expected: Float64Array | null;
  imputed: Uint8Array;
}

export async function score(file: string, values: Values, ctx: Context): Promise<number> {
  const { io } = ctx;
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format takes csv or jsonl; got "${format}".`);
  const options = forestOptions(values);
  resolveOptions(options); // fail fast on bad options, before reading the file
  const gapPolicy = gapsOption(values.gaps);
  const workers = workersOption(values.workers);
  const reading = readingOptions(values);
  const module = await RandomCutForest.compile(io.kernel);
  const source = await openSource(file, io);
  const name = file === '-' ? 'stdin' : file;
  const reader = new CsvStreamReader(reading);
  const tty = io.stderrIsTTY ?? Boolean(process.stderr.isTTY);
  const stdoutTty = io.stdoutIsTTY ?? (io.drain ? false : Boolean(process.stdout.isTTY));
  const progress = new Progress(ctx.err, Boolean(values.progress) || (tty && !stdoutTty), tty, source.size);

  let forest: RandomCutForest | ShardedForest | null = null;
  let columns: number[] = [];
  let names: string[] = [];
  let outNames: string[] = [];
  let thresholder: Thresholder | null = null;
  /** One chunk behind the forest, for the expected values of alerting rows (src/forest/detector.ts). */
  let follower: RandomCutForest | null = null;
  const withExpected = !values['no-expected'];
  /** Fills gaps in time (--gaps zero|carry); made with the first rows (their usual step); null: none. */
  let gapFiller: GapFiller | null | undefined;
  const z = zOption(values.z);
  const withAttribution = Boolean(values.attribution);
  const saveTo = values.save;
  const loadFrom = values.load;
  if ((saveTo !== undefined || loadFrom !== undefined) && workers > 1) {
    throw new UsageError('--save and --load work with one thread; leave out --workers.');
  }
  if (saveTo !== undefined) {
    // find out now, not after the whole file, whether the model can be written there
    await access(dirname(resolvePath(saveTo)), fsConstants.W_OK).catch((e: Error) => {
      throw new UsageError(`Cannot write the model to ${saveTo}: ${e.message}`);
    });
  }
  let snapshot: Uint8Array | null = null;
  if (loadFrom !== undefined) {
    const given = FOREST_FLAGS.filter((f) => values[f] !== undefined);
    if (given.length) {
      throw new UsageError(`--load takes the forest's options from the snapshot; leave out ${given.map((f) => `--${f}`).join(', ')}.`);
    }
    snapshot = await readFile(loadFrom).catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(e.code === 'ENOENT' ? `No such snapshot file: ${loadFrom}` : `Cannot read ${loadFrom}: ${e.message}`);
    });
  }
  const restore = async (what: string) => {
    try {
      return await loadSnapshot(snapshot!, module);
    } catch (e) {
      if (e instanceof SnapshotError) throw new UsageError(`${loadFrom}: ${e.message}`);
      throw new Error(`${what}: ${(e as Error).message}`);
    }
  };
  if (withAttribution && options.scoringMode === 'codisp') {
    throw new UsageError('--attribution explains the default score; it does not go with --mode codisp.');
  }
  let layout: CsvLayout | null = null;
  let written = 0;
  let scored = 0;
  let gradedRows = 0;
  let firstGraded = 0;
  let lastLine = 0;
  const started = performance.now();

  const setup = async (l: CsvLayout) => {
    layout = l;
    columns = pickColumns(l, values.column, name);
    names = columns.map((c) => l.header[c]!);
    const m = columns.length;
    let normalize = false;
    if (m > 1) {
      const ranges = columns.map((c) => {
        const col = l.columns[c]!;
        return col.min !== null && col.max !== null ? col.max - col.min : 0;
      });
      const positive = ranges.filter((r) => r > 0);
      if (positive.length > 1) {
        const lo = Math.min(...positive);
        const hi = Math.max(...positive);
        if (hi > NORMALIZE_RATIO * lo) {
          normalize = true;
          const at = (r: number) => names[ranges.indexOf(r)]!;
          ctx.err(
            `rcf: note: the ranges of the columns differ by more than ${NORMALIZE_RATIO}× ("${at(lo)}" ${fmt(lo)}, "${at(hi)}" ${fmt(hi)}` +
              `${l.complete ? '' : ` in the first ${l.rows} rows`}), so normalize is on: each column is divided by its running standard deviation.\n`,
          );
        }
      }
    }
    const forestOptions = { ...options, inputDimensions: m, normalize };
    if (snapshot) {
      const loaded = await restore('the snapshot');
      if (loaded.columns && loaded.columns.join('\u0000') !== names.join('\u0000')) {
        throw new UsageError(
          `${loadFrom} was saved for column(s) ${loaded.columns.map((c) => `"${c}"`).join(', ')}; this run scores ${names.map((c) => `"${c}"`).join(', ')}: ` +
            'name the same columns in the same order with --column.',
        );
      }
      if (loaded.forest.options.inputDimensions !== m) {
        throw new UsageError(
          `${loadFrom} holds a forest of ${loaded.forest.options.inputDimensions} input column(s); --column names ${m}: name as many columns, in the same order, as when it was saved.`,
        );
      }
      forest = loaded.forest;
      thresholder = loaded.thresholder ?? thresholderFor(forest.options, z === undefined ? {} : { z });
      gradedRows = thresholder.rowsGraded; // the stream goes on: row numbers continue
      firstGraded = gradedRows;
      if (withExpected) follower = (await restore('the snapshot')).forest;
    } else {
      forest =
        workers > 1 && resolveOptions(forestOptions).numberOfTrees > 1
          ? await ShardedForest.create(forestOptions, module, { workers })
          : RandomCutForest.fromModule(forestOptions, module);
      thresholder = thresholderFor(forest.options, z === undefined ? {} : { z });
      if (withExpected) follower = RandomCutForest.fromModule(forestOptions, module);
    }
    outNames = outputNames(l.header, [
      'score', 'grade', 'threshold', ...(withAttribution ? names.map((n) => `attribution_${n}`) : []),
      ...(withExpected ? names.map((n) => `expected_${n}`) : []), 'imputed',
    ]);
    return format === 'csv' ? csvHeaderLine(outNames, l.delimiter) : '';
  };

  /** The values of the added columns for row r: score, grade, threshold, attribution and expected per column, imputed. */
  const added = (r: number, out: Outputs): (number | boolean)[] => {
    const row: (number | boolean)[] = [out.scores[r]!, out.grades[r]!, out.thresholds[r]!];
    if (out.attribution) {
      const m = columns.length;
      const D = forest!.dimensions;
      const base = r * 2 * D;
      for (let j = 0; j < m; j++) {
        let sum = 0;
        for (let d = j; d < D; d += m) sum += out.attribution[base + d]! + out.attribution[base + D + d]!;
        row.push(sum);
      }
    }
    if (out.expected) for (let j = 0; j < columns.length; j++) row.push(out.expected[r * columns.length + j]!);
    row.push(out.imputed[r] === 1);
    return row;
  };

  const formatRows = (batch: RowBatch, out: Outputs, count: number): string => {
    const l = layout!;
    const width = l.header.length;
    let text = '';
    if (format === 'csv') {
      for (let r = 0; r < count; r++) {
        const extra = added(r, out).map((v) => (typeof v === 'boolean' ? String(v) : formatNumber(v, l.decimal)));
        text += csvLine(batch.cells[r]!, width, extra, l.delimiter);
      }
    } else {
      const kinds = l.columns.map((c) => c.kind);
      const numbers = l.header.map((h, c) => (kinds[c] === 'number' ? batch.numeric.get(h)! : null));
      const keys = outNames.map((k) => JSON.stringify(k));
      for (let r = 0; r < count; r++) {
        const row = batch.cells[r]!;
        let line = '{';
        for (let c = 0; c < width; c++) {
          const values = numbers[c];
          let v: string;
          if (values) {
            const x = values[r]!;
            v = Number.isFinite(x) ? String(x) : 'null';
          } else v = JSON.stringify(row[c] ?? '');
          line += (c ? ',' : '') + keys[c] + ':' + v;
        }
        added(r, out).forEach((v, k) => {
          const value = typeof v === 'boolean' ? String(v) : Number.isFinite(v) ? String(v) : 'null';
          line += (width + k ? ',' : '') + keys[width + k] + ':' + value;
        });
        text += line + '}\n';
      }
    }
    return text;
  };

  const processBatch = async (batch: RowBatch): Promise<string> => {
    const m = columns.length;
    const rows = new Float64Array(batch.rows * m);
    for (let j = 0; j < m; j++) {
      const values = batch.numeric.get(names[j]!)!;
      for (let r = 0; r < batch.rows; r++) rows[r * m + j] = values[r]!;
    }
    // --gaps zero|carry: the rows that fill gaps in time go in first (src/forest/gaps.ts); `at` says where
    // each row of the file went among them
    if (gapFiller === undefined) {
      gapFiller = gapPolicy !== 'leave' && batch.time ? new GapFiller(gapPolicy, m, usualStep(batch.time), forest!.options.sampleSize) : null;
    }
    const filled = gapFiller && batch.time ? gapFiller.fill(rows, batch.time) : null;
    const input = filled ? filled.rows : rows;
    const at = filled ? filled.at : null;
    const total = input.length / m;
    const D = forest!.dimensions;
    const fScores = new Float64Array(total);
    const fConfidence = new Float64Array(total);
    const fImputed = new Uint8Array(total);
    const fAttribution = withAttribution ? new Float64Array(total * 2 * D) : null;
    const scores = at ? new Float64Array(batch.rows) : fScores;
    const out: Outputs = {
      scores,
      grades: new Float64Array(batch.rows),
      thresholds: new Float64Array(batch.rows),
      attribution: at ? (withAttribution ? new Float64Array(batch.rows * 2 * D) : null) : fAttribution,
      expected: follower ? new Float64Array(batch.rows * m).fill(NaN) : null,
      imputed: at ? new Uint8Array(batch.rows) : fImputed,
    };
    const confidence = at ? new Float64Array(batch.rows) : fConfidence;
    /** Grades the file's rows [0, count) (their scores taken out from among the fill rows first). */
    const grade = (count: number) => {
      if (at) {
        const taken = at.subarray(0, count);
        gather(fScores, taken, 1, scores);
        gather(fConfidence, taken, 1, confidence);
        for (let r = 0; r < count; r++) out.imputed[r] = fImputed[at[r]!]!;
        if (fAttribution && out.attribution) gather(fAttribution, taken, 2 * D, out.attribution);
      }
      const alerts: number[] = [];
      for (let r = 0; r < count; r++) {
        const g = thresholder!.grade(gradedRows++, scores[r]!, confidence[r]);
        out.grades[r] = g.grade;
        out.thresholds[r] = g.threshold;
        if (g.grade > 0) alerts.push(r);
      }
      if (follower && out.expected) {
        // the follower learns every row the forest learnt, fill rows too
        const learnt = !at ? count : count < batch.rows ? at[count]! : total;
        const values = follower.replay(input.subarray(0, learnt * m), at ? alerts.map((r) => at[r]!) : alerts);
        alerts.forEach((r, i) => out.expected!.set(values.subarray(i * m, (i + 1) * m), r * m));
      }
    };
    try {
      await forest!.process(input, fScores, {
        imputed: fImputed, confidence: fConfidence, ...(fAttribution ? { attribution: fAttribution } : {}),
      });
    } catch (e) {
      if (!(e instanceof MissingValueError)) throw e;
      // rows before it were scored: write them, then stop (a missing value is met at a row of the file:
      // a fill row carries the row before it, which was met first)
      let row = e.row;
      if (at) for (row = 0; row < batch.rows && at[row]! < e.row; row++);
      grade(row);
      const text = formatRows(batch, out, row);
      written += row;
      const line = batch.lines[row]!;
      const column = names[e.column]!;
      const cell = batch.cells[row]![columns[e.column]!]!;
      throw Object.assign(
        new UsageError(
          `${name}: line ${line}, column "${column}": ${cell === '' ? 'the value is missing (empty cell)' : `${JSON.stringify(cell)} is not a number`}, ` +
            'and --missing error stops at the first missing value. Fix the file, or use --missing carry, zero or skip.',
        ),
        { pending: text },
      );
    }
    grade(batch.rows);
    for (let r = 0; r < batch.rows; r++) if (scores[r] === scores[r]) scored++;
    written += batch.rows;
    lastLine = batch.lines[batch.rows - 1] ?? lastLine;
    return formatRows(batch, out, batch.rows);
  };

  const after = async () => {
    for (const w of reader.takeWarnings()) ctx.err(`rcf: ${name}: ${w}\n`);
    let batch: RowBatch | null;
    while ((batch = reader.take())) {
      let text = '';
      if (!forest) text += await setup(reader.layout!);
      try {
        text += await processBatch(batch);
      } catch (e) {
        const pending = (e as { pending?: string }).pending;
        if (pending !== undefined) await ctx.out(text + pending);
        throw e;
      }
      await ctx.out(text);
    }
    progress.update(reader.rows, reader.bytes);
  };

  let end;
  try {
    end = await pump(source, reader, ctx.stop, io.pauseMs ?? 200, after);
    // interrupted before the layout was settled: settle it on the rows in hand, and write them
    if (end === 'interrupted' && !ctx.brokenPipe() && reader.decideNow()) await after();
    if (end === 'end') progress.update(reader.rows, reader.bytes, true);
  } finally {
    source.close();
    progress.done();
    // assigned in setup(), which TypeScript does not follow here
    const f = forest as RandomCutForest | ShardedForest | null;
    if (f instanceof ShardedForest) await f.dispose();
  }
  if (end === 'broken-pipe' || ctx.brokenPipe()) return 0;
  if (end === 'interrupted') {
    ctx.err(`rcf: interrupted: wrote the ${written} rows read so far${lastLine ? ` (up to line ${lastLine})` : ''}, ${scored} of them with a score.\n`);
    return 130;
  }
  const summary = reader.summary();
  for (const w of summary.warnings) ctx.err(`rcf: ${name}: ${w}\n`);
  if (saveTo !== undefined && forest) {
    const bytes = await saveSnapshot(forest as RandomCutForest, thresholder, names);
    await writeFile(saveTo, bytes).catch((e: Error) => {
      throw new UsageError(`Cannot write the snapshot to ${saveTo}: ${e.message}`);
    });
    ctx.err(`rcf: saved the forest (${bytes.byteLength} bytes) to ${saveTo}; continue with --load ${saveTo}\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  const f = forest! as RandomCutForest | ShardedForest;
  const o = f.options;
  const stats = f.stats();
  const notes: string[] = [];
  if (stats.imputedRows) {
    notes.push(`${plural(stats.imputedRows, 'row')} had missing values ${o.missingValues === 'zero' ? 'set to 0' : 'carried forward'}`);
  }
  // this file's events (a loaded model's earlier ones are not)
  const events = thresholder ? (thresholder as Thresholder).events.filter((e) => e.start >= firstGraded).length : 0;
  notes.push(plural(events, 'anomaly event'));
  if (stats.clampedRows) {
    notes.push(`${plural(stats.clampedRows, 'row')} had values beyond ±3.4e38 (the kernel's f32 range), scored as ±3.4e38`);
  }
  if (stats.skippedRows) notes.push(`${plural(stats.skippedRows, 'row was', 'rows were')} left out for missing values`);
  if (gapFiller) notes.push(gapFiller.describe());
  else if (gapPolicy !== 'leave') notes.push(`--gaps ${gapPolicy} did nothing: the file has no time column`);
  if (scored === 0 && summary.rows > 0) {
    const warm = Math.max(o.outputAfter, o.shingleSize - 1);
    ctx.err(
      `rcf: note: the forest was still warming up: it reports scores from row ${warm + 1} on ` +
        `(max(outputAfter ${o.outputAfter}, shingleSize - 1)), and the file has ${summary.rows} rows; lower --output-after to score earlier rows.\n`,
    );
  }
  ctx.err(
    `rcf: scored ${scored} of ${summary.rows} rows of ${names.length === 1 ? 'column' : 'columns'} ${names.map((n) => `"${n}"`).join(', ')} in ${seconds.toFixed(2)} s ` +
      `(${Math.round(summary.rows / Math.max(seconds, 1e-9))} rows/s; numberOfTrees ${o.numberOfTrees}, ` +
      `sampleSize ${o.sampleSize}, shingleSize ${o.shingleSize}, seed ${o.seed}${o.normalize ? ', normalize on' : ''}` +
      `${f instanceof ShardedForest ? `, ${f.workers} worker threads` : ''})` +
      (notes.length ? `; ${notes.join('; ')}` : '') +
      '\n',
  );
  return 0;
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}
