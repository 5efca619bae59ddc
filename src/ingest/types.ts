/**
 * Types shared by every part of CSV ingestion. No DOM and no Node imports: this runs in a Web Worker and
 * in Node alike.
 */

export type ColumnKind = 'time' | 'number' | 'text';

export interface ColumnInfo {
  /** Header name (trimmed; "column N" when the header cell is empty; "name_2" for a repeated name). */
  name: string;
  /** 0-based position in the header and in each row of `cells`. */
  index: number;
  kind: ColumnKind;
  /** Cells with no usable value: empty, a missing marker (NA, null, …), or unparsable for the column's kind. */
  missing: number;
  /** Smallest / largest value: numbers for 'number', epoch milliseconds for 'time', null for 'text' (or none). */
  min: number | null;
  max: number | null;
}

export interface Table {
  /** Data rows (header excluded, blank lines excluded). */
  rows: number;
  header: string[];
  columns: ColumnInfo[];
  /** ',', ';', '\t', '|' (or the one given in the options). */
  delimiter: string;
  decimal: '.' | ',';
  timeColumn: string | null;
  /** Epoch milliseconds (UTC) per row, NaN where unparsable. */
  time: Float64Array | null;
  /** ISO 8601 UTC of the first / last valid time in file order. */
  start: string | null;
  end: string | null;
  /** Each 'number' column by name; NaN where a cell is empty or bad. */
  numeric: Map<string, Float64Array>;
  /** Cells of each data row: at least header.length cells (short rows padded with ''); extra cells kept. */
  cells: string[][];
  /** 1-based line number in the file where each data row starts. */
  lines: Int32Array;
  /** Human-readable format facts and trouble found, with line numbers. */
  warnings: string[];
}

export interface ParseOptions {
  /** Field delimiter (one character; "\\t" or "tab" also mean a tab). Detected when absent. */
  delimiter?: string;
  /** Decimal separator. Detected from the numbers when absent. */
  decimal?: '.' | ',';
  /** Time column by header name; null = none; absent = detected. */
  timeColumn?: string | null;
  /** For dates like 03/04/2020 when nothing in the column settles the order. Default false (month first). */
  dayFirst?: boolean;
}

export interface ParseProgress {
  bytes: number;
  totalBytes: number;
  rows: number;
}

/**
 * A CSV file that cannot be read. The message says what is wrong, where (line, column), what was expected
 * and what to do about it; `line` (1-based) and `column` (header name, or 1-based number when unnamed) are
 * null when they do not apply.
 */
export class CsvError extends Error {
  line: number | null;
  column: string | number | null;

  constructor(message: string, line: number | null = null, column: string | number | null = null) {
    super(message);
    this.name = 'CsvError';
    this.line = line;
    this.column = column;
  }
}
