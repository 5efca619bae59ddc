/**
 * The page's download for scoringMode codisp: what `rcf score --mode codisp` writes (no attribution columns,
 * as --attribution does not go with codisp), byte for byte. README.md says so under "Share and export".
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createForestApi } from '../../src/worker/forest-api';
import { run } from '../cli/helpers';

const api = createForestApi(new URL('../../build/rcf.wasm', import.meta.url));
afterAll(() => api.dispose());

describe('exportCsv() with scoringMode codisp', () => {
  it('equals rcf score --mode codisp (without --attribution, which codisp refuses)', async () => {
    let text = 'time,a,b\n';
    for (let i = 0; i < 900; i++) text += `${i},${(Math.sin(i / 9) + (i === 700 ? 20 : 0)).toFixed(4)},${(100 + 10 * Math.cos(i / 17)).toFixed(3)}\n`;
    const dir = mkdtempSync(join(tmpdir(), 'rcf-codisp-'));
    try {
      const file = join(dir, 'x.csv');
      writeFileSync(file, text);
      const flags = ['score', file, '--column', 'a,b', '--trees', '12', '--shingle-size', '2', '--seed', '3', '--mode', 'codisp'];
      expect((await run([...flags, '--attribution'])).code).toBe(2);
      const cli = await run(flags);
      expect(cli.code).toBe(0);
      await api.loadCsv(text, 'x.csv');
      await api.score({ columns: ['a', 'b'], options: { numberOfTrees: 12, shingleSize: 2, seed: 3, scoringMode: 'codisp' }, chunkRows: 400 });
      const page = await (await api.exportCsv()).text();
      expect(page.split('\n')[0]).toBe('time,a,b,score,grade,threshold,expected_a,expected_b,imputed');
      expect(page).toBe(cli.stdout);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
