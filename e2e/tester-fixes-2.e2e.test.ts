/**
 * A tester's second round of findings, each with the check that would have caught it:
 * 1. with no anomaly event, the events list does not say "no score rose above the threshold" when the
 *    readout shows one above it (in the first sampleSize rows, where no alert is raised);
 * 2. the repeat-alert readout calls the threshold the threshold, not "that alert's score";
 * 3./4. the events table's grade is the event's top grade, and Explain explains that alert;
 * 5. a link's generator rows that are not a whole number are reported, as a bad seed is;
 * 6. z typed as 1e400 is not "the field is empty"; got-values have thousands separators like the limits.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { frames, openScored, waitScored, type Session } from './browser';

describe('tester fixes, second round', () => {
  let s: Session;
  let page: Page;
  const readout = () => page.locator('p[aria-live="polite"]', { has: page.getByText(/^(Cursor|Highest score so far)$/) });
  const events = () => page.getByRole('region', { name: 'Anomaly events', exact: true });
  const open = async (hash: string) => {
    await page.goto(`${inject('baseURL')}#${hash}`);
    await page.reload();
    await waitScored(page);
  };

  beforeAll(async () => {
    s = await openScored(inject('baseURL'), { width: 1280, height: 800 });
    page = s.page;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('no event, but a score above the threshold in the first sampleSize rows: the events list says so, as the readout does', async () => {
    // 200 rows, two columns, a jump at row 150 (inside the first 256 rows: no alert there), a missing value at row 190
    const lines = ['a,b'];
    for (let i = 0; i < 200; i++) {
      const a = 10 + Math.sin(i / 5) + (i === 150 ? 40 : 0);
      const b = 20 + Math.cos(i / 7);
      lines.push(i === 190 ? `${a.toFixed(3)},` : `${a.toFixed(3)},${b.toFixed(3)}`);
    }
    await page.getByLabel('Upload a CSV file').setInputFiles({ name: 'small.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\n') + '\n') });
    await page.getByRole('img', { name: 'Values: a over row' }).waitFor();
    await page.getByLabel('missingValues').selectOption('error');
    await page.getByLabel('Score all columns together').check();
    await page.getByRole('img', { name: 'Anomaly score: score of a, b over row' }).waitFor();
    await page.getByRole('status').filter({ hasText: /missing|Scored/i }).waitFor({ timeout: 30_000 });
    await events().getByText(/^No anomaly event: /).waitFor({ timeout: 30_000 });
    const text = await readout().innerText();
    const m = /score\s+([\d.]+)\s+grade\s+(\S+).*threshold\s+([\d.]+)/s.exec(text)!;
    expect(Number(m[1]), text).toBeGreaterThan(Number(m[3])); // the highest score is above the threshold
    expect(text).toMatch(/No alert: above the threshold, but no alert in the first 256 rows/);
    const empty = await events().getByText(/^No anomaly event: /).innerText();
    expect(empty).not.toMatch(/no score rose above the threshold/);
    expect(empty).toMatch(/^No anomaly event: [\d,]+ scores? rose above the threshold, but none raised an alert: (it is|all are) in the first 256 rows/);
  });

  it('a repeat alert’s level is 1.5 × the threshold when that alert’s score has faded below it', async () => {
    await open('data=nab:machine_temperature_system_failure.csv&column=value&from=2013-12-10T11:00:00Z&to=2013-12-10T12:00:00Z');
    const chart = page.getByRole('img', { name: /^Values: / });
    await chart.focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await frames(page);
    const text = await readout().innerText();
    expect(text).toMatch(/2013-12-10 11:30 UTC/);
    expect(text).toMatch(/inside the incident that alerted at 2013-12-10 05:35 UTC: no new alert unless it scores 2\.688 or more \(1\.5 × 1\.792, the threshold, now above that alert’s score, 1\.639\)/);
    expect(text).not.toMatch(/1\.792, that alert’s score/);
  });

  it('the events table shows the top grade, and Explain explains that alert', async () => {
    await open('data=nab:machine_temperature_system_failure.csv&column=value');
    const table = events().getByRole('table');
    const headers = await table.getByRole('columnheader').allInnerTexts();
    expect(headers.slice(0, 3)).toEqual(['start', 'peak score', 'top grade']);
    const row = table.getByRole('row').filter({ has: page.getByRole('button', { name: /^Jump to event \d+ at 2013-12-16 07:55 UTC$/ }) });
    const cells = await row.getByRole('cell').allInnerTexts();
    expect(cells[2].trim()).toMatch(/^(0\.\d\d|1\.00|<0\.01)$/);
    expect(cells.every((c) => c.trim() !== '0.00')).toBe(true);
    const why = row.getByRole('button', { name: /^Explain event \d+ at / });
    const label = (await why.getAttribute('aria-label'))!;
    expect(label).not.toMatch(/07:55 UTC$/); // not the event's start: its top-grade alert (later)
    await why.click();
    const panel = page.getByRole('region', { name: /^Why row [\d,]+ scored \d+\.\d{3}$/ });
    await panel.waitFor({ timeout: 30_000 });
    const explained = await panel.innerText();
    expect(explained).toContain(label.replace(/^Explain event \d+ at /, ''));
    expect(explained).toMatch(new RegExp(`grade\\s+${cells[2].trim().replace('.', '\\.')} \\(an alert`));
    // no grade anywhere in the table reads 0.00 (every event has an alert)
    const grades = await table.getByRole('row').evaluateAll((rows) => rows.slice(1).map((r) => r.querySelectorAll('td')[2]?.textContent?.trim() ?? ''));
    expect(grades.filter((g) => g === '0.00')).toEqual([]);
  });

  it('a link’s generator rows that are not a whole number are reported', async () => {
    await open('data=synthetic:noise-burst&generatorSeed=3&rows=abc');
    expect(await page.getByRole('list', { name: 'About the link' }).innerText()).toBe(
      'The link asks for "abc" generated rows; rows are whole numbers from 500 to 200,000, so 4,000 are used.',
    );
    await open('data=synthetic:noise-burst&generatorSeed=3&rows=1.5');
    expect(await page.getByRole('list', { name: 'About the link' }).innerText()).toMatch(/^The link asks for "1\.5" generated rows/);
  });

  it('z typed as 1e400 is not a finite number (with the limits), not an empty field; got-values with thousands separators', async () => {
    const error = (field: ReturnType<Page['getByLabel']>) =>
      field.evaluate((el) => document.getElementById(el.getAttribute('aria-describedby')!.split(' ')[0])?.textContent ?? '');
    const z = page.getByLabel('z', { exact: true });
    await z.click();
    await z.press('ControlOrMeta+a');
    await page.keyboard.type('1e400');
    await frames(page);
    expect(await z.getAttribute('aria-invalid')).toBe('true');
    expect(await error(z)).toBe('Must be a number from 0.5 to 20; what is typed is not a finite number.');
    await z.press('ControlOrMeta+a');
    await page.keyboard.press('Backspace');
    await frames(page);
    expect(await error(z)).toBe('Must be a number from 0.5 to 20; the field is empty.');
    await z.fill('3');
    const trees = page.getByLabel('numberOfTrees', { exact: true });
    await trees.fill('1001');
    await frames(page);
    expect(await error(trees)).toBe('Must be a whole number from 1 to 1,000; got 1,001.');
    await trees.fill('50');
    await frames(page);
    expect(await trees.getAttribute('aria-invalid')).toBeNull();
  });
});

describe('at 390 px', () => {
  let s: Session;
  let page: Page;

  beforeAll(async () => {
    s = await openScored(inject('baseURL'), { width: 390, height: 800 });
    page = s.page;
  });
  afterAll(async () => {
    await s?.close();
  });

  it('the tree view’s node labels are inside the drawing (in lines where one does not fit)', async () => {
    const region = page.getByRole('region', { name: 'See the forest: one tree' });
    await region.getByRole('button', { name: 'Show a tree' }).click();
    const svg = region.locator('svg[role="img"]').first();
    await svg.locator('text.label').first().waitFor({ timeout: 30_000 });
    await svg.scrollIntoViewIfNeeded();
    await frames(page);
    await svg.screenshot({ path: 'test-results/tester-fixes-2-tree-390.png' });
    const out = await svg.evaluate((el: SVGSVGElement) => {
      const box = el.getBoundingClientRect();
      const frame = el.parentElement!.getBoundingClientRect();
      const right = Math.min(box.right, frame.right);
      return [...el.querySelectorAll('text.label')].flatMap((t) => {
        const r = t.getBoundingClientRect();
        return r.left < box.left - 0.5 || r.right > right + 0.5 ? [`"${t.textContent}": ${r.left}–${r.right} outside ${box.left}–${right}`] : [];
      });
    });
    expect(out).toEqual([]);
  });

  it('the dataset name wraps only between its parts (after _ or -, before .), never inside a word', async () => {
    const name = page.getByText(/^machine_temperature_system_failure\.csv · [\d,]+ rows$/);
    await name.waitFor();
    // where each line starts: the characters before and at each break
    const breaks = await name.evaluate((el: HTMLElement) => {
      const chars: { ch: string; top: number }[] = [];
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.textContent!.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const r = [...range.getClientRects()].find((q) => q.width > 0);
          if (r) chars.push({ ch: node.textContent![i], top: Math.round(r.top) });
        }
      }
      const out: string[] = [];
      for (let i = 1; i < chars.length; i++) if (chars[i].top > chars[i - 1].top + 2) out.push(`${chars[i - 1].ch}|${chars[i].ch}`);
      return out;
    });
    expect(breaks.length).toBeGreaterThan(0); // it does wrap here (wider than its box)
    for (const b of breaks) expect(b, breaks.join(', ')).toMatch(/^([_ -]\|.|.\|[.·])$/);
  });

  it('the events table fits its box: every column, the Explain buttons too, without scrolling sideways', async () => {
    const region = page.getByRole('region', { name: 'Anomaly events', exact: true });
    await region.getByRole('button', { name: /^Explain event 1 at / }).waitFor();
    const size = await region.locator('table').evaluate((t: HTMLTableElement) => ({ table: t.scrollWidth, box: t.parentElement!.clientWidth }));
    expect(size.table).toBeLessThanOrEqual(size.box);
  });
});
