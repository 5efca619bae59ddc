/**
 * Writing a Table back out with extra columns (scores, grades…): every original row and column, the
 * table's delimiter and decimal separator, RFC 4180 quoting, LF line breaks (what Unix tools and the
 * command line's stdout expect; every CSV reader, Excel included, accepts them).
 */
import type { Table } from './types';

export interface ExtraColumn {
  name: string;
  values: ArrayLike<number> | ArrayLike<string>;
}

/** Shortest text that reads back as the same number; '' for NaN and ±Infinity. */
export function formatNumber(v: number, decimal: '.' | ','): string {
  if (!Number.isFinite(v)) return '';
  const s = String(v);
  return decimal === ',' ? s.replace('.', ',') : s;
}

/** Quotes a cell when it holds the delimiter, a quote, a line break, or spaces at either end. */
export function quoteCell(s: string, delimiter: string): string {
  if (s.length === 0) return s;
  let needs =
    s.indexOf(delimiter) >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0;
  if (!needs) {
    const a = s.charCodeAt(0);
    const b = s.charCodeAt(s.length - 1);
    needs = a <= 32 || b <= 32 || a === 0xa0 || b === 0xa0 || a === 0xfeff;
  }
  return needs ? `"${s.replace(/"/g, '""')}"` : s;
}

function extraCell(values: ArrayLike<number> | ArrayLike<string>, r: number, decimal: '.' | ','): string {
  if (r >= values.length) return '';
  const v: unknown = values[r];
  if (typeof v === 'number') return formatNumber(v, decimal);
  if (v === undefined || v === null) return '';
  return String(v);
}

/** Names of the output: the header's, then the extra names, made unique with a suffix (_2, _3…). */
export function outputNames(header: readonly string[], extra: readonly string[]): string[] {
  const names = [...header];
  const taken = new Set(names);
  for (const e of extra) {
    let name = e;
    for (let k = 2; taken.has(name); k++) name = `${e}_${k}`;
    taken.add(name);
    names.push(name);
  }
  return names;
}

/** Header names of the output: the table's, then the extra names, made unique with a suffix (_2, _3…). */
export function outputHeader(table: Table, extra: readonly ExtraColumn[]): string[] {
  return outputNames(table.header, extra.map((e) => e.name));
}

function isEmptyLine(line: string, delimiter: string): boolean {
  for (let i = 0; i < line.length; i++) if (line[i] !== delimiter) return false;
  return true;
}

/** The header line of the output (with its LF). */
export function csvHeaderLine(names: readonly string[], delimiter: string): string {
  return names.map((s) => quoteCell(s, delimiter)).join(delimiter) + '\n';
}

/**
 * One output line (with its LF): the row's first `width` cells, then the extra cells (already text), each
 * quoted when needed. A line that would read back as a blank line gets one "" cell.
 */
export function csvLine(row: readonly string[], width: number, extra: readonly string[], delimiter: string): string {
  const d = delimiter;
  let line = '';
  for (let c = 0; c < width; c++) {
    if (c > 0) line += d;
    line += quoteCell(row[c] ?? '', d);
  }
  for (let e = 0; e < extra.length; e++) {
    if (width > 0 || e > 0) line += d;
    line += quoteCell(extra[e]!, d);
  }
  // a line of nothing but delimiters (or nothing) would read back as a blank line: quote one cell
  if (isEmptyLine(line, d)) line = '""' + line;
  return line + '\n';
}

/**
 * The CSV text by pieces of about `rowsPerChunk` rows (header first), so that a big table can be written
 * to a stream or put into a Blob without building one huge string.
 */
export function* tableToCsvChunks(
  table: Table,
  extra: readonly ExtraColumn[] = [],
  rowsPerChunk = 10_000,
): Generator<string, void, undefined> {
  const d = table.delimiter;
  const decimal = table.decimal;
  const width = table.header.length;
  yield csvHeaderLine(outputHeader(table, extra), d);
  let chunk = '';
  const cells = new Array<string>(extra.length);
  for (let r = 0; r < table.rows; r++) {
    for (let e = 0; e < extra.length; e++) cells[e] = extraCell(extra[e]!.values, r, decimal);
    chunk += csvLine(table.cells[r]!, width, cells, d);
    if ((r + 1) % rowsPerChunk === 0) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/**
 * The table as CSV text: every original row and column (extra cells beyond the header are left out), then
 * the extra columns. NaN, ±Infinity, undefined and missing values become empty cells; numbers are written
 * with full precision (shortest round trip) and the table's decimal separator.
 */
export function tableToCsv(table: Table, extra: { name: string; values: ArrayLike<number> | ArrayLike<string> }[]): string {
  let out = '';
  for (const piece of tableToCsvChunks(table, extra)) out += piece;
  return out;
}
