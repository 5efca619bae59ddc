import { describe, it, expect } from 'vitest';
import { Thresholder, realertLevel, DEFAULT_THRESHOLD } from '../../src/forest/thresholder';
import { noAlertReason, lastAlertBefore, silentCounts, noEventText } from '../../src/ui/alert-reason';

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

describe('the repeat-alert reference: that alert’s score, faded, or the threshold', () => {
  // the tester's case (machine_temperature, 2013-12-10 11:30): the incident alerted 71 rows before with score
  // 1.639; the threshold has since risen to 1.792; the score 1.958 is above it but below 1.5 × 1.792
  const shingleSize = 1;
  const last = 1000;
  const row = last + 71;
  const n = row + 1;
  const scores = new Float64Array(n).fill(0.5);
  const grades = new Float64Array(n);
  const thresholds = new Float64Array(n).fill(1.5);
  scores[last] = 1.639;
  grades[last] = 0.2;
  scores[row] = 1.958;
  thresholds[row] = 1.792;
  const input = { row, scores, grades, thresholds, alertRows: [last], shingleSize, sampleSize: 256, where: (i: number) => `row ${i}` };

  it('says the level is 1.5 × the threshold, which the alert’s score faded below, not “that alert’s score”', () => {
    const need = realertLevel({ ...DEFAULT_THRESHOLD, shingleSize }, row, last, scores[last], thresholds[row]);
    expect(need.factor).toBe(1.5);
    expect(need.reference).toBe(1.792);
    const text = noAlertReason(input)!;
    expect(text).toContain('no new alert unless it scores 2.688 or more (1.5 × 1.792, the threshold');
    expect(text).not.toContain('1.792, that alert’s score');
    expect(text).toContain('1.639');
  });

  it('an alert scored above today’s threshold: faded to the threshold; not yet faded that far: faded', () => {
    const high = Float64Array.from(scores);
    high[last] = 1.9;
    high[row] = 2.0;
    // 1.9 × 0.5^(71/256) = 1.567 < 1.792: the reference is the threshold
    expect(noAlertReason({ ...input, scores: high })).toContain('(1.5 × 1.792, the threshold: that alert’s score, 1.900, faded to it over 71 rows)');
    high[last] = 2.5;
    high[row] = 2.6;
    // 2.5 × 0.5^(71/256) = 2.062 > 1.792: the reference is the faded score
    expect(noAlertReason({ ...input, scores: high })).toMatch(/\(1\.5 × 2\.06\d, that alert’s score, 2\.500, faded over 71 rows\)/);
  });
});

describe('the events list with no event says why', () => {
  it('no score above the threshold; some above in the first sampleSize rows; some inside an open incident', () => {
    const thresholds = new Float64Array(600).fill(1);
    const scores = new Float64Array(600).fill(0.5);
    const grades = new Float64Array(600);
    expect(noEventText(silentCounts(scores, thresholds, grades, 256), 256)).toMatch(/no score rose above the threshold/);
    scores[10] = 1.958;
    scores[11] = 1.5;
    const early = noEventText(silentCounts(scores, thresholds, grades, 256), 256);
    expect(early).toContain('2 scores rose above the threshold, but none raised an alert: all are in the first 256 rows');
    expect(early).not.toMatch(/no score rose/);
    scores[400] = 2;
    expect(noEventText(silentCounts(scores, thresholds, grades, 256), 256)).toContain('2 in the first 256 rows');
    expect(noEventText(silentCounts(scores, thresholds, grades, 256), 256)).toContain('and 1 inside an incident already reported');
  });

  it('with no score at all (a file shorter than the warm-up), does not advise lowering z', () => {
    const none = new Float64Array(3).fill(NaN);
    expect(noEventText(silentCounts(none, none, new Float64Array(3), 256), 256)).toBe(
      'No anomaly event: no row has a score (the forest was still warming up on every row).',
    );
  });
});
