/**
 * Your own data: upload a CSV (file input) or drop one on the page; pick the column to score; download the
 * scores; a file that cannot be used shows an error and leaves the page and its charts as they were.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { canvasInk, frames, openBrowser, rangeShown, readCsv, SHOTS, waitScored, type Session } from './browser';

const ROWS = 2000;
const WARM_UP = 64; // max(outputAfter = 256 / 4, shingleSize − 1)
const SPIKE_ROW = 1500; // temperature jumps up here
const DIP_ROW = 700; // pressure drops here
const PRESSURE = 'pressure <b>kPa</b>'; // a header that looks like HTML must be shown as text

/** A deterministic sensor log: timestamp every minute, two numeric columns, a text column (with commas). */
function sensorLog(): { text: string; cells: string[][] } {
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  const header = ['timestamp', 'temperature', PRESSURE, 'note'];
  const cells: string[][] = [header];
  const start = Date.UTC(2024, 2, 1, 0, 0, 0);
  for (let i = 0; i < ROWS; i++) {
    const t = new Date(start + i * 60_000).toISOString().replace('T', ' ').slice(0, 19);
    let temperature = 20 + 2 * Math.sin((2 * Math.PI * i) / 100) + 0.1 * noise();
    if (i === SPIKE_ROW) temperature += 15;
    let pressure = 101 + 0.5 * Math.cos((2 * Math.PI * i) / 250) + 0.02 * noise();
    if (i >= DIP_ROW && i < DIP_ROW + 3) pressure -= 6;
    const note = i === SPIKE_ROW ? 'check, valve' : i % 500 === 0 ? 'shift "B" starts' : 'ok';
    cells.push([t, temperature.toFixed(4), pressure.toFixed(4), note]);
  }
  const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
  return { text: cells.map((r) => r.map(quote).join(',')).join('\n') + '\n', cells };
}

const log = sensorLog();
let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openBrowser({ width: 1280, height: 800 });
  page = s.page;
  await page.goto(inject('baseURL'));
  await waitScored(page); // the built-in dataset first
});

afterAll(async () => {
  await s?.close();
});

const fileInput = () => page.getByLabel('Upload a CSV file');
const valuesChart = () => page.getByRole('img', { name: /^Values/ });
const scoreChart = () => page.getByRole('img', { name: /^Anomaly score/ });
const readout = () => page.locator('.readout').innerText();

describe('upload', () => {
  it('scores an uploaded CSV; the column selector lists its numeric columns; picking another re-scores', async () => {
    await fileInput().setInputFiles({ name: 'sensor-log.csv', mimeType: 'text/csv', buffer: Buffer.from(log.text) });
    await page.getByRole('img', { name: 'Values: temperature over time' }).waitFor();
    const done = await waitScored(page);
    expect(done).toMatch(/^Scored 1,936 points in /); // 2,000 rows − 64 warm-up rows

    // the numeric columns, in file order; the HTML-looking header is text, not markup
    const select = page.getByLabel('Column to score');
    expect(await select.locator('option').allTextContents()).toEqual(['temperature', PRESSURE]);
    expect(await page.locator('select b, .readout b, h2 b').count()).toBe(0);
    expect(await select.inputValue()).toBe('temperature');

    // no NAB windows for this file; the highest score is at the spike 
    expect(await valuesChart().locator('rect.band').count()).toBe(0);
    await page.mouse.move(0, 0);
    expect(await readout()).toMatch(/Highest score so far\s+time 2024-03-02 01:0[0-7] UTC/);
    await frames(page);
    expect((await canvasInk(page, /^Anomaly score/)).columns).toBeGreaterThan(500);
    await page.screenshot({ path: `${SHOTS}/upload-temperature.png` });

    // the second numeric column
    await select.selectOption(PRESSURE);
    await page.getByRole('img', { name: `Values: ${PRESSURE} over time` }).waitFor();
    await page.getByRole('img', { name: `Anomaly score: score of ${PRESSURE} over time` }).waitFor();
    expect(await waitScored(page)).toMatch(/^Scored 1,936 points in /);
    await page.mouse.move(0, 0);
    expect(await readout()).toMatch(/Highest score so far\s+time 2024-03-01 11:(4\d|50) UTC/); // the dip at row 700
    expect(await page.getByRole('alert').innerText()).toBe('');
    await frames(page);
    await page.screenshot({ path: `${SHOTS}/upload-pressure.png` });
    expect(s.errors).toEqual([]);
  });

  it('downloads <name>-scores.csv: every row and column of the file, plus score, grade, threshold (empty while warming up)', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Download/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('sensor-log-scores.csv');
    const rows = readCsv(readFileSync(await download.path(), 'utf8'));
    while (rows.length && rows[rows.length - 1].every((c) => c === '')) rows.pop();
    expect(rows[0]).toEqual(['timestamp', 'temperature', PRESSURE, 'note', 'score', 'grade', 'threshold', `attribution_${PRESSURE}`, `expected_${PRESSURE}`, 'imputed']);
    expect(rows.length).toBe(ROWS + 1);
    let alerts = 0;
    let peak = -1;
    let max = -Infinity;
    for (let i = 1; i <= ROWS; i++) {
      const row = rows[i];
      expect(row.length).toBe(10);
      expect(row[9]).toMatch(/^(true|false)$/);
      expect(row.slice(0, 4)).toEqual(log.cells[i]); // the original cells, unchanged
      const score = row[4];
      if (i - 1 < WARM_UP) {
        expect(score, `row ${i - 1}`).toBe('');
        expect(row[7], `row ${i - 1}`).toBe('');
      } else {
        const v = Number(score);
        expect(score, `row ${i - 1}`).not.toBe('');
        expect(Number.isFinite(v), `row ${i - 1}: ${score}`).toBe(true);
        expect(v).toBeGreaterThanOrEqual(0);
        const grade = Number(row[5]);
        expect(grade).toBeGreaterThanOrEqual(0);
        expect(grade).toBeLessThanOrEqual(1);
        if (grade > 0) alerts++;
        expect(Number(row[6])).toBeGreaterThan(0);
        // an expected value exactly where an alert is raised
        // the column's share of the score: all of it, with one column scored
        expect(Math.abs(Number(row[7]) - v), `row ${i - 1}: attribution ${row[7]} for score ${score}`).toBeLessThan(1e-9 * Math.max(1, v));
        expect(row[8] === '', `row ${i - 1}: expected "${row[8]}" with grade ${grade}`).toBe(!(grade > 0));
        if (v > max) {
          max = v;
          peak = i - 1;
        }
      }
    }
    // these are the scores of the column scored last (pressure): highest at its dip
    expect(peak).toBeGreaterThanOrEqual(DIP_ROW);
    expect(peak).toBeLessThan(DIP_ROW + 12);
    // the dip raises an alert, and alerts are rare (one per incident)
    expect(alerts).toBeGreaterThanOrEqual(1);
    expect(alerts).toBeLessThan(10);
  });

  it('dates that do not settle day-first against month-first: the page says so and lets you choose', async () => {
    // 01/01/2020 … 01/12/2020, hourly: January 1-12 month first, or the 1st of twelve months day first
    const lines = ['when,level'];
    for (let d = 1; d <= 12; d++) {
      for (let h = 0; h < 24; h++) lines.push(`01/${String(d).padStart(2, '0')}/2020 ${String(h).padStart(2, '0')}:00,${(Math.sin((d * 24 + h) / 6) + (d === 9 && h === 5 ? 9 : 0)).toFixed(3)}`);
    }
    await fileInput().setInputFiles({ name: 'ambiguous.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
    await waitScored(page);
    const dates = page.getByLabel('Dates in “when”');
    expect(await dates.inputValue()).toBe('month');
    expect(await rangeShown(page)).toMatch(/^Showing 2020-01-01 00:00 UTC – 2020-01-12 23:00 UTC/);
    await dates.selectOption('day');
    await page.getByRole('status').filter({ hasText: /^Scored / }).waitFor();
    await expect.poll(() => rangeShown(page)).toMatch(/^Showing 2020-01-01 00:00 UTC – 2020-12-01 23:00 UTC/);
    expect(await page.getByLabel('Dates in “when”').inputValue()).toBe('day');
    expect(await page.getByLabel('Column to score').inputValue()).toBe('level');
    // fewer rows than the warm-up: no invented score, and the page says why and what to do
    await fileInput().setInputFiles({ name: 'short.csv', mimeType: 'text/csv', buffer: Buffer.from('v\n' + [1, 2, 3, 2, 1, 9, 1, 2].join('\n') + '\n') });
    await page.getByRole('status').filter({ hasText: /^No score: the forest was still warming up\. It reports scores from row 65 on \(outputAfter 64, shingleSize 1\), and this file has 8 rows\. Lower outputAfter/ }).waitFor();
    await fileInput().setInputFiles({ name: 'ambiguous.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
    await waitScored(page);
    // a file whose dates settle it offers no choice
    expect(await page.getByText(/nothing in the dates shows whether the day or the month comes first/).count()).toBeGreaterThan(0);
    await fileInput().setInputFiles({ name: 'sensor-log.csv', mimeType: 'text/csv', buffer: Buffer.from(log.text) });
    await waitScored(page);
    expect(await page.getByLabel(/^Dates in /).count()).toBe(0);
  });

  it('loads a CSV dropped anywhere on the page (no time column: x is the row number)', async () => {
    const text = 'reading\n' + Array.from({ length: 300 }, (_, i) => (i === 200 ? 50 : Math.sin(i / 5)).toFixed(3)).join('\n');
    const dataTransfer = await page.evaluateHandle((t) => {
      const dt = new DataTransfer();
      dt.items.add(new File([t], 'dropped.csv', { type: 'text/csv' }));
      return dt;
    }, text);
    await page.dispatchEvent('footer', 'dragenter', { dataTransfer });
    await page.locator('.drop').waitFor(); // the page says where to drop
    await page.dispatchEvent('footer', 'drop', { dataTransfer });
    await page.getByRole('img', { name: 'Values: reading over row number' }).waitFor();
    expect(await waitScored(page)).toMatch(/^Scored 236 points in /);
    expect(await page.locator('.drop').count()).toBe(0);
    await page.mouse.move(0, 0);
    expect(await readout()).toMatch(/Highest score so far\s+row 20[1-9]\s/);
    await frames(page);
    expect((await canvasInk(page, /^Values/)).columns).toBeGreaterThan(500);
    await page.screenshot({ path: `${SHOTS}/dropped-row-number.png` });
  });
});

describe('files that cannot be used', () => {
  it('shows the error in role=alert, keeps the page usable and the charts as they were', async () => {
    await fileInput().setInputFiles({ name: 'sensor-log.csv', mimeType: 'text/csv', buffer: Buffer.from(log.text) });
    await page.getByRole('img', { name: 'Values: temperature over time' }).waitFor();
    const before = await waitScored(page);
    await frames(page);
    const inkBefore = await canvasInk(page, /^Values/);
    const alert = page.getByRole('alert');

    // binary bytes
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919 + 13) % 256;
    await fileInput().setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: bytes });
    await alert.filter({ hasText: /\S/ }).waitFor();
    expect(await alert.innerText()).toMatch(/^Could not load photo\.png: .*(CSV|binary)/);
    expect(await page.getByRole('status').innerText()).toBe(before); // what is on screen is still this run
    await valuesChart().waitFor();
    expect(await valuesChart().getAttribute('aria-label')).toBe('Values: temperature over time');
    await frames(page);
    expect((await canvasInk(page, /^Values/)).painted).toBe(inkBefore.painted);
    await page.screenshot({ path: `${SHOTS}/error-binary.png` });

    // an empty file
    await fileInput().setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
    await alert.filter({ hasText: /empty\.csv/ }).waitFor();
    expect(await alert.innerText()).toMatch(/^Could not load empty\.csv: .*empty/i);
    expect(await valuesChart().getAttribute('aria-label')).toBe('Values: temperature over time');

    // a header and no rows: parsed, but nothing to score; the page keeps (and the worker gets back) the log
    await fileInput().setInputFiles({ name: 'header-only.csv', mimeType: 'text/csv', buffer: Buffer.from('a,b\n') });
    await alert.filter({ hasText: /header-only\.csv/ }).waitFor();
    expect(await alert.innerText()).toMatch(/no data rows/);
    expect(await waitScored(page)).toMatch(/^Scored 1,936 points/);
    expect(await alert.innerText()).toMatch(/header-only\.csv/); // the error stays until dismissed or the next action
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Download/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('sensor-log-scores.csv');
    const header = readCsv(readFileSync(await download.path(), 'utf8'))[0];
    expect(header.slice(0, 7)).toEqual(['timestamp', 'temperature', PRESSURE, 'note', 'score', 'grade', 'threshold']);
    expect(header[7]).toMatch(/^attribution_/);
    expect(header[8]).toMatch(/^expected_/);

    // the error can be dismissed, and the page still works: pick the other column and score it
    await page.getByRole('button', { name: 'Dismiss' }).click();
    expect(await alert.innerText()).toBe('');
    await page.getByLabel('Column to score').selectOption(PRESSURE);
    await page.getByRole('img', { name: `Values: ${PRESSURE} over time` }).waitFor();
    expect(await waitScored(page)).toMatch(/^Scored 1,936 points/);

    // a bad option value is refused with a message naming the option, and nothing is lost
    await page.getByLabel('numberOfTrees', { exact: true }).fill('0');
    await page.getByRole('button', { name: 'Run' }).click();
    await alert.filter({ hasText: /numberOfTrees/ }).waitFor();
    expect(await alert.innerText()).toMatch(/numberOfTrees must be a whole number from 1 to 1,?000/);
    expect(await page.getByRole('status').innerText()).toMatch(/^Scored 1,936 points/);
    await page.getByLabel('numberOfTrees', { exact: true }).fill('30');
    await page.getByLabel('numberOfTrees', { exact: true }).press('Enter'); // Enter in a field runs
    await page.getByRole('status').filter({ hasText: /^(Warming up|Scoring)/ }).or(page.getByRole('status').filter({ hasText: /^Scored/ })).first().waitFor();
    expect(await waitScored(page)).toMatch(/^Scored 1,936 points/);
    expect(await alert.innerText()).toBe('');
    expect(s.errors).toEqual([]);
  });
});

describe('runs the options or the data stop', () => {
  it("missingValues error: says the file's line and the column's name, and the rows before it stay scored", async () => {
    const lines = ['a,b'];
    for (let i = 0; i < 3000; i++) lines.push(`${Math.sin(i / 9).toFixed(4)},${i === 2000 ? '' : (100 + 10 * Math.cos(i / 17)).toFixed(3)}`);
    await fileInput().setInputFiles({ name: 'hole.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
    await waitScored(page);
    await page.getByLabel('missingValues', { exact: true }).selectOption('error');
    await page.getByLabel('Column to score').selectOption('b');
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: /Scoring stopped/ }).waitFor();
    expect(await alert.innerText()).toContain(
      'Scoring stopped: line 2002, column "b": the value is missing (empty cell), and missingValues error stops at the first missing value. ' +
        'Fix the file, or choose missingValues carry, zero or skip.',
    );
    expect(await page.getByRole('status').innerText()).toBe(
      'Stopped at line 2002 (row 2,001 of 3,000), column “b”: the value is missing. The 2,000 rows before it are kept, 1,936 of them scored (the first 64 rows warmed the forest up); missingValues carry, zero or skip scores past it.',
    );
    // a model is saved from a complete run: Save model is off, and says why
    const save = page.getByRole('button', { name: 'Save model' });
    expect(await save.isDisabled()).toBe(true);
    expect(await page.locator(`[id="${await save.getAttribute('aria-describedby')}"]`).innerText()).toBe(
      'A model is saved from a run that scored every row; this one stopped at line 2002 (a missing value in “b”, missingValues error). ' +
        'Fix the file, or choose missingValues carry, zero or skip to score every row.',
    );
    // the rows before it are scored, and downloaded with their scores
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /Download/ }).click()]);
    const rows = readCsv(readFileSync(await download.path(), 'utf8'));
    expect(rows[0].slice(0, 3)).toEqual(['a', 'b', 'score']);
    expect(rows[2000][2]).not.toBe(''); // data row 1,999
    expect(rows[2001][2]).toBe(''); // data row 2,000: line 2002
    await page.getByLabel('missingValues', { exact: true }).selectOption('carry');
    expect(await waitScored(page)).toMatch(/^Scored 2,936 points/);
  });

  it('a forest too large for memory is refused before the run: the scores shown stay, the fields say why', async () => {
    await waitScored(page);
    for (const [name, value] of [['numberOfTrees', '1000'], ['sampleSize', '8192'], ['shingleSize', '256']]) {
      await page.getByLabel(name, { exact: true }).fill(value);
    }
    const alert = page.getByRole('alert');
    await alert.filter({ hasText: /GiB/ }).waitFor();
    expect(await alert.innerText()).toMatch(
      /numberOfTrees 1,000 × sampleSize 8,192 × shingleSize 256 need about 1\d\.\d GiB, more than the kernel's memory can hold/,
    );
    for (const name of ['numberOfTrees', 'sampleSize', 'shingleSize']) {
      const field = page.getByLabel(name, { exact: true });
      expect(await field.getAttribute('aria-invalid'), name).toBe('true');
      const error = (await field.getAttribute('aria-describedby'))!.split(' ')[0];
      expect(await page.locator(`[id="${error}"]`).innerText()).toMatch(/^Too large with /);
    }
    expect(await waitScored(page)).toMatch(/^Scored 2,936 points/); // the run shown, not "Stopped after 0 of …"
    expect(await page.getByText('No score yet').count()).toBe(0);
    await page.getByRole('button', { name: 'Defaults' }).click();
    await waitScored(page);
    expect(await page.getByLabel('numberOfTrees', { exact: true }).getAttribute('aria-invalid')).toBeNull();
    expect(s.errors).toEqual([]);
  });
});
