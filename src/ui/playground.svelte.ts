/**
 * The page's state and actions, as one rune class: which dataset is loaded, which column is scored with
 * which options, the scores as they stream in, and what to tell the person (status, error).
 *
 * Big columns (values, scores, time) are held with `$state.raw` and filled in place; `version` counts the
 * changes, so charts redraw (once per animation frame) without Svelte proxying 22,000-element arrays.
 *
 * Runs: each load or score bumps `run`; chunks and results of an older run are ignored, and the older run
 * is cancelled through its AbortSignal (the worker stops it between chunks).
 */
import { ForestClient, type DatasetView, type ScoreChunk, type ScoreSummary } from '../client/forest-client';
import type { ForestOptions } from '../shared/options';
import { xAxisFor, type XAxis } from './charts/x-axis';
import { baseName, formatCount, formatDuration } from './format';
import { saveText } from './download';
import { loadWindows, type Window } from './windows';
import { checkSettings, DEFAULT_SETTINGS, warmUpRows, type Settings } from './settings';

/** The dataset the page opens with (public/datasets/, see its README for provenance). */
export const BUILT_IN = {
  url: 'datasets/machine_temperature_system_failure.csv',
  name: 'machine_temperature_system_failure.csv',
};

export type Phase = 'idle' | 'loading' | 'scoring' | 'done' | 'stopped';

const EMPTY = new Float64Array(0);

function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'string') return e;
  return 'Something went wrong (no details were given).';
}

export class Playground {
  /** The loaded dataset (numeric columns and time; the worker keeps the original cells for export). */
  dataset = $state.raw<DatasetView | null>(null);
  /** The x axis both charts share. */
  x = $state.raw<XAxis | null>(null);
  /** The numeric column picked for scoring. */
  column = $state('');
  /** Column whose values and scores the charts show (the last run's; `column` may have moved on). */
  chartColumn = $state('');
  values = $state.raw<Float64Array>(EMPTY);
  /** Score per row; NaN = no score (warming up, or not scored yet). */
  scores = $state.raw<Float64Array>(EMPTY);
  /** Rows the current run has got through. */
  rowsDone = $state(0);
  /** Highest score so far and its row (-1 = none). */
  scoreMax = $state(0);
  peakRow = $state(-1);
  /** Bumped whenever `values` or `scores` change in place. */
  version = $state(0);
  /** Labelled anomaly windows of this dataset (epoch ms), if NAB labels it. */
  windows = $state.raw<Window[]>([]);
  settings = $state<Settings>({ ...DEFAULT_SETTINGS });
  /** Options of the current or last run, as resolved (with outputAfter, timeDecay). */
  options = $state.raw<ForestOptions | null>(null);
  phase = $state<Phase>('idle');
  status = $state('Starting…');
  error = $state('');
  summary = $state.raw<ScoreSummary | null>(null);

  readonly warmUp = $derived(this.options ? warmUpRows(this.options) : 0);
  readonly busy = $derived(this.phase === 'loading' || this.phase === 'scoring');

  private client: ForestClient | null = null;
  private controller: AbortController | null = null;
  private run = 0;
  private loads: Promise<unknown> = Promise.resolve();
  /** How the dataset on screen was loaded (to load it into the worker again). */
  /** A run waiting for its last chunks. */

  private get forest(): ForestClient {
    this.client ??= new ForestClient();
    return this.client;
  }

  /** Loads and scores the built-in NAB dataset. */
  loadBuiltIn(): Promise<void> {
    return this.load(BUILT_IN.name, () => this.forest.loadUrl(BUILT_IN.url, BUILT_IN.name));
  }

  /** Loads and scores a CSV file the person chose or dropped. */
  loadFile(file: File): Promise<void> {
    return this.load(file.name || 'upload.csv', () => this.forest.loadCsv(file, file.name || 'upload.csv'));
  }

  private async load(name: string, get: () => Promise<DatasetView>): Promise<void> {
    this.stopRun();
    const me = ++this.run;
    this.phase = 'loading';
    this.status = `Loading ${name}…`;
    this.error = '';
    // one load at a time in the worker, in the order asked, so the last file chosen is the one kept
    const loading = this.loads.catch(() => undefined).then(get);
    this.loads = loading;
    let view: DatasetView;
    try {
      view = await loading;
    } catch (e) {
      if (me !== this.run) return;
      this.fail(`Could not load ${name}: ${messageOf(e)}`);
      return;
    }
    if (me !== this.run) return;
    const windows = await loadWindows(view.name);
    if (me !== this.run) return;
    const x = xAxisFor(view);
    this.dataset = view;
    this.x = x;
    this.windows = x.kind === 'time' ? windows : [];
    this.column = view.numeric[0].name;
    this.summary = null;
    await this.score();
  }

  /** Scores the picked column with the current settings; a run already going is cancelled first. */
  async score(): Promise<void> {
    const view = this.dataset;
    if (!view) return;
    let options: ForestOptions;
    try {
      options = checkSettings(this.settings);
    } catch (e) {
      this.error = messageOf(e);
      return;
    }
    this.stopRun();
    const controller = new AbortController();
    this.controller = controller;
    const me = ++this.run;
    const column = view.numeric.find((c) => c.name === this.column) ?? view.numeric[0];
    this.column = column.name;
    this.chartColumn = column.name;
    this.values = column.values;
    this.scores = new Float64Array(view.rows).fill(NaN);
    this.rowsDone = 0;
    this.scoreMax = 0;
    this.peakRow = -1;
    this.options = options;
    this.summary = null;
    this.error = '';
    this.version++;
    this.phase = 'scoring';
    const warm = Math.min(warmUpRows(options), view.rows);
    this.status = `Warming up: the forest learns from the first ${formatCount(warm)} rows before it scores…`;
    // about 32 chunks per run (smooth filling), each at least 256 rows (few messages)
    const chunkRows = Math.min(4096, Math.max(256, Math.ceil(view.rows / 32)));
    try {
      const summary = await this.forest.score(
        { columns: [column.name], options: { ...this.settings }, chunkRows },
        (chunk) => this.onChunk(me, chunk),
        controller.signal,
      );
      if (me !== this.run) return;
      this.summary = summary;
      this.options = summary.options;
      if (summary.cancelled) {
        this.phase = 'stopped';
        this.status = this.settledStatus();
      } else {
        this.phase = 'done';
        this.status = this.settledStatus();
      }
    } catch (e) {
      if (me !== this.run) return;
      this.fail(`Scoring failed: ${messageOf(e)}`);
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  private onChunk(me: number, chunk: ScoreChunk): void {
    if (me !== this.run) return;
    const scores = this.scores;
    if (chunk.start + chunk.scores.length > scores.length) return;
    scores.set(chunk.scores, chunk.start);
    let max = this.scoreMax;
    let peak = this.peakRow;
    const s = chunk.scores;
    for (let i = 0; i < s.length; i++) {
      if (s[i] > max) {
        max = s[i];
        peak = chunk.start + i;
      }
    }
    this.scoreMax = max;
    this.peakRow = peak;
    this.rowsDone = chunk.rowsDone;
    this.version++;
    const warm = this.warmUp;
    this.status =
      chunk.rowsDone <= warm
        ? `Warming up… ${formatCount(chunk.rowsDone)} of ${formatCount(warm)} rows before the first score`
        : `Scoring… ${formatCount(chunk.rowsDone)} of ${formatCount(chunk.rows)} rows`;
  }

  /** Stops the current run (the rows scored so far stay). */
  stop(): void {
    if (this.phase !== 'scoring') return;
    this.stopRun();
    this.run++;
    this.phase = 'stopped';
    this.status = this.settledStatus();
  }

  private stopRun(): void {
    this.controller?.abort();
    this.controller = null;
  }

  /** Saves the dataset with its scores as `<name>-scores.csv`. */
  async download(): Promise<void> {
    const view = this.dataset;
    if (!view) return;
    try {
      const text = await this.forest.exportCsv();
      saveText(text, `${baseName(view.name)}-scores.csv`);
    } catch (e) {
      this.error = `Could not export the scores: ${messageOf(e)}`;
    }
  }

  dismissError(): void {
    this.error = '';
  }

  dispose(): void {
    this.stopRun();
    this.run++;
    this.client?.dispose();
    this.client = null;
  }

  /** Shows an error and puts the status back to what is on screen (previous data are kept). */
  private fail(message: string): void {
    this.error = message;
    this.phase = this.dataset ? (this.summary && !this.summary.cancelled ? 'done' : 'stopped') : 'idle';
    this.status = this.settledStatus();
  }

  /** The status for when nothing is running, from what is on screen. */
  private settledStatus(): string {
    const view = this.dataset;
    if (!view) return 'No dataset loaded. Choose a CSV file, or drop one on the page.';
    const s = this.summary;
    if (s && !s.cancelled && this.rowsDone >= view.rows) {
      return `Scored ${formatCount(s.scored)} points in ${formatDuration(s.milliseconds)}`;
    }
    return `Stopped after ${formatCount(this.rowsDone)} of ${formatCount(view.rows)} rows. Press Run to score again.`;
  }
}
