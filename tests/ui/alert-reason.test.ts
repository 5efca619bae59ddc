import { describe, it, expect } from 'vitest';
import { Thresholder, realertLevel, DEFAULT_THRESHOLD } from '../../src/forest/thresholder';
import { noAlertReason, lastAlertBefore } from '../../src/ui/alert-reason';

/** A noisy score stream with a few bursts (deterministic). */
function stream(n: number): Float64Array {
  let seed = 7;
  const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const s = new Float64Array(n);
  for (let i = 0; i < n; i++) s[i] = 0.7 + 0.2 * rnd() + (i % 700 > 600 && i % 700 < 640 ? 1 + 3 * rnd() : 0);
  return s;
}

describe('why a score above the threshold raised no alert', () => {
  const shingleSize = 4;
  const scores = stream(5000);
  const t = new Thresholder({ shingleSize, alertAfter: 256 });
  const { grade, threshold } = t.gradeAll(scores);
  const alertRows = [...grade.keys()].filter((i) => grade[i] > 0);
  const where = (i: number) => `row ${i}`;

  it('realertLevel is the rule grade() applies: every silent row above the threshold is below it, every repeat alert reaches it', () => {
    let silent = 0;
    let repeats = 0;
    for (let r = 256; r < scores.length; r++) {
      const last = lastAlertBefore(alertRows, r);
      if (scores[r] > threshold[r] && grade[r] === 0) {
        silent++;
        const need = realertLevel({ ...DEFAULT_THRESHOLD, shingleSize }, r, last, scores[last], threshold[r]);
        expect(scores[r]).toBeLessThan(need.level);
      } else if (grade[r] > 0 && last >= 0 && t.events.every((e) => e.start !== r)) {
        repeats++;
        const need = realertLevel({ ...DEFAULT_THRESHOLD, shingleSize }, r, last, scores[last], threshold[r]);
        expect(scores[r]).toBeGreaterThanOrEqual(need.level);
      }
    }
    expect(silent).toBeGreaterThan(10);
    expect(repeats).toBeGreaterThan(0);
  });

  it('says which alert and what score it would take', () => {
    const r = alertRows.map((a) => a + 10).find((x) => scores[x] > threshold[x] && grade[x] === 0)!;
    expect(r).toBeDefined();
    const text = noAlertReason({ row: r, scores, grades: grade, thresholds: threshold, alertRows, shingleSize, sampleSize: 256, where })!;
    const last = lastAlertBefore(alertRows, r);
    expect(text).toContain(`inside the incident that alerted at row ${last}`);
    expect(text).toMatch(/no new alert unless it scores \d+\.\d+ or more \(2 × \d+\.\d+, that alert’s score/);
  });

  it('within the shingle of the last alert, and in the first sampleSize rows', () => {
    const a = alertRows[0];
    const r = a + 1;
    const g = Float64Array.from(grade);
    const sc = Float64Array.from(scores);
    sc[r] = threshold[r] + 1;
    g[r] = 0;
    expect(noAlertReason({ row: r, scores: sc, grades: g, thresholds: threshold, alertRows, shingleSize, sampleSize: 256, where })).toContain(
      `no new alert while that row is in the shingle (until row ${a + shingleSize})`,
    );
    const early = noAlertReason({ row: r, scores: sc, grades: g, thresholds: threshold, alertRows, shingleSize, sampleSize: r + 1, where });
    expect(early).toMatch(/no alert in the first [\d,]+ rows/);
    // a row that alerted, or below the threshold: nothing to explain
    expect(noAlertReason({ row: a, scores, grades: grade, thresholds: threshold, alertRows, shingleSize, sampleSize: 256, where })).toBeNull();
  });
});
