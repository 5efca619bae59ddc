import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HELP } from '../../src/cli/main';
import { parseCsvText } from '../../src/ingest';
import { defaultColumn } from '../../src/ingest/columns';
import { readCsvColumns } from '../../src/ingest/read-columns';
import { cliFixture, csvFixture, ensureBuilt, readText, run, spawnBin, wholeFileOutput } from './helpers';

const sensor = cliFixture('sensor.csv');
const missing = cliFixture('missing.csv');
const dayFirst = cliFixture('day-first.csv');
const lateText = cliFixture('late-text.csv');

describe('rcf score', () => {
  it('writes every input row and column plus a score, scoring the first numeric column', async () => {
    const { code, stdout, stderr } = await run(['score', sensor, '--trees', '30', '--seed', '3']);
    expect(code).toBe(0);
    // exactly what the whole-file implementation wrote
    expect(stdout).toBe(await wholeFileOutput(readText(sensor), { numberOfTrees: 30, seed: 3 }));
    const out = parseCsvText(stdout);
    const input = parseCsvText(readText(sensor));
    expect(out.header).toEqual([...input.header, 'score', 'grade', 'threshold', 'expected_temperature', 'imputed']);
    // expected values exactly where an alert is raised; near the normal level at the spike
    const grade = out.numeric.get('grade')!;
    const expected = out.numeric.get('expected_temperature')!;
    for (let i = 0; i < out.rows; i++) expect(Number.isNaN(expected[i])).toBe(!(grade[i] > 0));
    expect(grade[450]).toBeGreaterThan(0);
    // shingle 1: no context, so the expected value is a typical level of the series (20 ± 5), not the spike's 45
    expect(expected[450]).toBeGreaterThan(14);
    expect(expected[450]).toBeLessThan(26);
    expect(out.cells.map((r) => r.slice(0, 4))).toEqual(input.cells);
    const score = out.numeric.get('score')!;
    // warm-up: max(outputAfter 64, shingleSize - 1) rows without a score, then a finite score on every row
    for (let i = 0; i < 64; i++) expect(Number.isNaN(score[i])).toBe(true);
    for (let i = 64; i < out.rows; i++) expect(Number.isFinite(score[i])).toBe(true);
    // the injected spike in temperature at row 450 is the top-ranked row
    let top = 64;
    for (let i = 64; i < out.rows; i++) if (score[i] > score[top]) top = i;
    expect(top).toBe(450);
    expect(stderr).toMatch(/scored 536 of 600 rows of column "temperature"/);
    expect(stdout).not.toMatch(/rcf:/);
  });

  it.each([
    ['the column, trees, sample, shingle and seed asked for', ['--column', 'pressure', '--trees', '20', '--sample-size', '64', '--shingle-size', '4', '--seed', '9'], { numberOfTrees: 20, sampleSize: 64, shingleSize: 4, seed: 9 }, ['pressure']],
    ['--time-decay', ['--time-decay', '0', '--trees', '10'], { timeDecay: 0, numberOfTrees: 10 }, undefined],
    ['--output-after', ['--output-after', '5', '--shingle-size', '1', '--trees', '10'], { outputAfter: 5, shingleSize: 1, numberOfTrees: 10 }, undefined],
    ['several columns (comma-separated)', ['--column', 'temperature,pressure', '--trees', '10'], { numberOfTrees: 10 }, ['temperature', 'pressure']],
    ['several columns (repeated)', ['--column', 'temperature', '--column', 'pressure', '--trees', '10'], { numberOfTrees: 10 }, ['temperature', 'pressure']],
  ] as const)('scores with %s as the whole-file implementation did', async (_, args, options, columns) => {
    const r = await run(['score', sensor, ...args]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await wholeFileOutput(readText(sensor), options, columns as string[] | undefined));
  });

  it('--attribution adds each column\'s share of the score; the shares add up to the score', async () => {
    const r = await run(['score', sensor, '--column', 'temperature,pressure', '--attribution', '--trees', '20']);
    expect(r.code).toBe(0);
    const out = parseCsvText(r.stdout);
    expect(out.header.slice(4)).toEqual(['score', 'grade', 'threshold', 'attribution_temperature', 'attribution_pressure', 'expected_temperature', 'expected_pressure', 'imputed']);
    const score = out.numeric.get('score')!;
    const t = out.numeric.get('attribution_temperature')!;
    const p = out.numeric.get('attribution_pressure')!;
    for (let i = 64; i < out.rows; i++) expect(Math.abs(t[i] + p[i] - score[i])).toBeLessThan(1e-9);
    expect(t[450]).toBeGreaterThan(5 * p[450]); // the spike is in temperature
    expect(Number.isNaN(t[10])).toBe(true);
  });

  it('--z moves the alert threshold; one alert per incident', async () => {
    const alerts = async (z: string) => {
      const r = await run(['score', sensor, '--z', z, '--trees', '20']);
      expect(r.code).toBe(0);
      const out = parseCsvText(r.stdout);
      const grade = out.numeric.get('grade')!;
      const threshold = out.numeric.get('threshold')!;
      return { count: Array.from(grade).filter((g) => g > 0).length, at450: grade[450], threshold: threshold[300] };
    };
    const normal = await alerts('3');
    const strict = await alerts('6');
    expect(normal.at450).toBeGreaterThan(0);
    expect(strict.threshold).toBeGreaterThan(normal.threshold);
    expect(strict.count).toBeLessThanOrEqual(normal.count);
    expect(normal.count).toBeLessThan(10);
  });

  it('--mode codisp scores on rrcf\'s scale: the spike stands out', async () => {
    const r = await run(['score', sensor, '--mode', 'codisp', '--trees', '20']);
    expect(r.code).toBe(0);
    const score = parseCsvText(r.stdout).numeric.get('score')!;
    const sorted = Array.from(score.subarray(64)).sort((a, b) => a - b);
    expect(score[450]).toBe(sorted[sorted.length - 1]);
    expect(score[450]).toBeGreaterThan(10 * sorted[sorted.length >> 1]);
    expect(r.stderr).toMatch(/scored 600 of 600 rows|scored 536 of 600 rows/);
  });

  it('--save then --load: two files scored as one stream, bit for bit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcf-snap-'));
    try {
      const lines = readText(sensor).trimEnd().split('\n');
      const first = join(dir, 'first.csv');
      const second = join(dir, 'second.csv');
      const model = join(dir, 'model.rcf');
      writeFileSync(first, lines.slice(0, 301).join('\n') + '\n');
      writeFileSync(second, [lines[0], ...lines.slice(301)].join('\n') + '\n');
      const whole = await run(['score', sensor, '--trees', '20', '--seed', '5']);
      const a = await run(['score', first, '--trees', '20', '--seed', '5', '--save', model]);
      expect(a.code).toBe(0);
      expect(a.stderr).toMatch(/saved the forest \(\d{1,3}(,\d{3})* bytes\) to .*model\.rcf/);
      const b = await run(['score', second, '--load', model]);
      expect(b.code).toBe(0);
      const wholeRows = whole.stdout.trimEnd().split('\n');
      expect(a.stdout.trimEnd().split('\n')).toEqual(wholeRows.slice(0, 301));
      expect(b.stdout.trimEnd().split('\n').slice(1)).toEqual(wholeRows.slice(301));
      // refused: forest options beside --load; a file that is not a snapshot; --workers
      expect((await run(['score', second, '--load', model, '--trees', '9'])).stderr).toMatch(/--load takes the forest's options from the snapshot; leave out --trees/);
      const bad = await run(['score', second, '--load', sensor]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/This is not a snapshot file/);
      expect((await run(['score', second, '--load', model, '--workers', '2'])).stderr).toMatch(/--save and --load work with one thread/);
      expect((await run(['score', second, '--load', model, '--column', 'temperature,pressure'])).stderr).toMatch(/was saved for column\(s\) "temperature"; this run scores "temperature", "pressure"/);
      // a model remembers its columns: another column is refused
      const other = await run(['score', second, '--load', model, '--column', 'pressure']);
      expect(other.code).toBe(2);
      expect(other.stderr).toMatch(/was saved for column\(s\) "temperature"; this run scores "pressure"/);
      // a place the model cannot be written is said before any row is scored
      const nowhere = await run(['score', first, '--save', join(dir, 'no/such/dir/m.rcf')]);
      expect(nowhere.code).toBe(2);
      expect(nowhere.stdout).toBe('');
      expect(nowhere.stderr).toMatch(/Cannot write the model to .*m\.rcf/);
      // the summary counts this file's events, not the model's earlier ones
      const events = (text: string) => Number(/([\d,]+) anomaly events?/.exec(text)![1]!.replace(/,/g, ''));
      expect(events(a.stderr) + events(b.stderr)).toBe(events(whole.stderr));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('several columns: shingleSize 1 by default, no normalisation when the ranges are alike', async () => {
    const r = await run(['score', sensor, '--column', 'temperature,pressure', '--trees', '10']);
    expect(r.stderr).toMatch(/columns "temperature", "pressure" .*shingleSize 1, seed 42\)/);
    expect(r.stderr).not.toMatch(/normalize/);
  });

  it('several columns whose ranges differ by more than 100×: normalize is on, and a note says so', async () => {
    const r = await run(['score', missing, '--column', 'value,load', '--trees', '10']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^rcf: note: the ranges of the columns differ by more than 100× \("value" 0\.599, "load" 2997\), so normalize is on: each column is divided by its running standard deviation\.$/m);
    expect(r.stdout).toBe(await wholeFileOutput(readText(missing), { numberOfTrees: 10, normalize: true }, ['value', 'load']));
  });

  it('reads --output-after and the warm-up from the options', async () => {
    const r = await run(['score', sensor, '--output-after', '5', '--shingle-size', '1', '--trees', '10']);
    const score = parseCsvText(r.stdout).numeric.get('score')!;
    expect(Number.isNaN(score[4])).toBe(true);
    expect(Number.isFinite(score[5])).toBe(true);
  });

  it.each([
    ['carry', { missingValues: 'carry' }],
    ['zero', { missingValues: 'zero' }],
    ['skip', { missingValues: 'skip' }],
  ] as const)('--missing %s is the forest’s missingValues', async (policy, options) => {
    const r = await run(['score', missing, '--column', 'value', '--missing', policy, '--trees', '10', '--shingle-size', '1', '--output-after', '4']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await wholeFileOutput(readText(missing), { ...options, numberOfTrees: 10, shingleSize: 1, outputAfter: 4 }, ['value']));
    const score = parseCsvText(r.stdout).numeric.get('score')!;
    // rows 12 (empty) and 20 (NA) have a value only when carried or zeroed
    expect(Number.isNaN(score[12])).toBe(policy === 'skip');
    expect(Number.isNaN(score[20])).toBe(policy === 'skip');
    if (policy === 'skip') expect(r.stderr).toMatch(/2 rows were left out for missing values/);
    if (policy === 'carry') expect(r.stderr).toMatch(/2 rows had missing values carried forward/);
    if (policy === 'zero') expect(r.stderr).toMatch(/2 rows had missing values set to 0/);
  });

  it('--missing error: exit 2 naming the line and column, after writing the rows before it', async () => {
    const r = await run(['score', missing, '--column', 'load', '--missing', 'error', '--trees', '10']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `rcf: ${missing}: line 29, column "load": "oops" is not a number, and --missing error stops at the first missing value. Fix the file, or use --missing carry, zero or skip.\n`,
    );
    expect(r.stdout.trim().split('\n')).toHaveLength(1 + 27);
  });

  it('--format jsonl: one object per row, the original columns and the added ones', async () => {
    const r = await run(['score', missing, '--format', 'jsonl', '--column', 'value', '--trees', '10', '--shingle-size', '1', '--output-after', '4']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows).toHaveLength(40);
    expect(Object.keys(rows[0])).toEqual(['time', 'value', 'load', 'label', 'score', 'grade', 'threshold', 'expected_value', 'imputed']);
    expect(rows[0]).toEqual({ time: '2024-01-01T00:00:00Z', value: 0.5, load: 3500, label: 'check', score: null, grade: null, threshold: null, expected_value: null, imputed: false });
    expect(rows[12].imputed).toBe(true); // the missing value was carried forward
    expect(rows[12].value).toBeNull();
    expect(rows[27].load).toBeNull();
    const csvScores = parseCsvText(await wholeFileOutput(readText(missing), { numberOfTrees: 10, shingleSize: 1, outputAfter: 4 }, ['value'])).numeric.get('score')!;
    rows.forEach((row, i) => expect(row.score).toBe(Number.isFinite(csvScores[i]) ? csvScores[i] : null));
  });

  it('--delimiter, --decimal and --day-first read the file as told', async () => {
    const text = readText(dayFirst);
    const told = await run(['score', dayFirst, '--delimiter', ';', '--decimal', ',', '--day-first', '--trees', '5', '--output-after', '2', '--shingle-size', '1']);
    expect(told.code).toBe(0);
    expect(told.stdout).toBe(await wholeFileOutput(text, { numberOfTrees: 5, outputAfter: 2, shingleSize: 1 }, undefined, { delimiter: ';', decimal: ',', dayFirst: true }));
    expect(told.stdout.split('\n')[0]).toBe('date;reading;score;grade;threshold;expected_reading;imputed');
    // a score is written with the file's decimal comma
    expect(told.stdout.split('\n')[5]).toMatch(/^05\/03\/2024;10,4;\d+,\d+;\d+(,\d+)?;\d+,\d+;(\d+(,\d+)?)?;false$/);
    const wrong = await run(['score', dayFirst, '--delimiter', ',']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/has no numeric column to score \(columns: date;reading\)/);
  });

  it('streams from stdin ("-") with the same output as from the file', async () => {
    const text = readText(sensor);
    const pieces = [text.slice(0, 7), text.slice(7, 5000), text.slice(5000)];
    const r = await run(['score', '-', '--trees', '10'], { stdin: pieces });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await wholeFileOutput(text, { numberOfTrees: 10 }));
    expect(r.stderr).toMatch(/^rcf: stdin: Time column/m);
  });

  it('--detect-rows: a later cell that contradicts the first rows is reported with its line as it is found, and counted at the end', async () => {
    const r = await run(['score', lateText, '--detect-rows', '10', '--trees', '5', '--shingle-size', '1', '--output-after', '2']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(await wholeFileOutput(readText(lateText), { numberOfTrees: 5, shingleSize: 1, outputAfter: 2 }));
    const lines = r.stderr.trim().split('\n');
    const found = lines.findIndex((l) => /Line 26: column "value" has "broken", which is not a number, though the first 10 rows made "value" a number column/.test(l));
    const counted = lines.findIndex((l) => /Column "value": 1 cell is not a number \(first at line 26: "broken"\)/.test(l));
    expect(found).toBeGreaterThanOrEqual(0);
    expect(counted).toBeGreaterThan(found);
    expect(lines.at(-1)).toMatch(/^rcf: scored/);
  });

  it('--progress shows rows, bytes and rate on stderr; a terminal gets it redrawn in place, by default when stdout is not one', async () => {
    const plain = await run(['score', sensor, '--trees', '5', '--progress']);
    expect(plain.stderr).toMatch(/^rcf: 600 rows, 0\.0 MB of 0\.0 MB \(100%\), [\d,]+ rows\/s, [\d.]+ MB\/s$/m);
    const tty = await run(['score', sensor, '--trees', '5'], { tty: true });
    expect(tty.stderr).toMatch(/\rrcf: 600 rows, .* rows\/s.*\x1b\[K/);
    const quiet = await run(['score', sensor, '--trees', '5']);
    expect(quiet.stderr).not.toMatch(/MB\/s/);
    // rows on the same terminal: no progress unless asked
    const both = await run(['score', sensor, '--trees', '5'], { tty: true, stdoutTty: true });
    expect(both.stderr).not.toMatch(/MB\/s/);
  });

  it('stops when interrupted, with the rows so far written and exit code 130', async () => {
    const controller = new AbortController();
    const header = 'time,value\n';
    async function* slow() {
      yield header;
      for (let i = 0; i < 100; i++) yield `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z,${i % 7}\n`;
      controller.abort();
      await new Promise(() => {}); // never ends, like a terminal left open
    }
    const r = await run(['score', '-', '--trees', '5'], { stdin: slow(), interrupt: controller.signal, pauseMs: 10 });
    expect(r.code).toBe(130);
    expect(r.stdout.trim().split('\n')).toHaveLength(101);
    expect(r.stderr).toMatch(/interrupted: wrote the 100 rows read so far \(up to line 101\)/);
  });

  it('explains every option in --help', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toBe(HELP);
    for (const flag of [
      '--column', '--trees', '--sample-size', '--shingle-size', '--seed', '--workers', '--time-decay', '--output-after', '--missing', '--format',
      '--delimiter', '--decimal', '--time-column', '--day-first', '--month-first', '--detect-rows', '--progress', '--json', 'carry', 'zero', 'skip', 'error', 'jsonl',
    ]) {
      expect(stdout).toContain(flag);
    }
  });

  const dir = mkdtempSync(join(tmpdir(), 'rcf-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it.each([
    [['score'], /needs a CSV file/],
    [['score', 'missing.csv'], /No such file: missing.csv/],
    [['score', dir], /is a directory, not a CSV file/],
    [['score', sensor, 'extra'], /Unexpected argument "extra"/],
    [['score', sensor, '--trees', 'many'], /--trees takes a whole number; got "many"/],
    [['score', sensor, '--trees', '0'], /numberOfTrees must be a whole number from 1 to 1,000; got 0/],
    [['score', sensor, '--time-decay', '2'], /timeDecay must be a number from 0 to 1; got 2/],
    [['score', sensor, '--time-decay', 'fast'], /--time-decay takes a number; got "fast"/],
    [['score', sensor, '--output-after=soon'], /--output-after takes a whole number; got "soon"/],
    [['score', sensor, '--missing', 'maybe'], /--missing takes one of carry, zero, skip, error; got "maybe"/],
    [['score', sensor, '--format', 'xml'], /--format takes csv or jsonl; got "xml"/],
    [['score', sensor, '--decimal', ';'], /--decimal takes \. or ,/],
    [['score', sensor, '--delimiter', 'xx'], /--delimiter takes , ; \| or tab; got "xx"/],
    [['score', sensor, '--detect-rows', '0'], /--detect-rows takes a whole number of rows, 1 or more/],
    [['score', sensor, '--column', 'site'], /Column "site" of .* is not numeric\. Numeric columns: temperature, pressure/],
    [['score', sensor, '--column', 'timestamp'], /Column "timestamp" of .* is not numeric \(it is read as times\)/],
    [['score', sensor, '--column', 'nope'], /has no column "nope"\. Columns: timestamp, temperature, pressure, site/],
    [['score', sensor, '--column', 'pressure,pressure'], /Column "pressure" is given twice/],
    [['score', sensor, '--time-column', 'nope'], /There is no column named "nope" to use as the time column/],
    [['score', sensor, '--json'], /--json is an option of rcf inspect/],
    [['inspect', sensor, '--trees', '5'], /--trees is an option of rcf score, not of rcf inspect/],
    [['inspect', sensor, '--day-first', '--month-first'], /--day-first and --month-first contradict each other/],
    [['score', csvFixture('binary.bin')], /This file does not look like a CSV file/],
    [['score', sensor, '--bogus'], /Unknown option '--bogus'/],
    [['score', sensor, '--mode', 'depth'], /--mode takes score or codisp; got "depth"/],
    [['score', sensor, '--z', '0'], /--z must be a number from 0\.5 to 20; got 0\./],
    [['score', sensor, '--attribution', '--mode', 'codisp'], /--attribution explains the default score; it does not go with --mode codisp/],
    [['frobnicate'], /Unknown command "frobnicate"/],
  ])('rejects %j with a clear message and exit code 2', async (args, message) => {
    const { code, stdout, stderr } = await run(args as string[]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });

  it.each([
    ['an empty input', [''], /The file is empty/],
    ['an unclosed quote', ['a,b\n1,"x\n2,3\n'], /Line 2, column 2: a quoted cell opens with " but never closes/],
  ])('rejects %s on stdin with one line and exit code 2', async (_, stdin, message) => {
    const r = await run(['score', '-'], { stdin });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('rcf inspect', () => {
  it.each([
    [sensor, { rows: 600, delimiter: ',', decimal: '.', timeColumn: 'timestamp', start: '2024-01-01T00:00:00.000Z', kinds: ['time', 'number', 'number', 'text'] }],
    [csvFixture('semicolon-decimal-comma.csv'), { rows: 4, delimiter: ';', decimal: ',', timeColumn: 'Zeit', kinds: ['time', 'number', 'number', 'text'] }],
    [csvFixture('tab-separated.tsv'), { delimiter: '\t', decimal: '.', timeColumn: 'time', kinds: ['time', 'number', 'number'] }],
    [csvFixture('epoch-seconds.csv'), { timeColumn: 'epoch', start: '2023-11-14T22:13:20.000Z', kinds: ['time', 'number'] }],
    [missing, { rows: 40, timeColumn: 'time', kinds: ['time', 'number', 'number', 'text'], missing: [0, 2, 1, 0] }],
    [lateText, { rows: 30, timeColumn: 'ts', missing: [1, 1] }],
  ])('--json on %s: one object with what parseCsvText understood', async (file, expected) => {
    const r = await run(['inspect', file, '--json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.endsWith('}\n')).toBe(true);
    const j = JSON.parse(r.stdout);
    // the fields rcf inspect promises, then two more: the column scored by default and the label columns
    expect(Object.keys(j)).toEqual(['rows', 'delimiter', 'decimal', 'timeColumn', 'start', 'end', 'columns', 'warnings', 'defaultColumn', 'labelColumns']);
    const t = parseCsvText(readText(file));
    expect(j).toEqual({
      rows: t.rows,
      delimiter: t.delimiter,
      decimal: t.decimal,
      timeColumn: t.timeColumn,
      start: t.start,
      end: t.end,
      columns: t.columns.map(({ name, kind, missing, min, max }) => ({ name, kind, missing, min, max })),
      warnings: t.warnings,
      defaultColumn: t.rows ? defaultColumn(t.columns, t.rows) : null,
      labelColumns: [],
    });
    const { kinds, missing: miss, ...rest } = expected as Record<string, unknown>;
    expect(j).toMatchObject(rest);
    if (kinds) expect(j.columns.map((c: { kind: string }) => c.kind)).toEqual(kinds);
    if (miss) expect(j.columns.map((c: { missing: number }) => c.missing)).toEqual(miss);
  });

  it('--json with reading options: --time-column none, --day-first', async () => {
    const none = JSON.parse((await run(['inspect', sensor, '--json', '--time-column', 'none'])).stdout);
    expect(none.timeColumn).toBeNull();
    expect(none.start).toBeNull();
    const monthFirst = JSON.parse((await run(['inspect', dayFirst, '--json'])).stdout);
    const dayFirstJson = JSON.parse((await run(['inspect', dayFirst, '--json', '--day-first'])).stdout);
    expect(monthFirst.start).toBe('2024-01-03T00:00:00.000Z');
    expect(monthFirst.warnings.join('\n')).toMatch(/read as month first/);
    expect(dayFirstJson.start).toBe('2024-03-01T00:00:00.000Z');
    expect(dayFirstJson.decimal).toBe(',');
  });

  it('reads ambiguous dates the way their times go forward, as the page does; --day-first and --month-first win', async () => {
    // day first: 11 Mar, 12 Mar, 1 Apr, 2 Apr; month first: 3 Nov, 3 Dec, 4 Jan, 4 Feb
    const text = 'date,v\n11/03/2024,1\n12/03/2024,2\n01/04/2024,3\n02/04/2024,4\n';
    const page = await readCsvColumns(new Blob([text]));
    const cases: [string[], string, string, RegExp][] = [
      [[], '2024-03-11T00:00:00.000Z', '2024-04-02T00:00:00.000Z', /read as day first \(DD\/MM\/YYYY\): times go forward that way, not month first/],
      [['--day-first'], '2024-03-11T00:00:00.000Z', '2024-04-02T00:00:00.000Z', /read as day first, as the dayFirst option says/],
      [['--month-first'], '2024-11-03T00:00:00.000Z', '2024-02-04T00:00:00.000Z', /read as month first, as the dayFirst option says/],
    ];
    for (const [flags, start, end, note] of cases) {
      const r = await run(['inspect', '-', '--json', ...flags], { stdin: [text] });
      expect(r.code, flags.join(' ')).toBe(0);
      const j = JSON.parse(r.stdout);
      expect([j.start, j.end], flags.join(' ')).toEqual([start, end]);
      expect(j.warnings.join('\n'), flags.join(' ')).toMatch(note);
    }
    // the same reading and the same words as the page
    const auto = JSON.parse((await run(['inspect', '-', '--json'], { stdin: [text] })).stdout);
    expect(page.dateOrder).toEqual({ dayFirst: true, open: true });
    expect(auto.warnings).toEqual(page.warnings);
  });

  it('prints a readable summary without --json', async () => {
    const r = await run(['inspect', missing]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^.*missing\.csv: 40 data rows, 4 columns; delimiter comma \(,\), decimal point \(\.\)$/m);
    expect(r.stdout).toMatch(/^time column "time": 2024-01-01T00:00:00\.000Z to 2024-01-01T00:39:00\.000Z$/m);
    expect(r.stdout).toMatch(/^ {2}value +number +2 +0\.2 +0\.799$/m);
    expect(r.stdout).toMatch(/^ {2}- Column "load": 1 cell is not a number \(first at line 29: "oops"\); it counts as missing\.$/m);
  });
});

describe('bin/rcf.js (the bundled command, spawned)', () => {
  beforeAll(() => ensureBuilt(), 60_000);

  it('runs as the installed command', async () => {
    const p = spawnBin(['score', sensor, '--trees', '10']);
    const { code } = await p.exit;
    expect(code).toBe(0);
    expect(p.stdout().split('\n')[0]).toBe('timestamp,temperature,pressure,site,score,grade,threshold,expected_temperature,imputed');
    expect(p.stdout().trim().split('\n')).toHaveLength(601);
    expect(p.stderr()).toMatch(/rows\/s/);
  });

  it('scores stdin as it arrives: the first rows come out before stdin closes', async () => {
    const text = readText(sensor).split('\n');
    const p = spawnBin(['score', '-', '--trees', '10', '--sample-size', '16', '--shingle-size', '1']);
    p.child.stdin.write(text.slice(0, 3).join('\n') + '\n'); // header and two rows, then a pause
    await p.lines(3);
    expect(p.child.stdin.writableEnded).toBe(false);
    expect(p.stdout().split('\n')[1]).toBe(`${text[1]},,,,,false`);
    p.child.stdin.write(text.slice(3, 30).join('\n') + '\n'); // scores start after outputAfter = 4 rows
    await p.lines(30);
    expect(p.stdout().split('\n')[29]).toMatch(/^2024-01-01 02:20:00,.*,\d\.\d+,\d(\.\d+)?,\d\.\d+,(-?\d+(\.\d+)?)?,false$/);
    p.child.stdin.end(text.slice(30).join('\n'));
    const { code } = await p.exit;
    expect(code).toBe(0);
    expect(p.stdout().trim().split('\n')).toHaveLength(601);
  });

  it('Ctrl-C (SIGINT) mid-stream: the rows so far are flushed, and the exit code is 130', async () => {
    const p = spawnBin(['score', '-', '--trees', '10']);
    let i = 0;
    let writing = true;
    const more = () => {
      let chunk = i === 0 ? 'time,value\n' : '';
      for (let k = 0; k < 500; k++, i++) chunk += `${1_700_000_000 + i},${Math.sin(i / 10).toFixed(4)}\n`;
      if (writing) p.child.stdin.write(chunk, () => setTimeout(more, 5));
    };
    more();
    await p.lines(3000, 10_000);
    p.child.kill('SIGINT');
    const { code, signal } = await p.exit;
    writing = false;
    expect(signal).toBeNull();
    expect(code).toBe(130);
    const out = p.stdout();
    expect(out.endsWith('\n')).toBe(true);
    const lines = out.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(3000);
    for (const l of lines.slice(1)) expect(l).toMatch(/^\d+,-?\d\.\d+,((\d+\.\d+(e-\d+)?),(\d(\.\d+)?(e-\d+)?),(\d+\.\d+)|,,),(-?\d+(\.\d+)?(e-?\d+)?)?,(true|false)$/);
    expect(p.stderr()).toMatch(new RegExp(`interrupted: wrote the ${(lines.length - 1).toLocaleString('en-US')} rows read so far`));
  });

  it('exits quietly when stdout is closed early (rcf score big.csv | head)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcf-epipe-'));
    const file = join(dir, 'big.csv');
    let text = 'time,value\n';
    for (let i = 0; i < 200_000; i++) text += `${1_700_000_000 + i},${(i % 13) * 0.5}\n`;
    writeFileSync(file, text);
    const p = spawnBin(['score', file, '--trees', '5']);
    await p.lines(10);
    p.child.stdout.destroy();
    const { code, signal } = await p.exit;
    rmSync(dir, { recursive: true, force: true });
    expect(signal).toBeNull();
    expect(code).toBe(0);
    expect(p.stderr()).toBe('');
  });
});
