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
      const upload = kind.startsWith('an uploaded');
      // the status says where in full: the message may be replaced by another one
      expect(pg.status).toBe(
        `Stopped at ${upload ? 'line 2002 (row 2,001 of 3,000)' : 'row 2,001 of 3,000'}, column “b”: the value is missing. ` +
          'The 2,000 rows before it are kept, all scored; missingValues carry, zero or skip scores past it.',
      );
      // a model is saved from a complete run: Save model is off, and its description says why and what to do
      expect(pg.saveBlocked).toBe(
        `A model is saved from a run that scored every row; this one stopped at ${upload ? 'line 2002' : 'row 2,001'} (a missing value in “b”, missingValues error). ` +
          `${upload ? 'Fix the file, or choose' : 'Choose'} missingValues carry, zero or skip to score every row.`,
      );
      pg.dismissError();
      expect(pg.status).not.toMatch(/see the message/);
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

describe('Stop while a chunk is on its way', () => {
  it('the page and the worker keep the same rows: the chunk after Stop is neither shown nor kept (status, events, download)', async () => {
    const { createForestApi } = await import('../../src/worker/forest-api');
    const api = createForestApi(new URL('../../build/rcf.wasm', import.meta.url));
    let text = 'a\n';
    for (let i = 0; i < 6000; i++) text += `${(Math.sin(i / 9) + (i === 3000 ? 20 : 0)).toFixed(4)}\n`;
    const view = await api.loadCsv(text, 'sine.csv');
    const pg = new Playground();
    let delivered = 0;
    const answers: unknown[] = [];
    // the worker in this thread, as ForestClient drives it: the signal cancels; chunks come through onChunk
    const client = {
      api,
      score: (request: never, onChunk: (c: ScoreChunk) => unknown, signal: AbortSignal) => {
        signal.addEventListener('abort', () => api.cancel(), { once: true });
        return api.score(request, async (c) => {
          // Stop is pressed while the fourth chunk is on its way to the page
          if (++delivered === 4) pg.stop();
          const answer = await onChunk(c);
          answers.push(answer);
          return answer as number | undefined | false;
        });
      },
      exportCsv: () => api.exportCsv(),
    };
    (pg as unknown as { client: unknown }).client = client;
    pg.dataset = view;
    pg.column = 'a';
    pg.settings = { ...pg.settings, numberOfTrees: 10, sampleSize: 64 };
    await pg.score();
    expect(answers.at(-1)).toBe(false);
    expect(pg.phase).toBe('stopped');
    expect(pg.rowsDone).toBeGreaterThan(0);
    expect(pg.summary?.cancelled).toBe(true);
    expect(pg.summary?.rows).toBe(pg.rowsDone);
    expect(pg.status).toBe(`Stopped after ${pg.rowsDone.toLocaleString('en-US')} of 6,000 rows. Press Run to score again.`);
    expect(pg.saveBlocked).toBe(
      `A model is saved from a run that scored every row; this one was stopped after ${pg.rowsDone.toLocaleString('en-US')} of 6,000 rows. Press Run to score them all.`,
    );
    for (const e of pg.events) expect(e.end).toBeLessThan(pg.rowsDone);
    // the download's scores are the page's
    const lines = (await (await api.exportCsv()).text()).trimEnd().split('\n').slice(1);
    const scored = lines.map((l) => l.split(',')[1] !== '');
    expect(scored.lastIndexOf(true)).toBe(pg.rowsDone - 1);
    expect(scored.filter(Boolean).length).toBe(Array.from(pg.scores).filter(Number.isFinite).length);
    await api.dispose();
  });
});

describe('loading a model that does not fit the dataset shown', () => {
  it('is refused before any run: the scores shown stay, and the message says what to do', async () => {
    const pg = new Playground();
    let runs = 0;
    const fake = {
      score: async () => {
        runs++;
        throw new Error('no run expected');
      },
      api: {
        loadModel: async () => ({ options: resolveOptions({ numberOfTrees: 30 }), rowsSeen: 22_695, events: 3, bytes: 100, columns: ['value'] }),
      },
    };
    (pg as unknown as { client: unknown }).client = fake;
    const numeric = ['a', 'b', 'c'].map((name) => ({ name, values: new Float64Array(4000) }));
    pg.dataset = { name: 'Correlated columns', rows: 4000, columns: [], timeColumn: null, time: null, numeric, warnings: [], stopped: null, dateOrder: null };
    pg.column = 'a';
    pg.together = true;
    pg.scores = new Float64Array(4000).fill(0.7);
    pg.rowsDone = 4000;
    pg.phase = 'done';
    pg.status = 'Scored 3,900 points in 1.2 s';
    const settings = JSON.stringify(pg.settings);
    await pg.loadModel(new File([new Uint8Array(100)], 'machine.rcf'));
    expect(pg.error).toBe(
      'Could not go on from the model machine.rcf: The model was saved for the column “value”; Correlated columns has no column “value” ' +
        '(its columns to score: “a”, “b”, “c”). Load a dataset with a column “value” to go on from this model.',
    );
    expect(runs).toBe(0);
    expect(pg.phase).toBe('done');
    expect(pg.status).toBe('Scored 3,900 points in 1.2 s');
    expect(pg.scores[3999]).toBe(0.7);
    expect(pg.rowsDone).toBe(4000);
    expect(pg.modelNote).toBe('');
    expect(JSON.stringify(pg.settings)).toBe(settings); // the model's options are not put in the fields
  });
});

describe('Explain with scoringMode codisp', () => {
  it('says in plain words that codisp has no attribution, without asking the worker', async () => {
    const { pg } = withRun();
    let asked = 0;
    (pg as unknown as { client: unknown }).client = { api: { explain: async () => void asked++ } };
    pg.options = resolveOptions({ scoringMode: 'codisp' });
    pg.phase = 'done';
    pg.scores = Float64Array.of(1.5, 2.5);
    await pg.explain(1);
    expect(pg.explainError).toBe(
      'A codisp score cannot be split by column or by row of the shingle, so there is no such explanation here. Choose scoringMode score to see one.',
    );
    expect(asked).toBe(0);
  });
});

describe('Save model', () => {
  it('a double click saves one file', async () => {
    const { pg } = withRun();
    let asked = 0;
    let release: (b: Uint8Array) => void = () => {};
    (pg as unknown as { client: unknown }).client = {
      api: { saveModel: () => (asked++, new Promise<Uint8Array>((resolve) => (release = resolve))) },
    };
    const first = pg.saveModel();
    const second = pg.saveModel();
    release(new Uint8Array(4));
    await Promise.all([first, second]);
    expect(asked).toBe(1);
    // and once it is saved, the next click saves again
    const third = pg.saveModel();
    release(new Uint8Array(4));
    await third;
    expect(asked).toBe(2);
  });
});
