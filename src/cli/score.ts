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
import { missingValueMessage } from '../shared/missing';
import {
  resolveOptions, zProblem, MISSING_VALUES, SCORING_MODES, type ForestOptionsInput, type MissingValues, type ScoringMode,
} from '../shared/options';
import { csvHeaderLine, csvLine, formatNumber, outputNames } from '../ingest/export';
import { CsvStreamReader } from '../ingest/stream';
import { count, firstRows, plural } from '../ingest/table-builder';
import { defaultColumn, isLabelColumn, numbersRows, possibleDefaultColumns } from '../ingest/columns';
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

/**
 * The --z option: deviations above the mean where the alert threshold sits. Checked as the page checks it
 * (src/shared/options.ts), with the same limits and words.
 */
export function zOption(z: string | undefined): number | undefined {
  if (z === undefined) return undefined;
  const v = z.trim() === '' ? NaN : Number(z);
  const problem = zProblem(v, () => `got ${z.trim() === '' ? '""' : z}`);
  if (problem) throw new UsageError(`--z m${problem.slice(1)}`);
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

function pickColumns(layout: CsvLayout, given: string[] | undefined, file: string, keyColumn = -1): number[] {
  const key = keyColumn >= 0 ? layout.header[keyColumn] : undefined;
  const numeric = layout.columns.filter((c) => c.kind === 'number' && c.name !== key).map((c) => c.name);
  const wanted = wantedColumns(given, layout.header);
  if (wanted.length === 0) {
    if (numeric.length === 0) {
      throw new UsageError(
        `${file} has no numeric column to score${key === undefined ? '' : ` besides the --group-by column "${key}"`} (columns: ${layout.header.join(', ')}).`,
      );
    }
    return [layout.header.indexOf(defaultColumn(layout.columns, layout.rows, (n) => n === key)!)];
  }
  return wanted.map((name) => {
    const index = layout.header.indexOf(name);
    if (index < 0) throw new UsageError(`${file} has no column "${name}". Columns: ${layout.header.join(', ')}.`);
    if (index === keyColumn) {
      throw new UsageError(`Column "${name}" is the --group-by key, which picks the forest and is not scored; leave it out of --column.`);
    }
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

/** Forest options that --load takes from the snapshot instead. */
const FOREST_FLAGS = ['trees', 'sample-size', 'shingle-size', 'time-decay', 'output-after', 'seed', 'mode', 'missing'] as const;

/** Per-row results of one batch. */
interface Outputs {
  scores: Float64Array<ArrayBuffer>;
  grades: Float64Array;
  thresholds: Float64Array;
  attribution: Float64Array | null;
  /** rows × columns: expected values where grade > 0, NaN elsewhere. */
  expected: Float64Array | null;
  imputed: Uint8Array;
}

/**
 * One series of --group-by (or the whole file without it): its own forest, thresholder and expected-values
 * follower, so the shingle, normalisation, warm-up and threshold of one key never see another key's rows.
 */
interface Group {
  /** The cell of the --group-by column ('' without --group-by). */
  key: string;
  forest: RandomCutForest | ShardedForest;
  thresholder: Thresholder;
  /** One chunk behind the forest, for the expected values of alerting rows (src/forest/detector.ts). */
  follower: RandomCutForest | null;
  /** Rows graded so far: the thresholder's row numbers (a loaded model's rows included). */
  graded: number;
  /** Rows graded before this input (a loaded model's), so that the summary counts this input's events only. */
  firstGraded: number;
  /** Fills the group's gaps in time (--gaps zero|carry); null: none; undefined: not decided (first rows). */
  gaps?: GapFiller | null;
}

/** Keys --group-by takes before it stops (--max-groups): each key holds two forests (one without expected values). */
export const DEFAULT_MAX_GROUPS = 1000;

export async function score(file: string, values: Values, ctx: Context): Promise<number> {
  const { io } = ctx;
  const format = values.format ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format takes csv or jsonl; got "${format}".`);
  const options = forestOptions(values);
  const resolved = resolveOptions(options); // fail fast on bad options, before reading the file
  const gapPolicy = gapsOption(values.gaps);
  const workers = workersOption(values.workers);
  const groupBy = values['group-by'];
  const maxGroups = maxGroupsOption(values['max-groups'], groupBy);
  const reading = readingOptions(values);
  const withExpected = !values['no-expected'];
  const z = zOption(values.z);
  const withAttribution = Boolean(values.attribution);
  const saveTo = values.save;
  const loadFrom = values.load;
  if (groupBy !== undefined && (saveTo !== undefined || loadFrom !== undefined)) {
    throw new UsageError(
      `--save and --load keep one forest, and --group-by makes one per key: leave out ${saveTo !== undefined ? '--save' : '--load'} ` +
        'or --group-by (a snapshot file holds one series; split the file by key to keep a model per key).',
    );
  }
  if (groupBy !== undefined && workers > 1) {
    throw new UsageError('--group-by keeps one small forest per key in this thread; leave out --workers (to use more cores, split the file by key and run one rcf per part).');
  }
  if ((saveTo !== undefined || loadFrom !== undefined) && workers > 1) {
    throw new UsageError('--save and --load work with one thread; leave out --workers.');
  }
  if (withAttribution && options.scoringMode === 'codisp') {
    throw new UsageError('--attribution explains the default score; it does not go with --mode codisp.');
  }
  const module = await RandomCutForest.compile(io.kernel);
  const name = file === '-' ? 'stdin' : file;
  const reader = new CsvStreamReader(reading);

  /** Without --group-by: the one group, made in setup(). */
  let single: Group | null = null;
  /** With --group-by: a group per key, made when the key first appears. */
  const groups = new Map<string, Group>();
  /** The --group-by column's index in the header (-1 without it). */
  let keyColumn = -1;
  let columns: number[] = [];
  let names: string[] = [];
  let outNames: string[] = [];
  let forestOptionsOfGroups: ForestOptionsInput = options;
  /** Dimensions of a point given to the trees: shingleSize × scored columns (set in setup()). */
  let D = 0;
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
  // opened last, once every option and file named in them is known to be usable: a refusal above leaves
  // nothing open (a read stream that opens later would fail on a file gone by then)
  const source = await openSource(file, io);
  const tty = io.stderrIsTTY ?? Boolean(process.stderr.isTTY);
  const stdoutTty = io.stdoutIsTTY ?? (io.drain ? false : Boolean(process.stdout.isTTY));
  const progress = new Progress(ctx.err, Boolean(values.progress) || (tty && !stdoutTty), tty, source.size);
  let layout: CsvLayout | null = null;
  let written = 0;
  let scored = 0;
  let lastLine = 0;
  const started = performance.now();

  /**
   * The columns the default choice could still be on the layout of the rows in hand (none with --column):
   * a live input's pause settles the layout only when there is at most one, so that the same input scores
   * the same column however it comes (in one piece, or row by row as `tail -f` gives it).
   */
  const open = (l: CsvLayout): string[] =>
    values.column?.length ? [] : possibleDefaultColumns(l.columns, l.rows, (n) => n === groupBy, l.valueless);
  const quoted = (names: string[]) => names.map((n) => `"${n}"`).join(' or ');
  let waitNoted = false;
  const settledAtPause = (l: CsvLayout): boolean => {
    const cols = open(l);
    if (cols.length <= 1) return true;
    if (!waitNoted) {
      waitNoted = true;
      const index = l.columns.filter((c) => cols.includes(c.name) && !isLabelColumn(c.name) && numbersRows(c, l.rows)).map((c) => `"${c.name}"`);
      ctx.err(
        `rcf: note: ${name}: waiting for more rows before writing any: the column to score is not settled on ${firstRows(l.rows)} ` +
          `(${quoted(cols)}${index.length ? `; ${index.join(', ')} ${index.length === 1 ? 'numbers' : 'number'} the rows so far, like a row index, which is not scored by default` : ''}). ` +
          `More rows settle it (${count(reader.detectLimit)} at most, or the end of the input); --column chooses at once.\n`,
      );
    }
    return false;
  };
  /** The columns the choice was still open between when an interrupt forced the layout on the rows in hand. */
  let forcedOpen: string[] = [];

  /** A new group with a new forest (a key's first row, or the whole file without --group-by). */
  const newGroup = (key: string): Group => {
    const forest = RandomCutForest.fromModule(forestOptionsOfGroups, module);
    return {
      key,
      forest,
      thresholder: thresholderFor(forest.options, z === undefined ? {} : { z }),
      follower: withExpected ? RandomCutForest.fromModule(forestOptionsOfGroups, module) : null,
      graded: 0,
      firstGraded: 0,
    };
  };

  const setup = async (l: CsvLayout) => {
    layout = l;
    // as the page says it (src/worker/forest-api.ts); the layout is decided on at least one row unless the input ended
    if (l.rows === 0) throw new UsageError(`${name} has a header line but no data rows. Choose a CSV file with data.`);
    if (groupBy !== undefined) {
      keyColumn = l.header.indexOf(groupBy);
      if (keyColumn < 0) throw new UsageError(`${name} has no column "${groupBy}" to group by (--group-by). Columns: ${l.header.join(', ')}.`);
    }
    columns = pickColumns(l, values.column, name, keyColumn);
    names = columns.map((c) => l.header[c]!);
    if (forcedOpen.length > 1) {
      ctx.err(
        `rcf: note: ${name}: scored "${names[0]}", chosen on ${firstRows(l.rows)} as the input stopped; more rows could have chosen ` +
          `${quoted(forcedOpen.filter((n) => n !== names[0]))}; --column chooses.\n`,
      );
    }
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
              `${l.complete ? '' : ` in ${firstRows(l.rows)}`}), so normalize is on: each column is divided by its running standard deviation.\n`,
          );
        }
      }
    }
    forestOptionsOfGroups = { ...options, inputDimensions: m, normalize };
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
      if (loaded.thresholder && z !== undefined) {
        // its threshold statistics go on with its z; a --z beside it would be left unused
        throw new UsageError(
          `--load takes the alert threshold from the snapshot too (${loadFrom} has z ${loaded.thresholder.options.z}); leave out --z.`,
        );
      }
      const thresholder = loaded.thresholder ?? thresholderFor(loaded.forest.options, z === undefined ? {} : { z });
      single = {
        key: '',
        forest: loaded.forest,
        thresholder,
        follower: withExpected ? (await restore('the snapshot')).forest : null,
        graded: thresholder.rowsGraded, // the stream goes on: row numbers continue
        firstGraded: thresholder.rowsGraded,
      };
    } else if (groupBy === undefined) {
      if (workers > 1 && resolveOptions(forestOptionsOfGroups).numberOfTrees > 1) {
        const forest = await ShardedForest.create(forestOptionsOfGroups, module, { workers });
        single = {
          key: '',
          forest,
          thresholder: thresholderFor(forest.options, z === undefined ? {} : { z }),
          follower: withExpected ? RandomCutForest.fromModule(forestOptionsOfGroups, module) : null,
          graded: 0,
          firstGraded: 0,
        };
      } else single = newGroup('');
    }
    D = single ? single.forest.dimensions : resolveOptions(forestOptionsOfGroups).shingleSize * m;
    outNames = outputNames(l.header, [
      'score', 'grade', 'threshold', ...(withAttribution ? names.map((n) => `attribution_${n}`) : []),
      ...(withExpected ? names.map((n) => `expected_${n}`) : []), 'imputed',
    ]);
    return format === 'csv' ? csvHeaderLine(outNames, l.delimiter) : '';
  };

  /** Room for the per-row results of `rows` rows. */
  const outputs = (rows: number): Outputs => ({
    scores: new Float64Array(rows),
    grades: new Float64Array(rows),
    thresholds: new Float64Array(rows),
    attribution: withAttribution ? new Float64Array(rows * 2 * D) : null,
    expected: withExpected ? new Float64Array(rows * columns.length).fill(NaN) : null,
    imputed: new Uint8Array(rows),
  });

  /** The values of the added columns for row r: score, grade, threshold, attribution and expected per column, imputed. */
  const added = (r: number, out: Outputs): (number | boolean)[] => {
    const row: (number | boolean)[] = [out.scores[r]!, out.grades[r]!, out.thresholds[r]!];
    if (out.attribution) {
      const m = columns.length;
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

  /**
   * Grades the first `count` scored rows of a group and fills in the expected values of its alerts. The
   * follower learns the rows the forest learnt: `input`'s first `learnt` rows (fill rows of gaps among
   * them, `at` giving each row's place; without fill rows, the first `count`).
   */
  const grade = (g: Group, input: Float64Array, out: Outputs, confidence: Float64Array, count: number, learnt = count, at: Int32Array | null = null) => {
    const m = columns.length;
    const alerts: number[] = [];
    for (let r = 0; r < count; r++) {
      const result = g.thresholder.grade(g.graded++, out.scores[r]!, confidence[r]);
      out.grades[r] = result.grade;
      out.thresholds[r] = result.threshold;
      if (result.grade > 0) alerts.push(r);
    }
    if (g.follower && out.expected) {
      const values = g.follower.replay(input.subarray(0, learnt * m), at ? alerts.map((r) => at[r]!) : alerts);
      alerts.forEach((r, i) => out.expected!.set(values.subarray(i * m, (i + 1) * m), r * m));
    }
  };

  /**
   * Scores, learns and grades a group's rows (`rows`, row-major; `time` per row or null) into `out` and
   * `confidence`. With --gaps zero|carry the rows that fill the group's gaps in time go in first
   * (src/forest/gaps.ts; the group's usual step is taken from its first rows); only the given rows come
   * out. Returns where --missing error stopped it (the rows before are scored), or null.
   */
  const feed = async (
    g: Group, rows: Float64Array, time: ArrayLike<number> | null, out: Outputs, confidence: Float64Array,
  ): Promise<{ row: number; column: number } | null> => {
    const m = columns.length;
    const n = rows.length / m;
    if (g.gaps === undefined) {
      g.gaps = gapPolicy !== 'leave' && time ? new GapFiller(gapPolicy, m, usualStep(time), g.forest.options.sampleSize) : null;
    }
    const filled = g.gaps && time ? g.gaps.fill(rows, time) : null;
    const input = filled ? filled.rows : rows;
    const total = input.length / m;
    const o = filled ? outputs(total) : out;
    const c = filled ? new Float64Array(total) : confidence;
    let learnt = total;
    let missing: { row: number; column: number } | null = null;
    try {
      await g.forest.process(input, o.scores, { imputed: o.imputed, confidence: c, ...(o.attribution ? { attribution: o.attribution } : {}) });
    } catch (e) {
      if (!(e instanceof MissingValueError)) throw e;
      learnt = e.row;
      // met at a row of the file (a fill row carries the row before it, which was met first)
      let row = e.row;
      if (filled) for (row = 0; row < n && filled.at[row]! < e.row; row++);
      missing = { row, column: e.column };
    }
    const count = missing ? missing.row : n;
    if (filled) {
      const at = filled.at.subarray(0, count);
      gather(o.scores, at, 1, out.scores);
      gather(c, at, 1, confidence);
      for (let r = 0; r < count; r++) out.imputed[r] = o.imputed[at[r]!]!;
      if (o.attribution && out.attribution) gather(o.attribution, at, 2 * D, out.attribution);
    }
    grade(g, input, out, confidence, count, filled ? learnt : count, filled ? filled.at : null);
    return missing;
  };

  /** The error of --missing error at row r, input column j of the batch. */
  const missingError = (batch: RowBatch, r: number, j: number) => {
    const line = batch.lines[r]!;
    const column = names[j]!;
    const cell = batch.cells[r]![columns[j]!]!;
    return new UsageError(missingValueMessage({ file: name, line, column, cell }, 'cli'));
  };

  const processBatch = async (batch: RowBatch): Promise<string> => {
    const m = columns.length;
    const input = new Float64Array(batch.rows * m);
    for (let j = 0; j < m; j++) {
      const values = batch.numeric.get(names[j]!)!;
      for (let r = 0; r < batch.rows; r++) input[r * m + j] = values[r]!;
    }
    const out = outputs(batch.rows);
    const confidence = new Float64Array(batch.rows);
    /** Rows from `cut` on are neither scored nor written: the run stops there with `stop`. */
    let cut = batch.rows;
    let stop: UsageError | null = null;
    if (single) {
      const g = single;
      const missing = await feed(g, input, batch.time, out, confidence);
      if (missing) {
        // rows before it were scored: write them, then stop
        cut = missing.row;
        stop = missingError(batch, missing.row, missing.column);
      }
    } else {
      // each row goes to its key's forest; the rows stay in file order in the output
      const rowsOf = new Map<Group, number[]>();
      const strict = resolved.missingValues === 'error';
      for (let r = 0; r < batch.rows && !stop; r++) {
        if (strict) {
          // stop before the first missing value, as one forest does: the rows before it are written
          for (let j = 0; j < m; j++) {
            if (!Number.isFinite(input[r * m + j])) {
              stop = missingError(batch, r, j);
              break;
            }
          }
          if (stop) {
            cut = r;
            break;
          }
        }
        const key = batch.cells[r]![keyColumn] ?? '';
        let g = groups.get(key);
        if (!g) {
          if (groups.size >= maxGroups) {
            cut = r;
            stop = new UsageError(
              `${name}: line ${batch.lines[r]}: key ${JSON.stringify(key)} of column "${groupBy}" would be group ${count(groups.size + 1)}, ` +
                `over --max-groups ${count(maxGroups)} (each group keeps its own forest${withExpected ? ', two with expected values' : ''}, ` +
                `${mb(groups.values().next().value!.forest.stats().memoryBytes)} each). If "${groupBy}" is the right key, ` +
                `raise --max-groups; otherwise group by a column with fewer distinct values.`,
            );
            break;
          }
          g = newGroup(key);
          groups.set(key, g);
        }
        let rows = rowsOf.get(g);
        if (!rows) rowsOf.set(g, (rows = []));
        rows.push(r);
      }
      for (const [g, rows] of rowsOf) {
        const n = rows.length;
        const part = new Float64Array(n * m);
        rows.forEach((r, i) => part.set(input.subarray(r * m, (r + 1) * m), i * m));
        const o = outputs(n);
        const c = new Float64Array(n);
        await feed(g, part, batch.time ? rows.map((r) => batch.time![r]!) : null, o, c);
        rows.forEach((r, i) => {
          out.scores[r] = o.scores[i]!;
          out.grades[r] = o.grades[i]!;
          out.thresholds[r] = o.thresholds[i]!;
          out.imputed[r] = o.imputed[i]!;
          if (o.attribution) out.attribution!.set(o.attribution.subarray(i * 2 * D, (i + 1) * 2 * D), r * 2 * D);
          if (o.expected) out.expected!.set(o.expected.subarray(i * m, (i + 1) * m), r * m);
        });
      }
    }
    for (let r = 0; r < cut; r++) if (out.scores[r] === out.scores[r]) scored++;
    written += cut;
    if (cut > 0) lastLine = batch.lines[cut - 1] ?? lastLine;
    const text = formatRows(batch, out, cut);
    if (stop) throw Object.assign(stop, { pending: text });
    return text;
  };

  const after = async () => {
    for (const w of reader.takeWarnings()) ctx.err(`rcf: ${name}: ${w}\n`);
    let batch: RowBatch | null;
    while ((batch = reader.take())) {
      let text = '';
      if (!layout) text += await setup(reader.layout!);
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
    end = await pump(source, reader, ctx.stop, io.pauseMs ?? 200, after, settledAtPause);
    // interrupted before the layout was settled: settle it on the rows in hand (saying so if the column to
    // score was not settled on them), and write them
    const forced = (l: CsvLayout) => {
      forcedOpen = open(l);
      return true;
    };
    if (end === 'interrupted' && !ctx.brokenPipe() && reader.decideNow(forced)) await after();
    if (end === 'end') progress.update(reader.rows, reader.bytes, true);
  } finally {
    source.close();
    progress.done();
    // assigned in setup(), which TypeScript does not follow here
    const f = (single as Group | null)?.forest;
    if (f instanceof ShardedForest) await f.dispose();
  }
  if (end === 'broken-pipe' || ctx.brokenPipe()) return 0;
  if (end === 'interrupted') {
    ctx.err(
      `rcf: interrupted: wrote the ${written === 1 ? 'row' : `${count(written)} rows`} read so far${lastLine ? ` (up to line ${lastLine})` : ''}, ` +
        `${count(scored)} of ${written === 1 ? 'it' : 'them'} with a score.\n`,
    );
    return 130;
  }
  const summary = reader.summary();
  for (const w of summary.warnings) ctx.err(`rcf: ${name}: ${w}\n`);
  const one = single as Group | null;
  if (saveTo !== undefined && one) {
    const bytes = await saveSnapshot(one.forest as RandomCutForest, one.thresholder, names);
    await writeFile(saveTo, bytes).catch((e: Error) => {
      throw new UsageError(`Cannot write the snapshot to ${saveTo}: ${e.message}`);
    });
    ctx.err(`rcf: saved the forest (${plural(bytes.byteLength, 'byte')}) to ${saveTo}; continue with --load ${saveTo}\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  const all = one ? [one] : [...groups.values()];
  const o = all[0]?.forest.options ?? resolveOptions(forestOptionsOfGroups);
  const stats = all.map((g) => g.forest.stats());
  const total = (k: 'imputedRows' | 'skippedRows' | 'clampedRows') => stats.reduce((s, x) => s + x[k], 0);
  const notes: string[] = [];
  const imputedRows = total('imputedRows');
  if (imputedRows) {
    notes.push(`${plural(imputedRows, 'row')} had missing values ${o.missingValues === 'zero' ? 'set to 0' : 'carried forward'}`);
  }
  // this file's events (a loaded model's earlier ones are not)
  const events = all.reduce((s, g) => s + g.thresholder.events.filter((e) => e.start >= g.firstGraded).length, 0);
  notes.push(plural(events, 'anomaly event'));
  const clampedRows = total('clampedRows');
  if (clampedRows) {
    notes.push(`${plural(clampedRows, 'row')} had values beyond ±3.4e38 (the kernel's f32 range), scored as ±3.4e38`);
  }
  const skippedRows = total('skippedRows');
  if (skippedRows) notes.push(`${plural(skippedRows, 'row was', 'rows were')} left out for missing values`);
  if (groupBy !== undefined) {
    // every group's forest is planned from the same options, so one figure is every forest's
    const perForest = [...new Set(stats.map((s) => s.memoryBytes))];
    const followers = all.reduce((s, g) => s + (g.follower?.stats().memoryBytes ?? 0), 0);
    const inAll = stats.reduce((s, x) => s + x.memoryBytes, 0) + followers;
    notes.push(
      `${plural(all.length, 'group')} by "${groupBy}", a forest each of ${perForest.map((b) => `${mb(b)} (${plural(b, 'byte')})`).join(' to ') || '0 bytes'}` +
        `${withExpected ? ', and as much again for expected values' : ''}: ${mb(inAll)} in all`,
    );
  }
  const fillers = all.map((g) => g.gaps).filter((f): f is GapFiller => Boolean(f));
  if (fillers.length) {
    const filled = new GapFiller(gapPolicy, 1, NaN, o.sampleSize);
    for (const f of fillers) {
      filled.gaps += f.gaps;
      filled.filledRows += f.filledRows;
      filled.cappedGaps += f.cappedGaps;
    }
    notes.push(filled.describe());
  } else if (gapPolicy !== 'leave') notes.push(`--gaps ${gapPolicy} did nothing: the file has no time column`);
  if (scored === 0 && summary.rows > 0) {
    const warm = Math.max(o.outputAfter, o.shingleSize - 1);
    ctx.err(
      `rcf: note: the forest was still warming up: it reports scores from row ${count(warm + 1)} on ` +
        `(max(outputAfter ${count(o.outputAfter)}, shingleSize - 1))${groupBy !== undefined ? ' of each key' : ''}, and the file has ${plural(summary.rows, 'row')}; ` +
        'lower --output-after to score earlier rows.\n',
    );
  }
  const f = one?.forest;
  ctx.err(
    `rcf: scored ${count(scored)} of ${plural(summary.rows, 'row')} of ${names.length === 1 ? 'column' : 'columns'} ${names.map((n) => `"${n}"`).join(', ')} in ${seconds.toFixed(2)} s ` +
      `(${count(Math.round(summary.rows / Math.max(seconds, 1e-9)))} rows/s; numberOfTrees ${count(o.numberOfTrees)}, ` +
      `sampleSize ${count(o.sampleSize)}, shingleSize ${o.shingleSize}, seed ${o.seed}${o.normalize ? ', normalize on' : ''}` +
      `${f instanceof ShardedForest ? `, ${f.workers} worker threads` : ''})` +
      (notes.length ? `; ${notes.join('; ')}` : '') +
      '\n',
  );
  return 0;
}

/** The --max-groups option (only with --group-by). */
function maxGroupsOption(value: string | undefined, groupBy: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_GROUPS;
  if (groupBy === undefined) throw new UsageError('--max-groups limits --group-by; give --group-by COLUMN as well, or leave it out.');
  const n = integerOption('max-groups', value)!;
  if (n < 1) throw new UsageError(`--max-groups takes a whole number, 1 or more; got "${value}".`);
  return n;
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`; // MB of 1,000,000 bytes
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}
