/**
 * Streaming CSV reading for inputs too large to hold (the command line's files and stdin): the format and
 * the column kinds are decided on the first rows, then every later row is read with those decisions and
 * handed on in batches, so memory stays bounded whatever the input's size.
 *
 * The first rows go through the same TableBuilder as parseCsvText, so when the whole input fits in them
 * (DETECT_ROWS rows, by default) the rows, values and warnings are exactly parseCsvText's. Later rows are
 * read with the decisions made on the first ones; cells that contradict them (text in a number column, a
 * time that does not read) count as missing and are reported with their line, as soon as they are found
 * (takeWarnings) and counted in the warnings at the end (summary).
 *
 * Nothing here calls back: push text (or bytes), then take() the rows that are ready.
 */
import { COMMA, DOT, isMissingMarker, parseNumber } from './numbers';
import { chooseDecoder, PROBE_BYTES } from './parse-blob';
import type { Decoder } from './parse-blob';
import { CsvFrontEnd } from './reader';
import { composeWarnings, count, TableBuilder } from './table-builder';
import type { ColumnDecisions, ColumnTally, ReadFacts, TimeTally, WarningParts } from './table-builder';
import { GAP_FACTOR, isoString, parseTimestamp } from './time';
import type { ColumnInfo, ParseOptions, Table } from './types';

/** Data rows the decisions are made on, by default. */
export const DETECT_ROWS = 10_000;
/** …unless the rows are wide: at most this many cells (but at least 200 rows). */
const DETECT_CELLS = 500_000;

export interface StreamOptions extends ParseOptions {
  /** Data rows the column kinds, decimal separator and time column are decided on (default 10,000). */
  detectRows?: number;
}

/** What was decided on the first rows. */
export interface CsvLayout {
  header: string[];
  delimiter: string;
  decimal: '.' | ',';
  timeColumn: string | null;
  /** Kinds, and missing/min/max over the rows the decisions were made on. */
  columns: ColumnInfo[];
  /** Data rows the decisions were made on. */
  rows: number;
  /** Whether those rows are the whole input. */
  complete: boolean;
  /** The time column's date order (open: its dates like 03/04/2020 do not settle day-first against month-first). */
  dateOrder: DateOrder | null;
  /**
   * Only in the layout decideNow offers to `accept`: the text columns with no value in the rows so far (only
   * empty cells or missing markers like NA), which more rows could make number columns.
   */
  valueless?: string[];
}

/** How a column of dates like 03/04/2020 was read: day first or month first, and whether the dates settle it. */
export interface DateOrder {
  dayFirst: boolean;
  /**
   * Nothing in the dates settles it (no day above 12): the dayFirst option decided, else the reading in which the
   * times of the rows the decision was made on go forward, else the usual way (dots day first, others month first).
   */
  open: boolean;
}

/** Consecutive data rows, read with the layout's decisions. */
export interface RowBatch {
  /** 0-based index of the batch's first row among all data rows. */
  first: number;
  rows: number;
  /** Cells of each row: at least header.length (short rows padded with ''). */
  cells: string[][];
  /** 1-based line where each row starts. */
  lines: Int32Array;
  /** Each 'number' column by name; NaN where a cell is empty, a missing marker or not a number. */
  numeric: Map<string, Float64Array>;
  /** Epoch milliseconds of the time column per row (NaN where unreadable), or null. */
  time: Float64Array | null;
}

/** What a whole stream held: a Table without its cells and values. */
export interface CsvSummary {
  rows: number;
  header: string[];
  columns: ColumnInfo[];
  delimiter: string;
  decimal: '.' | ',';
  timeColumn: string | null;
  start: string | null;
  end: string | null;
  warnings: string[];
  /** Data rows the format and kinds were decided on. */
  detectedOn: number;
}

function quote(s: string, max = 40): string {
  return JSON.stringify(s.length > max ? s.slice(0, max) + '…' : s);
}

function validTime(t: number): boolean {
  return t === t && t <= 8.64e15 && t >= -8.64e15;
}

class Growable {
  data: Float64Array;
  constructor(capacity: number) {
    this.data = new Float64Array(capacity);
  }
}

/** The layout of the first rows, read into `table` with decisions `d`. */
function layoutOf(table: Table, d: ColumnDecisions, complete: boolean): CsvLayout {
  return {
    header: table.header,
    delimiter: table.delimiter,
    decimal: table.decimal,
    timeColumn: table.timeColumn,
    columns: table.columns,
    rows: table.rows,
    complete,
    dateOrder:
      d.timeIndex >= 0 && d.dayFirst[d.timeIndex] !== null && d.dayFirst[d.timeIndex] !== undefined
        ? { dayFirst: d.dayFirst[d.timeIndex]!, open: d.dayFirstOpen[d.timeIndex] ?? false }
        : null,
  };
}

/**
 * Incremental reader: push(text) or pushBytes(bytes) as the input arrives, end() at its end; take() the
 * batches of rows ready (the first batch comes once the layout is decided), takeWarnings() the trouble
 * found since the last call, summary() after end().
 */
export class CsvStreamReader {
  private readonly options: StreamOptions;
  private readonly builder = new TableBuilder();
  private readonly front: CsvFrontEnd;
  private decoder: Decoder | null = null;
  private limit = 0;
  private ended = false;

  private layoutValue: CsvLayout | null = null;
  private decisions: ColumnDecisions | null = null;
  private parts: WarningParts | null = null;
  private prefix: Table | null = null;
  private detectedOn = 0;

  // roles of the columns, by index
  private numberCols: number[] = [];
  private numberNames: string[] = [];
  private otherDateCols: number[] = [];
  private textCols: number[] = [];
  private timeIndex = -1;
  private decimal = DOT as number;

  // rows read after the decision, not yet taken
  private batchCells: string[][] = [];
  private batchLines = new Int32Array(1024);
  private batchValues: Growable[] = [];
  private batchTime: Growable | null = null;
  private batchRows = 0;
  private batchFirst = 0;
  private total = 0;

  // counters past the first rows
  private tallies: ColumnTally[] = [];
  private time: TimeTally | null = null;
  private prevTime = NaN;
  private gapLimit = NaN;
  private startMs = NaN;
  private endMs = NaN;
  private prefixStart: string | null = null;
  private readonly contradicted = new Set<number>();
  private found: string[] = [];

  /** Bytes given to pushBytes so far. */
  bytes = 0;

  constructor(options: StreamOptions = {}) {
    this.options = options;
    this.front = new CsvFrontEnd(options, this.onRecord);
  }

  /** The decisions, once made (null before). */
  get layout(): CsvLayout | null {
    return this.layoutValue;
  }

  /** Data rows the decisions are made on at most (detectRows, fewer for wide rows); 0 before the header. */
  get detectLimit(): number {
    return this.limit;
  }

  /** Data rows read so far. */
  get rows(): number {
    return this.decisions ? this.total : this.builder.rows;
  }

  /** A format fact found outside the text (the encoding), reported first among the warnings. */
  note(text: string): void {
    this.front.note(text);
  }

  push(text: string): void {
    if (this.ended) throw new Error('CsvStreamReader.push after end');
    this.front.push(text);
  }

  /**
   * Bytes of the file: UTF-8 unless its first bytes show UTF-16 (BOM) or are not valid UTF-8 (then
   * Windows-1252), as parseCsvBlob decides on its first 64 KiB (here: of the first chunk).
   */
  pushBytes(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    if (!this.decoder) this.decoder = chooseDecoder(bytes.subarray(0, PROBE_BYTES), this);
    this.bytes += bytes.length;
    this.push(this.decoder.decode(bytes, { stream: true }));
  }

  /**
   * Decides now on the rows in hand, without waiting for DETECT_ROWS of them (a live stream that pauses).
   * False when no data row is complete yet, or when `accept` is given and turns down the layout the rows in
   * hand give (then nothing is decided: the rows are kept, and more rows may be pushed and decided on later).
   */
  decideNow(accept?: (layout: CsvLayout) => boolean): boolean {
    if (this.decisions) return true;
    if (this.ended) return false;
    if (!this.front.startNow()) return false;
    if (this.builder.header === null || this.builder.rows === 0) return false;
    const facts = this.front.facts();
    const table = this.builder.finish(this.options, facts);
    if (accept) {
      const offered = layoutOf(table, this.builder.decisions!, false);
      offered.valueless = table.columns
        .filter((c) => c.kind === 'text' && table.cells.every((row) => row[c.index] === '' || isMissingMarker(row[c.index]!)))
        .map((c) => c.name);
      if (!accept(offered)) return false;
    }
    this.decide(facts, false, table);
    return true;
  }

  /** End of the input: the last row, and the decision if it was not made yet. Throws CsvError on an empty file. */
  end(): void {
    if (this.ended) return;
    if (this.decoder) {
      const rest = this.decoder.decode();
      if (rest) this.front.push(rest);
    }
    this.ended = true;
    const facts = this.front.finish();
    if (!this.decisions) this.decide(facts, true);
  }

  /**
   * Ends the input here, before its real end: the incomplete row at the end of what was pushed is dropped
   * (never read as a short row), the rows complete so far stay to be taken. Then as end().
   */
  stop(): void {
    if (this.ended) return;
    this.front.dropRest();
    this.decoder = null;
    this.end();
  }

  /** The next batch of rows ready, or null. The first batch is the rows the decisions were made on. */
  take(): RowBatch | null {
    if (this.prefix) {
      const t = this.prefix;
      this.prefix = null;
      const numeric = new Map<string, Float64Array>();
      for (const name of this.numberNames) numeric.set(name, t.numeric.get(name)!);
      return { first: 0, rows: t.rows, cells: t.cells, lines: t.lines, numeric, time: t.time };
    }
    if (this.batchRows === 0) return null;
    const n = this.batchRows;
    const numeric = new Map<string, Float64Array>();
    for (let k = 0; k < this.numberNames.length; k++) {
      numeric.set(this.numberNames[k]!, this.batchValues[k]!.data.subarray(0, n));
    }
    const batch: RowBatch = {
      first: this.batchFirst,
      rows: n,
      cells: this.batchCells,
      lines: this.batchLines.subarray(0, n),
      numeric,
      time: this.batchTime ? this.batchTime.data.subarray(0, n) : null,
    };
    // fresh buffers: the batch keeps its own
    const capacity = Math.max(1024, n);
    this.batchCells = [];
    this.batchLines = new Int32Array(capacity);
    this.batchValues = this.numberNames.map(() => new Growable(capacity));
    this.batchTime = this.batchTime ? new Growable(capacity) : null;
    this.batchFirst += n;
    this.batchRows = 0;
    return batch;
  }

  /** Trouble found in the rows after the first ones since the last call, each with its line. */
  takeWarnings(): string[] {
    const w = this.found;
    this.found = [];
    return w;
  }

  /** The whole input's facts and warnings (after end()). */
  summary(): CsvSummary {
    if (!this.ended || !this.decisions || !this.parts) throw new Error('CsvStreamReader.summary before end');
    const d = this.decisions;
    const parts: WarningParts = { ...this.parts, rows: this.total, time: this.time, tallies: this.tallies };
    const layout = this.layoutValue!;
    const columns: ColumnInfo[] = d.header.map((name, index) => {
      const t = this.tallies[index]!;
      return { name, index, kind: d.kinds[index]!, missing: t.missing, min: t.min, max: t.max };
    });
    return {
      rows: this.total,
      header: d.header,
      columns,
      delimiter: layout.delimiter,
      decimal: layout.decimal,
      timeColumn: layout.timeColumn,
      start: this.prefixStart ?? (this.startMs === this.startMs ? isoString(this.startMs) : null),
      end: this.endMs === this.endMs ? isoString(this.endMs) : null,
      warnings: composeWarnings(parts),
      detectedOn: this.detectedOn,
    };
  }

  private readonly onRecord = (cells: string[], line: number): void => {
    if (this.decisions) {
      this.row(cells, line);
      return;
    }
    const builder = this.builder;
    builder.add(cells, line);
    if (this.limit === 0) {
      const width = Math.max(1, builder.header!.length);
      const wanted = this.options.detectRows ?? DETECT_ROWS;
      this.limit = Math.max(1, Math.min(wanted, Math.max(200, Math.floor(DETECT_CELLS / width))));
    }
    if (builder.rows >= this.limit) this.decide(this.front.facts(), false);
  };

  private decide(facts: ReadFacts, complete: boolean, table = this.builder.finish(this.options, facts)): void {
    const d = this.builder.decisions!;
    this.decisions = d;
    this.parts = this.builder.parts!;
    this.builder.cells = []; // the table keeps the first rows until they are taken
    this.prefix = table;
    this.total = table.rows;
    this.batchFirst = table.rows;
    this.detectedOn = table.rows;
    this.decimal = d.decimal;
    this.timeIndex = d.timeIndex;
    for (let c = 0; c < d.header.length; c++) {
      const kind = d.kinds[c];
      if (kind === 'number') {
        this.numberCols.push(c);
        this.numberNames.push(d.header[c]!);
      } else if (kind === 'time' && c !== d.timeIndex) this.otherDateCols.push(c);
      else if (kind === 'text') this.textCols.push(c);
    }
    this.batchValues = this.numberNames.map(() => new Growable(1024));
    this.batchTime = d.timeIndex >= 0 ? new Growable(1024) : null;
    this.tallies = this.parts.tallies.map((t) => ({ ...t }));
    const pt = this.parts.time;
    if (pt) {
      this.time = { ...pt, notes: pt.notes, check: { ...pt.check } };
      this.gapLimit = GAP_FACTOR * pt.check.medianStep;
      const time = table.time!;
      for (let r = time.length - 1; r >= 0; r--) {
        if (time[r] === time[r]) {
          this.prevTime = time[r]!;
          break;
        }
      }
    }
    this.prefixStart = table.start;
    if (pt && table.end !== null) this.endMs = this.prevTime;
    this.layoutValue = layoutOf(table, d, complete);
  }

  private row(cells: string[], line: number): void {
    this.builder.check(cells, line);
    const r = this.batchRows;
    if (r === this.batchLines.length) this.grow();
    this.batchRows++;
    this.total++;
    this.batchCells.push(cells);
    this.batchLines[r] = line;
    const tallies = this.tallies;
    const decimal = this.decimal;
    const numberCols = this.numberCols;
    for (let k = 0; k < numberCols.length; k++) {
      const c = numberCols[k]!;
      const s = cells[c]!;
      const v = s.length === 0 ? NaN : parseNumber(s, decimal as typeof DOT);
      this.batchValues[k]!.data[r] = v;
      const t = tallies[c]!;
      if (v === v) {
        if (t.min === null || v < t.min) t.min = v;
        if (t.max === null || v > t.max) t.max = v;
        continue;
      }
      t.missing++;
      if (s.length === 0 || isMissingMarker(s)) continue;
      if (t.bad++ === 0) {
        t.firstBadLine = line;
        t.firstBadCell = s;
      }
      if (!this.contradicted.has(c)) {
        this.contradicted.add(c);
        this.found.push(this.notANumber(c, s, line));
      }
    }
    const ti = this.timeIndex;
    if (ti >= 0) {
      const d = this.decisions!;
      const s = cells[ti]!;
      let t = NaN;
      if (s.length > 0) t = d.epochToMs ? parseNumber(s, decimal as typeof DOT) * d.epochToMs : parseTimestamp(s, d.dayFirst[ti] ?? false);
      if (!validTime(t)) t = NaN;
      this.batchTime!.data[r] = t;
      this.timeRow(t, s, line);
    }
    for (const c of this.otherDateCols) {
      const s = cells[c]!;
      const t = s.length === 0 ? NaN : parseTimestamp(s, this.decisions!.dayFirst[c] ?? false);
      const tally = tallies[c]!;
      if (validTime(t)) {
        if (tally.min === null || t < tally.min) tally.min = t;
        if (tally.max === null || t > tally.max) tally.max = t;
      } else tally.missing++;
    }
    for (const c of this.textCols) if (cells[c] === '') tallies[c]!.missing++;
  }

  private timeRow(t: number, s: string, line: number): void {
    const tt = this.time!;
    const tally = this.tallies[this.timeIndex]!;
    if (t !== t) {
      tally.missing++;
      if (tt.invalid++ === 0) {
        tt.firstInvalidLine = line;
        tt.firstInvalidCell = s;
      }
      if (s.length > 0 && !this.contradicted.has(this.timeIndex)) {
        this.contradicted.add(this.timeIndex);
        this.found.push(this.notATime(s, line));
      }
      return;
    }
    if (tally.min === null || t < tally.min) tally.min = t;
    if (tally.max === null || t > tally.max) tally.max = t;
    if (this.startMs !== this.startMs) this.startMs = t;
    this.endMs = t;
    const prev = this.prevTime;
    this.prevTime = t;
    if (prev !== prev) return;
    const check = tt.check;
    const dt = t - prev;
    if (dt === 0) {
      if (check.duplicates++ === 0) check.firstDuplicateLine = line;
    } else if (dt < 0) {
      if (check.backward++ === 0) check.firstBackwardLine = line;
    } else if (dt > this.gapLimit) {
      if (check.gaps++ === 0) check.firstGapLine = line;
      if (dt > check.largestGap) {
        check.largestGap = dt;
        check.largestGapLine = line;
      }
    }
  }

  private notANumber(c: number, s: string, line: number): string {
    const name = this.decisions!.header[c]!;
    const other = this.decimal === DOT ? COMMA : DOT;
    const hint =
      parseNumber(s, other as typeof DOT) === parseNumber(s, other as typeof DOT)
        ? ` It reads as a number with a decimal ${other === COMMA ? 'comma' : 'point'}, but the first rows were read with a decimal ${other === COMMA ? 'point' : 'comma'}: set the decimal option if that is wrong.`
        : '';
    return (
      `Line ${line}: column "${name}" has ${quote(s)}, which is not a number, though the first ${count(this.detectedOn)} rows made "${name}" a number column; ` +
      `it counts as missing (later such cells are counted at the end).${hint}`
    );
  }

  private notATime(s: string, line: number): string {
    const d = this.decisions!;
    const name = d.header[this.timeIndex]!;
    const dayFirst = d.dayFirst[this.timeIndex] ?? false;
    const hint =
      !d.epochToMs && parseTimestamp(s, !dayFirst) === parseTimestamp(s, !dayFirst)
        ? ` It reads as a ${dayFirst ? 'month' : 'day'}-first date, but the first rows were read ${dayFirst ? 'day' : 'month'} first: set the dayFirst option if that is wrong.`
        : '';
    return (
      `Line ${line}: time column "${name}" has ${quote(s)}, which does not read as a time like those of the first ${count(this.detectedOn)} rows; ` +
      `the row has no time (later such cells are counted at the end).${hint}`
    );
  }

  private grow(): void {
    const capacity = this.batchLines.length * 2;
    const lines = new Int32Array(capacity);
    lines.set(this.batchLines);
    this.batchLines = lines;
    for (const g of this.batchValues) {
      const data = new Float64Array(capacity);
      data.set(g.data);
      g.data = data;
    }
    if (this.batchTime) {
      const data = new Float64Array(capacity);
      data.set(this.batchTime.data);
      this.batchTime.data = data;
    }
  }
}
