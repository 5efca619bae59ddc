/**
 * A 0/1 label column (label, is_anomaly…) is not scored by default: `rcf score`, `rcf inspect`, the worker
 * (the page and the library) and defaultColumn choose the same column, the page's. --column still scores one.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createForestApi } from '../../src/worker/forest-api';
import { run } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dir = '';
let labelled = '';
let labelFirst = '';
let labelText = '';
let labelFirstText = '';
const kernel = new URL('../../build/rcf.wasm', import.meta.url);
const api = createForestApi(kernel);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rcf-label-'));
  const rows: string[] = ['timestamp,is_anomaly,value'];
  for (let i = 0; i < 300; i++) {
    const t = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    rows.push(`${t},${i >= 200 && i < 205 ? 1 : 0},${(10 + Math.sin(i / 7) + (i >= 200 && i < 205 ? 8 : 0)).toFixed(3)}`);
  }
  labelText = rows.join('\n') + '\n';
  labelled = join(dir, 'labelled.csv');
  writeFileSync(labelled, labelText);
  labelFirstText = 'label,v\n' + Array.from({ length: 120 }, (_, i) => `${i % 40 === 39 ? 1 : 0},${(i % 11) * 1.5}`).join('\n') + '\n';
  labelFirst = join(dir, 'label-first.csv');
  writeFileSync(labelFirst, labelFirstText);
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  api.dispose();
});

describe('a label column first', () => {
  it.each([
    ['timestamp,is_anomaly,value', () => labelled, 'value'],
    ['label,v', () => labelFirst, 'v'],
  ])('rcf score %s scores the data column, not the labels', async (_, file, column) => {
    const r = await run(['score', file(), '--trees', '10', '--sample-size', '32']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`of column "${column}"`));
    expect(r.stdout.split('\n')[0]).toMatch(new RegExp(`,expected_${column},imputed$`));
  });

  it.each([
    ['timestamp,is_anomaly,value', () => labelled, 'value'],
    ['label,v', () => labelFirst, 'v'],
  ])('rcf inspect %s says the same column', async (_, file, column) => {
    const r = await run(['inspect', file()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^rcf score would score "${column}" by default \\(--column picks others\\)$`, 'm'));
    expect(r.stdout).toMatch(/is named like a 0\/1 label column: not scored by default/);
    const j = JSON.parse((await run(['inspect', file(), '--json'])).stdout);
    expect(j.defaultColumn).toBe(column);
    expect(j.labelColumns).toEqual([column === 'value' ? 'is_anomaly' : 'label']);
  });

  it('the same on stdin, piped at once or row by row: the label column leaves no choice open, so rows come out at a pause', async () => {
    const atOnce = await run(['score', '-', '--trees', '10', '--sample-size', '32'], { stdin: [labelFirstText] });
    expect(atOnce.code).toBe(0);
    expect(atOnce.stdout.split('\n')[0]).toBe('label,v,score,grade,threshold,expected_v,imputed');
    const lines = labelFirstText.trimEnd().split('\n').slice(0, 8);
    let stdout = '';
    let before = '';
    const slow = await run(['score', '-', '--trees', '10', '--sample-size', '32'], {
      stdin: (async function* () {
        yield lines[0] + '\n' + lines[1] + '\n';
        for (const line of lines.slice(2)) {
          await sleep(25);
          yield line + '\n';
        }
        before = stdout;
      })(),
      pauseMs: 1,
      onStdout: (t) => (stdout = t),
    });
    expect(slow.code).toBe(0);
    expect(slow.stdout.split('\n')[0]).toBe('label,v,score,grade,threshold,expected_v,imputed');
    expect(before.split('\n')[0]).toBe('label,v,score,grade,threshold,expected_v,imputed'); // written before the input ended
    expect(slow.stderr).not.toMatch(/waiting for more rows/);
  });

  it('--group-by: the default column skips the key and the label column', async () => {
    const text = 'host,is_anomaly,cpu\n' + Array.from({ length: 200 }, (_, i) => `h${i % 2},${i === 150 ? 1 : 0},${(i * 7) % 13}`).join('\n') + '\n';
    const r = await run(['score', '-', '--group-by', 'host', '--trees', '10', '--sample-size', '16'], { stdin: [text] });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('host,is_anomaly,cpu,score,grade,threshold,expected_cpu,imputed');
  });

  it('--column still scores a label column', async () => {
    const r = await run(['score', labelFirst, '--column', 'label', '--trees', '10', '--sample-size', '32']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('label,v,score,grade,threshold,expected_label,imputed');
  });

  it('the worker (page, library) scores the same column by default', async () => {
    for (const [text, column] of [[labelText, 'value'], [labelFirstText, 'v']] as const) {
      await api.loadCsv(new Blob([text]), 'f.csv');
      const summary = await api.score({ options: { numberOfTrees: 10, sampleSize: 32 } });
      expect(summary.columns).toEqual([column]);
    }
  });
});
