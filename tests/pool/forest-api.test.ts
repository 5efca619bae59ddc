/**
 * The worker API's score() on a pool (here worker_threads; on the page nested Web Workers): the same
 * scores, grades, thresholds and events as without one; the pool is kept between runs.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { createForestApi, type ExportProgress, type ScoreChunk, type ScoreRequest } from '../../src/worker/forest-api';
import { RandomCutForest } from '../../src/forest/forest';

const kernel = new URL('../../build/rcf.wasm', import.meta.url);
const api = createForestApi(kernel);
afterAll(() => api.dispose());

function csv(rows: number): string {
  let s = 'time,a,b\n';
  for (let i = 0; i < rows; i++) {
    const spike = i === 1700 ? 30 : 0;
    s += `${i},${(Math.sin(i / 9) + ((i * 7919) % 13) / 100 + spike).toFixed(4)},${(100 + 10 * Math.cos(i / 17)).toFixed(3)}\n`;
  }
  return s;
}

describe('score() with workers', () => {
  it('gives the same results on 1, 2 and 3 workers, and says how many it used', async () => {
    await api.loadCsv(csv(2500), 'test.csv');
    const request = { columns: ['a', 'b'], options: { numberOfTrees: 12, sampleSize: 64, shingleSize: 2, seed: 3 }, chunkRows: 700 };
    const runs = [];
    for (const workers of [1, 2, 3, 2]) {
      const chunks: ScoreChunk[] = [];
      const summary = await api.score({ ...request, workers }, (c) => void chunks.push(c));
      runs.push({ summary, chunks, csv: await (await api.exportCsv()).text() });
      expect(summary.workers).toBe(workers);
    }
    const [one, ...others] = runs;
    for (const r of others) {
      expect(r.csv).toBe(one!.csv);
      expect(r.chunks.map((c) => Array.from(c.scores))).toEqual(one!.chunks.map((c) => Array.from(c.scores)));
      expect(r.summary.events).toEqual(one!.summary.events);
      expect(r.summary.scored).toBe(one!.summary.scored);
    }
    expect(one!.summary.events.some((e) => e.start <= 1700 && 1700 <= e.end)).toBe(true);
    // and what a forest in this thread gives
    const forest = await RandomCutForest.create({ ...request.options, inputDimensions: 2 }, kernel);
    const t = runs[1]!.chunks;
    const data = new Float64Array(2500 * 2);
    csv(2500).trim().split('\n').slice(1).forEach((line, i) => {
      const [, a, b] = line.split(',');
      data[2 * i] = Number(a);
      data[2 * i + 1] = Number(b);
    });
    const expected = forest.process(data);
    const got = new Float64Array(2500);
    for (const c of t) got.set(c.scores, c.start);
    expect(Array.from(got)).toEqual(Array.from(expected));
  });

  it('uses at most one worker per tree, and refuses a bad count', async () => {
    await api.loadCsv(csv(300), 'small.csv');
    expect((await api.score({ options: { numberOfTrees: 2, sampleSize: 16 }, workers: 3 })).workers).toBe(2);
    expect((await api.score({ options: { numberOfTrees: 1, sampleSize: 16 }, workers: 3 })).workers).toBe(1);
    await expect(api.score({ workers: 0 })).rejects.toThrow(/workers must be a whole number from 1 to 64; got 0/);
    await expect(api.score({ workers: 1.5 })).rejects.toThrow(/workers must be a whole number/);
  });

  it('falls back to scoring in its own thread when workers cannot be started', async () => {
    const broken = createForestApi(kernel, {
      workers: 2,
      spawn: () => {
        throw new Error('no workers here');
      },
    });
    await broken.loadCsv(csv(400), 'x.csv');
    const a = await broken.score({ options: { numberOfTrees: 4, sampleSize: 16 } });
    expect(a.workers).toBe(1);
    expect(a.scored).toBeGreaterThan(300);
    await broken.dispose();
  });
});

describe('score() stopped between chunks', () => {
  for (const workers of [1, 2]) {
    it(`keeps exactly the chunks onChunk took: one answered false is not kept (scores, events, explain, trees, export; ${workers} worker(s))`, async () => {
      await api.loadCsv(csv(2500), 'test.csv');
      // chunks [0, 700), [700, 1400), [1400, 2100): the spike at row 1700 is in the third
      const request = { columns: ['a', 'b'], options: { numberOfTrees: 12, sampleSize: 64, seed: 3 }, chunkRows: 700, workers, attribution: true };
      const full = await api.score(request);
      expect(full.events.some((e) => e.start <= 1700 && 1700 <= e.end)).toBe(true);

      // a run cancelled while its second chunk was with the caller, who took it: two chunks kept
      const taken: ScoreChunk[] = [];
      const cancelled = await api.score(request, async (c) => {
        taken.push(c);
        if (taken.length === 2) {
          api.cancel();
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      });
      expect(cancelled.cancelled).toBe(true);
      expect(cancelled.rows).toBe(1400);
      expect(taken.at(-1)!.rowsDone).toBe(1400);
      const twoChunks = await (await api.exportCsv()).text();

      // the page after Stop: the third chunk came, and was not taken
      const shown: ScoreChunk[] = [];
      const refused = await api.score(request, (c) => {
        if (shown.length === 2) return false;
        shown.push(c);
      });
      expect(refused.cancelled).toBe(true);
      expect(refused.rows).toBe(shown.at(-1)!.rowsDone);
      expect(refused.rows).toBe(1400);
      expect(refused.missing).toBeNull();
      expect(refused.events).toEqual(cancelled.events);
      for (const e of refused.events) expect(e.end).toBeLessThan(1400);
      expect(await api.explain(1399)).not.toBeNull();
      expect(await api.explain(1400)).toBeNull();
      await expect(api.tree({ tree: 0, row: 1400 })).rejects.toThrow(/from 0 to 1399/);
      // the download holds the rows shown: scores, grades, attribution, expected values, as the run cancelled there
      const file = await (await api.exportCsv()).text();
      expect(file).toBe(twoChunks);
      const lines = file.trimEnd().split('\n');
      const score = lines[0].split(',').indexOf('score');
      expect(lines[1400].split(',')[score]).not.toBe(''); // data row 1399
      expect(lines[1401].split(',')[score]).toBe(''); // data row 1400: in the chunk not taken
      expect((await api.expectedValues()).every((e) => e.row < 1400)).toBe(true);
    });
  }
});

describe('explain()', () => {
  it('tells why a row scored: by column and by row of the shingle, adding up to the score; expected values at alerts', async () => {
    await api.loadCsv(csv(2500), 'test.csv');
    await expect(api.explain(1700)).rejects.toThrow(/Score the dataset first/);
    const kept: number[][] = [];
    for (const [workers, keep] of [[1, true], [2, true], [1, false]] as const) {
      await api.score({ columns: ['a', 'b'], options: { numberOfTrees: 20, shingleSize: 3, normalize: true, seed: 2 }, attribution: keep, workers });
      const e = (await api.explain(1700))!;
      // kept while scoring or computed by replay: the same (to rounding: shards sum attribution in floating point)
      kept.push(e.byColumn);
      for (let j = 0; j < 2; j++) expect(Math.abs(e.byColumn[j] - kept[0][j])).toBeLessThan(1e-9);
      expect(e.columns).toEqual(['a', 'b']);
      expect(e.byOffset).toHaveLength(3);
      const total = e.byColumn.reduce((x, y) => x + y, 0);
      expect(Math.abs(total - e.score)).toBeLessThan(1e-9);
      expect(Math.abs(e.byOffset.reduce((x, y) => x + y, 0) - e.score)).toBeLessThan(1e-9);
      expect(e.byColumn[0]).toBeGreaterThan(3 * e.byColumn[1]); // the spike is in column a
      expect(e.high[0]).toBeGreaterThan(e.low[0]); // too high
      expect(e.byOffset[2]).toBe(Math.max(...e.byOffset)); // in the newest row
      expect(e.grade).toBeGreaterThan(0);
      expect(e.actual[0]).toBeGreaterThan(25);
      expect(e.expected).not.toBeNull();
      expect(Math.abs(e.expected![0])).toBeLessThan(2); // a sine of amplitude 1 would have been normal
      expect(await api.explain(0)).toBeNull(); // warming up: no score
    }
  });
});

describe('exportCsv()', () => {
  it("writes the command line's columns: the page's download equals rcf score --attribution, kept or computed again", async () => {
    const { run } = await import('../cli/helpers');
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const text = csv(1200);
    const dir = mkdtempSync(join(tmpdir(), 'rcf-export-'));
    try {
      const file = join(dir, 'x.csv');
      writeFileSync(file, text);
      const cli = await run(['score', file, '--column', 'a,b', '--trees', '12', '--shingle-size', '2', '--seed', '3', '--attribution']);
      expect(cli.code).toBe(0);
      await api.loadCsv(text, 'x.csv');
      for (const attribution of [false, true]) {
        await api.score({ columns: ['a', 'b'], options: { numberOfTrees: 12, shingleSize: 2, seed: 3 }, attribution, chunkRows: 500 });
        const page = await (await api.exportCsv()).text();
        expect(page.split('\n')[0]).toBe('time,a,b,score,grade,threshold,attribution_a,attribution_b,expected_a,expected_b,imputed');
        expect(page).toBe(cli.stdout);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('exportCsv() while other things happen', () => {
  it('reports its stages in order, exports the run it was asked for even when another starts, and can be cancelled', async () => {
    await api.loadCsv(csv(3000), 'y.csv');
    const request = { columns: ['a', 'b'], options: { numberOfTrees: 10, sampleSize: 64, shingleSize: 2, seed: 5 }, chunkRows: 400 };
    await api.score(request);
    const alone = await (await api.exportCsv()).text();

    // progress: attribution, then expected values, then writing, each counting up to its total
    const seen: { stage: string; done: number; total: number }[] = [];
    const again = await (await api.exportCsv((p) => void seen.push(p))).text();
    expect(again).toBe(alone);
    const stages = seen.map((p) => p.stage).filter((st, i, all) => all[i - 1] !== st);
    expect(stages).toEqual(['attribution', 'expected', 'writing']);
    const last = (stage: string) => seen.filter((p) => p.stage === stage).at(-1)!;
    expect(last('attribution')).toMatchObject({ done: 3000, total: 3000 });
    expect(last('writing').done).toBe(last('writing').total);

    // a run with other options started while the export goes on: the export is still of the first run
    const [exported] = await Promise.all([
      api.exportCsv().then((b) => b.text()),
      api.score({ ...request, options: { ...request.options, seed: 6 } }),
    ]);
    expect(exported).toBe(alone);
    expect(await (await api.exportCsv()).text()).not.toBe(alone); // and the next export is of the new run

    // cancelled: rejects with ExportCancelled; the next export works
    const cancelled = api.exportCsv(() => api.cancelExport());
    await expect(cancelled).rejects.toMatchObject({ name: 'ExportCancelled' });
    expect((await (await api.exportCsv()).text()).split('\n')).toHaveLength(3002);
  });
});

describe('cancelExport()', () => {
  /** Calls cancelExport() as a message would (a task of its own): heard only if the export lets messages in. */
  const cancelByMessage = () => {
    const { port1, port2 } = new MessageChannel();
    port1.onmessage = () => {
      port1.close();
      api.cancelExport();
    };
    port2.postMessage(null);
  };

  for (const [stage, attribution] of [['attribution', false], ['expected', true]] as const) {
    it(`is heard during the ${stage} stage, between its chunks, and stops it there`, async () => {
      await api.loadCsv(csv(30_000), 'long.csv');
      await api.score({ columns: ['a'], options: { numberOfTrees: 5, sampleSize: 32, seed: 1 }, attribution, workers: 1 });
      const seen: ExportProgress[] = [];
      let sent = false;
      const exporting = api.exportCsv((p) => {
        seen.push(p);
        if (p.stage === stage && p.done > 0 && !sent) {
          sent = true;
          cancelByMessage();
        }
      });
      await expect(exporting).rejects.toMatchObject({ name: 'ExportCancelled' });
      expect(sent).toBe(true);
      const last = seen.at(-1)!;
      expect(last.stage).toBe(stage);
      expect(last.done).toBeLessThan(last.total);
      expect(seen.some((p) => p.stage === 'writing')).toBe(false);
    });
  }
});

describe('models', () => {
  it('saveModel then loadModel: a second file scored from the model goes on as one stream', async () => {
    const all = csv(2500).trimEnd().split('\n');
    const header = all[0];
    const first = [header, ...all.slice(1, 1501)].join('\n');
    const second = [header, ...all.slice(1501)].join('\n');
    const request = { columns: ['a', 'b'], options: { numberOfTrees: 15, sampleSize: 64, shingleSize: 2, seed: 4 }, workers: 1 };
    // the whole stream at once
    await api.loadCsv(csv(2500), 'whole.csv');
    const wholeChunks: ScoreChunk[] = [];
    await api.score(request, (c) => void wholeChunks.push(c));
    const whole = new Float64Array(2500);
    const wholeGrades = new Float64Array(2500);
    for (const c of wholeChunks) {
      whole.set(c.scores, c.start);
      wholeGrades.set(c.grades, c.start);
    }
    // the first part, saved as a model
    await api.loadCsv(first, 'first.csv');
    await expect(api.saveModel()).rejects.toThrow(/Score the whole dataset first/);
    await api.score(request);
    const bytes = await api.saveModel();
    // the second part, from the model (options come from it)
    await api.loadCsv(second, 'second.csv');
    await expect(api.score({ ...request, fromModel: true })).rejects.toThrow(/No model is loaded/);
    const info = await api.loadModel(bytes);
    expect(info.options.numberOfTrees).toBe(15);
    expect(info.rowsSeen).toBe(1500);
    expect(info.columns).toEqual(['a', 'b']); // for a caller to check against its dataset before a run
    const chunks: ScoreChunk[] = [];
    const summary = await api.score({ columns: ['a', 'b'], fromModel: true }, (c) => void chunks.push(c));
    expect(summary.options.seed).toBe(4);
    const scores = new Float64Array(1000);
    const grades = new Float64Array(1000);
    for (const c of chunks) {
      scores.set(c.scores, c.start);
      grades.set(c.grades, c.start);
    }
    expect(Array.from(scores)).toEqual(Array.from(whole.subarray(1500)));
    expect(Array.from(grades)).toEqual(Array.from(wholeGrades.subarray(1500)));
    for (const e of summary.events) expect(e.start).toBeGreaterThanOrEqual(0);
    await expect(api.loadModel(new TextEncoder().encode('not a model'))).rejects.toThrow(/not a snapshot file/);
  });
});

describe("score() with missingValues 'error'", () => {
  /** `rows` data rows of time,a,b; b's cell at data row `bad` (0-based) is `cell`; times jump by 50 at row 1000. */
  function withHole(rows: number, bad: number, cell: string): string {
    let s = 'time,a,b\n';
    for (let i = 0; i < rows; i++) {
      const t = i < 1000 ? i : i + 50;
      s += `${new Date(Date.UTC(2020, 0, 1) + t * 60_000).toISOString()},${(Math.sin(i / 9) + ((i * 7919) % 13) / 100).toFixed(4)},${i === bad ? cell : (100 + 10 * Math.cos(i / 17)).toFixed(3)}\n`;
    }
    return s;
  }
  const options = { numberOfTrees: 10, sampleSize: 64, seed: 7, missingValues: 'error' as const };

  const requests: [string, ScoreRequest][] = [
    ['one column, one thread', { columns: ['b'], workers: 1 }],
    ['one column, on workers', { columns: ['b'], workers: 2 }],
    ['together', { columns: ['a', 'b'], workers: 1 }],
    ['gaps filled', { columns: ['b'], workers: 1, gaps: 'zero' }],
  ];
  for (const [what, request] of requests) {
    it(`stops at the row, says the file's line and the column's name, and keeps the rows before it (${what})`, async () => {
      await api.loadCsv(withHole(3000, 2000, ''), 'hole.csv');
      const chunks: ScoreChunk[] = [];
      const summary = await api.score({ ...request, options, chunkRows: 700 }, (c) => void chunks.push(c));
      expect(summary.missing).toMatchObject({ row: 2000, line: 2002, cell: '', column: 'b' });
      expect(summary.missing!.message).toBe(
        'line 2002, column "b": the value is missing (empty cell), and missingValues error stops at the first missing value. ' +
          'Fix the file, or choose missingValues carry, zero or skip.',
      );
      expect(summary.rows).toBe(2000);
      expect(summary.cancelled).toBe(false);
      if (request.gaps) expect(summary.gaps).toMatch(/1 gap filled/);
      // every row before it was sent with its score, none from it on
      const scores = new Float64Array(3000).fill(NaN);
      for (const c of chunks) scores.set(c.scores, c.start);
      expect(chunks.at(-1)!.rowsDone).toBe(2000);
      expect(Math.max(...chunks.map((c) => c.start + c.scores.length))).toBe(2000);
      for (let r = 100; r < 2000; r++) expect(Number.isFinite(scores[r])).toBe(true);
      // the same scores as a run that stops before the bad row
      await api.loadCsv(withHole(2000, -1, ''), 'before.csv');
      const whole: ScoreChunk[] = [];
      const clean = await api.score({ ...request, options, chunkRows: 700 }, (c) => void whole.push(c));
      expect(clean.missing).toBeNull();
      const expected = new Float64Array(2000);
      for (const c of whole) expected.set(c.scores, c.start);
      expect(Array.from(scores.subarray(0, 2000))).toEqual(Array.from(expected));
      expect(summary.events).toEqual(clean.events);
    });
  }

  it('says when the cell was unreadable, and keeps the run for explain and export', async () => {
    await api.loadCsv(withHole(3000, 1500, 'n/a?'), 'bad.csv');
    const summary = await api.score({ columns: ['a', 'b'], options, chunkRows: 4096, workers: 1 });
    expect(summary.missing).toMatchObject({ row: 1500, line: 1502, cell: 'n/a?', column: 'b' });
    expect(summary.missing!.message).toMatch(/^line 1502, column "b": "n\/a\?" is not a number, and missingValues error stops/);
    expect(await api.explain(1499)).not.toBeNull();
    expect(await api.explain(1500)).toBeNull();
    const lines = (await (await api.exportCsv()).text()).trimEnd().split('\n');
    expect(lines).toHaveLength(3001);
    const score = lines[0].split(',').indexOf('score');
    expect(lines[1500].split(',')[score]).not.toBe(''); // data row 1499
    expect(lines[1501].split(',')[score]).toBe(''); // data row 1500: not scored
  });
});
