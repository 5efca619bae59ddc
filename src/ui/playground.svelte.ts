/**
 * The page's state and actions, as one rune class: which dataset is loaded (and from where), which column
 * is scored with which options, the scores, grades and thresholds as they stream in, the anomaly events,
 * the labelled windows and how many the alerts caught, the x range shown, and what to tell the person.
 *
 * Big columns (values, scores, grades, thresholds, time) are held with `$state.raw` and filled in place;
 * `version` counts the changes, so charts redraw (once per animation frame) without Svelte proxying
 * arrays of a million elements.
 *
 * Runs: each load or score bumps `run`; chunks and results of an older run are ignored, and the older run
 * is cancelled through its AbortSignal (the worker stops it between chunks). Changing an option schedules
 * a new run (debounced), which cancels the one going.
 */
import { ForestClient, type DatasetView, type ReadProgress, type ScoreChunk, type ScoreSummary } from '../client/forest-client';
import type { ForestOptions } from '../shared/options';
import type { TreeView } from '../forest/tree-view';
import type { Explanation, ExportProgress, MissingStop } from '../worker/forest-api';
import type { AnomalyEvent } from '../forest/thresholder';
import { xAxisFor, xOf, type XAxis } from './charts/x-axis';
import { baseName, formatCount, formatCountOf, formatDuration } from './format';
import { saveBlob } from './download';
import { loadDatasetJson, type Window } from './windows';
import {
  checkSettings, DEFAULT_SETTINGS, describeSettings, forestInput, settingsOf, thresholdInput, warmUpRows, type Settings,
} from './settings';
import { BUILT_INS, builtInByFile, DEFAULT_BUILT_IN, type DatasetSource } from './datasets';
import { generate, toCsv } from './synthetic';
import { caughtWindows, findLabelColumn, isLabelColumn, nabLabelsFor, unknownFiles, windowsFromColumn } from './labels';
import { clampRange, isFull, panRange, rangeAround, zoomRange, type Range } from './view';
import { defaultColumn } from '../ingest/columns';
import type { GapPolicy } from '../forest/gaps';
import { missingPlace, missingValueMessage } from '../shared/missing';
import { columnsOf, modelMisfit } from './model-fit';

/** The dataset the page opens with (public/datasets/, see its README for provenance). */
export const BUILT_IN = {
  url: `datasets/${DEFAULT_BUILT_IN.file}`,
  name: DEFAULT_BUILT_IN.file,
};

export type Phase = 'idle' | 'loading' | 'scoring' | 'done' | 'stopped';

/** A download being prepared: the worker's stage, or 'cancelling' from Cancel until the worker stops. */
export type ExportState = ExportProgress | { stage: 'cancelling'; done: number; total: number };

/** Milliseconds of the forest's work a chunk of a run aims at (sizes the chunks of big datasets). */
const CHUNK_MS = 250;

/** Replay speeds offered, in rows per second. */
export const REPLAY_SPEEDS = [10, 30, 100, 300, 1000, 3000, 10000] as const;

/** Rows a replay at `speed` rows per second shows while it plays: about 20 seconds of them, at least 300. */
export function replayWindow(speed: number): number {
  return Math.max(300, Math.round(speed * 20));
}

/** Rows per chunk of a replay at `speed` rows per second: about 30 chunks a second, at least one row. */
export function replayChunk(speed: number): number {
  return Math.max(1, Math.round(speed / 30));
}

/** Milliseconds an option change waits for the next one before the re-run starts. */
export const RESCORE_DELAY = 350;

const EMPTY = new Float64Array(0);

/** "1,234,567 rows · 120 of 950 MB · 45 MB/s" */
export function readingText(p: ReadProgress): string {
  // MB of 1,000,000 bytes, as file managers count them
  const mb = (n: number) => (n >= 10e6 ? String(Math.round(n / 1e6)) : (n / 1e6).toFixed(1));
  const rate = p.milliseconds > 0 ? p.bytes / 1e6 / (p.milliseconds / 1000) : 0;
  return `${formatCountOf(p.rows, 'row')} · ${mb(p.bytes)} of ${mb(p.totalBytes)} MB` + (rate > 0 ? ` · ${rate.toFixed(rate >= 10 ? 0 : 1)} MB/s` : '');
}

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'string') return e;
  return 'Something went wrong (no details were given).';
}

export class Playground {
  /** Where the dataset on screen came from (null before the first load). */
  source = $state.raw<DatasetSource | null>(null);
  /** The loaded dataset (numeric columns and time; the worker keeps the original cells for export). */
  dataset = $state.raw<DatasetView | null>(null);
  /** The x axis all charts share (full range). */
  x = $state.raw<XAxis | null>(null);
  /** The x range shown (zoom and pan), or null for all of it. */
  view = $state.raw<Range | null>(null);
  /** The numeric column picked for scoring. */
  column = $state('');
  /** Score every numeric column together (one point per row from all of them), not just `column`. */
  together = $state(false);
  /** Columns of the last run (several when scored together). */
  runColumns = $state.raw<string[]>([]);
  /** Notes on the last run, each a sentence: that normalize was turned on for it, how gaps were filled… */
  runNotes = $state.raw<string[]>([]);
  /** Column whose values and scores the charts show (the last run's; `column` may have moved on). */
  chartColumn = $state('');
  values = $state.raw<Float64Array>(EMPTY);
  /** Score per row; NaN = no score (warming up, or not scored yet). */
  scores = $state.raw<Float64Array>(EMPTY);
  /** Anomaly grade per row in [0, 1] (> 0: an alert); NaN = no score. */
  grades = $state.raw<Float64Array>(EMPTY);
  /** The alert threshold each score was compared with; NaN = no score. */
  thresholds = $state.raw<Float64Array>(EMPTY);
  /** Rows with grade > 0, in order (filled in place as chunks arrive; `version` tells). */
  alertRows = $state.raw<number[]>([]);
  /** Rows the current run has got through. */
  rowsDone = $state(0);
  /** Highest score so far and its row (-1 = none); highest threshold so far. */
  scoreMax = $state(0);
  peakRow = $state(-1);
  thresholdMax = $state(0);
  /** Bumped whenever the columns above change in place. */
  version = $state(0);
  /** Labelled anomaly windows of this dataset (x units), from NAB or from a label column. */
  windows = $state.raw<Window[]>([]);
  /** Where the windows come from: NAB's labels, or the named 0/1 column of the file. */
  labelSource = $state<{ kind: 'nab' } | { kind: 'column'; name: string } | null>(null);
  /** Things worth knowing about the labels or the link (never fatal). */
  notes = $state.raw<string[]>([]);
  /** What of a link could not be followed once its dataset loaded (a column it does not have). */
  linkNotes = $state.raw<string[]>([]);
  settings = $state<Settings>({ ...DEFAULT_SETTINGS });
  /** Option fields whose text the browser cannot read as a number (1e400): not empty, so no default for them. */
  unreadable = $state.raw<ReadonlySet<string>>(new Set());
  /** Options of the current or last run, as resolved (with outputAfter, timeDecay), and its z. */
  options = $state.raw<ForestOptions | null>(null);
  runZ = $state(DEFAULT_SETTINGS.z);
  /** How the current or last run treated gaps in time. */
  runGaps = $state<GapPolicy>('leave');
  /** Anomaly events of the last finished run (one per incident). */
  events = $state.raw<AnomalyEvent[]>([]);
  phase = $state<Phase>('idle');
  status = $state('Starting…');
  /** How far the file being read has got (bytes, rows, time), while loading; null otherwise. */
  reading = $state.raw<ReadProgress | null>(null);
  /** What the loaded model file is, while the next run goes on from it ('' otherwise). */
  modelNote = $state('');
  /** The next score() goes on from the model loaded into the worker (once). */
  private useModel = false;
  /** Rows the loaded model had seen. */
  private modelRows = 0;
  error = $state('');
  /** How far the scores CSV being prepared has got (download()), or that it is being cancelled; null when none is. */
  exporting = $state.raw<ExportState | null>(null);
  summary = $state.raw<ScoreSummary | null>(null);
  /** The row whose explanation is open (null: the panel is closed), what explain() found, and any error. */
  explainRow = $state<number | null>(null);
  explanation = $state.raw<Explanation | null>(null);
  explainError = $state('');

  /** Rows the forest had seen before this run's first row (a loaded model's; else 0). */
  runRowsBefore = $state(0);
  /** Rows at the start of this run without a score: none when a loaded model had already warmed up. */
  readonly warmUp = $derived(this.options ? Math.max(0, warmUpRows(this.options) - this.runRowsBefore) : 0);
  /** The first row of this run that can alert (no alert before the forest has seen sampleSize rows). */
  readonly alertFrom = $derived(this.options ? Math.max(0, this.options.sampleSize - this.runRowsBefore) : 0);
  readonly busy = $derived(this.phase === 'loading' || this.phase === 'scoring');
  /** The range shown, never null once there is an axis. */
  readonly shown = $derived<Range | null>(this.x ? (this.view ?? this.x.domain) : null);
  /** Numeric columns that can be scored (a label column is not one). */
  readonly scoreColumns = $derived(this.dataset ? this.dataset.numeric.map((c) => c.name).filter((n) => !isLabelColumn(n)) : []);
  /** The columns scored together with the picked one (charted as small multiples). */
  readonly otherColumns = $derived.by(() => {
    const view = this.dataset;
    if (!view) return [];
    return this.runColumns
      .slice(1)
      .map((n) => view.numeric.find((c) => c.name === n))
      .filter((c): c is { name: string; values: Float64Array } => c !== undefined);
  });
  /** Alerts so far. */
  readonly alertCount = $derived.by(() => {
    void this.version;
    return this.alertRows.length;
  });
  /** How the alerts compare with the labelled windows (live). */
  readonly caught = $derived.by(() => {
    void this.version;
    const x = this.x;
    if (!x || this.windows.length === 0) return null;
    return caughtWindows(this.windows, this.alertRows, x, this.rowsDone);
  });

  private client: ForestClient | null = null;
  /** The file uploaded last (read again to change how its dates are read). */
  private upload: File | null = null;
  private controller: AbortController | null = null;
  private run = 0;
  private loads: Promise<unknown> = Promise.resolve();
  private rescoreTimer: ReturnType<typeof setTimeout> | null = null;
  /** A range to show once the next dataset is loaded (from a link). */
  private pendingView: Range | null = null;
  private pendingColumn: string | null = null;
  /** Counts explain() calls: an answer to an older one is ignored. */
  private explainSeq = 0;

  private get forest(): ForestClient {
    this.client ??= new ForestClient();
    return this.client;
  }

  /** Loads and scores the built-in default NAB dataset. */
  loadBuiltIn(): Promise<void> {
    return this.loadSource({ kind: 'builtin', file: BUILT_IN.name });
  }

  /**
   * Loads and scores a dataset from a source: a built-in NAB file, or a generated series (made here, then
   * parsed by the worker like any CSV). `restore` carries a column and range to show (from a link).
   */
  loadSource(
    source: DatasetSource,
    restore: { column?: string | null; view?: Range | null; together?: boolean } = {},
  ): Promise<void> {
    this.pendingColumn = restore.column ?? null;
    this.linkNotes = [];
    // columns scored one at a time, unless the link says otherwise or the series is made to be scored whole
    this.together = restore.together ?? false;
    this.pendingView = restore.view ?? null;
    if (source.kind === 'builtin') {
      const b = builtInByFile(source.file) ?? DEFAULT_BUILT_IN;
      return this.load(b.file, source, () => this.forest.loadUrl(`datasets/${b.file}`, b.file));
    }
    if (source.kind === 'synthetic') {
      const series = generate(source.generator, source.seed, source.rows);
      // a series of several columns is made to be scored as one (its anomaly is in how they relate)
      if (restore.together === undefined) this.together = series.columns.length > 1;
      const text = toCsv(series);
      return this.load(series.name, source, (progress, signal) => this.forest.loadCsv(text, series.name, progress, signal));
    }
    return Promise.resolve();
  }

  /**
   * Loads and scores a CSV file the person chose or dropped. `dayFirst` reads its dates like 03/04/2020 day
   * first (or month first) where nothing in them settles it (readAgain).
   */
  loadFile(file: File, dayFirst?: boolean, column: string | null = null): Promise<void> {
    const name = file.name || 'upload.csv';
    // a new file starts with one column scored; the same file read again keeps what was picked
    if (column === null) this.together = false;
    this.pendingColumn = column;
    this.linkNotes = [];
    this.pendingView = null;
    this.upload = file;
    const options = dayFirst === undefined ? {} : { dayFirst };
    return this.load(name, { kind: 'upload', name }, (progress, signal) => this.forest.loadCsv(file, name, progress, signal, options));
  }

  /** Reads the uploaded file again with its dates day first or month first (the dates did not settle it). */
  readAgain(dayFirst: boolean): Promise<void> {
    const file = this.upload;
    if (!file || this.source?.kind !== 'upload') return Promise.resolve();
    // the column picked stays picked
    return this.loadFile(file, dayFirst, this.column || null);
  }

  /** The time column's date order, when the dates leave it open (for the page to offer the choice). */
  readonly dateOrder = $derived(
    this.dataset?.dateOrder?.open && this.dataset.timeColumn ? { column: this.dataset.timeColumn, dayFirst: this.dataset.dateOrder.dayFirst } : null,
  );

  private async load(
    name: string,
    source: DatasetSource,
    get: (progress: (p: ReadProgress) => void, signal: AbortSignal) => Promise<DatasetView>,
  ): Promise<void> {
    this.cancelRescore();
    this.stopRun();
    const me = ++this.run;
    const controller = new AbortController();
    this.controller = controller;
    this.phase = 'loading';
    this.status = `Loading ${name}…`;
    this.reading = null;
    this.error = '';
    const progress = (p: ReadProgress) => {
      // progress comes through its own channel: it may arrive after the load has ended
      if (me !== this.run || controller.signal.aborted || this.phase !== 'loading') return;
      this.reading = p;
      this.status = `Reading ${name}… ${readingText(p)}`;
    };
    // one load at a time in the worker, in the order asked, so the last file chosen is the one kept
    const loading = this.loads.catch(() => undefined).then(() => get(progress, controller.signal));
    this.loads = loading;
    let view: DatasetView;
    try {
      view = await loading;
    } catch (e) {
      if (me !== this.run) return;
      this.reading = null;
      this.fail(`Could not load ${name}: ${messageOf(e)}`);
      return;
    } finally {
      if (this.controller === controller) this.controller = null;
    }
    if (me !== this.run) return;
    this.reading = null;
    const x = xAxisFor(view);
    const labels = await this.labelsFor(view, x);
    if (me !== this.run) return;
    this.source = source;
    this.dataset = view;
    this.x = x;
    this.windows = labels.windows;
    this.labelSource = labels.source;
    this.notes = labels.notes;
    const columns = view.numeric.map((c) => c.name);
    const scorable = columns.filter((c) => !isLabelColumn(c));
    const wanted = this.pendingColumn;
    // by default the first column worth scoring: not a label column, not a row index
    const chosen = defaultColumn(view.columns, view.rows);
    this.column = wanted && scorable.includes(wanted) ? wanted : (chosen ?? scorable[0] ?? columns[0]);
    if (wanted && this.column !== wanted) {
      const has = scorable.length ? `its columns to score: ${scorable.map((c) => `“${c}”`).join(', ')}` : 'no column to score';
      this.linkNotes = [`The link asks for the column “${wanted}”, which ${view.name} does not have (${has}); “${this.column}” is shown instead.`];
    }
    this.view = this.pendingView ? this.fit(x, this.pendingView) : null;
    this.pendingView = null;
    this.pendingColumn = null;
    this.summary = null;
    await this.score();
  }

  /** The labelled windows of a dataset: NAB's (by file name), else a 0/1 label column's; and notes. */
  private async labelsFor(view: DatasetView, x: XAxis) {
    const [windowsJson, pointsJson] = await Promise.all([loadDatasetJson('windows.json'), loadDatasetJson('labels.json')]);
    const notes: string[] = [];
    const known = BUILT_INS.map((b) => b.file);
    for (const [file, json] of [['windows.json', windowsJson], ['labels.json', pointsJson]] as const) {
      const unknown = unknownFiles(json, known);
      if (unknown.length) {
        notes.push(`datasets/${file} also labels ${unknown.join(', ')}, which this page does not have; those labels are not used.`);
      }
    }
    const nab = nabLabelsFor(windowsJson, pointsJson, view.name, x);
    notes.push(...nab.notes);
    if (nab.windows.length) return { windows: nab.windows, source: { kind: 'nab' as const }, notes };
    const labelColumn = findLabelColumn(view.numeric.map((c) => c.name));
    if (labelColumn) {
      const col = view.numeric.find((c) => c.name === labelColumn)!;
      const fromColumn = windowsFromColumn(col.values, x, labelColumn);
      notes.push(...fromColumn.notes);
      return { windows: fromColumn.windows, source: { kind: 'column' as const, name: labelColumn }, notes };
    }
    return { windows: [] as Window[], source: null, notes };
  }

  /** Settings set by the page itself (a model's options), as JSON: that change does not re-score. */
  private quietSettings = '';

  /** Whether the settings `key` (JSON) are the ones the page set itself (asked once per change). */
  setByPage(key: string): boolean {
    const quiet = key === this.quietSettings;
    this.quietSettings = '';
    return quiet;
  }

  /** Re-scores soon (options changed): a change within RESCORE_DELAY ms postpones it. */
  scheduleScore(): void {
    if (!this.dataset || this.phase === 'loading') return;
    this.cancelRescore();
    this.rescoreTimer = setTimeout(() => {
      this.rescoreTimer = null;
      void this.score();
    }, RESCORE_DELAY);
  }

  private cancelRescore(): void {
    if (this.rescoreTimer !== null) clearTimeout(this.rescoreTimer);
    this.rescoreTimer = null;
  }

  /** Scores the picked column with the current settings; a run already going is cancelled first. */
  async score(how: { replay?: boolean } = {}): Promise<void> {
    this.cancelRescore();
    const view = this.dataset;
    if (!view) return;
    // a replay is a run played at a chosen speed; any other run ends it (and the run says so)
    const endedReplay = !how.replay && this.replay !== null;
    if (!how.replay) {
      this.replay = null;
      this.followReplay = false;
    }
    else this.replay = { speed: this.replaySpeed, paused: false };
    let options: ForestOptions;
    try {
      options = checkSettings(this.settings, this.together ? Math.max(1, this.scoreColumns.length) : 1, this.unreadable);
    } catch (e) {
      this.error = messageOf(e);
      this.replay = null;
      // a dataset that has just loaded is on screen, unscored: the page settles, and a valid option (or
      // Run) scores it (a run going on is left to finish)
      if (this.phase === 'loading' || this.phase === 'idle') {
        this.phase = 'stopped';
        this.status = `${view.name} is loaded but not scored: an option is not valid (see the message). Fix it, and it is scored.`;
      }
      return;
    }
    this.stopRun();
    this.closeExplanation();
    // a model file is gone on from once: a later run starts afresh, and says so
    const modelDropped = !this.useModel && this.modelNote !== '';
    if (!this.useModel) this.modelNote = '';
    const controller = new AbortController();
    this.controller = controller;
    const me = ++this.run;
    const column = view.numeric.find((c) => c.name === this.column) ?? view.numeric[0];
    this.column = column.name;
    this.chartColumn = column.name;
    this.values = column.values;
    // together: every scorable column, the picked one first (its values are the big chart's)
    const columns = columnsOf({ scoreColumns: this.scoreColumns, column: column.name, together: this.together });
    this.runColumns = columns;
    const input = forestInput(this.settings, columns.length);
    const notes: string[] = [];
    if (modelDropped) notes.push('This run starts afresh: the model file was gone on from once (load it again to go on from it).');
    if (endedReplay) notes.push('The replay ended: a new run started with these options (Replay from the start plays it again).');
    if (columns.length > 1 && !input.normalize) {
      const ranges = columns.map((c) => {
        const info = view.columns.find((i) => i.name === c);
        return info && info.min !== null && info.max !== null ? info.max - info.min : NaN;
      });
      const finite = ranges.filter((r) => r > 0 && Number.isFinite(r));
      if (finite.length > 1 && Math.max(...finite) > 100 * Math.min(...finite)) {
        input.normalize = true;
        notes.push(`normalize was turned on for this run: the ranges of ${columns.join(', ')} differ by more than 100 times.`);
      }
    }
    this.scores = new Float64Array(view.rows).fill(NaN);
    this.grades = new Float64Array(view.rows).fill(NaN);
    this.thresholds = new Float64Array(view.rows).fill(NaN);
    this.alertRows = [];
    this.events = [];
    this.rowsDone = 0;
    this.scoreMax = 0;
    this.thresholdMax = 0;
    this.peakRow = -1;
    this.options = options;
    this.runRowsBefore = this.useModel ? this.modelRows : 0;
    this.runZ = this.settings.z;
    // gaps can be filled only where there are times
    const gaps = view.timeColumn !== null ? this.settings.gaps : 'leave';
    if (gaps !== this.settings.gaps) {
      notes.push(`gaps: ${this.settings.gaps} has nothing to fill: the file has no time column.`);
    }
    this.runNotes = notes;
    this.runGaps = gaps;
    this.summary = null;
    this.error = '';
    this.version++;
    this.phase = 'scoring';
    const warm = Math.min(this.warmUp, view.rows);
    this.status = warm > 0 ? `Warming up: the forest learns from ${warm === 1 ? 'the first row' : `the first ${formatCount(warm)} rows`} before it scores…` : 'Scoring…';
    // about 32 chunks a run (smooth filling), at least 256 rows (few messages); then sized by time: each
    // chunk waits for the page to take it, and a page drawing millions of rows takes a while (10 million
    // rows in chunks of 4,096 fell from 85,000 to 31,000 rows/s as the rows piled up), while Stop waits
    // for the chunk going on: about CHUNK_MS of the forest's work each, within [256, an eighth of the rows,
    // at most 65,536]
    const chunkRows = how.replay ? replayChunk(this.replaySpeed) : Math.min(4096, Math.max(256, Math.ceil(view.rows / 32)));
    const most = Math.max(chunkRows, Math.min(65_536, Math.ceil(view.rows / 8)));
    const sized = (chunk: ScoreChunk) =>
      chunk.milliseconds > 0 && chunk.scores.length >= 64
        ? Math.round(Math.min(most, Math.max(256, (chunk.scores.length * CHUNK_MS) / chunk.milliseconds)))
        : undefined;
    try {
      const summary = await this.forest.score(
        {
          columns,
          options: input,
          threshold: thresholdInput(this.settings),
          chunkRows,
          gaps,
          fromModel: this.useModel,
        },
        // a chunk the page does not take (it came after Stop) is answered `false`: the worker does not keep
        // it either, so the rows shown are the rows explained, downloaded and saved
        how.replay
          ? (chunk) => (this.onChunk(me, chunk) ? this.pace(me, chunk, controller.signal) : false)
          : (chunk) => (this.onChunk(me, chunk) ? sized(chunk) : false),
        controller.signal,
      );
      if (me !== this.run) return;
      // a replay that played to the end shows all rows again (one stopped stays where it was)
      if (this.replay && this.followReplay && !summary.cancelled) this.view = null;
      this.followReplay = false;
      this.replay = null;
      this.summary = summary;
      this.options = summary.options;
      if (summary.gaps) this.runNotes = [...this.runNotes, `gaps: ${summary.gaps}.`];
      if (summary.imputed > 0) {
        const how = summary.options.missingValues === 'zero' ? 'set to 0' : summary.options.missingValues === 'carry' ? 'carried forward' : 'left out';
        this.runNotes = [
          ...this.runNotes,
          `${formatCount(summary.imputed)} ${summary.imputed === 1 ? 'row had' : 'rows had'} missing or unreadable values, ${how}: missingValues ${summary.options.missingValues}.`,
        ];
      }
      // stopped: the worker kept the chunks the page took, no more (a chunk after Stop was answered false)
      this.events = summary.events;
      if (summary.missing) {
        // missingValues error: the rows before the bad one are scored and stay; the file's line is said for
        // a file the person chose (a built-in or generated series has rows, not lines they can open)
        const m = summary.missing;
        const line = this.missingLine(m);
        this.error = `Scoring stopped: ${missingValueMessage({ row: m.row, line, column: m.column, cell: m.cell })}`;
      }
      this.phase = summary.cancelled || summary.missing ? 'stopped' : 'done';
      this.status = this.settledStatus();
    } catch (e) {
      if (me !== this.run) return;
      this.fail(`Scoring failed: ${messageOf(e)}`);
    } finally {
      if (this.controller === controller) this.controller = null;
      if (me === this.run) this.useModel = false; // a model is gone on from once; later runs start afresh
    }
  }

  /** Shows a chunk of run `me`; false when it is not taken (an older run's, or one that came after Stop). */
  private onChunk(me: number, chunk: ScoreChunk): boolean {
    // after Stop the run's answer still comes (its events), but no chunk moves the page on
    if (me !== this.run || this.phase !== 'scoring') return false;
    const scores = this.scores;
    if (chunk.start + chunk.scores.length > scores.length) return false;
    scores.set(chunk.scores, chunk.start);
    this.grades.set(chunk.grades, chunk.start);
    this.thresholds.set(chunk.thresholds, chunk.start);
    let max = this.scoreMax;
    let peak = this.peakRow;
    let tmax = this.thresholdMax;
    const s = chunk.scores;
    const g = chunk.grades;
    const t = chunk.thresholds;
    const alerts = this.alertRows;
    for (let i = 0; i < s.length; i++) {
      if (s[i] > max) {
        max = s[i];
        peak = chunk.start + i;
      }
      if (g[i] > 0) alerts.push(chunk.start + i);
      // codisp's threshold is "never" (the largest number) until its statistics are warm: not drawn
      if (t[i] < 1e300) {
        if (t[i] > tmax) tmax = t[i];
      } else this.thresholds[chunk.start + i] = NaN;
    }
    this.scoreMax = max;
    this.peakRow = peak;
    this.thresholdMax = tmax;
    this.rowsDone = chunk.rowsDone;
    if (this.replay && this.followReplay) this.followHead();
    this.version++;
    const warm = this.warmUp;
    this.status = this.replay
      ? this.replayStatus()
      : chunk.rowsDone <= warm
        ? `Warming up… ${formatCount(chunk.rowsDone)} of ${formatCountOf(warm, 'row')} before the first score`
        : `Scoring… ${formatCount(chunk.rowsDone)} of ${formatCountOf(chunk.rows, 'row')}`;
    return true;
  }

  /** Stops the current read (the rows read so far are loaded and scored) or run (the rows scored so far stay). */
  stop(): void {
    this.cancelRescore();
    if (this.phase === 'loading') {
      // a read can be stopped once it reports (files read in the worker; not the built-in ones)
      if (!this.controller || this.reading === null) return;
      this.stopRun();
      this.status = 'Stopping the read: the rows read so far will be scored…';
      return;
    }
    if (this.phase !== 'scoring') return;
    // the run stays current: the worker stops between chunks and answers with what it found (events,
    // rows scored), which the page keeps and can download
    this.stopRun();
    this.phase = 'stopped';
    this.status = this.settledStatus();
  }

  private stopRun(): void {
    this.controller?.abort();
    this.controller = null;
    this.wake();
  }

  // ---- replay: a run played as a stream at a chosen speed, with pause and step ----

  /** The replay going on (null: none): its speed in rows per second, and whether it is paused. */
  replay = $state<{ speed: number; paused: boolean } | null>(null);
  /** The speed the next replay starts with (rows per second). */
  replaySpeed = $state<number>(REPLAY_SPEEDS[2]);
  /** Rows a Step lets through while paused. */
  private stepRows = 0;
  private waiting: (() => void) | null = null;
  private lastChunkAt = 0;
  /** The view follows the replay's newest rows (until the person zooms or pans). */
  private followReplay = false;

  /** Scores the dataset again from its first row as a stream of `speed` rows per second. */
  startReplay(speed = this.replaySpeed): Promise<void> {
    this.replaySpeed = speed;
    this.followReplay = true;
    this.stepRows = 0;
    this.lastChunkAt = performance.now();
    return this.score({ replay: true });
  }

  pauseReplay(): void {
    if (this.replay) this.replay = { ...this.replay, paused: true };
    this.status = this.replayStatus();
  }

  playReplay(): void {
    if (!this.replay) return;
    this.replay = { ...this.replay, paused: false };
    this.lastChunkAt = performance.now();
    this.wake();
  }

  /** While paused: one more row. */
  stepReplay(): void {
    if (!this.replay?.paused) return;
    this.stepRows = 1;
    this.wake();
  }

  setReplaySpeed(speed: number): void {
    this.replaySpeed = speed;
    if (this.replay) this.replay = { ...this.replay, speed };
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  /**
   * Shows the replay's newest rows: the last replayWindow() rows, the newest near the right edge (all rows,
   * once the window covers them).
   */
  private followHead(): void {
    const x = this.x;
    const rows = this.dataset?.rows ?? 0;
    if (!x || !this.replay || rows === 0) return;
    const span = replayWindow(this.replay.speed);
    const head = Math.min(rows, Math.max(1, this.rowsDone)) - 1;
    const to = Math.min(rows - 1, Math.max(head + Math.ceil(span / 10), span - 1));
    const from = Math.max(0, to - span + 1);
    this.view = from === 0 && to === rows - 1 ? null : this.fit(x, [xOf(x, from), xOf(x, to)]);
  }

  private replayStatus(): string {
    const rows = this.dataset?.rows ?? 0;
    const where = `row ${formatCount(this.rowsDone)} of ${formatCount(rows)}`;
    if (!this.replay) return this.status;
    return this.replay.paused ? `Replay paused at ${where}: Play goes on, Step adds one row` : `Replay: ${where} at ${formatCount(this.replay.speed)} rows/s`;
  }

  /**
   * After a replay's chunk: waits the time its rows take at the replay's speed, and while paused until
   * Play or Step; answers the worker with the next chunk's rows (one for a Step).
   */
  private async pace(me: number, chunk: ScoreChunk, signal: AbortSignal): Promise<number | undefined> {
    const live = () => me === this.run && !signal.aborted && this.replay !== null;
    if (!live()) return undefined;
    const due = this.lastChunkAt + (chunk.scores.length / this.replay!.speed) * 1000;
    const wait = due - performance.now();
    if (wait > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.waiting = null;
          resolve();
        }, wait);
        this.waiting = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    while (live() && this.replay!.paused && this.stepRows === 0) {
      this.status = this.replayStatus();
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
    this.lastChunkAt = Math.max(due, performance.now() - 100);
    if (!live()) return undefined;
    if (this.stepRows > 0) {
      this.stepRows = 0;
      return 1;
    }
    return replayChunk(this.replay!.speed);
  }

  // ---- explanations ----

  /**
   * Opens the explanation of row `row` (why it scored as it did): asks the worker, which replays the rows
   * before it when the run did not keep attribution. Only after a finished run.
   */
  async explain(row: number): Promise<void> {
    const me = ++this.explainSeq;
    this.explainRow = row;
    this.explanation = null;
    this.explainError = '';
    if (this.phase !== 'done' && this.phase !== 'stopped') {
      this.explainError = 'Explanations are ready when the scoring run has finished.';
      return;
    }
    if (!(Number.isFinite(this.scores[row]))) {
      this.explainError = 'This row has no score (the forest was still warming up), so there is nothing to explain.';
      return;
    }
    if (this.options?.scoringMode === 'codisp') {
      this.explainError =
        'A codisp score cannot be split by column or by row of the shingle, so there is no such explanation here. Choose scoringMode score to see one.';
      return;
    }
    try {
      const found = await this.forest.api.explain(row);
      if (me !== this.explainSeq) return;
      if (!found) this.explainError = 'This row has no score, so there is nothing to explain.';
      else this.explanation = found;
    } catch (e) {
      if (me !== this.explainSeq) return;
      this.explainError = `Could not explain this row: ${messageOf(e)}`;
    }
  }

  /** Tree `tree` of the forest that scored row `row` of the last run (the tree view). */
  treeView(tree: number, row: number): Promise<TreeView> {
    return this.forest.api.tree({ tree, row });
  }

  closeExplanation(): void {
    this.explainSeq++;
    this.explainRow = null;
    this.explanation = null;
    this.explainError = '';
  }

  // ---- the x range shown ----

  private fit(x: XAxis, r: Range): Range | null {
    const c = clampRange(x, r);
    return isFull(x, c) ? null : c;
  }

  /** Shows range `r` (clamped to the data; all of it = null). */
  setView(r: Range | null): void {
    const x = this.x;
    if (!x) return;
    this.followReplay = false; // zoomed or panned by hand: a replay no longer moves the view
    this.view = r ? this.fit(x, r) : null;
  }

  zoom(factor: number, at?: number): void {
    const x = this.x;
    if (!x) return;
    this.setView(zoomRange(x, this.view ?? x.domain, factor, at));
  }

  pan(fraction: number): void {
    const x = this.x;
    if (!x) return;
    this.setView(panRange(x, this.view ?? x.domain, fraction));
  }

  /** Zooms the charts to an event, with room on either side. */
  showEvent(event: AnomalyEvent): void {
    const x = this.x;
    if (!x) return;
    this.setView(rangeAround(x, event.start, Math.max(event.end, event.peak), (i) => xOf(x, i)));
  }

  // ---- saving ----

  /**
   * Saves the dataset with its scores as `<name>-scores.csv`. The worker reads the file again and adds
   * attribution and expected values (replays of the run: on millions of rows, a minute or more), so
   * `exporting` says how far it has got; a second click while it runs does nothing, and cancelExport()
   * stops it. It exports the run that was on screen when asked, even if
   * another run or dataset starts meanwhile.
   */
  async download(): Promise<void> {
    const view = this.dataset;
    if (!view || this.exporting) return;
    const name = `${baseName(view.name)}-scores.csv`;
    // what is shown now is what the file holds, even if an option changes meanwhile (said then)
    const asked = this.shownRun();
    this.exporting = { stage: 'attribution', done: 0, total: view.rows };
    try {
      const blob = await this.forest.exportCsv((p) => {
        // after Cancel, no stage: it says Cancelling… until the worker stops
        if (this.exporting && this.exporting.stage !== 'cancelling') this.exporting = p;
      });
      saveBlob(blob, name);
      const now = this.shownRun();
      if (now.key !== asked.key) {
        const differs = asked.parts.filter((p, i) => p !== now.parts[i]);
        this.runNotes = [
          ...this.runNotes,
          `The downloaded file holds the run with ${differs.join(', ')}, the one shown when Download was pressed.`,
        ];
      }
    } catch (e) {
      if (!(e instanceof Error && e.name === 'ExportCancelled')) this.error = `Could not export the scores: ${messageOf(e)}`;
    } finally {
      this.exporting = null;
    }
  }

  /** Stops a download of the scores being prepared (it says Cancelling… until the worker has stopped). */
  cancelExport(): void {
    if (!this.exporting || this.exporting.stage === 'cancelling') return;
    this.exporting = { stage: 'cancelling', done: this.exporting.done, total: this.exporting.total };
    void this.forest.api.cancelExport();
  }

  /** The run on screen, in words that tell runs apart (dataset, columns, options): what a download holds. */
  private shownRun(): { key: string; parts: string[] } {
    const parts = [
      `dataset ${this.dataset?.name ?? ''}`,
      `column${this.runColumns.length > 1 ? 's' : ''} ${this.runColumns.join(', ')}`,
      ...(this.options ? describeSettings(this.options, this.runZ, this.runGaps).map((d) => `${d.name} ${d.value}`) : []),
    ];
    return { key: parts.join('\n'), parts };
  }

  /** A model file being made: a second click meanwhile (a double click) saves nothing more. */
  private savingModel = false;

  /** Saves the forest and thresholder after the last complete run as `<name>-model.rcf`. */
  async saveModel(): Promise<void> {
    const view = this.dataset;
    if (!view || this.savingModel) return;
    this.savingModel = true;
    try {
      const bytes = await this.forest.api.saveModel();
      saveBlob(new Blob([bytes as BlobPart], { type: 'application/octet-stream' }), `${baseName(view.name)}-model.rcf`);
    } catch (e) {
      this.error = `Could not save the model: ${messageOf(e)}`;
    } finally {
      this.savingModel = false;
    }
  }

  /**
   * Loads a model file and scores the dataset on screen going on from it: its options, its thresholder,
   * the rows it has seen before these.
   */
  async loadModel(file: File): Promise<void> {
    const view = this.dataset;
    if (!view) return;
    try {
      const info = await this.forest.api.loadModel(new Uint8Array(await file.arrayBuffer()));
      const o = info.options;
      // a model that cannot go on here (other columns, options this page refuses) is refused now, before
      // any run: the scores shown stay, and the message says what can be done
      const column = view.numeric.some((c) => c.name === this.column) ? this.column : (view.numeric[0]?.name ?? '');
      const picking = { dataset: view.name, scoreColumns: this.scoreColumns, column, together: this.together };
      const misfit = modelMisfit({ columns: info.columns, inputDimensions: o.inputDimensions }, picking);
      if (misfit) {
        this.error = `Could not go on from the model ${file.name}: ${misfit}`;
        return;
      }
      try {
        checkSettings(settingsOf(o, this.settings), columnsOf(picking).length);
      } catch (e) {
        this.error = `Could not go on from the model ${file.name}: its options cannot run on this page: ${messageOf(e)}`;
        return;
      }
      this.modelNote =
        `Model ${file.name}: numberOfTrees ${formatCount(o.numberOfTrees)}, sampleSize ${formatCount(o.sampleSize)}, shingleSize ${o.shingleSize}, ` +
        `${formatCountOf(info.rowsSeen, 'row')} seen. These rows go on from it (its options apply to this run and are in the fields).`;
      this.useModel = true;
      this.modelRows = info.rowsSeen;
      // the fields show the model's options (this change is the model's run, not a reason to score afresh)
      const next = settingsOf(o, this.settings);
      if (JSON.stringify(next) !== JSON.stringify(this.settings)) {
        this.quietSettings = JSON.stringify(next);
        this.settings = next;
      }
    } catch (e) {
      this.error = `Could not load the model ${file.name}: ${messageOf(e)}`;
      return;
    }
    await this.score();
  }

  dismissError(): void {
    this.error = '';
  }

  dispose(): void {
    this.cancelRescore();
    this.stopRun();
    this.run++;
    this.client?.dispose();
    this.client = null;
  }

  /** Shows an error and puts the status back to what is on screen (previous data are kept). */
  private fail(message: string): void {
    this.error = message;
    this.phase = this.dataset ? (this.summary && !this.summary.cancelled && !this.summary.missing ? 'done' : 'stopped') : 'idle';
    this.status = this.settledStatus();
  }

  /** The file's line of a missing value: for a file the person chose (a built-in or generated series has rows, not lines they can open). */
  private missingLine(m: MissingStop): number | null {
    return this.source?.kind === 'upload' ? m.line : null;
  }

  /**
   * Why Save model cannot be used now, in words for its description ('' when it can): a model is saved
   * from a run that scored every row, which a run stopped by Stop or by missingValues error did not.
   */
  readonly saveBlocked = $derived.by(() => {
    const view = this.dataset;
    if (!view) return 'Load a dataset and score it to save its model.';
    if (this.phase === 'loading' || this.phase === 'scoring') return 'A model can be saved when the run has finished.';
    const s = this.summary;
    if (!s) return 'Score the dataset to its end to save its model.';
    const complete = 'A model is saved from a run that scored every row';
    if (s.missing) {
      const line = this.missingLine(s.missing);
      const where = missingPlace({ line, row: s.missing.row });
      return (
        `${complete}; this one stopped at ${where} (a missing value in “${s.missing.column}”, missingValues error). ` +
        `${line !== null ? 'Fix the file, or choose' : 'Choose'} missingValues carry, zero or skip to score every row.`
      );
    }
    if (s.cancelled || s.rows < view.rows) {
      return `${complete}; this one was stopped after ${formatCount(s.rows)} of ${formatCount(view.rows)} rows. Press Run to score them all.`;
    }
    return '';
  });

  /** The status for when nothing is running, from what is on screen. */
  private settledStatus(): string {
    const view = this.dataset;
    if (!view) return 'No dataset loaded. Choose a CSV file, or drop one on the page.';
    const s = this.summary;
    if (s && !s.cancelled && this.rowsDone >= view.rows) {
      if (s.scored === 0 && view.rows > 0) {
        const o = s.options;
        return (
          `No score: the forest was still warming up. It reports scores from row ${formatCount(warmUpRows(o) + 1)} on ` +
          `(outputAfter ${formatCount(o.outputAfter)}, shingleSize ${formatCount(o.shingleSize)}), and this file has ${formatCountOf(view.rows, 'row')}. Lower outputAfter to score earlier rows.`
        );
      }
      return `Scored ${formatCount(s.scored)} points in ${formatDuration(s.milliseconds)}`;
    }
    if (s?.missing) {
      // said in full here (the message about it may have been replaced by another one)
      const m = s.missing;
      const line = this.missingLine(m);
      const what = m.cell === '' ? 'the value is missing' : m.cell !== null ? `${JSON.stringify(m.cell)} is not a number` : 'the value is missing or not a number';
      const where = line !== null ? `line ${line} (row ${formatCount(m.row + 1)} of ${formatCount(view.rows)})` : `row ${formatCount(m.row + 1)} of ${formatCount(view.rows)}`;
      return (
        `Stopped at ${where}, column “${m.column}”: ${what}. ` + keptBefore(m.row, s.scored) + '; missingValues carry, zero or skip scores past it.'
      );
    }
    return `Stopped after ${formatCount(this.rowsDone)} of ${formatCountOf(view.rows, 'row')}. Press Run to score again.`;
  }
}

/** "The 2,000 rows before it are kept, 1,936 of them scored (the first 64 warmed the forest up)". */
function keptBefore(rows: number, scored: number): string {
  if (rows === 0) return 'No row came before it';
  const kept = rows === 1 ? 'The row before it is kept' : `The ${formatCount(rows)} rows before it are kept`;
  if (scored >= rows) return `${kept}, all scored`;
  if (scored === 0) return `${kept}, none scored (the forest was still warming up)`;
  return `${kept}, ${formatCount(scored)} of them scored (the first ${formatCountOf(rows - scored, 'row')} warmed the forest up)`;
}
