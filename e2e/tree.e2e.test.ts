/**
 * See the forest: the tree view shows one tree of the forest that scored a row (the top event's, or the
 * one explained): a node-link diagram with the row's path and the depth where it is isolated, the path in
 * words, and the sample with the tree's cuts (a strip for one dimension, a scatter for two, two picked
 * dimensions for more).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { frames, openBrowser, runAxe, SHOTS, waitScored, type Session } from './browser';

let s: Session;
let page: Page;

beforeAll(async () => {
  s = await openBrowser({ width: 1280, height: 900, colorScheme: 'light' });
  page = s.page;
  await page.goto(inject('baseURL'));
  await waitScored(page);
});

afterAll(async () => {
  await s?.close();
});

const region = () => page.getByRole('region', { name: 'See the forest: one tree' });
const summary = () => region().locator('.summary');
const isolated = /^Row ([\d,]+) could be cut off as early as depth (\d+) of tree (\d+) \(the first box on its path it lies outside of\), and at depth \d+\.\d on average \(tree score (\d+\.\d{3})\)\. Following the tree's own cuts, it reaches a leaf holding another point at depth (\d+)\./;

/** Does `change`, then waits until a run has started and finished after it. */
async function rescored(change: () => Promise<unknown>): Promise<string> {
  await page.evaluate(() => ((window as unknown as { __statuses: string[] }).__statuses.length = 0));
  await change();
  await page.waitForFunction(() => {
    const st = (window as unknown as { __statuses: string[] }).__statuses;
    const started = st.findIndex((t) => /^(Loading|Warming up|Scoring)/.test(t));
    return started >= 0 && st.slice(started).some((t) => /^Scored /.test(t));
  }, undefined, { timeout: 30_000 });
  return waitScored(page);
}

/** Waits until the summary names tree `tree` (and matches `re`), and returns it. */
async function summaryOf(tree: number, re = isolated): Promise<RegExpExecArray> {
  await page.waitForFunction(
    ([t]) => {
      const el = [...document.querySelectorAll('.tree-view .summary')][0];
      return el && new RegExp(`of tree ${t} \\(|in tree ${t}:`).test(el.textContent ?? '');
    },
    [tree],
    { timeout: 30_000 },
  );
  const text = await summary().innerText();
  const m = re.exec(text);
  expect(m, text).not.toBeNull();
  return m!;
}

const bad = async () =>
  (await runAxe(page))
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} ${v.nodes.join(' ')}`)
    .join('\n');

describe('the tree view', () => {
  it('shows a tree of the default dataset: the top event row, its path and isolation depth; another tree on request', async () => {
    const show = region().getByRole('button', { name: 'Show a tree' });
    await show.click();
    expect(await region().getByRole('button', { name: 'Hide the tree' }).getAttribute('aria-expanded')).toBe('true');
    const first = await summaryOf(0);
    const row = first[1];
    // the top event's row, as the page numbers rows
    expect(Number(await region().getByRole('spinbutton', { name: /^Row/ }).inputValue())).toBe(Number(row.replace(/,/g, '')));
    const depth = Number(first[2]);
    const leafDepth = Number(first[5]);
    expect(depth).toBeLessThanOrEqual(leafDepth);

    // the path in words: one item per depth, the isolation depth marked
    const path = region().getByRole('list', { name: `Path of row ${row} in tree 0` });
    const items = await path.getByRole('listitem').allInnerTexts();
    expect(items.length).toBe(leafDepth + 1);
    items.forEach((t, d) => expect(t).toMatch(new RegExp(`^depth ${d} `)));
    expect(items[depth]).toMatch(/isolated here/);
    expect(items.filter((t) => /isolated here/.test(t)).length).toBe(1);
    // the diagram and the strip (one dimension: value) are images with names that say what they show
    await region().getByRole('img', { name: new RegExp(`^Tree 0: [\\d,]+ nodes, 256 points; the path of row ${row} to depth ${leafDepth}, isolated at depth ${depth}$`) }).waitFor();
    await region().getByRole('img', { name: /^The sample of tree 0 on value, with its 255 cuts$/ }).waitFor();

    // another tree: the same row, another path
    await region().getByRole('spinbutton', { name: /^Tree/ }).fill('7');
    const seventh = await summaryOf(7);
    expect(seventh[1]).toBe(row);
    await region().getByRole('list', { name: `Path of row ${row} in tree 7` }).waitFor();
    // an out-of-range tree is refused in words
    await region().getByRole('spinbutton', { name: /^Tree/ }).fill('50');
    await region().getByText('Pick a tree from 0 to 49.').waitFor();
    expect(await region().getByRole('img', { name: /^Tree \d+:/ }).count()).toBe(0); // no older tree stays drawn
    await region().getByRole('spinbutton', { name: /^Tree/ }).fill('7');
    await summaryOf(7);
    // the first row: the forest has learnt nothing before it, so the tree is empty (said, no error)
    await region().getByRole('spinbutton', { name: /^Row/ }).fill('1');
    await region().locator('.summary').filter({ hasText: /^Tree 7 is empty before row 1: the forest has learnt no row yet/ }).waitFor();
    await region().getByRole('spinbutton', { name: /^Row/ }).fill(row.replace(/,/g, ''));

    await frames(page);
    await region().screenshot({ path: `${SHOTS}/tree-default.png` });
    expect(await bad()).toBe('');
    expect(s.errors).toEqual([]);
  });

  it('on one column with shingleSize 2: the scatter of (t−1, t) with the cuts as lines; with three columns, two picked dimensions', async () => {
    await rescored(() => page.getByLabel('shingleSize', { exact: true }).fill('2'));
    await summaryOf(7);
    const scatter = region().getByRole('img', { name: 'The sample of tree 7: value (t−1) against value (t), with its cuts on these dimensions' });
    await scatter.waitFor();
    // 255 cuts, all on the two dimensions, the path's cuts among them; 256 leaves and the row's point
    expect(await scatter.locator('line.cut').count()).toBe(255);
    expect(await scatter.locator('line.cut.on').count()).toBeGreaterThan(0);
    expect(await scatter.locator('circle.leaf').count()).toBeGreaterThan(200);
    expect(await scatter.locator('path.point').count()).toBe(1);
    expect(await region().getByText(/are on other dimensions/).count()).toBe(0);
    await frames(page);
    await region().screenshot({ path: `${SHOTS}/tree-shingle2.png` });

    // the correlated columns, scored together (three dimensions): pick two to project, the rest said in words
    await rescored(() => page.getByLabel('Dataset', { exact: true }).selectOption({ label: 'Correlated columns' }));
    expect(await page.getByLabel('Score all columns together').isChecked()).toBe(true); // on for this series
    await summaryOf(7);
    // the newest row's first two columns at first; then a against c
    await region().getByRole('img', { name: /^The sample of tree 7: a \(t\) against b \(t\),/ }).waitFor();
    await region().getByLabel('Vertical dimension').selectOption({ label: 'c (t)' });
    await region().getByRole('img', { name: /^The sample of tree 7: a \(t\) against c \(t\),/ }).waitFor();
    await region().getByText(/^[\d,]+ of the tree's 255 cuts are on other dimensions and are not drawn\.$/).waitFor();
    await frames(page);
    await region().screenshot({ path: `${SHOTS}/tree-correlated.png` });
    expect(await bad()).toBe('');
    await page.getByLabel('Theme').selectOption('dark');
    await frames(page);
    expect(await bad()).toBe('');
    await region().screenshot({ path: `${SHOTS}/tree-correlated-dark.png` });
    expect(s.errors).toEqual([]);
  });
});
