/**
 * rcf score --workers N: the trees sharded over N worker threads give the same output, bit for bit (the
 * attribution columns to 1e-9: they are summed in floating point, shard by shard), in this process and from
 * the bundled command, which also exits (the workers are closed) after a run, an error or Ctrl-C.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { parseCsvText } from '../../src/ingest';
import { cliFixture, ensureBuilt, run, spawnBin } from './helpers';

const sensor = cliFixture('sensor.csv');
const missing = cliFixture('missing.csv');

describe('rcf score --workers', () => {
  it('writes the same rows for any number of workers, and says how many it used', async () => {
    const args = ['score', sensor, '--column', 'temperature,pressure', '--trees', '20', '--shingle-size', '2', '--format', 'jsonl'];
    const one = await run(args);
    expect(one.code).toBe(0);
    expect(one.stderr).not.toMatch(/worker threads/);
    for (const n of ['2', '3']) {
      const r = await run([...args, '--workers', n]);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(one.stdout);
      expect(r.stderr).toMatch(new RegExp(`seed 42, ${n} worker threads\\)`));
    }
    // never more workers than trees
    expect((await run(['score', sensor, '--trees', '2', '--workers', '4'])).stderr).toMatch(/, 2 worker threads\)/);
  });

  it('--attribution: scores, grades and thresholds bit for bit, attribution to 1e-9', async () => {
    const args = ['score', sensor, '--column', 'temperature,pressure', '--trees', '20', '--attribution'];
    const a = parseCsvText((await run(args)).stdout);
    const b = parseCsvText((await run([...args, '--workers', '2'])).stdout);
    for (const c of ['score', 'grade', 'threshold']) expect(Array.from(b.numeric.get(c)!)).toEqual(Array.from(a.numeric.get(c)!));
    for (const c of ['attribution_temperature', 'attribution_pressure']) {
      const x = a.numeric.get(c)!;
      const y = b.numeric.get(c)!;
      let finite = 0;
      for (let i = 0; i < x.length; i++) {
        if (Number.isNaN(x[i])) expect(Number.isNaN(y[i])).toBe(true);
        else {
          expect(Math.abs(x[i]! - y[i]!)).toBeLessThan(1e-9);
          finite++;
        }
      }
      expect(finite).toBeGreaterThan(500);
    }
  });

  it('--missing error stops at the same line, with the rows before it written', async () => {
    const args = ['score', missing, '--column', 'value,load', '--missing', 'error', '--trees', '6', '--sample-size', '8'];
    const one = await run(args);
    const two = await run([...args, '--workers', '2']);
    expect(one.code).toBe(2);
    expect([two.code, two.stdout, two.stderr]).toEqual([one.code, one.stdout, one.stderr]);
  });

  it.each([
    [['score', sensor, '--workers', '0'], /--workers takes a whole number from 1 to 64; got "0"/],
    [['score', sensor, '--workers', '65'], /--workers takes a whole number from 1 to 64; got "65"/],
    [['score', sensor, '--workers', 'two'], /--workers takes a whole number; got "two"/],
    [['inspect', sensor, '--workers', '2'], /--workers is an option of rcf score, not of rcf inspect/],
  ])('refuses %j', async (args, message) => {
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});

describe('bin/rcf.js --workers (the bundled command, spawned)', () => {
  beforeAll(() => ensureBuilt(), 60_000);

  it('runs its worker threads from the bundle, gives the same output, and exits', async () => {
    const one = spawnBin(['score', sensor, '--trees', '10']);
    const two = spawnBin(['score', sensor, '--trees', '10', '--workers', '2']);
    const [a, b] = await Promise.all([one.exit, two.exit]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(two.stdout()).toBe(one.stdout());
    expect(two.stderr()).toMatch(/2 worker threads\)/);
  });

  it('Ctrl-C mid-stream: rows so far written, exit code 130, no worker left running', async () => {
    const p = spawnBin(['score', '-', '--trees', '10', '--workers', '2']);
    let i = 0;
    let writing = true;
    const more = () => {
      let chunk = i === 0 ? 'time,value\n' : '';
      for (let k = 0; k < 500; k++, i++) chunk += `${1_700_000_000 + i},${Math.sin(i / 10).toFixed(4)}\n`;
      if (writing) p.child.stdin.write(chunk, () => setTimeout(more, 5));
    };
    more();
    await p.lines(2000, 10_000);
    p.child.kill('SIGINT');
    const { code, signal } = await p.exit;
    writing = false;
    expect(signal).toBeNull();
    expect(code).toBe(130);
    expect(p.stderr()).toMatch(/interrupted: wrote the \d{1,3}(,\d{3})* rows read so far/);
  });
});
