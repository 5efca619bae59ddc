/**
 * Fixes of a newcomer's findings, each with the check that would have caught it:
 * 1. the overview brush chooses a range from the initial full view (and still pans, resizes and draws a
 *    new range once zoomed);
 * 2. the keyboard cursor stays in the range shown through +, − and PageUp/PageDown, and Enter never
 *    explains a row outside it;
 * 3. the explanation panel wraps at 360 px (nothing inside it overflows its box);
 * 4. an invalid option field is marked (aria-invalid, an error outline thicker than the normal border, a
 *    message with the limits formatted like the rest of the page) and unmarked when it is valid again.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { frames, openBrowser, rangeShown, rowsShown, SHOTS, waitScored, type Session } from './browser';

const ROWS = 22_695;

/** "2014-02-05 10:00 UTC" (or with seconds) → epoch ms. */
function parseUtc(text: string): number {
  const m = /(\d{4}-\d\d-\d\d) (\d\d:\d\d(?::\d\d)?) UTC/.exec(text);
  if (!m) throw new Error(`no time in ${JSON.stringify(text)}`);
  return Date.parse(`${m[1]}T${m[2]}Z`);
}

/** The range shown, as epoch ms (the toolbar's text: its ends are shown to the second, rounded down). */
async function shownRange(page: Page): Promise<[number, number]> {
  const text = await rangeShown(page);
  const [a, b] = text.split(' – ');
  return [parseUtc(a), parseUtc(b) + 1000];
}

/** The cursor's time from the readout ("Cursor time 2014-… UTC …"); null when there is no cursor. */
async function cursorTime(page: Page): Promise<number | null> {
  const readout = page.locator('p', { has: page.getByText('Cursor', { exact: true }) });
  if ((await readout.count()) === 0) return null;
  return parseUtc(await readout.innerText());
}

describe('overview brush from the full view', () => {
  let s: Session;
  let page: Page;

  beforeAll(async () => {
    s = await openBrowser({ width: 1280, height: 900 });
    page = s.page;
    await page.goto(inject('baseURL'));
    await waitScored(page);
  });
  afterAll(async () => {
    await s?.close();
  });

  /** Plot coordinates of the overview strip: x at a fraction of the plot, y in its middle. */
  async function strip() {
    const group = page.getByRole('group', { name: /^Overview: the range shown/ });
    await group.scrollIntoViewIfNeeded();
    const box = (await group.boundingBox())!;
    const left = box.x + 64; // the charts' left margin
    const width = box.width - 64 - 18;
    return { at: (f: number) => left + f * width, y: box.y + box.height - 25, width };
  }

  async function drag(x0: number, x1: number, y: number) {
    await page.mouse.move(x0, y);
    await page.mouse.down();
    await page.mouse.move((x0 + x1) / 2, y, { steps: 4 });
    await page.mouse.move(x1, y, { steps: 4 });
    await page.mouse.up();
    await frames(page);
  }

  it('a drag across the strip from the full view selects that range; then drag inside pans, an edge resizes, outside draws anew', async () => {
    expect(await rowsShown(page)).toBe(ROWS);
    const o = await strip();
    await drag(o.at(0.3), o.at(0.6), o.y);
    const picked = await rowsShown(page);
    expect(picked, await rangeShown(page)).toBeGreaterThan(ROWS * 0.25);
    expect(picked).toBeLessThan(ROWS * 0.35);
    const [a0, b0] = await shownRange(page);

    // drag inside the brush: a pan (same width, later)
    await drag(o.at(0.45), o.at(0.55), o.y);
    const [a1, b1] = await shownRange(page);
    expect(a1).toBeGreaterThan(a0);
    expect(Math.abs(b1 - a1 - (b0 - a0))).toBeLessThan((b0 - a0) * 0.01);
    expect(Math.abs((await rowsShown(page)) - picked)).toBeLessThan(ROWS * 0.01);

    // drag the end edge: a resize (same start, later end)
    const end = (await page.getByRole('slider', { name: 'End of the range shown' }).boundingBox())!;
    await drag(end.x + end.width / 2, end.x + end.width / 2 + o.width * 0.1, o.y);
    const [a2, b2] = await shownRange(page);
    expect(Math.abs(a2 - a1)).toBeLessThan(60_000 * 10);
    expect(b2).toBeGreaterThan(b1);

    // drag outside the brush: a new range
    await drag(o.at(0.05), o.at(0.15), o.y);
    const rows = await rowsShown(page);
    expect(rows).toBeGreaterThan(ROWS * 0.07);
    expect(rows).toBeLessThan(ROWS * 0.13);
    const [a3] = await shownRange(page);
    expect(a3).toBeLessThan(a0);

    // double click shows everything again; a drag from there is a new range again
    await page.mouse.dblclick(o.at(0.5), o.y);
    expect(await rowsShown(page)).toBe(ROWS);
    await drag(o.at(0.8), o.at(0.7), o.y); // right to left too
    expect(await rowsShown(page)).toBeLessThan(ROWS * 0.13);
    expect(s.errors).toEqual([]);
  });
});

describe('keyboard cursor stays in the range shown', () => {
  let s: Session;
  let page: Page;

  beforeAll(async () => {
    s = await openBrowser({ width: 1280, height: 900 });
    page = s.page;
    await page.goto(inject('baseURL'));
    await waitScored(page);
  });
  afterAll(async () => {
    await s?.close();
  });

  async function expectCursorInView(step: string) {
    const t = await cursorTime(page);
    expect(t, `no cursor after ${step}`).not.toBeNull();
    const [a, b] = await shownRange(page);
    expect(t!, `${step}: cursor ${new Date(t!).toISOString()} before ${await rangeShown(page)}`).toBeGreaterThanOrEqual(a);
    expect(t!, `${step}: cursor ${new Date(t!).toISOString()} after ${await rangeShown(page)}`).toBeLessThanOrEqual(b);
  }

  it('End, ←, ←, Shift+←, +, +, PageUp, Enter: the cursor never leaves the view, and Enter explains a row in view', async () => {
    const chart = page.getByRole('img', { name: /^Values/ });
    await chart.focus();
    for (const key of ['End', 'ArrowLeft', 'ArrowLeft', 'Shift+ArrowLeft', '+', '+', 'PageUp']) {
      await page.keyboard.press(key);
      await frames(page);
      await expectCursorInView(key);
    }
    const before = await cursorTime(page);
    // PageUp moved the cursor with the view (it was not left behind at the right edge)
    await page.keyboard.press('PageDown');
    await frames(page);
    await expectCursorInView('PageDown');
    await page.keyboard.press('PageUp');
    await frames(page);
    await expectCursorInView('PageUp again');
    expect(Math.abs((await cursorTime(page))! - before!)).toBeLessThan(60 * 60_000);

    await page.keyboard.press('Enter');
    const panel = page.getByRole('region', { name: /^Why row [\d,]+ scored \d+\.\d{3}$/ });
    await panel.waitFor({ timeout: 30_000 });
    const [a, b] = await shownRange(page);
    const explained = parseUtc(await panel.innerText());
    expect(explained).toBeGreaterThanOrEqual(a);
    expect(explained).toBeLessThanOrEqual(b);
    await panel.getByRole('button', { name: 'Close the explanation' }).click();
  });

  it('− and + around the cursor and PageDown/PageUp keep it in view; Enter on a cursor the brush left outside brings it in and explains nothing', async () => {
    const chart = page.getByRole('img', { name: /^Values/ });
    await chart.focus();
    await page.keyboard.press('0');
    await page.keyboard.press('Home');
    for (const key of ['Shift+ArrowRight', '+', '+', '+', '-', '+', 'PageDown', 'PageDown', '-', 'PageUp']) {
      await page.keyboard.press(key);
      await frames(page);
      await expectCursorInView(key);
    }
    // move the view away from the cursor with the brush's end slider (the cursor stays where it was)
    await page.keyboard.press('0');
    await page.keyboard.press('Home');
    await frames(page);
    const start = page.getByRole('slider', { name: 'Start of the range shown' });
    await start.focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('Shift+ArrowRight');
    await frames(page);
    const [a] = await shownRange(page);
    expect((await cursorTime(page)) ?? 0).toBeLessThan(a); // the cursor is outside now
    await chart.focus();
    await page.keyboard.press('Enter');
    await frames(page);
    await page.waitForTimeout(300);
    // Enter with the cursor outside explains nothing: it brings the cursor into view (to the view's edge)
    expect(await page.getByRole('region', { name: /^Why row/ }).count()).toBe(0);
    await expectCursorInView('Enter with the cursor outside');
    // and Enter again explains that row, in view
    await page.keyboard.press('Enter');
    const panel = page.getByRole('region', { name: /^Why row [\d,]+ scored \d+\.\d{3}$/ });
    await panel.waitFor({ timeout: 30_000 });
    const explained = parseUtc(await panel.innerText());
    const [a2, b2] = await shownRange(page);
    expect(explained).toBeGreaterThanOrEqual(a2);
    expect(explained).toBeLessThanOrEqual(b2);
    expect(s.errors).toEqual([]);
  });
});

describe('explanation panel at 360 px', () => {
  let s: Session;
  let page: Page;

  beforeAll(async () => {
    s = await openBrowser({ width: 360, height: 800 });
    page = s.page;
    await page.goto(inject('baseURL'));
    await waitScored(page);
  });
  afterAll(async () => {
    await s?.close();
  });

  it('wraps: no element inside it is wider than its box, and none sticks out of the panel', async () => {
    await page.getByRole('region', { name: 'Anomaly events', exact: true }).getByRole('button', { name: /^Explain event 1 at / }).click();
    const panel = page.getByRole('region', { name: /^Why row [\d,]+ scored \d+\.\d{3}$/ });
    await panel.waitFor({ timeout: 30_000 });
    await panel.scrollIntoViewIfNeeded();
    await frames(page);
    await panel.screenshot({ path: `${SHOTS}/ui-fixes-explain-360.png` });
    const problems = await panel.evaluate((root: HTMLElement) => {
      const out: string[] = [];
      const box = root.getBoundingClientRect();
      const name = (el: Element) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ').join('.')}` : ''} "${(el.textContent ?? '').slice(0, 40)}"`;
      for (const el of [root, ...root.querySelectorAll<HTMLElement>('*')]) {
        if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth) out.push(`${name(el)}: scrollWidth ${el.scrollWidth} > clientWidth ${el.clientWidth}`);
        const r = el.getBoundingClientRect();
        if (r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5)) out.push(`${name(el)}: ${r.left}–${r.right} outside the panel ${box.left}–${box.right}`);
      }
      if (document.documentElement.scrollWidth > document.documentElement.clientWidth) out.push(`page: scrollWidth ${document.documentElement.scrollWidth}`);
      return out;
    });
    expect(problems).toEqual([]);
    // the whole sentence is there, in text
    expect(await panel.innerText()).toMatch(/100\.0% of the score, too (high|low)/);
    expect(s.errors).toEqual([]);
  });
});

describe('invalid options are marked', () => {
  let s: Session;
  let page: Page;

  beforeAll(async () => {
    s = await openBrowser({ width: 1280, height: 900 });
    page = s.page;
    await page.goto(inject('baseURL'));
    await waitScored(page);
  });
  afterAll(async () => {
    await s?.close();
  });

  const field = (name: string) => page.getByLabel(name, { exact: true });
  const look = (name: string) =>
    field(name).evaluate((el: HTMLElement) => {
      const cs = getComputedStyle(el);
      return { border: cs.borderTopColor, width: parseFloat(cs.borderTopWidth) };
    });

  it.each([
    ['numberOfTrees', '0', /numberOfTrees must be a whole number from 1 to 1,?000; got 0\./, '50', 'from 1 to 1,000'],
    ['sampleSize', '10000', /sampleSize must be a whole number from 4 to 8,?192; got 10,?000\./, '256', 'from 4 to 8,192'],
    ['shingleSize', '1.5', /shingleSize must be a whole number from 1 to 256; got 1\.5\./, '1', 'from 1 to 256'],
    ['timeDecay', '2', /timeDecay must be a number from 0 to 1/, '', 'from 0 to 1'],
    ['outputAfter', '-3', /outputAfter must be a whole number of rows, 0 or more/, '', '0 or more'],
    ['z', '0.1', /z must be a number from 0\.5 to 20; got 0\.1\./, '3', 'from 0.5 to 20'],
    ['seed', '-1', /seed must be a whole number from 0 to 9,?007,?199,?254,?740,?991; got -1\./, '42', 'from 0 to 9,007,199,254,740,991'],
  ])('%s = %s: alert, aria-invalid, a thicker error outline and a message; cleared when valid', async (name, bad, alert, good, limits) => {
    const input = field(name);
    const normal = await look(name);
    expect(await input.getAttribute('aria-invalid')).not.toBe('true');
    await input.fill(bad);
    await page.getByRole('alert').filter({ hasText: alert }).waitFor({ timeout: 10_000 });
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    const marked = await look(name);
    expect(marked.width).toBeGreaterThan(normal.width); // thickness, not colour alone
    expect(marked.border).not.toBe(normal.border);
    // the field's own message (its accessible description) names the limits, thousands separated
    const description = await input.evaluate((el) =>
      (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent ?? '').join(' '),
    );
    expect(description).toContain(limits);
    if (name === 'numberOfTrees') await input.blur(); // the error outline alone, without the focus ring
    if (name === 'numberOfTrees') await page.screenshot({ path: `${SHOTS}/ui-fixes-invalid-option.png`, clip: (await page.getByRole('region', { name: 'Forest options' }).boundingBox())! });
    await input.fill(good);
    await frames(page);
    expect(await input.getAttribute('aria-invalid')).not.toBe('true');
    expect((await look(name)).width).toBe(normal.width);
    await waitScored(page);
  });
});
