/**
 * rcf score --group-by: one forest per key, rows in file order. The reference for every key is the same
 * command on that key's rows alone (a file of them), so the test needs no second implementation.
 */
import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_MAX_GROUPS } from '../../src/cli/score';
import { HELP } from '../../src/cli/main';
import { run } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'rcf-group-by-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Three hosts at different levels, interleaved irregularly; a spike on host "b". */
function hostsCsv(rows = 900): string {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const level: Record<string, number> = { a: 10, b: 50, c: 90 };
  const seen: Record<string, number> = { a: 0, b: 0, c: 0 };
  let text = 'time,host,cpu,mem\n';
  for (let i = 0; i < rows; i++) {
    const host = random() < 0.5 ? 'a' : random() < 0.6 ? 'b' : 'c';
    const n = seen[host]++;
    let cpu = level[host] + 3 * Math.sin(n / 15) + random();
    if (host === 'b' && n === 200) cpu += 40;
    const mem = 1000 + 10 * level[host] + 20 * random();
    const t = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    text += `${t},${host},${cpu.toFixed(3)},${mem.toFixed(1)}\n`;
  }
  return text;
}

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The added cells (everything after the input's `width` columns) of each output row, by key. */
function addedByKey(csv: string, width: number, keyAt: number): Map<string, string[]> {
  const byKey = new Map<string, string[]>();
  for (const line of csv.trimEnd().split('\n').slice(1)) {
    const cells = line.split(',');
    const key = cells[keyAt]!;
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key)!.push(cells.slice(width).join(','));
  }
  return byKey;
}

describe('rcf score --group-by', () => {
  const text = hostsCsv();
  const lines = text.trimEnd().split('\n');
  const file = write('hosts.csv', text);
  const options = ['--trees', '20', '--sample-size', '64', '--shingle-size', '2'];

  it('interleaved keys get the scores each key\'s rows get alone; rows stay in file order', async () => {
    const r = await run(['score', file, '--group-by', 'host', ...options, '--attribution']);
    expect(r.code).toBe(0);
    const out = r.stdout.trimEnd().split('\n');
    expect(out[0]).toBe('time,host,cpu,mem,score,grade,threshold,attribution_cpu,expected_cpu,imputed');
    // every input row, in file order, with its cells unchanged
    expect(out.map((l) => l.split(',').slice(0, 4).join(','))).toEqual(lines);
    const grouped = addedByKey(r.stdout, 4, 1);
    expect([...grouped.keys()].sort()).toEqual(['a', 'b', 'c']);
    for (const key of ['a', 'b', 'c']) {
      const own = write(`host-${key}.csv`, [lines[0], ...lines.slice(1).filter((l) => l.split(',')[1] === key)].join('\n') + '\n');
      const alone = await run(['score', own, ...options, '--attribution']);
      expect(alone.code).toBe(0);
      expect(grouped.get(key)).toEqual(addedByKey(alone.stdout, 4, 1).get(key));
    }
    // the spike on host b alerts in b's forest, with b's level as the expected value
    const spike = out.find((l) => l.split(',')[1] === 'b' && Number(l.split(',')[2]) > 80)!.split(',');
    expect(Number(spike[5])).toBeGreaterThan(0);
    expect(Number(spike[8])).toBeGreaterThan(40);
    expect(Number(spike[8])).toBeLessThan(60);
    // the summary: groups and memory per forest, from the forests' stats
    expect(r.stderr).toMatch(/; 3 groups by "host", a forest each of \d+\.\d MB \((\d{1,3}(?:,\d{3})*) bytes\), and as much again for expected values: \d+\.\d MB in all\n$/);
    expect(r.stderr.trim().split('\n').filter((l) => !/Time column|Text column/.test(l))).toHaveLength(1);
  });

  it('several columns per key, and a numeric key column is not scored (the default column skips it)', async () => {
    const numeric = text.replace(/,a,/g, ',1,').replace(/,b,/g, ',2,').replace(/,c,/g, ',3,');
    const path = write('hosts-numeric.csv', numeric);
    const r = await run(['score', path, '--group-by', 'host', '--trees', '10']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('time,host,cpu,mem,score,grade,threshold,expected_cpu,imputed');
    expect(r.stderr).toMatch(/rows of column "cpu"/);
    const two = await run(['score', path, '--group-by', 'host', '--column', 'cpu,mem', '--trees', '10']);
    expect(two.code).toBe(0);
    expect(two.stdout.split('\n')[0]).toBe('time,host,cpu,mem,score,grade,threshold,expected_cpu,expected_mem,imputed');
  });

  it('--format jsonl: the same scores, one object per row', async () => {
    const csv = await run(['score', file, '--group-by', 'host', ...options]);
    const jsonl = await run(['score', file, '--group-by', 'host', ...options, '--format', 'jsonl']);
    expect(jsonl.code).toBe(0);
    const rows = jsonl.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(lines.length - 1);
    expect(rows.map((o) => o.host)).toEqual(lines.slice(1).map((l) => l.split(',')[1]));
    const scores = csv.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(',')[4]);
    expect(rows.map((o) => (o.score === null ? '' : String(o.score)))).toEqual(scores);
  });

  it('on stdin: the same output, each row written as it is scored', async () => {
    const whole = await run(['score', file, '--group-by', 'host', ...options]);
    let stdout = '';
    let beforeLast = -1;
    const stdin = (async function* () {
      yield text.slice(0, 50);
      yield text.slice(50, 9000);
      // a live input pauses: the rows of the first 9000 characters are out before the rest arrives
      await new Promise((resolve) => setTimeout(resolve, 300));
      beforeLast = stdout.split('\n').length - 1;
      yield text.slice(9000);
    })();
    const r = await run(['score', '-', '--group-by', 'host', ...options], { stdin, pauseMs: 50, onStdout: (t) => (stdout = t) });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(whole.stdout);
    expect(beforeLast).toBe(text.slice(0, 9000).split('\n').length - 1);
  });

  it('--max-groups: a new key beyond it stops at its line, naming the key and what to do; the rows before it are written', async () => {
    const r = await run(['score', file, '--group-by', 'host', '--max-groups', '2', ...options]);
    expect(r.code).toBe(2);
    const firstC = lines.findIndex((l) => l.split(',')[1] === 'c');
    expect(r.stderr).toMatch(
      new RegExp(`line ${firstC + 1}: key "c" of column "host" would be group 3, over --max-groups 2 .*raise --max-groups; otherwise group by a column with fewer distinct values`),
    );
    expect(r.stderr.trim().split('\n').filter((l) => !/Time column|Text column/.test(l))).toHaveLength(1);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(firstC);
    expect(DEFAULT_MAX_GROUPS).toBe(1000);
    expect(HELP).toContain('--max-groups N       the most keys --group-by takes (default 1000');
  });

  it('--missing error stops at the first missing value of any key, after the rows before it', async () => {
    const broken = lines.slice();
    broken[30] = broken[30]!.replace(/,[\d.]+,([\d.]+)$/, ',,$1');
    const r = await run(['score', write('hosts-missing.csv', broken.join('\n') + '\n'), '--group-by', 'host', '--missing', 'error', ...options]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 31, column "cpu": the value is missing \(empty cell\), and --missing error stops/);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(30);
  });

  it.each([
    [['--group-by', 'nope'], /has no column "nope" to group by \(--group-by\)\. Columns: time, host, cpu, mem\./],
    [['--group-by', 'host', '--column', 'host'], /Column "host" is the --group-by key, which picks the forest and is not scored/],
    [['--max-groups', '5'], /--max-groups limits --group-by; give --group-by COLUMN as well/],
    [['--group-by', 'host', '--max-groups', '0'], /--max-groups takes a whole number, 1 or more; got "0"/],
    [['--group-by', 'host', '--save', join(dir, 'm.rcf')], /--save and --load keep one forest, and --group-by makes one per key: leave out --save or --group-by/],
    [['--group-by', 'host', '--load', join(dir, 'm.rcf')], /leave out --load or --group-by/],
    [['--group-by', 'host', '--workers', '2'], /--group-by keeps one small forest per key in this thread; leave out --workers/],
  ])('rejects %j with one line and exit code 2', async (args, message) => {
    const r = await run(['score', file, ...(args as string[])]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n').filter((l) => !/Time column|Text column/.test(l))).toHaveLength(1);
  });

  it('rcf inspect refuses the scoring options', async () => {
    const r = await run(['inspect', file, '--group-by', 'host']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--group-by is an option of rcf score, not of rcf inspect/);
  });
});
