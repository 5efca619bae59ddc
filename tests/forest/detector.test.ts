import { describe, it, expect, beforeAll } from 'vitest';
import { Detector } from '../../src/forest/detector';
import { RandomCutForest } from '../../src/forest/forest';
import { thresholderFor } from '../../src/forest/thresholder';
import { instantiateKernel, Column, SCORE, UPDATE } from '../../src/kernel/kernel';

let module: WebAssembly.Module;
beforeAll(async () => {
  module = await RandomCutForest.compile(new URL('../../build/rcf.wasm', import.meta.url));
});

function wave(rows: number, seed = 1): Float64Array {
  let s = seed >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Float64Array.from({ length: rows }, (_, i) => 10 + Math.sin(i / 12) + 0.05 * (rand() - 0.5));
}

describe('Detector', () => {
  it('scores as the forest does, and grades as the thresholder does', () => {
    const values = wave(3000);
    values[2000] = 25;
    const d = new Detector({ forest: { seed: 3 } }, module);
    const out = d.process(values);
    const scores = RandomCutForest.fromModule({ seed: 3 }, module).process(values);
    expect(Array.from(out.scores)).toEqual(Array.from(scores));
    const { grade, threshold } = thresholderFor(d.options).gradeAll(scores);
    expect(Array.from(out.grades)).toEqual(Array.from(grade));
    expect(Array.from(out.thresholds)).toEqual(Array.from(threshold));
    expect(out.grades[2000]).toBeGreaterThan(0);
    expect(d.thresholder.events.some((e) => e.start <= 2000 && 2000 <= e.end)).toBe(true);
  });

  it('expected values: at an alert, the value the trees say would have been normal there, from the forest just before that row', async () => {
    const values = wave(3000);
    values[2000] = 25; // should have been about 10 + sin(2000 / 12)
    const d = new Detector({ forest: { seed: 3, shingleSize: 4 }, expected: true }, module);
    // in chunks, as the command line and the worker call it
    const expected = new Float64Array(3000);
    const grades = new Float64Array(3000);
    for (let at = 0; at < 3000; at += 700) {
      const out = d.process(values.subarray(at, at + 700));
      expected.set(out.expected!, at);
      grades.set(out.grades, at);
    }
    for (let r = 0; r < 3000; r++) expect(Number.isNaN(expected[r])).toBe(!(grades[r] > 0));
    expect(grades[2000]).toBeGreaterThan(0);
    expect(Math.abs(expected[2000] - (10 + Math.sin(2000 / 12)))).toBeLessThan(0.3);

    // exactly what the kernel imputes from the state just before row 2000 (fed by hand)
    const k = await instantiateKernel(new URL('../../build/rcf.wasm', import.meta.url));
    k.configure(50, 256, 4, 0, 3, 1 / 2560, 0, 1);
    const point = (t: number) => values.subarray(t - 3, t + 1);
    for (let t = 3; t < 2000; t++) {
      new Float64Array(k.memory.buffer, k.column(Column.input), 4).set(point(t));
      k.process(1, t >= 64 ? SCORE | UPDATE : UPDATE);
    }
    new Float64Array(k.memory.buffer, k.column(Column.input), 4).set(point(2000));
    k.impute(1, 3, 4);
    expect(expected[2000]).toBe(new Float64Array(k.memory.buffer, k.column(Column.output), 1)[0]);
  });

  it('replay leaves the follower in the same state as the forest: the scores that follow are identical', () => {
    const values = wave(2500, 7);
    const a = RandomCutForest.fromModule({ seed: 5, inputDimensions: 1 }, module);
    const b = RandomCutForest.fromModule({ seed: 5, inputDimensions: 1 }, module);
    a.process(values.subarray(0, 2000));
    b.replay(values.subarray(0, 2000), [100, 150, 1999]);
    expect(Array.from(b.process(values.subarray(2000)))).toEqual(Array.from(a.process(values.subarray(2000))));
  });

  it('expected values come back on the data\'s scale with normalize, for several columns', () => {
    const rows = 2000;
    const data = new Float64Array(rows * 2);
    const w = wave(rows, 2);
    for (let i = 0; i < rows; i++) {
      data[2 * i] = w[i];
      data[2 * i + 1] = 1000 * w[i]; // the second column follows the first, on another scale
    }
    data[2 * 1500 + 1] = 30_000;
    const d = new Detector({ forest: { inputDimensions: 2, normalize: true, seed: 1 }, expected: true }, module);
    const out = d.process(data);
    expect(out.grades[1500]).toBeGreaterThan(0);
    const normal = 1000 * w[1500];
    // the column that jumped: what the trees expect given the other column (which follows it)
    expect(Math.abs(out.expected![1500 * 2 + 1] - normal) / normal).toBeLessThan(0.01);
  });
});
