/**
 * Determinism across hosts (rcf-spec section 9): the page (the kernel in a Chromium worker) and Node (the
 * same kernel under vitest) give bit-identical scores for the same seed, input and options.
 */
import { describe, it, expect, beforeAll, afterAll, inject } from 'vitest';
import { readFileSync } from 'node:fs';
import { openBrowser, type Session } from './browser';
import { RandomCutForest } from '../src/forest/forest';
import { parseCsvText } from '../src/ingest';

let session: Session;
beforeAll(async () => {
  session = await openBrowser();
});
afterAll(async () => {
  await session?.close();
});

describe('Node and the browser', () => {
  it('score the built-in dataset bit-identically', async () => {
    const { page } = session;
    await page.goto(inject('baseURL'));
    await page.getByRole('status').filter({ hasText: /^Scored / }).waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Download/ }).click(),
    ]);
    const browser = parseCsvText(readFileSync(await download.path(), 'utf8')).numeric.get('score')!;

    const file = readFileSync(new URL('../public/datasets/machine_temperature_system_failure.csv', import.meta.url), 'utf8');
    const values = parseCsvText(file).numeric.get('value')!;
    const forest = await RandomCutForest.create({ seed: 42 }, new URL('../build/rcf.wasm', import.meta.url));
    const node = forest.process(values);

    expect(browser.length).toBe(node.length);
    let finite = 0;
    for (let i = 0; i < node.length; i++) {
      if (Number.isNaN(node[i])) expect(Number.isNaN(browser[i])).toBe(true);
      else {
        // exact: the CSV carries each score's shortest round-trip decimal
        expect(browser[i]).toBe(node[i]);
        finite++;
      }
    }
    expect(finite).toBe(22_631);
    expect(session.errors).toEqual([]);
  });
});
