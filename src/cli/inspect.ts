/** rcf inspect: what was understood of a CSV (format, columns, time range, warnings), without scoring. */
import { CsvStreamReader } from '../ingest/stream';
import type { CsvSummary } from '../ingest/stream';
import { DELIMITER_NAMES } from '../ingest/sniff';
import { isoString } from '../ingest/time';
import { defaultColumn, isLabelColumn } from '../ingest/columns';
import { count, firstRows, plural } from '../ingest/table-builder';
import { openSource, Progress, pump } from './input';
import type { Context, Values } from './main';
import { readingOptions } from './options';

export interface InspectJson {
  rows: number;
  delimiter: string;
  decimal: '.' | ',';
  timeColumn: string | null;
  start: string | null;
  end: string | null;
  columns: { name: string; kind: 'time' | 'number' | 'text'; missing: number; min: number | null; max: number | null }[];
  warnings: string[];
  /** The column `rcf score` scores without --column (null: none, or no data rows). */
  defaultColumn: string | null;
  /** Number columns named like 0/1 labels (label, anomaly, is_anomaly…): not scored by default. */
  labelColumns: string[];
}

export function inspectJson(summary: CsvSummary, found: string[] = []): InspectJson {
  return {
    rows: summary.rows,
    delimiter: summary.delimiter,
    decimal: summary.decimal,
    timeColumn: summary.timeColumn,
    start: summary.start,
    end: summary.end,
    columns: summary.columns.map((c) => ({ name: c.name, kind: c.kind, missing: c.missing, min: c.min, max: c.max })),
    warnings: [...summary.warnings, ...found],
    defaultColumn: summary.rows === 0 ? null : defaultColumn(summary.columns, summary.rows),
    labelColumns: summary.columns.filter((c) => c.kind === 'number' && isLabelColumn(c.name)).map((c) => c.name),
  };
}

export async function inspect(file: string, values: Values, ctx: Context): Promise<number> {
  const { io } = ctx;
  const reading = readingOptions(values);
  const source = await openSource(file, io);
  const name = file === '-' ? 'stdin' : file;
  const reader = new CsvStreamReader(reading);
  const tty = io.stderrIsTTY ?? Boolean(process.stderr.isTTY);
  const progress = new Progress(ctx.err, Boolean(values.progress) || tty, tty, source.size);
  const found: string[] = [];
  const after = async () => {
    found.push(...reader.takeWarnings());
    while (reader.take()) {
      // rows are not kept: only the reader's counters matter here
    }
    progress.update(reader.rows, reader.bytes);
  };
  let end;
  try {
    // nothing is written before the end: a pause decides nothing (the layout is the same however the input comes)
    end = await pump(source, reader, ctx.stop, io.pauseMs ?? 200, after, () => false);
    if (end === 'end') progress.update(reader.rows, reader.bytes, true);
  } finally {
    source.close();
    progress.done();
  }
  if (end === 'broken-pipe' || ctx.brokenPipe()) return 0;
  if (end === 'interrupted') {
    ctx.err(`rcf: interrupted after ${plural(reader.rows, 'row')}; nothing to report.\n`);
    return 130;
  }
  const json = inspectJson(reader.summary(), found);
  await ctx.out(values.json ? JSON.stringify(json) + '\n' : readable(name, json, reader.summary().detectedOn));
  return 0;
}

function value(kind: string, v: number | null): string {
  if (v === null) return '';
  if (kind === 'time') return isoString(v) ?? String(v);
  return String(Number(v.toPrecision(10)));
}

function readable(name: string, j: InspectJson, detectedOn: number): string {
  const lines: string[] = [];
  lines.push(
    `${name}: ${plural(j.rows, 'data row')}, ${plural(j.columns.length, 'column')}; delimiter ${DELIMITER_NAMES[j.delimiter] ?? JSON.stringify(j.delimiter)}, ` +
      `decimal ${j.decimal === '.' ? 'point (.)' : 'comma (,)'}`,
  );
  if (j.timeColumn !== null) lines.push(`time column "${j.timeColumn}": ${j.start ?? '?'} to ${j.end ?? '?'}`);
  else lines.push('no time column: rows are taken in file order');
  if (detectedOn < j.rows) lines.push(`format and column kinds decided on ${firstRows(detectedOn)}`);
  lines.push('');
  const rows = [['column', 'kind', 'missing', 'min', 'max'], ...j.columns.map((c) => [c.name, c.kind, count(c.missing), value(c.kind, c.min), value(c.kind, c.max)])];
  const widths = rows[0]!.map((_, k) => Math.max(...rows.map((r) => r[k]!.length)));
  for (const r of rows) lines.push('  ' + r.map((cell, k) => (k === 2 ? cell.padStart(widths[k]!) : cell.padEnd(widths[k]!))).join('  ').trimEnd());
  const chosen = j.defaultColumn;
  lines.push('');
  for (const label of j.labelColumns) lines.push(`"${label}" is named like a 0/1 label column: not scored by default (the page shades its 1s as labelled windows)`);
  lines.push(
    j.rows === 0
      ? 'no data rows (only the header line): nothing to score'
      : chosen !== null
        ? `rcf score would score "${chosen}" by default (--column picks others)`
        : 'no numeric column: nothing to score',
  );
  if (j.warnings.length) {
    lines.push('');
    lines.push('warnings:');
    for (const w of j.warnings) lines.push(`  - ${w}`);
  }
  return lines.join('\n') + '\n';
}
