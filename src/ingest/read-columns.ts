/**
 * Reading a CSV file into its columns of numbers, for the page's worker: the file is read by slices and
 * parsed as it streams (the same CsvStreamReader as the command line), and only the number columns and the
 * time column are kept, as typed arrays. The cells themselves are not kept: exporting reads the file again
 * (exportColumnsCsv). So a file of a gigabyte costs its numbers, not its text.
 *
 * Two things end a read before the end of the file, and neither loses what was read: the caller's signal
 * (the person pressed Stop) and the limits on what is kept (rows, and cells of numbers), which protect the
 * page from running out of memory. Either way the rows read so far are the table, and a warning says where
 * reading stopped and why.
 */
import { csvHeaderLine, csvLine, formatNumber, outputNames, type ExtraColumn } from './export';
import { CsvStreamReader, type DateOrder, type StreamOptions } from './stream';
import { CsvError, type ColumnInfo, type ParseProgress, type Table } from './types';

/** Bytes read per slice of the file. */
export const SLICE_BYTES = 1 << 20;
/** Rows kept by default (the page's charts and the scores of this many rows fit in a tab). */
export const MAX_ROWS = 10_000_000;
/** Cells of numbers (rows × (number columns + time)) kept by default: 240 MB of f64. */
export const MAX_CELLS = 30_000_000;

export interface ReadLimits {
  maxRows?: number;
  maxCells?: number;
  /** Bytes read per slice (default SLICE_BYTES; tests use tiny ones). */
  sliceBytes?: number;
}

/** Progress of a read: bytes of the file read, rows parsed, milliseconds since the read began. */
export interface ReadProgress extends ParseProgress {
  milliseconds: number;
}

/** Why a read ended before the end of the file. */
export interface ReadStop {
  reason: 'stopped' | 'limit';
  /** Rows kept, bytes read of the file's total. */
  rows: number;
  bytes: number;
  totalBytes: number;
}

/** A Table without its cells: the numbers and times of every row read, and the file to read again. */
export interface ColumnTable extends Omit<Table, 'cells' | 'lines'> {
  /** The file, for exporting with its original cells (read again, slice by slice). */
  source: Blob;
  /** The options it was read with (delimiter, decimal, time column, day-first). */
  options: StreamOptions;
  /** Set when reading ended before the end of the file (the rows read so far are the table). */
  stopped: ReadStop | null;
  /** How the time column's dates were read, when they are like 03/04/2020 (day or month first). */
  dateOrder: DateOrder | null;
}

class Column {
  data: Float64Array;
  length = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(capacity);
  }
  append(values: Float64Array, n: number): void {
    if (this.length + n > this.data.length) {
      const grown = new Float64Array(Math.max(this.data.length * 2, this.length + n));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(values.subarray(0, n), this.length);
    this.length += n;
  }
  /** The values, in an array of exactly their length (the spare capacity is given back). */
  done(): Float64Array {
    return this.length === this.data.length ? this.data : this.data.slice(0, this.length);
  }
}

const MB = 1e6; // as file managers count them

function bytesText(n: number): string {
  return n >= 10 * MB ? `${Math.round(n / MB)} MB` : `${(n / MB).toFixed(1)} MB`;
}

/**
 * Reads a CSV Blob (a File) into its number and time columns. Calls onProgress after each slice (at most
 * every 100 ms, and once at the end). Throws CsvError when the file is not a readable CSV (an empty file,
 * a binary file: at once, from its first slice). When `signal` aborts, or a limit is reached, it returns
 * the rows read so far, with `stopped` set and a warning that says where and why.
 */
export async function readCsvColumns(
  blob: Blob,
  options: StreamOptions = {},
  onProgress?: (p: ReadProgress) => void,
  signal?: AbortSignal,
  limits: ReadLimits = {},
): Promise<ColumnTable> {
  const started = performance.now();
  const maxRows = limits.maxRows ?? MAX_ROWS;
  const maxCells = limits.maxCells ?? MAX_CELLS;
  const slice = limits.sliceBytes ?? SLICE_BYTES;
  const reader = new CsvStreamReader(options);
  const total = blob.size;
  let names: string[] = [];
  let columns: Column[] = [];
  let time: Column | null = null;
  let rows = 0;
  let rowLimit = maxRows;
  let limited = false;
  const takeAll = () => {
    for (let batch = reader.take(); batch; batch = reader.take()) {
      if (rows === 0 && columns.length === 0) {
        names = [...batch.numeric.keys()];
        const capacity = Math.min(rowLimit, Math.max(1024, batch.rows * 2));
        columns = names.map(() => new Column(capacity));
        if (batch.time) time = new Column(capacity);
        rowLimit = Math.min(maxRows, Math.floor(maxCells / Math.max(1, names.length + (batch.time ? 1 : 0))));
      }
      const n = Math.min(batch.rows, rowLimit - rows);
      names.forEach((name, k) => columns[k]!.append(batch.numeric.get(name)!, n));
      if (time && batch.time) time.append(batch.time, n);
      rows += n;
      if (n < batch.rows) limited = true;
    }
  };
  let offset = 0;
  let reported = 0;
  let stopped = false;
  while (offset < total) {
    if (signal?.aborted) {
      stopped = true;
      break;
    }
    const end = Math.min(total, offset + slice);
    const bytes = new Uint8Array(await blob.slice(offset, end).arrayBuffer());
    if (signal?.aborted) {
      stopped = true;
      break;
    }
    reader.pushBytes(bytes);
    offset = end;
    takeAll();
    if (limited) break;
    const now = performance.now();
    if (onProgress && now - reported >= 100) {
      reported = now;
      onProgress({ bytes: offset, totalBytes: total, rows: reader.rows, milliseconds: now - started });
    }
  }
  if (stopped || limited) {
    try {
      reader.stop();
    } catch (e) {
      if (!(e instanceof CsvError) || !stopped) throw e;
      throw new CsvError('Reading was stopped before the first data row: nothing was loaded. Load the file again and let it read.');
    }
  } else reader.end();
  takeAll();
  const summary = reader.summary();
  const warnings = [...summary.warnings];
  let stop: ReadStop | null = null;
  if (stopped || limited) {
    stop = { reason: limited ? 'limit' : 'stopped', rows, bytes: offset, totalBytes: total };
    warnings.unshift(
      limited
        ? `Only the first ${rows.toLocaleString('en-US')} rows were read (${bytesText(offset)} of ${bytesText(total)}): the page keeps at most ` +
            `${maxRows.toLocaleString('en-US')} rows and ${maxCells.toLocaleString('en-US')} numbers, so that the tab does not run out of memory. ` +
            'The command line (`rcf score FILE`) scores a file of any size with bounded memory.'
        : `Reading stopped at your request after ${rows.toLocaleString('en-US')} rows (${bytesText(offset)} of ${bytesText(total)}); those rows are loaded.`,
    );
  }
  // rows past the limit were parsed but not kept: the column facts are those of the whole read
  const numeric = new Map<string, Float64Array>();
  names.forEach((name, k) => numeric.set(name, columns[k]!.done()));
  const times = (time as Column | null)?.done() ?? null;
  onProgress?.({ bytes: offset, totalBytes: total, rows, milliseconds: performance.now() - started });
  const columnInfo: ColumnInfo[] = summary.columns;
  return {
    rows,
    header: summary.header,
    columns: columnInfo,
    delimiter: summary.delimiter,
    decimal: summary.decimal,
    timeColumn: summary.timeColumn,
    time: summary.timeColumn !== null ? (times ?? new Float64Array(rows).fill(NaN)) : null,
    start: summary.start,
    end: summary.end,
    numeric,
    warnings,
    source: blob,
    options: {
      ...options,
      delimiter: summary.delimiter,
      decimal: summary.decimal,
      timeColumn: summary.timeColumn,
    },
    stopped: stop,
    dateOrder: reader.layout?.dateOrder ?? null,
  };
}

/**
 * The table's file again, as CSV with extra columns: every original row (of those read) and column, then
 * the extra ones, in the file's delimiter and decimal separator. Reads the file slice by slice and returns
 * the text as a Blob built from pieces, so even a gigabyte never becomes one string. `onProgress` hears of
 * the bytes of the file read again after each slice (awaited: it may wait, or throw to stop).
 */
export async function exportColumnsCsv(
  table: ColumnTable, extra: readonly ExtraColumn[], sliceBytes = SLICE_BYTES,
  onProgress?: (bytes: number, totalBytes: number) => void | Promise<void>,
): Promise<Blob> {
  const reader = new CsvStreamReader(table.options);
  const d = table.delimiter;
  const decimal = table.decimal;
  const width = table.header.length;
  const parts: string[] = [csvHeaderLine(outputNames(table.header, extra.map((e) => e.name)), d)];
  const cells = new Array<string>(extra.length);
  let row = 0;
  const write = () => {
    for (let batch = reader.take(); batch; batch = reader.take()) {
      let text = '';
      for (let r = 0; r < batch.rows && row < table.rows; r++, row++) {
        for (let e = 0; e < extra.length; e++) {
          const values = extra[e]!.values;
          const v: unknown = row < values.length ? values[row] : undefined;
          cells[e] = typeof v === 'number' ? formatNumber(v, decimal) : v === undefined || v === null ? '' : String(v);
        }
        text += csvLine(batch.cells[r]!, width, cells, d);
      }
      if (text) parts.push(text);
    }
  };
  const blob = table.source;
  for (let offset = 0; offset < blob.size && row < table.rows; ) {
    const end = Math.min(blob.size, offset + sliceBytes);
    reader.pushBytes(new Uint8Array(await blob.slice(offset, end).arrayBuffer()));
    offset = end;
    write();
    await onProgress?.(offset, blob.size);
  }
  if (row < table.rows) {
    reader.end();
    write();
  }
  return new Blob(parts, { type: 'text/csv;charset=utf-8' });
}

/**
 * The file's line and the cell as written at data row `row` (0-based, of those read) and header column
 * `column` (0-based), by reading the file again up to it (for saying where a missing value is). Null when
 * the file has fewer rows.
 */
export async function cellAt(
  table: ColumnTable, row: number, column: number, sliceBytes = SLICE_BYTES,
): Promise<{ line: number; cell: string } | null> {
  const reader = new CsvStreamReader(table.options);
  let seen = 0;
  const find = (): { line: number; cell: string } | null => {
    for (let batch = reader.take(); batch; batch = reader.take()) {
      if (row < seen + batch.rows) {
        const r = row - seen;
        return { line: batch.lines[r]!, cell: batch.cells[r]![column] ?? '' };
      }
      seen += batch.rows;
    }
    return null;
  };
  const blob = table.source;
  for (let offset = 0; offset < blob.size; ) {
    const end = Math.min(blob.size, offset + sliceBytes);
    reader.pushBytes(new Uint8Array(await blob.slice(offset, end).arrayBuffer()));
    offset = end;
    const found = find();
    if (found) return found;
  }
  reader.end();
  return find();
}
