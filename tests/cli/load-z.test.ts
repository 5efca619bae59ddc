/** --z beside --load: the snapshot's thresholder goes on with its own z, so a --z would be unused; it is refused. */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliFixture, run } from './helpers';

const sensor = cliFixture('sensor.csv');
const dir = mkdtempSync(join(tmpdir(), 'rcf-load-z-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('rcf score --load with --z', () => {
  it('is refused with one line and exit 2, naming the snapshot\'s z', async () => {
    const model = join(dir, 'model.rcf');
    expect((await run(['score', sensor, '--trees', '5', '--z', '4', '--save', model])).code).toBe(0);
    const r = await run(['score', sensor, '--load', model, '--z', '10']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`rcf: --load takes the alert threshold from the snapshot too (${model} has z 4); leave out --z.\n`);
    expect((await run(['score', sensor, '--load', model])).code).toBe(0);
  });
});
