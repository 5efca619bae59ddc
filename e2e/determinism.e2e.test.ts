/**
 * Determinism across hosts (rcf-spec section 9): the page (the kernel in a Chromium worker) and Node (the
 * same kernel under vitest) give bit-identical scores for the same seed, input and options.
 */
import { describe, it, expect, beforeAll, afterAll, inject } from 'vitest';
import { readFileSync } from 'node:fs';
import { openBrowser, waitScored, type Session } from './browser';
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

describe('model files', () => {
  it('save the model after a run, load it: the same rows scored again go on from it, as Node does', async () => {
    const { page } = session;
    await page.goto(inject('baseURL'));
    await page.getByRole('status').filter({ hasText: /^Scored / }).waitFor({ timeout: 60_000 });
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save model' }).click()]);
    expect(saved.suggestedFilename()).toBe('machine_temperature_system_failure-model.rcf');
    const model = readFileSync(await saved.path());
    await page.getByLabel('Go on from a model file').setInputFiles({ name: 'machine.rcf', mimeType: 'application/octet-stream', buffer: model });
    await page.getByText(/Model machine\.rcf: numberOfTrees 50, sampleSize 256, shingleSize 1, 22,695 rows seen/).waitFor({ timeout: 30_000 });
    await page.getByRole('status').filter({ hasText: /^Scored / }).waitFor({ timeout: 60_000 });
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /Download/ }).click(),
    ]);
    const browser = parseCsvText(readFileSync(await download.path(), 'utf8')).numeric.get('score')!;

    const file = readFileSync(new URL('../public/datasets/machine_temperature_system_failure.csv', import.meta.url), 'utf8');
    const values = parseCsvText(file).numeric.get('value')!;
    const forest = await RandomCutForest.create({ seed: 42 }, new URL('../build/rcf.wasm', import.meta.url));
    forest.process(values);
    const again = forest.process(values); // the stream goes on: no warm-up now
    expect(Number.isFinite(browser[0])).toBe(true);
    for (let i = 0; i < again.length; i++) expect(browser[i]).toBe(again[i]);
    // a damaged file is refused with a clear error, and the page keeps its data
    await page.getByLabel('Go on from a model file').setInputFiles({ name: 'bad.rcf', mimeType: 'application/octet-stream', buffer: Buffer.from('nonsense') });
    await expect.poll(async () => (await page.getByRole('alert').textContent()) ?? '').toMatch(/Could not load the model bad\.rcf: .*not a snapshot file/);
    // a model of other columns is refused when the file is loaded, before any run: the scores shown stay
    await page.getByLabel('Dataset', { exact: true }).selectOption({ label: 'Correlated columns' });
    const scored = await waitScored(page);
    expect(await page.getByLabel('Score all columns together').isChecked()).toBe(true);
    await page.getByLabel('Go on from a model file').setInputFiles({ name: 'machine.rcf', mimeType: 'application/octet-stream', buffer: model });
    await expect.poll(async () => (await page.getByRole('alert').textContent()) ?? '').toContain(
      'Could not go on from the model machine.rcf: The model was saved for the column “value”; synthetic-correlated',
    );
    expect(await page.getByRole('alert').textContent()).toMatch(/has no column “value” \(its columns to score: “a”, “b”, “c”\)\. Load a dataset with a column “value” to go on from this model\.$/);
    expect(await page.getByRole('status').innerText()).toBe(scored);
    expect(session.errors).toEqual([]);
  });

  it("shows a model's options in the option fields, and that does not start a fresh run", async () => {
    const { page } = session;
    await page.goto(inject('baseURL'));
    await page.getByRole('status').filter({ hasText: /^Scored / }).waitFor({ timeout: 60_000 });
    const trees = page.getByLabel('numberOfTrees', { exact: true });
    const shown = page.getByRole('group', { name: 'Options of the scores shown' });
    const rescore = async (n: string) => {
      await trees.fill(n);
      await expect.poll(() => shown.innerText(), { timeout: 10_000 }).toMatch(new RegExp(`numberOfTrees ${n}\\b`));
      await page.getByRole('status').filter({ hasText: /^Scored / }).waitFor({ timeout: 60_000 });
    };
    await rescore('30');
    const [saved] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save model' }).click()]);
    const model = readFileSync(await saved.path());
    await rescore('50');
    await page.getByLabel('Go on from a model file').setInputFiles({ name: 'thirty.rcf', mimeType: 'application/octet-stream', buffer: model });
    const note = page.getByText(/Model thirty\.rcf: numberOfTrees 30, .*are in the fields\)/);
    await note.waitFor({ timeout: 30_000 });
    await page.getByRole('status').filter({ hasText: /^Scored / }).waitFor({ timeout: 60_000 });
    expect(await trees.inputValue()).toBe('30');
    expect(await shown.innerText()).toMatch(/numberOfTrees 30\b/);
    // no fresh run follows (it would drop the model and say so)
    await page.waitForTimeout(1500);
    expect(await note.count()).toBe(1);
    expect(await shown.innerText()).not.toContain('starts afresh');
    expect(session.errors).toEqual([]);
  });
});
