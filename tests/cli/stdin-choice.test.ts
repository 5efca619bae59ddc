/**
 * rcf score - without --column: the column scored does not depend on where the input pauses. A pause settles
 * the layout on the rows in hand only when more rows cannot change the column chosen (src/ingest/columns.ts,
 * possibleDefaultColumns); otherwise the rows wait for more. The stdin here pauses between its rows: the
 * CLI's pause is 1 ms, each row comes 25 ms after the CLI asks for it. Only outcomes are asserted.
 */
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/ingest';
import { run } from './helpers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The tester's input: t numbers the rows, value has a spike at t = 9. */
const lines = ['t,value', ...Array.from({ length: 10 }, (_, i) => `${i + 1},${i === 8 ? 500 : i === 9 ? 20 : (i + 1) * 2}`)];
const text = lines.join('\n') + '\n';

/** stdin giving one line at a time, pausing before each; `seen()` records whether stdout had rows before the end. */
function paused(rows: string[], before?: () => Promise<void>) {
  return (async function* () {
    yield rows[0] + '\n' + rows[1] + '\n';
    for (const line of rows.slice(2)) {
      await sleep(25);
      yield line + '\n';
    }
    await before?.();
  })();
}

describe('rcf score - chooses the column to score the same however the input pauses', () => {
  const args = ['score', '-', '--output-after', '1', '--trees', '10'];

  it('a column that numbers the rows leaves the choice open at a pause: the rows wait, and "value" is scored, as when piped at once; --column settles it at once', async () => {
    const atOnce = await run(args, { stdin: [text] });
    expect(atOnce.code).toBe(0);
    expect(atOnce.stdout.split('\n')[0]).toBe('t,value,score,grade,threshold,expected_value,imputed');
    let before = '-';
    let stdout = '';
    const slow = await run(args, {
      stdin: paused(lines, async () => void (before = stdout)),
      pauseMs: 1,
      onStdout: (t) => (stdout = t),
    });
    expect(slow.code).toBe(0);
    expect(before).toBe(''); // nothing written while the choice was open
    expect(slow.stdout).toBe(atOnce.stdout);
    expect(slow.stderr).toMatch(/rows of column "value"/);
    expect(slow.stderr).toContain(
      'rcf: note: stdin: waiting for more rows before writing any: the column to score is not settled on the first row ("t" or "value"; ' +
        '"t" numbers the rows so far, like a row index, which is not scored by default). More rows settle it (10,000 at most, or the end of the input); --column chooses at once.\n',
    );
    // the spike stands out in "value"
    const scores = parseCsvText(slow.stdout).numeric.get('score')!;
    expect(scores[8]).toBeGreaterThan(2 * Math.max(scores[7]!, scores[9]!));

    // --column settles it: the rows come out at a pause, before the input ends
    stdout = '';
    let early = false;
    const rows = await run([...args, '--column', 'value'], {
      stdin: (async function* () {
        yield lines.slice(0, 4).join('\n') + '\n';
        // the pause: wait until the rows are written (a bound keeps a failure from hanging)
        for (let i = 0; i < 200 && !stdout.includes('\n3,6,'); i++) await sleep(25);
        early = stdout.includes('\n3,6,');
        yield lines.slice(4).join('\n') + '\n';
      })(),
      pauseMs: 1,
      onStdout: (t) => (stdout = t),
    });
    expect(rows.code).toBe(0);
    expect(early).toBe(true);
    expect(rows.stdout).toBe((await run([...args, '--column', 'value'], { stdin: [text] })).stdout);
    expect(rows.stderr).not.toMatch(/waiting for more rows/);
  });

  it('a column of NA so far may become a number column: the rows wait, and it is scored, as when piped at once', async () => {
    const input = ['x,value', 'NA,5', 'NA,7', '20,9', '30,4', '25,6', '40,5'];
    const atOnce = await run(args, { stdin: [input.join('\n') + '\n'] });
    expect(atOnce.stderr).toMatch(/rows of column "x"/);
    const slow = await run(args, { stdin: paused(input), pauseMs: 1 });
    expect(slow.code).toBe(0);
    expect(slow.stdout).toBe(atOnce.stdout);
    expect(slow.stderr).toMatch(/not settled on the first row \("x" or "value"\)/);
  });

  it('Ctrl-C while the choice is open: the rows in hand are scored on their own choice, and a note says so', async () => {
    const controller = new AbortController();
    const r = await run(args, {
      stdin: (async function* () {
        yield* paused(lines.slice(0, 6));
        controller.abort();
        await new Promise(() => {}); // never ends, like a terminal left open
      })(),
      pauseMs: 1,
      interrupt: controller.signal,
    });
    expect(r.code).toBe(130);
    expect(r.stdout.trim().split('\n')).toHaveLength(6);
    expect(r.stdout.split('\n')[0]).toBe('t,value,score,grade,threshold,expected_value,imputed');
    expect(r.stderr).toContain('rcf: note: stdin: scored "value", chosen on the first 5 rows as the input stopped; more rows could have chosen "t"; --column chooses.\n');
  });
});

describe('rcf inspect - decides nothing at a pause', () => {
  it('the same report as when piped at once, though a column is empty in the first row', async () => {
    const input = ['a,b', '1,', '2,5', '3,6', '4,7'];
    const atOnce = await run(['inspect', '-', '--json'], { stdin: [input.join('\n') + '\n'] });
    const slow = await run(['inspect', '-', '--json'], { stdin: paused(input), pauseMs: 1 });
    expect(slow.code).toBe(0);
    expect(JSON.parse(slow.stdout).columns.map((c: { kind: string }) => c.kind)).toEqual(['number', 'number']);
    expect(slow.stdout).toBe(atOnce.stdout);
  });
});
