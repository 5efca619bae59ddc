/**
 * The playground's features, through roles and labels: the dataset picker (NAB series and generated ones),
 * live tuning (a change re-scores, a stale run is cancelled, the settings of the scores shown stay in
 * view), zoom and pan (wheel, drag, keys, the overview's brush) in step on every chart, the events list
 * with jump-to, labelled windows caught, the link that restores a view, saving the charts as PNG and SVG,
 * themes, and an axe-core check. Screenshots go to test-results/ (looked at, never compared).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import {
  frames, openScored, rangeShown, rowsShown, runAxe, SHOTS, statusHistory, waitScored, type Session,
} from './browser';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openScored(inject('baseURL'), { width: 1280, height: 800 });
  page = s.page;
});

afterAll(async () => {
  await s?.close();
});

const picker = () => page.getByLabel('Dataset', { exact: true });
const valuesChart = () => page.getByRole('img', { name: /^Values/ });
const scoreChart = () => page.getByRole('img', { name: /^Anomaly score/ });
const labelled = () => page.getByRole('region', { name: 'Labelled windows' });
const eventsRegion = () => page.getByRole('region', { name: 'Anomaly events', exact: true });
const settingsShown = () => page.getByRole('group', { name: 'Options of the scores shown' });
const startSlider = () => page.getByRole('slider', { name: 'Start of the range shown' });
const endSlider = () => page.getByRole('slider', { name: 'End of the range shown' });
const option = (name: string) => page.getByLabel(name, { exact: true });

/** Does `change`, then waits until a run has started and finished after it (the status history says so). */
async function rescored(change: () => Promise<unknown>, p: Page = page): Promise<string> {
  await p.evaluate(() => ((window as unknown as { __statuses: string[] }).__statuses.length = 0));
  await change();
  await p.waitForFunction(() => {
    const st = (window as unknown as { __statuses: string[] }).__statuses;
    const started = st.findIndex((t) => /^(Loading|Warming up|Scoring)/.test(t));
    return started >= 0 && st.slice(started).some((t) => /^Scored /.test(t));
  }, undefined, { timeout: 30_000 });
  return waitScored(p);
}

/** The settings of the scores shown, as one line. */
async function shownSettings(): Promise<string> {
  return (await settingsShown().innerText()).replace(/\s+/g, ' ');
}

/** x tick labels of a chart (its back layer's text, read in order). */
async function xTicks(chart: ReturnType<typeof valuesChart>): Promise<string[]> {
  const all = await chart.locator('svg text').allTextContents();
  return all.filter((t) => /[A-Za-z:]/.test(t)); // y ticks are plain numbers
}

describe('datasets', () => {
  it('offers NAB series and generated ones in a labelled picker, and loads each', async () => {
    const texts = await picker().locator('option').allTextContents();
    expect(texts).toEqual(expect.arrayContaining([
      'Machine temperature (system failure)', 'NYC taxi passengers', 'Office temperature (system failure)',
      'EC2 request latency (system failure)', 'CPU utilisation (auto-scaling misconfiguration)', 'Rogue agent (key hold times)',
      'Artificial daily pattern, jumps up', 'Sine with spikes', 'Level shift', 'Trend change', 'Noise burst', 'Correlated columns',
    ]));
    expect(await picker().inputValue()).toBe('nab:machine_temperature_system_failure.csv');

    await picker().selectOption({ label: 'NYC taxi passengers' });
    // the status said so while it loaded (a few milliseconds: read from the status history afterwards)
    await expect.poll(async () => (await statusHistory(page)).some((t) => /^Loading nyc_taxi\.csv/.test(t))).toBe(true);
    expect(await waitScored(page)).toMatch(/^Scored 10,256 points in /); // 10,320 rows − 64 warming up
    expect(await labelled().innerText()).toMatch(/windows caught: [0-5] of 5, alerts outside windows: \d+/);
    await frames(page);
    await page.screenshot({ path: `${SHOTS}/dataset-nyc-taxi.png` });

    // a generated series: loaded through the worker like a file, with its label column as windows
    await picker().selectOption({ label: 'Sine with spikes' });
    expect(await waitScored(page)).toMatch(/^Scored 3,936 points/);
    expect(await page.getByText(/synthetic-sine-spikes-seed-1\.csv · 4,000 rows/).count()).toBe(1);
    expect(await page.getByLabel('Column to score').locator('option').allTextContents()).toEqual(['value']);
    expect(await labelled().innerText()).toMatch(/windows caught: [0-5] of 5, alerts outside windows: \d+/);
    expect(await labelled().innerText()).toMatch(/Labels from the column “label”/);

    // another generator seed: another series, loaded at once
    const seed = page.getByLabel('generator seed');
    await seed.fill('7');
    await seed.press('Tab');
    await page.getByText(/synthetic-sine-spikes-seed-7\.csv · 4,000 rows/).waitFor();
    await waitScored(page);
    await frames(page);
    await page.screenshot({ path: `${SHOTS}/dataset-synthetic-spikes.png` });

    await picker().selectOption({ label: 'Correlated columns' });
    await waitScored(page);
    expect(await page.getByLabel('Column to score').locator('option').allTextContents()).toEqual(['a', 'b', 'c']);
    // several columns scored together (what this series is made for: on by default): one point per row
    // from a, b and c; small multiples for b and c
    expect(await page.getByLabel('Score all columns together').isChecked()).toBe(true);
    await page.getByRole('img', { name: 'Anomaly score: score of a, b, c over time' }).waitFor();
    await page.getByRole('img', { name: 'Column b: b over time' }).waitFor();
    await page.getByRole('img', { name: 'Column c: c over time' }).waitFor();
    expect(await shownSettings()).toMatch(/columns a, b, c/);
    expect(await labelled().innerText()).toMatch(/windows caught: 1 of 1, alerts outside windows: \d+/);
    await frames(page);
    await page.screenshot({ path: `${SHOTS}/dataset-correlated-together.png`, fullPage: true });
    await rescored(() => page.getByLabel('Score all columns together').uncheck());
    expect(await page.getByRole('img', { name: /^Column b/ }).count()).toBe(0);
    await picker().selectOption({ label: 'Machine temperature (system failure)' });
    expect(await waitScored(page)).toMatch(/^Scored 22,631 points/);
    expect(s.errors).toEqual([]);
  });
});

describe('live tuning', () => {
  it('re-scores when an option changes (no Run), cancels the stale run, and shows the settings of the scores', async () => {
    expect(await shownSettings()).toMatch(/numberOfTrees 50 .*sampleSize 256 .*z 3/s);
    expect(await rescored(() => option('numberOfTrees').fill('20'))).toMatch(/^Scored 22,631 points/);
    expect(await shownSettings()).toMatch(/numberOfTrees 20/);

    // a slow run, changed while it goes: it is cancelled and only the new one reports
    await option('numberOfTrees').fill('400');
    await page.getByRole('status').filter({ hasText: /^Scoring… / }).waitFor();
    await page.evaluate(() => ((window as unknown as { __statuses: string[] }).__statuses.length = 0));
    await option('sampleSize').fill('128');
    await waitScored(page);
    const history = await statusHistory(page);
    expect(history.filter((t) => t.startsWith('Scored')).length).toBe(1);
    expect(await shownSettings()).toMatch(/numberOfTrees 400 .*sampleSize 128 .*timeDecay 0\.000781 .*outputAfter 32/s);

    // the other options, several at once (one run for them all)
    const alertsAt = async () => Number(/from ([\d,]+) alert/.exec(await eventsRegion().innerText())?.[1].replace(/,/g, '') ?? NaN);
    await rescored(async () => {
      await option('numberOfTrees').fill('50');
      await option('sampleSize').fill('256');
    });
    const alertsZ3 = await alertsAt();
    await rescored(() => option('z').fill('2'));
    expect(await alertsAt()).toBeGreaterThan(alertsZ3); // a lower threshold reports more
    const several = async () => {
      await option('scoringMode').selectOption('codisp');
      await option('missingValues').selectOption('zero');
      await option('normalize').check();
      await option('timeDecay').fill('0.001');
      await option('outputAfter').fill('100');
    };
    expect(await rescored(several)).toMatch(/^Scored 22,595 points/); // 22,695 − 100
    expect(await shownSettings()).toMatch(
      /timeDecay 0\.001 .*outputAfter 100 .*scoringMode codisp .*z 2 .*normalize on .*missingValues zero/s,
    );
    await frames(page);
    await page.screenshot({ path: `${SHOTS}/tuning-codisp.png` });

    expect(await rescored(() => page.getByRole('button', { name: 'Defaults' }).click())).toMatch(/^Scored 22,631 points/);
    expect(await shownSettings()).toMatch(/numberOfTrees 50 .*scoringMode score .*z 3 .*normalize off .*missingValues carry/s);
    expect(await alertsAt()).toBe(alertsZ3);
    expect(await page.getByRole('alert').innerText()).toBe('');
    expect(s.errors).toEqual([]);
  });
});

describe('charts', () => {
  it('zoom and pan with the wheel, dragging, keys and the overview brush keep both charts in step', async () => {
    await page.mouse.move(0, 0);
    expect(await rangeShown(page)).toBe('Showing 2013-12-02 21:15 UTC – 2014-02-19 15:25 UTC (22,695 rows)');
    const box = (await valuesChart().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
    await page.mouse.wheel(0, -400);
    await frames(page);
    const zoomed = await rowsShown(page);
    expect(zoomed).toBeLessThan(22_695 * 0.8);
    expect(Number(await startSlider().getAttribute('aria-valuenow'))).toBeGreaterThan(Date.UTC(2013, 11, 2, 21, 15));
    expect(await xTicks(valuesChart())).toEqual(await xTicks(scoreChart())); // the same x range on both

    // drag the plot to the right: earlier rows come into view
    const before = await rangeShown(page);
    const startBefore = Number(await startSlider().getAttribute('aria-valuenow'));
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.8, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await frames(page);
    expect(await rangeShown(page)).not.toBe(before);
    expect(Number(await startSlider().getAttribute('aria-valuenow'))).toBeLessThan(startBefore);
    expect(await rowsShown(page)).toBeGreaterThan(zoomed * 0.95); // same width (give or take a row)
    expect(await xTicks(valuesChart())).toEqual(await xTicks(scoreChart()));

    // hover readout: time, value, score, grade, threshold
    const sbox = (await scoreChart().boundingBox())!;
    await page.mouse.move(sbox.x + sbox.width * 0.5, sbox.y + sbox.height / 2);
    const readout = await page.getByText(/^Cursor/).locator('..').innerText();
    expect(readout).toMatch(/score\s+\d+\.\d{3}/);
    expect(readout).toMatch(/grade\s+(0|0\.\d\d \(alert\)|<0\.01 \(alert\))/);
    expect(readout).toMatch(/threshold\s+\d+\.\d{3}/);
    await page.screenshot({ path: `${SHOTS}/charts-zoomed-hover.png` });

    // keys on a focused chart: − zooms out, + zooms in, 0 shows all rows
    await scoreChart().focus();
    await page.keyboard.press('-');
    expect(await rowsShown(page)).toBeGreaterThan(zoomed * 1.5);
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    expect(await rowsShown(page)).toBeLessThan(zoomed);
    await page.keyboard.press('PageDown');
    await page.keyboard.press('0');
    expect(await rowsShown(page)).toBe(22_695);

    // the overview's brush: its edges are sliders
    await startSlider().focus();
    for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowRight'); // 30% of the range
    await endSlider().focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowLeft');
    const shown = await rowsShown(page);
    expect(shown).toBeGreaterThan(22_695 * 0.15);
    expect(shown).toBeLessThan(22_695 * 0.25);
    expect(await startSlider().getAttribute('aria-valuetext')).toMatch(/^2013-12-2\d \d\d:\d\d UTC$/);
    expect(await xTicks(valuesChart())).toEqual(await xTicks(scoreChart()));
    // dragging the brush pans
    const brushStart = Number(await startSlider().getAttribute('aria-valuenow'));
    const overview = page.getByRole('group', { name: /^Overview/ });
    const ob = (await overview.boundingBox())!;
    const sb = (await startSlider().boundingBox())!;
    const eb = (await endSlider().boundingBox())!;
    const midX = (sb.x + eb.x + eb.width) / 2;
    await page.mouse.move(midX, sb.y + sb.height / 2);
    await page.mouse.down();
    await page.mouse.move(midX + ob.width * 0.2, sb.y + sb.height / 2, { steps: 4 });
    await page.mouse.up();
    expect(Number(await startSlider().getAttribute('aria-valuenow'))).toBeGreaterThan(brushStart);
    expect(Math.abs((await rowsShown(page)) - shown)).toBeLessThan(shown * 0.05);
    await frames(page);
    await page.screenshot({ path: `${SHOTS}/charts-brushed.png` });
    await page.getByRole('button', { name: 'Show all rows' }).click();
    expect(await rowsShown(page)).toBe(22_695);
    expect(s.errors).toEqual([]);
  });

  it('lists anomaly events (start, peak score, top grade); Jump to zooms the charts to one', async () => {
    const table = eventsRegion().getByRole('table');
    const rows = table.getByRole('row');
    expect(await rows.count()).toBeGreaterThan(3); // header + events
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(
      expect.arrayContaining(['start', 'peak score', 'top grade', 'labelled?']),
    );
    const first = rows.nth(1);
    const cells = await first.getByRole('cell').allTextContents();
    expect(cells[0]).toMatch(/^20\d\d-\d\d-\d\d \d\d:\d\d UTC$/);
    expect(Number(cells[1])).toBeGreaterThan(0.8);
    expect(Number(cells[2])).toBeGreaterThan(0);
    expect(Number(cells[2])).toBeLessThanOrEqual(1);
    expect(cells[3]).toMatch(/^((in a window|outside)( \(\d+ alerts\))?|\d+ of \d+ alerts in a window)$/);

    // jump to the event with the highest peak score
    await eventsRegion().getByLabel('Sort by').selectOption('score');
    const top = rows.nth(1);
    const start = (await top.getByRole('cell').nth(0).innerText()).trim();
    await top.getByRole('button', { name: /^Jump to event \d+ at / }).click();
    await frames(page);
    const shown = await rowsShown(page);
    expect(shown).toBeLessThan(2000);
    const range = await rangeShown(page);
    const [, from, to] = /^Showing (.+ UTC) – (.+ UTC) \(/.exec(range)!;
    const t = (x: string) => Date.parse(x.replace(' UTC', 'Z').replace(' ', 'T'));
    expect(t(from)).toBeLessThanOrEqual(t(start));
    expect(t(to)).toBeGreaterThanOrEqual(t(start));
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${SHOTS}/event-jump.png` });
    await page.getByRole('button', { name: 'Show all rows' }).click();
    await eventsRegion().getByLabel('Sort by').selectOption('time');
  });
});

describe('labels', () => {
  it('counts NAB windows caught and alerts outside them, live while scoring', async () => {
    const text = await labelled().innerText();
    const m = /windows caught: (\d) of 4, alerts outside windows: (\d+)/.exec(text);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(2); // the default options catch most of the four
    // live: during a run the counts rise from zero
    await page.evaluate(() => ((window as unknown as { __labelTexts: string[] }).__labelTexts = []));
    await page.evaluate(() => {
      const region = [...document.querySelectorAll('section')].find((el) => el.textContent?.includes('windows caught'))!;
      const w = window as unknown as { __labelTexts: string[] };
      new MutationObserver(() => {
        const t = /windows caught: \d+ of \d+, alerts outside windows: \d+/.exec(region.textContent ?? '')?.[0];
        if (t && w.__labelTexts.at(-1) !== t) w.__labelTexts.push(t);
      }).observe(region, { subtree: true, characterData: true, childList: true });
    });
    await page.getByRole('button', { name: 'Run' }).click();
    await waitScored(page);
    const seen = await page.evaluate(() => (window as unknown as { __labelTexts: string[] }).__labelTexts);
    expect(seen[0]).toMatch(/windows caught: 0 of 4, alerts outside windows: 0/);
    expect(seen.length).toBeGreaterThan(2);
  });

  it('takes windows from a 0/1 label column of an uploaded CSV; odd labels are noted, not fatal', async () => {
    const lines = ['time,reading,is_anomaly'];
    const start = Date.UTC(2024, 4, 1);
    for (let i = 0; i < 3000; i++) {
      let v = Math.sin(i / 20) + 0.05 * Math.cos(i * 7.3);
      let label = 0;
      if (i >= 1500 && i < 1510) {
        v += 6;
        label = 1;
      }
      if (i >= 2400 && i < 2420) label = 1; // a labelled window with nothing unusual in it
      if (i === 2800) label = 2; // not 0 or 1: noted
      lines.push(`${new Date(start + i * 60_000).toISOString()},${v.toFixed(4)},${label}`);
    }
    await page.getByLabel('Upload a CSV file').setInputFiles({ name: 'labelled.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n')) });
    await page.getByRole('img', { name: 'Values: reading over time' }).waitFor();
    await waitScored(page);
    expect(await page.getByLabel('Column to score').locator('option').allTextContents()).toEqual(['reading']);
    expect(await labelled().innerText()).toMatch(/windows caught: 1 of 2, alerts outside windows: \d+/);
    const notes = page.getByText(/^Notes on labelled\.csv/);
    await notes.click();
    expect(await page.getByText(/Label column "is_anomaly": 1 value is neither 0 nor 1 \(first in row 2,801\); read as 0\./).count()).toBe(1);
    await frames(page);
    await page.screenshot({ path: `${SHOTS}/labels-upload.png` });
  });

  it('notes labels that name points outside their own window, or files the page does not have', async () => {
    const p2 = await s.ctx.newPage();
    await p2.route('**/datasets/labels.json', async (route) => {
      const real = JSON.parse(readFileSync('public/datasets/labels.json', 'utf8'));
      real['machine_temperature_system_failure.csv'].push('2014-01-05 12:00:00');
      real['missing_file.csv'] = ['2014-01-05 12:00:00'];
      await route.fulfill({ contentType: 'application/json', body: JSON.stringify(real) });
    });
    await p2.goto(inject('baseURL'));
    await waitScored(p2);
    await p2.getByText(/^Notes on machine_temperature_system_failure\.csv \(\d+\)/).click();
    await p2.getByText('The labelled anomaly at 2014-01-05 12:00 UTC lies outside every labelled window of machine_temperature_system_failure.csv.').waitFor();
    await p2.getByText(/labels\.json also labels missing_file\.csv, which this page does not have/).waitFor();
    expect(await p2.getByRole('region', { name: 'Labelled windows' }).innerText()).toMatch(/of 4,/);
    await p2.close();
  });
});

describe('share and export', () => {
  it('keeps dataset, options and range in the link; opening the link restores them', async () => {
    await picker().selectOption({ label: 'Level shift' });
    await waitScored(page);
    const seed = page.getByLabel('generator seed');
    await seed.fill('5');
    await seed.press('Tab');
    await page.getByText(/synthetic-level-shift-seed-5\.csv/).first().waitFor();
    await waitScored(page);
    await rescored(async () => {
      await option('numberOfTrees').fill('30');
      await option('z').fill('2.5');
    });
    await valuesChart().focus();
    await page.keyboard.press('+');
    await page.keyboard.press('PageUp');
    const range = await rangeShown(page);
    // the address bar follows the state 200 ms after the last change
    await page
      .waitForFunction(() => /generatorSeed=5&.*numberOfTrees=30&z=2\.5&from=/.test(location.hash), undefined, { timeout: 10_000 })
      .catch(async (e) => {
        throw new Error(`${String(e)}; the hash is ${await page.evaluate(() => location.hash)}; ${await rangeShown(page)}`);
      });
    await page.waitForTimeout(400);
    const url = page.url();
    expect(url, url).toMatch(/#data=synthetic:level-shift&generatorSeed=5&rows=4000&column=value&numberOfTrees=30&z=2\.5&from=2024-01-\d\dT[\d:]+Z&to=/);

    const p2 = await s.ctx.newPage();
    await p2.goto(url);
    await waitScored(p2);
    expect(await p2.getByLabel('Dataset', { exact: true }).inputValue()).toBe('synthetic:level-shift');
    expect(await p2.getByLabel('generator seed').inputValue()).toBe('5');
    expect(await p2.getByLabel('numberOfTrees', { exact: true }).inputValue()).toBe('30');
    expect(await p2.getByLabel('z', { exact: true }).inputValue()).toBe('2.5');
    expect(await rangeShown(p2)).toBe(range);
    await frames(p2);
    await p2.screenshot({ path: `${SHOTS}/share-restored.png` });
    await p2.close();

    // a built-in dataset with a range
    const p3 = await s.ctx.newPage();
    await p3.goto(`${inject('baseURL')}#data=nab:nyc_taxi.csv&shingleSize=4&from=2014-10-25T00:00:00Z&to=2014-11-10T00:00:00Z`);
    await waitScored(p3);
    expect(await p3.getByLabel('Dataset', { exact: true }).inputValue()).toBe('nab:nyc_taxi.csv');
    expect(await p3.getByLabel('shingleSize', { exact: true }).inputValue()).toBe('4');
    expect(await rangeShown(p3)).toMatch(/^Showing 2014-10-25 00:00 UTC – 2014-11-10 00:00 UTC \(7\d\d rows\)$/);
    await p3.close();

    // links that cannot be followed say so where it shows: an upload's, an unknown dataset's, an invalid option
    const p4 = await s.ctx.newPage();
    await p4.goto(`${inject('baseURL')}#data=upload:sensors.csv&column=temp`);
    await waitScored(p4);
    const about = p4.getByRole('list', { name: 'About the link' });
    expect(await about.innerText()).toMatch(/This link was made for an uploaded file \(sensors\.csv\), which never left the page it was opened in/);
    await p4.goto(`${inject('baseURL')}#data=nab:nope.csv`);
    await p4.reload();
    await waitScored(p4);
    expect(await p4.getByRole('list', { name: 'About the link' }).innerText()).toMatch(/names a dataset this page does not have \("nab:nope\.csv"\)/);
    // a column the dataset does not have: named, and the one shown instead
    await p4.goto(`${inject('baseURL')}#data=nab:nyc_taxi.csv&column=nope`);
    await p4.reload();
    await waitScored(p4);
    expect(await p4.getByRole('list', { name: 'About the link' }).innerText()).toBe(
      'The link asks for the column “nope”, which nyc_taxi.csv does not have (its columns to score: “value”); “value” is shown instead.',
    );
    // an invalid option: the dataset loads, unscored, and says why; a valid value scores it
    await p4.goto(`${inject('baseURL')}#data=nab:nyc_taxi.csv&shingleSize=999`);
    await p4.reload();
    await p4.getByRole('status').filter({ hasText: /^nyc_taxi\.csv is loaded but not scored: an option is not valid/ }).waitFor();
    expect(await p4.getByRole('alert').innerText()).toMatch(/shingleSize must be a whole number from 1 to 256; got 999/);
    await p4.getByLabel('shingleSize', { exact: true }).fill('8');
    expect(await waitScored(p4)).toMatch(/^Scored 10,25\d points in /);
    await p4.close();
    expect(s.errors).toEqual([]);
  });

  it('saves the charts as PNG and as SVG', async () => {
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save charts as PNG' }).click()]);
    expect(png.suggestedFilename()).toBe('synthetic-level-shift-seed-5-value-charts.png');
    const bytes = readFileSync(await png.path());
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    const width = bytes.readUInt32BE(16);
    const height = bytes.readUInt32BE(20);
    expect(width).toBeGreaterThan(1200); // twice the charts' CSS width
    expect(height).toBeGreaterThan(800);
    writeFileSync(`${SHOTS}/charts-export.png`, bytes);

    const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save charts as SVG' }).click()]);
    expect(svg.suggestedFilename()).toBe('synthetic-level-shift-seed-5-value-charts.svg');
    const text = readFileSync(await svg.path(), 'utf8');
    expect(text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(text).toContain('>Values</text>');
    expect(text).toContain('>Anomaly score</text>');
    expect(text).toContain('numberOfTrees 30');
    expect((text.match(/<path d="M/g) ?? []).length).toBeGreaterThanOrEqual(3); // the data as vector paths: values, threshold, score
    expect(text).not.toContain('var(--'); // colours resolved: the file stands alone
    // the key to the marks travels with the file: the series, events, alerts, score and the dashed threshold
    for (const words of ['>value</text>', '>anomaly event (darker = higher grade)</text>', '>alert</text>', '>score (higher = more unusual)</text>', '>threshold</text>']) {
      expect(text).toContain(words);
    }
    expect(text).toMatch(/<line [^>]*stroke-dasharray="4 3"\/>/);
    writeFileSync(`${SHOTS}/charts-export.svg`, text);
    expect(s.errors).toEqual([]);
  });
});

describe('care', () => {
  it('has no serious or critical axe-core violations, in the light and the dark theme', async () => {
    await page.goto(inject('baseURL'));
    await waitScored(page);
    await frames(page);
    const light = await runAxe(page);
    const theme = page.getByLabel('Theme');
    await theme.selectOption('dark');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(20, 23, 27)');
    await frames(page);
    const dark = await runAxe(page);
    const describe = (v: typeof light) => v.map((x) => `${x.impact} ${x.id}: ${x.help} ${x.nodes.join(' ')}`).join('\n');
    console.log(`[e2e] axe-core, light: ${light.length} violations${light.length ? `\n${describe(light)}` : ''}`);
    console.log(`[e2e] axe-core, dark: ${dark.length} violations${dark.length ? `\n${describe(dark)}` : ''}`);
    const bad = (v: typeof light) => v.filter((x) => x.impact === 'serious' || x.impact === 'critical');
    expect(describe(bad(light))).toBe('');
    expect(describe(bad(dark))).toBe('');
    await page.screenshot({ path: `${SHOTS}/theme-dark-picked.png` });
    await theme.selectOption('light');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(255, 255, 255)');
    await theme.selectOption('auto');
  });

  it('reads well from a laptop to a wide screen; How to read this opens; focus is visible', async () => {
    for (const [w, h] of [[1366, 768], [1920, 1080], [2560, 1440]] as const) {
      await page.setViewportSize({ width: w, height: h });
      await frames(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${SHOTS}/layout-${w}.png` });
    }
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.getByText('How to read this').click();
    await page.getByText(/The dashed threshold follows the recent scores/).waitFor();
    await startSlider().focus();
    await page.keyboard.press('ArrowRight');
    await frames(page);
    // keyboard focus is drawn (an outline of the theme's focus colour)
    expect(await startSlider().evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    await scoreChart().focus();
    await page.keyboard.press('ArrowLeft');
    expect(await scoreChart().evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    await page.screenshot({ path: `${SHOTS}/focus-chart-1920.png` });
    await startSlider().focus();
    await page.keyboard.press('ArrowRight');
    await page.screenshot({ path: `${SHOTS}/focus-brush-1920.png` });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
