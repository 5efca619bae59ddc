/** The command line takes the forest options and z within the page's limits, and says what is wrong in the page's words. */
import { describe, expect, it } from 'vitest';
import { forestOptions, zOption } from '../../src/cli/score';
import type { Values } from '../../src/cli/main';
import { resolveOptions } from '../../src/shared/options';
import { settingProblem, type CheckedSetting } from '../../src/ui/settings';
import { cliFixture, run } from './helpers';

const sensor = cliFixture('sensor.csv');

describe('rcf score options and the page agree', () => {
  it.each(['0.1', '0.49', '20.5', '100', '-1', '0', 'abc', ''])('--z %j is refused with the page\'s message, one line, exit 2', async (z) => {
    const r = await run(['score', sensor, `--z=${z}`]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const page = settingProblem('z', z === '' ? null : Number(z));
    // the page's sentence, with the flag's name and the text as given
    const rule = page.slice(0, page.indexOf(';'));
    expect(rule).toBe('Must be a number from 0.5 to 20');
    expect(r.stderr).toBe(`rcf: --z m${rule.slice(1)}; got ${z === '' ? '""' : z}.\n`);
  });

  it.each([0.5, 1, 3, 19.5, 20])('--z %s is taken, as on the page', (z) => {
    expect(settingProblem('z', z)).toBe('');
    expect(zOption(String(z))).toBe(z);
  });

  const FLAGS: Record<Exclude<CheckedSetting, 'z'>, keyof Values> = {
    numberOfTrees: 'trees',
    sampleSize: 'sample-size',
    shingleSize: 'shingle-size',
    seed: 'seed',
    timeDecay: 'time-decay',
    outputAfter: 'output-after',
  };
  const EDGES: Record<Exclude<CheckedSetting, 'z'>, number[]> = {
    numberOfTrees: [0, 1, 1000, 1001],
    sampleSize: [3, 4, 8192, 8193],
    shingleSize: [0, 1, 256, 257],
    seed: [0, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2],
    timeDecay: [0, 0.5, 1, 1.01],
    outputAfter: [0, 5, 100000],
  };
  it.each(Object.keys(FLAGS) as Exclude<CheckedSetting, 'z'>[])('--%s takes what the page takes at the edges of its range', (name) => {
    for (const v of EDGES[name]) {
      const page = settingProblem(name, v) === '';
      let cli = true;
      try {
        resolveOptions(forestOptions({ [FLAGS[name]]: String(v) } as Values));
      } catch {
        cli = false;
      }
      expect([name, v, cli]).toEqual([name, v, page]);
    }
  });
});
