/**
 * The page's state class (Playground) with a stand-in for the worker: the download of the scores (Cancel
 * says Cancelling… at once and no stage after it; a file that arrives after the run shown changed says
 * which run it holds) and a run stopped by missingValues 'error' (where, which column, the rows kept).
 */
import { describe, expect, it, vi } from 'vitest';
import { Playground } from '../../src/ui/playground.svelte';
import { resolveOptions } from '../../src/shared/options';
import type { ExportProgress, ScoreChunk, ScoreSummary } from '../../src/worker/forest-api';

/** A playground showing a finished run, whose worker's exportCsv waits until `finish` is called. */
function withRun() {
  const pg = new Playground();
  let progress: ((p: ExportProgress) => void) | undefined;
  let finish: (outcome: Blob | Error) => void = () => {};
  let cancels = 0;
  const fake = {
    exportCsv: (onProgress?: (p: ExportProgress) => void) => {
      progress = onProgress;
      return new Promise<Blob>((resolve, reject) => (finish = (o) => (o instanceof Error ? reject(o) : resolve(o))));
    },
    api: { cancelExport: async () => void cancels++ },
  };
  (pg as unknown as { client: unknown }).client = fake;
  pg.dataset = { name: 'x.csv', rows: 10, columns: [], timeColumn: null, time: null, numeric: [], warnings: [], stopped: null, dateOrder: null };
  pg.runColumns = ['value'];
  pg.options = resolveOptions({});
  pg.runZ = 3;
  return { pg, progress: (p: ExportProgress) => progress?.(p), finish: (o: Blob | Error) => finish(o), cancels: () => cancels };
}

// saving clicks a link on a page: here it does nothing
vi.mock('../../src/ui/download', () => ({ saveBlob: () => {}, saveText: () => {} }));

describe('download', () => {
  it('Cancel says Cancelling… at once, and no stage after it', async () => {
    const { pg, progress, finish, cancels } = withRun();
    const done = pg.download();
    progress({ stage: 'attribution', done: 10, total: 100 });
    expect(pg.exporting).toMatchObject({ stage: 'attribution' });
    pg.cancelExport();
    expect(pg.exporting).toMatchObject({ stage: 'cancelling' });
    expect(cancels()).toBe(1);
    progress({ stage: 'expected', done: 0, total: 100 }); // sent before the worker heard it
    expect(pg.exporting).toMatchObject({ stage: 'cancelling' });
    pg.cancelExport();
    expect(cancels()).toBe(1);
    const cancelled = new Error('The export was cancelled.');
    cancelled.name = 'ExportCancelled';
    finish(cancelled);
    await done;
    expect(pg.exporting).toBeNull();
    expect(pg.error).toBe('');
  });

  it('says which run the file holds when the run shown changed meanwhile, and nothing when it did not', async () => {
    const a = withRun();
    const first = a.pg.download();
    a.pg.runZ = 4; // an option changed: a new run is shown
    a.finish(new Blob(['x']));
    await first;
    expect(a.pg.runNotes).toEqual(['The downloaded file holds the run with z 3, the one shown when Download was pressed.']);

    const b = withRun();
    const second = b.pg.download();
    b.finish(new Blob(['x']));
    await second;
    expect(b.pg.runNotes).toEqual([]);
  });
});

describe("a run stopped by missingValues 'error'", () => {
  for (const [kind, source, where] of [
    ['an uploaded file: its line', { kind: 'upload', name: 'hole.csv' }, 'line 2002'],
    ['a built-in dataset: the row', { kind: 'builtin', file: 'hole.csv' }, 'row 2,001'],
  ] as const) {
    it(`says where (${kind}) and the column, keeps the rows before it, and does not offer Run`, async () => {
      const pg = new Playground();
      const options = resolveOptions({ missingValues: 'error' });
      const fake = {
        score: async (_request: unknown, onChunk: (c: ScoreChunk) => void): Promise<ScoreSummary> => {
          const scores = new Float64Array(2000).fill(0.5);
          onChunk({ start: 0, scores, grades: new Float64Array(2000), thresholds: new Float64Array(2000).fill(1), rowsDone: 2000, rows: 3000, milliseconds: 1 });
          return {
            rows: 2000, scored: 2000, imputed: 0, milliseconds: 1, cancelled: false, columns: ['b'], options, memoryBytes: 0, workers: 1,
            events: [], gaps: null, missing: { row: 2000, line: 2002, cell: '', column: 'b', message: '' },
          };
        },
      };
      (pg as unknown as { client: unknown }).client = fake;
      pg.source = source;
      pg.dataset = {
        name: 'hole.csv', rows: 3000, columns: [], timeColumn: null, time: null, numeric: [{ name: 'b', values: new Float64Array(3000) }],
        warnings: [], stopped: null, dateOrder: null,
      };
      pg.column = 'b';
      pg.settings = { ...pg.settings, missingValues: 'error' };
      await pg.score();
      expect(pg.error).toBe(
        `Scoring stopped: ${where}, column "b": the value is missing (empty cell), and missingValues error stops at the first missing value. ` +
          `${kind.startsWith('an uploaded') ? 'Fix the file, or choose' : 'Choose'} missingValues carry, zero or skip.`,
      );
      expect(pg.phase).toBe('stopped');
      expect(pg.status).toBe('Stopped at row 2,001 of 3,000: a missing value in “b” (see the message). The 2,000 rows before it are scored.');
      expect(pg.scores[1999]).toBe(0.5);
      expect(pg.summary?.rows).toBe(2000);
    });
  }
});

describe('counts in the status say one row as "1 row"', () => {
  it('a one-row file still warming up: "this file has 1 row"', async () => {
    const pg = new Playground();
    const options = resolveOptions({});
    const fake = {
      score: async (_request: unknown, onChunk: (c: ScoreChunk) => void): Promise<ScoreSummary> => {
        onChunk({ start: 0, scores: new Float64Array(1).fill(NaN), grades: new Float64Array(1), thresholds: new Float64Array(1), rowsDone: 1, rows: 1, milliseconds: 1 });
        return { rows: 1, scored: 0, imputed: 0, milliseconds: 1, cancelled: false, columns: ['v'], options, memoryBytes: 0, workers: 1, events: [], gaps: null, missing: null };
      },
    };
    (pg as unknown as { client: unknown }).client = fake;
    pg.source = { kind: 'upload', name: 'one.csv' } as never;
    pg.dataset = { name: 'one.csv', rows: 1, columns: [], timeColumn: null, time: null, numeric: [{ name: 'v', values: new Float64Array(1) }], warnings: [], stopped: null, dateOrder: null };
    pg.column = 'v';
    await pg.score();
    expect(pg.status).toBe(
      'No score: the forest was still warming up. It reports scores from row 65 on (outputAfter 64, shingleSize 1), and this file has 1 row. Lower outputAfter to score earlier rows.',
    );
  });
});
