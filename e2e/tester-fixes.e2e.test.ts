/**
 * A tester's findings on machine_temperature (the page's default dataset), each with the check that would
 * have caught it:
 * 1. a score above the threshold with grade 0 says why (the repeat-alert rule), and How to read this says
 *    the same rule;
 * 2. the events list's "in a window / outside" agrees with the labelled-window counts;
 * 3. Jump to event brings the charts into view and focuses the values chart;
 * 4. the hover readout follows a pan under a still pointer;
 * 5. the generator's rows and seed are checked like the forest options (marked, a message with the limits,
 *    the series on screen kept until they are valid);
 * 6. two files dropped at once: the first is loaded and a note names the other; Sine with spikes suggests
 *    shingleSize 8; after a model is loaded (every row scored) the legend says no warming up.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { frames, openScored, rangeShown, waitScored, type Session } from './browser';

function parseUtc(text: string): number {
  const m = /(\d{4}-\d\d-\d\d) (\d\d:\d\d(?::\d\d)?) UTC/.exec(text);
  if (!m) throw new Error(`no time in ${JSON.stringify(text)}`);
  return Date.parse(`${m[1]}T${m[2]}Z`);
}

describe('tester fixes on machine_temperature', () => {
  let s: Session;
  let page: Page;
  const readout = () => page.locator('p[aria-live="polite"]', { has: page.getByText(/^(Cursor|Highest score so far)$/) });
  const valuesChart = () => page.getByRole('img', { name: /^Values: / });

  beforeAll(async () => {
    s = await openScored(inject('baseURL'), { width: 1280, height: 800 });
    page = s.page;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('a score above the threshold that raised no alert says why; How to read this states the rule', async () => {
    // hover the rows right after each alert dot until one is above the threshold with grade 0
    const text = await readout().innerText();
    const m = /score\s+([\d.]+)\s+grade\s+(\S+).*threshold\s+([\d.]+)/s.exec(text)!;
    if (Number(m[1]) > Number(m[3]) && m[2] === '0') {
      expect(text).toMatch(/No alert: above the threshold, (inside the incident that alerted at .+UTC|but no alert in the first)/);
    } else {
      expect(text).not.toMatch(/No alert/);
    }
    await page.getByText('How to read this').click();
    const how = await page.locator('details', { has: page.getByText('How to read this') }).innerText();
    expect(how).not.toMatch(/A score above it raises an alert/);
    expect(how).toMatch(/at least 2 times the\s+score of the incident’s last alert/);
    expect(how).toMatch(/1\.5\s+times once 64 rows have passed/);
    await page.getByText('How to read this').click();
  });

  it('the events list marks events in or outside windows by the same rule as the counts', async () => {
    const box = await page.getByRole('region', { name: 'Labelled windows' }).innerText();
    const outsideBox = Number(/alerts outside windows:\s*(\d+)/.exec(box)![1]);
    const table = page.getByRole('region', { name: 'Anomaly events', exact: true }).getByRole('table');
    const cells = await table.getByRole('row').evaluateAll((rows) => rows.slice(1).map((r) => r.querySelectorAll('td')[3]?.textContent?.trim() ?? ''));
    expect(cells.length).toBeGreaterThan(5);
    let outside = 0;
    for (const c of cells) {
      let m: RegExpExecArray | null;
      if ((m = /^outside(?: \((\d+) alerts\))?$/.exec(c))) outside += Number(m[1] ?? 1);
      else if ((m = /^(\d+) of (\d+) alerts in a window$/.exec(c))) outside += Number(m[2]) - Number(m[1]);
      else expect(c).toMatch(/^in a window( \(\d+ alerts\))?$/);
    }
    expect(outside).toBe(outsideBox);
  });

  it('Jump to event scrolls the charts into view and focuses the values chart', async () => {
    const region = page.getByRole('region', { name: 'Anomaly events', exact: true });
    const button = region.getByRole('button', { name: /^Jump to event \d+ at / }).last();
    await button.scrollIntoViewIfNeeded();
    const before = (await valuesChart().boundingBox())!;
    expect(before.y + before.height).toBeLessThan(0); // scrolled away above
    await button.click();
    await expect.poll(async () => {
      const b = (await valuesChart().boundingBox())!;
      return b.y >= 0 && b.y + b.height <= 800;
    }, { timeout: 5000 }).toBe(true);
    expect(await valuesChart().evaluate((el) => el === document.activeElement)).toBe(true);
    await page.getByRole('button', { name: 'Show all rows' }).click();
  });

  it('after a pan under a still pointer, the readout shows the row under the pointer', async () => {
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await frames(page);
    const zoomed = await rangeShown(page);
    const chart = valuesChart();
    await chart.scrollIntoViewIfNeeded();
    const box = (await chart.boundingBox())!;
    const plotW = box.width - 64 - 18;
    const px = 0.2 * plotW;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + 64 + px, y);
    await frames(page);
    // drag-pan (to earlier rows): the pointer moves, then holds still where it ends
    await page.mouse.down();
    await page.mouse.move(box.x + 64 + px + 300, y, { steps: 6 });
    await page.mouse.up();
    await frames(page);
    const range = await rangeShown(page);
    const [a, b] = range.replace(/^Showing /, '').split(' – ').map(parseUtc);
    const at = a + ((px + 300) / plotW) * (b - a);
    const cursor = parseUtc(await readout().innerText());
    expect(range).not.toBe(zoomed); // it panned
    expect(Math.abs(cursor - at), `${range}; cursor ${new Date(cursor).toISOString()}`).toBeLessThan((b - a) * 0.02);
    // a sideways wheel pan under a still pointer: the same
    await page.mouse.wheel(-400, 0);
    await frames(page);
    const range2 = await rangeShown(page);
    const [a2, b2] = range2.replace(/^Showing /, '').split(' – ').map(parseUtc);
    expect(a2).toBeLessThan(a);
    const at2 = a2 + ((px + 300) / plotW) * (b2 - a2);
    const cursor2 = parseUtc(await readout().innerText());
    expect(Math.abs(cursor2 - at2), `${range2}`).toBeLessThan((b2 - a2) * 0.02);
  });

  it('generator rows and seed out of range are marked with their limits, and the series on screen stays', async () => {
    await page.getByLabel('Dataset').selectOption({ label: 'Sine with spikes' });
    await waitScored(page);
    const name = page.getByText(/synthetic-sine-spikes-seed-1\.csv · 4,000 rows/);
    await name.waitFor();
    const rows = page.getByLabel('rows', { exact: true });
    const seed = page.getByLabel('generator seed');
    for (const [field, value, message] of [
      [rows, '3', 'Must be a whole number from 500 to 200,000; got 3.'],
      [rows, '0', 'Must be a whole number from 500 to 200,000; got 0.'],
      [rows, '99999999', 'Must be a whole number from 500 to 200,000; got 99,999,999.'],
      [seed, '-1', 'Must be a whole number from 0 to 2,147,483,647; got -1.'],
      [seed, '1.5', 'Must be a whole number from 0 to 2,147,483,647; got 1.5.'],
      [seed, '1e40', 'Must be a whole number from 0 to 2,147,483,647; got 1e+40.'],
    ] as const) {
      await field.fill(value);
      await field.press('Tab');
      await frames(page);
      expect(await field.getAttribute('aria-invalid'), `${value}`).toBe('true');
      expect(await field.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby')!)?.textContent)).toBe(message);
      expect(await field.inputValue()).toBe(value); // not changed behind the person's back
      expect(await name.count()).toBe(1); // the series on screen stays
      // typed back to what is on screen: valid again
      await field.fill(field === rows ? '4000' : '1');
      await frames(page);
      expect(await field.getAttribute('aria-invalid')).toBeNull();
    }
    await seed.fill('7');
    await seed.press('Tab');
    await page.getByText(/synthetic-sine-spikes-seed-7\.csv · 4,000 rows/).waitFor();
    expect(await seed.getAttribute('aria-invalid')).toBeNull();
    expect(await rows.getAttribute('aria-invalid')).toBeNull();
  });

  it('Sine with spikes suggests shingleSize 8', async () => {
    expect(await page.getByText(/^Tip: with shingleSize 1 .* try shingleSize 8/).count()).toBe(1);
  });

  it('two files dropped at once: the first is loaded, and a note says the other was not', async () => {
    await page.evaluate(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['timestamp,value\n2024-01-01 00:00:00,1\n2024-01-01 00:05:00,2\n2024-01-01 00:10:00,3\n'], 'first.csv', { type: 'text/csv' }));
      dt.items.add(new File(['timestamp,value\n2024-01-01 00:00:00,1\n'], 'second.csv', { type: 'text/csv' }));
      document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    });
    await page.getByText(/first\.csv · 3 rows/).waitFor();
    const note = page.getByText(/^One more file was dropped with first\.csv and not loaded \(second\.csv\): the page shows one file at a time/);
    expect(await note.count()).toBe(1);
    // the next load clears it
    await page.getByLabel('Dataset').selectOption({ label: 'Sine with spikes' });
    await waitScored(page);
    expect(await note.count()).toBe(0);
  });

  it('after a model is loaded every row is scored, and the score legend no longer says the first rows are warming up', async () => {
    const warming = page.getByText(/^first 64 rows: no score \(warming up\)$/);
    expect(await warming.count()).toBe(1);
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save model' }).click()]);
    const model = readFileSync(await saved.path());
    await page.getByLabel('Go on from a model file').setInputFiles({ name: 'sine.rcf', mimeType: 'application/octet-stream', buffer: model });
    await page.getByText(/Model sine\.rcf: /).waitFor({ timeout: 30_000 });
    await waitScored(page);
    expect(await page.getByRole('status').innerText()).toMatch(/^Scored 4,000 points/);
    expect(await warming.count()).toBe(0);
    expect(await page.getByText(/rows: no score \(warming up\)/).count()).toBe(0);
  });
});
