/** Pure helpers of the playground page: generators, labels, the link, the x range, the settings. */
import { describe, expect, it } from 'vitest';
import { generate, generatorProblem, GENERATORS, mulberry32, toCsv } from '../../src/ui/synthetic';
import { caughtWindows, eventInWindows, findLabelColumn, nabLabelsFor, unknownFiles, windowsFromColumn } from '../../src/ui/labels';
import { decodeState, encodeState } from '../../src/ui/share';
import { clampRange, isFull, panRange, rangeAround, visibleRows, zoomRange } from '../../src/ui/view';
import { checkSettings, DEFAULT_SETTINGS, describeSettings, forestInput, settingProblem, settingProblems, thresholdInput } from '../../src/ui/settings';
import { thresholderFor } from '../../src/forest/thresholder';
import { indexAxis, type XAxis } from '../../src/ui/charts/x-axis';
import { parseCsvText } from '../../src/ingest';

const timeAxis = (n: number, step = 60_000, start = Date.UTC(2024, 0, 1)): XAxis => {
  const values = new Float64Array(n).map((_, i) => start + i * step);
  return { kind: 'time', values, count: n, domain: [values[0], values[n - 1]], noun: 'time', note: null };
};

describe('synthetic series', () => {
  it('are the same for the same generator, seed and rows, and differ with the seed', () => {
    for (const g of GENERATORS) {
      const a = toCsv(generate(g.id, 3, 1000));
      expect(toCsv(generate(g.id, 3, 1000))).toBe(a);
      expect(toCsv(generate(g.id, 4, 1000))).not.toBe(a);
    }
    expect(mulberry32(1)()).toBe(mulberry32(1)());
  });

  it('parse as CSV with a time column, the value columns and a 0/1 label column marking the anomaly', () => {
    for (const g of GENERATORS) {
      const series = generate(g.id, 1, 4000);
      const table = parseCsvText(toCsv(series));
      expect(table.rows).toBe(4000);
      expect(table.timeColumn).toBe('timestamp');
      expect([...table.numeric.keys()]).toEqual([...series.columns, 'label']);
      const label = table.numeric.get('label')!;
      const ones = label.reduce((n, v) => n + v, 0);
      expect(ones, g.id).toBeGreaterThan(0);
      expect(ones, g.id).toBeLessThan(400);
      expect(label.slice(0, 1000).every((v) => v === 0), `${g.id}: nothing in the first quarter`).toBe(true);
    }
  });

  it('clamps rows and names the file after generator and seed', () => {
    expect(generate('level-shift', 9, 10).label.length).toBe(500);
    expect(generate('level-shift', 9).name).toBe('synthetic-level-shift-seed-9.csv');
  });
});

describe('labels', () => {
  it('finds a label column by name', () => {
    expect(findLabelColumn(['value', 'is_anomaly'])).toBe('is_anomaly');
    expect(findLabelColumn(['Label', 'x'])).toBe('Label');
    expect(findLabelColumn(['anomaly'])).toBe('anomaly');
    expect(findLabelColumn(['value', 'labelled_at'])).toBeNull();
  });

  it('turns runs of 1 into windows (row numbers or times) and notes other values', () => {
    const x = indexAxis(10);
    const r = windowsFromColumn([0, 1, 1, 0, 0, 2, 0, 1, 1, 1], x, 'label');
    expect(r.windows).toEqual([[2, 3], [8, 10]]);
    expect(r.notes).toEqual(['Label column "label": 1 value is neither 0 nor 1 (first in row 6); read as 0.']);
    const t = timeAxis(4);
    expect(windowsFromColumn([1, 0, 0, 1], t, 'l').windows).toEqual([[t.values![0], t.values![0]], [t.values![3], t.values![3]]]);
  });

  it('checks NAB windows and points against the data and each other', () => {
    const x = timeAxis(60 * 24, 60_000); // 2024-01-01, one day of minutes
    const windows = {
      'a.csv': [
        ['2024-01-01 02:00:00.000000', '2024-01-01 04:00:00.000000'],
        ['2025-01-01 00:00:00.000000', '2025-01-02 00:00:00.000000'], // outside the data
        ['nonsense'],
      ],
      'b.csv': [],
    };
    const points = { 'a.csv': ['2024-01-01 03:00:00', '2024-01-01 12:00:00'], 'z.csv': [] };
    const r = nabLabelsFor(windows, points, 'a.csv', x);
    expect(r.windows).toEqual([[Date.UTC(2024, 0, 1, 2), Date.UTC(2024, 0, 1, 4)]]);
    expect(r.points).toEqual([Date.UTC(2024, 0, 1, 3)]);
    expect(r.notes).toEqual([
      'The labelled window 2025-01-01 00:00 UTC – 2025-01-02 00:00 UTC lies outside the data of a.csv; it is ignored.',
      'A labelled window of a.csv could not be read (["nonsense"]); it is ignored.',
      'The labelled anomaly at 2024-01-01 12:00 UTC lies outside every labelled window of a.csv.',
    ]);
    expect(unknownFiles(points, ['a.csv', 'b.csv'])).toEqual(['z.csv']);
    expect(nabLabelsFor(windows, points, 'a.csv', indexAxis(5)).notes[0]).toMatch(/no usable time axis/);
  });

  it('counts windows caught and alerts outside them', () => {
    const x = indexAxis(100);
    const c = caughtWindows([[10, 20], [50, 60], [80, 90]], [9, 14, 15, 59, 70], x); // rows are 0-based, x from 1
    expect(c).toEqual({ caught: 2, total: 3, outside: 1, hit: [true, true, false], notScored: 0 });
  });

  it('after a stopped run, says how many windows lie after the last row scored', () => {
    const x = indexAxis(100);
    // 55 rows scored (x 1 to 55): the window at 50-60 was reached, the one at 80-90 not
    expect(caughtWindows([[10, 20], [50, 60], [80, 90]], [14], x, 55)).toMatchObject({ caught: 1, total: 3, notScored: 1 });
    expect(caughtWindows([[10, 20], [50, 60], [80, 90]], [], x, 0)).toMatchObject({ notScored: 3 });
  });

  it('an event is in a window by where its alerts are, as the counts say (not by its span overlapping one)', () => {
    const x = indexAxis(200);
    const windows: [number, number][] = [[20, 40], [100, 120]];
    // the machine_temperature case: the alert (row 14, x 15) comes before the window opens; its span reaches into it
    const before = { start: 14, end: 30, peak: 25 };
    expect(eventInWindows(before, [14], windows, x)).toEqual({ alerts: 1, inside: 0 });
    // an event with an escalation inside a window: 1 of 2 alerts in it
    const escalated = { start: 90, end: 110, peak: 105 };
    expect(eventInWindows(escalated, [14, 90, 105], windows, x)).toEqual({ alerts: 2, inside: 1 });
    // summed over the events, the alerts outside are the counts' `outside`
    const events = [before, escalated, { start: 150, end: 160, peak: 150 }];
    const alertRows = [14, 90, 105, 150];
    const outside = events.map((e) => eventInWindows(e, alertRows, windows, x)).reduce((n, r) => n + r.alerts - r.inside, 0);
    expect(outside).toBe(caughtWindows(windows, alertRows, x).outside);
  });
});

describe('generator fields', () => {
  it('rows and seed: whole numbers in a stated range, else a message naming the limits', () => {
    for (const v of [0, -5, 3, 99_999_999, 1.5, null]) expect(generatorProblem('rows', v)).toMatch(/^Must be a whole number from 500 to 200,000; /);
    expect(generatorProblem('rows', 99_999_999)).toBe('Must be a whole number from 500 to 200,000; got 99,999,999.');
    expect(generatorProblem('rows', null)).toBe('Must be a whole number from 500 to 200,000; the field is empty or not a number.');
    for (const v of [500, 4000, 200_000]) expect(generatorProblem('rows', v)).toBe('');
    for (const v of [-1, 1.5, 1e40, null]) expect(generatorProblem('seed', v)).toMatch(/^Must be a whole number from 0 to 2,147,483,647; /);
    expect(generatorProblem('seed', 1e40)).toBe('Must be a whole number from 0 to 2,147,483,647; got 1e+40.');
    for (const v of [0, 7, 2_147_483_647]) expect(generatorProblem('seed', v)).toBe('');
  });

  it('a link with a seed out of range says so and uses seed 1', () => {
    const back = decodeState('#data=synthetic:noise-burst&generatorSeed=1e40&rows=4000');
    expect(back.source).toMatchObject({ kind: 'synthetic', seed: 1 });
    expect(back.problems.join(' ')).toMatch(/generator seed 1e40; seeds are whole numbers from 0 to 2,147,483,647/);
  });

  it('a link with rows that are not a whole number says so, as for the seed, and uses 4,000 rows', () => {
    for (const rows of ['abc', '1.5', '']) {
      const back = decodeState(`#data=synthetic:noise-burst&generatorSeed=3&rows=${rows}`);
      expect(back.source).toMatchObject({ kind: 'synthetic', seed: 3, rows: 4000 });
      const asked = rows === '' ? 'The link’s rows= is empty' : `The link asks for "${rows}" generated rows`;
      expect(back.problems).toEqual([`${asked}; rows are whole numbers from 500 to 200,000, so 4,000 are used.`]);
    }
    const far = decodeState('#data=synthetic:noise-burst&rows=1000000');
    expect(far.source).toMatchObject({ rows: 200_000 });
    expect(far.problems).toEqual(['The link asks for 1,000,000 generated rows; generated series have 500 to 200,000, so the nearest is used.']);
    expect(decodeState('#data=synthetic:noise-burst&rows=6000').problems).toEqual([]);
    expect(decodeState('#data=synthetic:noise-burst').problems).toEqual([]);
  });

  it('option messages: the value got with thousands separators, like the limits; a number too large to read is not “empty”', () => {
    expect(settingProblem('numberOfTrees', 1001)).toBe('Must be a whole number from 1 to 1,000; got 1,001.');
    expect(settingProblem('z', null, true)).toBe('Must be a number from 0.5 to 20; what is typed is not a finite number.');
    expect(settingProblem('z', Infinity)).toBe('Must be a number from 0.5 to 20; got Infinity, not a finite number.');
    expect(settingProblem('z', null)).toBe('Must be a number from 0.5 to 20; the field is empty.');
    expect(settingProblem('z', 2500)).toBe('Must be a number from 0.5 to 20; got 2,500.');
    expect(settingProblem('timeDecay', null, true)).toMatch(/what is typed is not a finite number/);
    expect(settingProblem('timeDecay', null)).toBe('');
    expect(settingProblems({ ...DEFAULT_SETTINGS, z: null as unknown as number }, 1, new Set(['z'])).z).toMatch(/not a finite number/);
  });
});

describe('the link', () => {
  it('round-trips dataset, column, options that differ from the defaults, and the range', () => {
    const state = {
      source: { kind: 'synthetic' as const, generator: 'noise-burst' as const, seed: 12, rows: 6000 },
      column: 'value',
      together: true,
      settings: { ...DEFAULT_SETTINGS, numberOfTrees: 80, z: 2.5, normalize: true, timeDecay: 0.002, missingValues: 'skip' as const },
      view: [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3, 12)] as [number, number],
    };
    const hash = encodeState(state, true);
    expect(hash).toBe(
      'data=synthetic:noise-burst&generatorSeed=12&rows=6000&column=value&columns=all&numberOfTrees=80&timeDecay=0.002&normalize=true' +
        '&missingValues=skip&z=2.5&from=2024-01-02T00:00:00Z&to=2024-01-03T12:00:00Z',
    );
    const back = decodeState(`#${hash}`);
    expect(back.problems).toEqual([]);
    expect(back.source).toEqual(state.source);
    expect(back.column).toBe('value');
    expect(back.together).toBe(true);
    expect(back.settings).toEqual({ numberOfTrees: 80, timeDecay: 0.002, normalize: true, missingValues: 'skip', z: 2.5 });
    expect(back.view).toEqual(state.view);
  });

  it('leaves out a field that is empty or unreadable (z as 1e400): the link keeps the default, never "auto"', () => {
    const state = {
      source: { kind: 'builtin' as const, file: 'nyc_taxi.csv' },
      column: 'value',
      together: false,
      settings: { ...DEFAULT_SETTINGS, z: null as unknown as number, numberOfTrees: null as unknown as number, shingleSize: 4 },
      view: null,
    };
    const hash = encodeState(state, true);
    expect(hash).toBe('data=nab:nyc_taxi.csv&column=value&shingleSize=4');
    expect(decodeState(`#${hash}`).problems).toEqual([]);
  });

  it('reads built-in datasets and row ranges; reports what it cannot read', () => {
    const r = decodeState('data=nab:nyc_taxi.csv&from=10&to=200.5');
    expect(r.source).toEqual({ kind: 'builtin', file: 'nyc_taxi.csv' });
    expect(r.view).toEqual([10, 200.5]);
    const bad = decodeState('data=nab:secret.csv&scoringMode=loud&numberOfTrees=lots&from=9&to=3');
    expect(bad.source).toBeNull();
    expect(bad.settings).toEqual({});
    expect(bad.problems).toHaveLength(4);
    expect(decodeState('').source).toBeNull();
  });
});

describe('the x range', () => {
  const x = indexAxis(1000); // x from 1 to 1000

  it('zooms around a point, pans, and stays inside the data', () => {
    expect(zoomRange(x, [1, 1000], 0.5, 1)).toEqual([1, 500.5]);
    const z = zoomRange(x, [1, 1000], 0.1, 500);
    expect(z[1] - z[0]).toBeCloseTo(99.9);
    expect(panRange(x, [1, 101], -1)).toEqual([1, 101]);
    expect(panRange(x, [100, 200], 0.5)).toEqual([150, 250]);
    expect(panRange(x, [900, 1000], 3)).toEqual([900, 1000]);
    expect(clampRange(x, [500, 500.001])[1] - 500).toBeGreaterThan(7); // at least a few rows
    expect(isFull(x, clampRange(x, [-1e9, 1e9]))).toBe(true);
  });

  it('finds the rows in view (one more each side) on row and time axes', () => {
    expect(visibleRows(x, [1, 1000])).toEqual([0, 1000]);
    expect(visibleRows(x, [100, 200])).toEqual([98, 201]); // x 100..200 are rows 99..199
    const t = timeAxis(1000);
    const [a, b] = visibleRows(t, [t.values![100], t.values![200]]);
    expect(a).toBe(99);
    expect(b).toBe(201);
    const around = rangeAround(x, 500, 505, (i) => i + 1);
    expect(around[0]).toBeLessThan(501);
    expect(around[1]).toBeGreaterThan(506);
  });
});

describe('settings', () => {
  it('resolve to forest options; empty timeDecay and outputAfter follow sampleSize', () => {
    const o = checkSettings({ ...DEFAULT_SETTINGS, sampleSize: 128 });
    expect(o.outputAfter).toBe(32);
    expect(o.timeDecay).toBeCloseTo(1 / 1280);
    expect(forestInput({ ...DEFAULT_SETTINGS, outputAfter: 10 })).toMatchObject({ outputAfter: 10 });
    expect('timeDecay' in forestInput(DEFAULT_SETTINGS)).toBe(false);
    expect(describeSettings(o, 3).map((s) => s.name)).toEqual([
      'numberOfTrees', 'sampleSize', 'shingleSize', 'timeDecay', 'outputAfter', 'scoringMode', 'z', 'normalize', 'missingValues', 'seed',
    ]);
  });

  it('refuse bad values with a message naming the option', () => {
    expect(() => checkSettings({ ...DEFAULT_SETTINGS, numberOfTrees: 0 })).toThrow(/numberOfTrees must be a whole number from 1 to 1,?000/);
    expect(() => checkSettings({ ...DEFAULT_SETTINGS, z: 0 })).toThrow(/^z must be a number from 0.5 to 20/);
    expect(() => checkSettings({ ...DEFAULT_SETTINGS, timeDecay: 2 })).toThrow(/^timeDecay must be a number from 0 to 1/);
    expect(() => checkSettings({ ...DEFAULT_SETTINGS, outputAfter: -1 })).toThrow(/^outputAfter must be a whole number/);
  });

  it('a field the browser could not read (1e400) is not empty: no default for it, and it says so', () => {
    expect(() => checkSettings({ ...DEFAULT_SETTINGS, timeDecay: null }, 1, new Set(['timeDecay']))).toThrow(
      /^timeDecay must be a number from 0 to 1 \(or empty for the default\); what is typed is not a finite number\.$/,
    );
    expect(() => checkSettings({ ...DEFAULT_SETTINGS, z: null as unknown as number }, 1, new Set(['z']))).toThrow(/^z must .*; what is typed is not a finite number\.$/);
    expect(checkSettings({ ...DEFAULT_SETTINGS, timeDecay: null }).timeDecay).toBe(1 / 2560); // empty: the default
  });

  it('name every bad value, not only the first', () => {
    expect(() => checkSettings({ ...DEFAULT_SETTINGS, numberOfTrees: 0, sampleSize: 1.5, z: 99 })).toThrow(
      '3 options are not valid. numberOfTrees must be a whole number from 1 to 1,000; got 0. ' +
        'sampleSize must be a whole number from 4 to 8,192; got 1.5. z must be a number from 0.5 to 20; got 99.',
    );
  });

  it('grade as the command line does for every z (the same thresholder options as rcf score --z)', () => {
    const forest = { shingleSize: 8, sampleSize: 256, scoringMode: 'score' as const };
    for (const z of [0.5, 1.5, 2, 3, 20]) {
      expect(thresholderFor(forest, thresholdInput({ ...DEFAULT_SETTINGS, z })).options).toEqual(thresholderFor(forest, { z }).options);
    }
  });
});
