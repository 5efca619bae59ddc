/**
 * A forest too large for the kernel's memory is refused with the options, before any run: by
 * resolveOptions (so the library, the worker and rcf), and on the page by checkSettings and per field.
 */
import { describe, it, expect } from 'vitest';
import { forestMemoryBytes, KERNEL_MAX_BYTES, OptionsError, resolveOptions } from '../../src/shared/options';
import { checkSettings, DEFAULT_SETTINGS, settingProblems } from '../../src/ui/settings';
import { instantiateKernel } from '../../src/kernel/kernel';
import { kernelArguments } from '../../src/forest/forest';

const kernel = new URL('../../build/rcf.wasm', import.meta.url);
const HUGE = { numberOfTrees: 1000, sampleSize: 8192, shingleSize: 256 };

describe('a forest too large for the kernel', () => {
  it('is refused by resolveOptions, naming the options and the memory', () => {
    expect(() => resolveOptions(HUGE)).toThrow(OptionsError);
    expect(() => resolveOptions(HUGE)).toThrow(
      /^numberOfTrees 1,000 × sampleSize 8,192 × shingleSize 256 need about 1\d\.\d GiB, more than the kernel's memory can hold \(WebAssembly: 4 GiB at most\); use fewer trees, a smaller sample or a shorter shingle\.$/,
    );
    expect(() => resolveOptions({ numberOfTrees: 400, sampleSize: 8192, shingleSize: 64, inputDimensions: 3 })).toThrow(
      /^numberOfTrees 400 × sampleSize 8,192 × shingleSize 64 × 3 columns need about/,
    );
    expect(() => resolveOptions({ numberOfTrees: 100, sampleSize: 256, shingleSize: 8 })).not.toThrow();
  });

  it('at the same size as the kernel refuses (its estimate, timeDecay included)', async () => {
    for (const timeDecay of [0, 1e-4, undefined]) {
      const base = { sampleSize: 8192, shingleSize: 64, timeDecay };
      // the most trees resolveOptions takes
      const small = resolveOptions({ ...base, numberOfTrees: 1 });
      let most = 1;
      while (most < 1000 && forestMemoryBytes({ ...small, numberOfTrees: most + 1 }) <= KERNEL_MAX_BYTES) most++;
      expect(() => resolveOptions({ ...base, numberOfTrees: most })).not.toThrow();
      expect(most).toBeLessThan(1000);
      expect(() => resolveOptions({ ...base, numberOfTrees: most + 1 })).toThrow(/more than the kernel's memory can hold/);
      // one tree more: the kernel refuses it too (without growing its memory)
      const o = { ...small, numberOfTrees: most + 1 };
      const k = await instantiateKernel(kernel);
      expect(k.configure(...kernelArguments(o, 64, most + 1, 0))).toBe(0);
    }
  });

  it('on the page: checkSettings says it, and numberOfTrees, sampleSize and shingleSize are each marked', () => {
    const settings = { ...DEFAULT_SETTINGS, ...HUGE };
    expect(() => checkSettings(settings)).toThrow(/^numberOfTrees 1,000 × sampleSize 8,192 × shingleSize 256 need about 1\d\.\d GiB/);
    const problems = settingProblems(settings);
    expect(problems.numberOfTrees).toMatch(/^Too large with sampleSize 8,192 and shingleSize 256: together they need about 1\d\.\d GiB/);
    expect(problems.sampleSize).toMatch(/^Too large with numberOfTrees 1,000 and shingleSize 256:/);
    expect(problems.shingleSize).toMatch(/^Too large with numberOfTrees 1,000 and sampleSize 8,192:/);
    expect(problems.seed).toBe('');
    // columns scored together count
    const wide = { ...DEFAULT_SETTINGS, numberOfTrees: 400, sampleSize: 8192, shingleSize: 64 };
    expect(settingProblems(wide, 1).numberOfTrees).toBe('');
    expect(settingProblems(wide, 3).numberOfTrees).toMatch(/and 3 columns: together/);
    // a field that is wrong by itself is said alone
    expect(settingProblems({ ...settings, numberOfTrees: 0 }).sampleSize).toBe('');
  });

  it('rcf says the same before it reads the file', async () => {
    const { run, cliFixture } = await import('../cli/helpers');
    const r = await run(['score', cliFixture('sensor.csv'), '--trees', '1000', '--sample-size', '8192', '--shingle-size', '256']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/numberOfTrees 1,000 × sampleSize 8,192 × shingleSize 256 need about 1\d\.\d GiB, more than the kernel's memory can hold/);
  });
});
