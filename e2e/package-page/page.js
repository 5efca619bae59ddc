// The browser entry as a project that installed the package uses it without a bundler: imported from
// node_modules by path. Each function below is one scenario the end-to-end test runs with page.evaluate.
import {
  createForestWorker, RandomCutForest, saveSnapshot, loadSnapshot, parseCsvText, readCsvColumns,
} from './node_modules/rcf-playground/dist/browser/index.js';

const violations = [];
addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));

/** A deterministic series: two sines and a spike at row 450 (no Math.random, so Node computes the same). */
function series(n) {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 10 * Math.sin(i / 12) + 3 * Math.sin(i / 5) + (i % 450 === 449 ? 60 : 0) + ((i * 7919) % 13) / 13;
  return out;
}
function csv(n) {
  const values = series(n);
  let text = 'value\n';
  for (let i = 0; i < n; i++) text += values[i].toFixed(6) + '\n';
  return text;
}
const OPTIONS = { shingleSize: 4, numberOfTrees: 30, sampleSize: 128, seed: 5 };
const plain = (scores) => Array.from(scores, (s) => (Number.isNaN(s) ? null : s));

window.rcf = {
  violations,
  series: (n) => Array.from(series(n)),

  /**
   * The synchronous forest in the page's own thread: 600 rows, the first 300 then a snapshot round trip
   * (saveSnapshot, loadSnapshot) and the rest; the CSV read by parseCsvText and by readCsvColumns (a Blob).
   */
  async mainThread() {
    const values = series(600);
    const forest = await RandomCutForest.create(OPTIONS);
    const first = forest.process(values.subarray(0, 300));
    const { forest: restored } = await loadSnapshot(await saveSnapshot(forest));
    const rest = restored.process(values.subarray(300));
    const text = csv(600);
    const parsed = parseCsvText(text).numeric.get('value');
    const streamed = (await readCsvColumns(new Blob([text]))).numeric.get('value');
    return {
      scores: [...plain(first), ...plain(rest)],
      csvEqual: parsed.length === 600 && parsed.every((v, i) => v === streamed[i]),
    };
  },

  /** Streams 600 rows through a worker whose kernel comes from `how`: default, bytes or url. */
  async stream(how) {
    let kernel;
    if (how === 'bytes') kernel = await (await fetch('./kernel/rcf-copy.wasm')).arrayBuffer();
    if (how === 'url') kernel = './kernel/rcf-copy.wasm';
    const forest = createForestWorker(kernel === undefined ? {} : { kernel });
    try {
      await forest.api.configure(OPTIONS);
      const scores = [];
      await forest.stream([series(600).subarray(0, 250), series(600).subarray(250)], { onScores: (s) => scores.push(...plain(s)) });
      return scores;
    } finally {
      forest.dispose();
    }
  },

  /** Scores a loaded CSV with the trees sharded over `workers` nested workers. */
  async score(workers) {
    const forest = createForestWorker({ workers });
    try {
      await forest.api.loadCsv(csv(3000), 'series.csv');
      const scores = [];
      const summary = await forest.score({ options: OPTIONS, workers, chunkRows: 500 }, { onChunk: (c) => scores.push(...plain(c.scores)) });
      return { scores, workers: summary.workers, cancelled: summary.cancelled };
    } finally {
      forest.dispose();
    }
  },

  /** Aborts a long score() after its first chunk, and a stream() before it starts. */
  async abort() {
    const forest = createForestWorker();
    try {
      await forest.api.loadCsv(csv(200_000), 'long.csv');
      const controller = new AbortController();
      let chunks = 0;
      const summary = await forest.score(
        { options: { numberOfTrees: 50 }, chunkRows: 1000 },
        { signal: controller.signal, onChunk: () => (++chunks === 1 ? controller.abort() : undefined) },
      );
      let streamError = null;
      try {
        await forest.stream([series(10)], { signal: AbortSignal.abort() });
      } catch (e) {
        streamError = e.name;
      }
      // the worker is still usable after a cancelled run
      const after = await forest.api.process(series(10));
      return { cancelled: summary.cancelled, scoredRows: summary.rows, chunks, streamError, afterRows: after.length };
    } finally {
      forest.dispose();
    }
  },

  /** dispose() ends the worker (and any calls after it fail); a signal given to createForestWorker disposes too. */
  async dispose() {
    const forest = createForestWorker();
    await forest.api.configure(OPTIONS);
    await forest.api.process(series(20));
    forest.dispose();
    let afterDispose = null;
    try {
      await forest.api.process(series(20));
    } catch (e) {
      afterDispose = e.message;
    }
    const controller = new AbortController();
    const second = createForestWorker({ signal: controller.signal });
    await second.api.configure(OPTIONS);
    controller.abort();
    let afterAbort = null;
    try {
      await second.api.process(series(20));
    } catch (e) {
      afterAbort = e.message;
    }
    return { afterDispose, afterAbort };
  },
};
document.querySelector('[role="status"]').textContent = 'Ready';
