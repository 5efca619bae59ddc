/**
 * Collects records from the tokenizer (header first, then data rows) and, once the file has been read,
 * works out the columns: names, the time column, the decimal separator, numbers, and every warning.
 *
 * Column analysis runs at the end on the kept cells, so a value far down the file (a day above 12 in a
 * date, a decimal comma) counts as much as one at the top, and whole-text and streaming parses agree.
 */
import { cellScan, COMMA, DOT, DecimalVote, isMissingMarker, numberScan, parseNumber, readCell } from './numbers';
import type { DecimalCode } from './numbers';
import { DELIMITER_NAMES } from './sniff';
import {
  checkTimes,
  epochUnit,
  formatDuration,
  GAP_FACTOR,
  isoString,
  looksLikeTimeName,
  parseTimestamp,
  timeScan,
} from './time';
import type { TimeCheck } from './time';
import type { TokenizerStats } from './tokenizer';
import { CsvError } from './types';
import type { ColumnInfo, ColumnKind, ParseOptions, Table } from './types';

/** Non-missing cells of a column looked at to decide whether it holds dates. */
const DATE_SAMPLE = 200;
/** Share of those that must be valid dates (more than half, as for numbers). */
const DATE_SHARE = 0.5;

export interface ReadFacts {
  delimiter: string;
  delimiterDetected: boolean;
  bom: boolean;
  /** Facts found before the cells (encoding). */
  notes: string[];
  stats: TokenizerStats;
}

function quote(s: string, max = 40): string {
  return JSON.stringify(s.length > max ? s.slice(0, max) + '…' : s);
}

/** 12345 → "12,345" (toLocaleString is slow and depends on the ICU data at hand). */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "the first row", "the first 8 rows" */
export function firstRows(n: number): string {
  return n === 1 ? 'the first row' : `the first ${count(n)} rows`;
}

/** 1, "row" → "1 row"; 2375, "anomaly event" → "2,375 anomaly events". */
export function plural(n: number, one: string, many = one + 's'): string {
  return `${count(n)} ${n === 1 ? one : many}`;
}

/** Counters of rows whose shape does not match the header. */
export interface RowShape {
  shortRows: number;
  firstShortLine: number;
  longRows: number;
  firstLongLine: number;
  firstLongCells: number;
  trailingEmpty: number;
  emptyRows: number;
  firstEmptyLine: number;
}

/** What a column's cells held, counted over the rows read: the source of its missing/min/max and warnings. */
export interface ColumnTally {
  /** Cells with no usable value (see ColumnInfo.missing). */
  missing: number;
  /** Cells that are neither a value of the column's kind nor a missing marker ('number' columns). */
  bad: number;
  firstBadLine: number;
  firstBadCell: string;
  min: number | null;
  max: number | null;
}

/** The time column's counters, for its warnings. */
export interface TimeTally {
  name: string;
  /** "dates like …", "Unix epoch seconds". */
  description: string;
  notes: string[];
  /** Rows with no readable time (empty cells included). */
  invalid: number;
  firstInvalidLine: number;
  firstInvalidCell: string;
  check: TimeCheck;
}

/**
 * Everything the warnings of a file are made from. Built by TableBuilder.finish; a streaming reader keeps
 * the counters up to date past the rows the decisions were made on, and composes the warnings again at the
 * end with composeWarnings, so both say the same things in the same order.
 */
export interface WarningParts {
  notes: string[];
  bom: boolean;
  delimiter: string;
  delimiterDetected: boolean;
  stats: TokenizerStats;
  /** Header trouble: data-like names, unnamed and repeated columns. */
  headerNotes: string[];
  rows: number;
  header: string[];
  shape: RowShape;
  decimalNote: string;
  thousandsNote: string;
  time: TimeTally | null;
  /** "No time column found" applies (detection was asked for and found none). */
  noTimeColumn: boolean;
  kinds: ColumnKind[];
  /** Columns of dates that are not the time column. */
  otherDates: boolean[];
  tallies: ColumnTally[];
}

/** How the cells of each column are read: what a streaming reader applies to the rows after the first ones. */
export interface ColumnDecisions {
  header: string[];
  kinds: ColumnKind[];
  decimal: DecimalCode;
  /** Index of the time column, -1 for none. */
  timeIndex: number;
  /** Day first (true) or month first (false) for each column of dates; null for the others. */
  dayFirst: (boolean | null)[];
  /** For each column of dates: true when nothing in its dates settles the order (no day above 12). */
  dayFirstOpen: boolean[];
  /** For a time column of epoch numbers: the factor to milliseconds; 0 when the time column holds dates. */
  epochToMs: number;
}

export function composeWarnings(p: WarningParts): string[] {
  const warnings: string[] = [...p.notes];
  const stats = p.stats;
  if (p.bom) warnings.push('The file starts with a UTF-8 byte order mark (BOM); it was removed.');
  if (p.delimiterDetected && p.delimiter !== ',') {
    warnings.push(`Delimiter: ${DELIMITER_NAMES[p.delimiter] ?? JSON.stringify(p.delimiter)} (detected).`);
  }
  const endings = [
    stats.crlf ? plural(stats.crlf, 'CRLF', 'CRLF') : '',
    stats.lf ? plural(stats.lf, 'LF', 'LF') : '',
    stats.cr ? plural(stats.cr, 'lone CR', 'lone CR') : '',
  ].filter(Boolean);
  if (endings.length > 1) warnings.push(`Mixed line endings: ${endings.join(', ')}; all are read as line breaks.`);
  else if (stats.crlf) warnings.push('Line endings: CRLF (Windows).');
  else if (stats.cr) warnings.push('Line endings: CR only (classic Mac).');
  if (stats.blankLines) {
    warnings.push(`Skipped ${plural(stats.blankLines, 'blank line')} (first at line ${stats.firstBlankLine}).`);
  }
  if (stats.strayAfterQuote) {
    warnings.push(
      `${plural(stats.strayAfterQuote, 'cell has', 'cells have')} text after the closing quote (first at line ${stats.firstStrayAfterQuote}); ` +
        'the text was kept as part of the cell. A quote inside a quoted cell should be doubled ("").',
    );
  }
  warnings.push(...p.headerNotes);
  const header = p.header;
  const width = header.length;
  const rows = p.rows;
  // one column of numbers is a plain series; one column of text may be a file with another delimiter
  if (width === 1 && p.delimiterDetected && p.kinds[0] !== 'number') {
    warnings.push('Only one column found: no comma, semicolon, tab or pipe separates the header names.');
  }
  const s = p.shape;
  if (rows === 0) warnings.push('The file has a header line but no data rows.');
  if (s.shortRows) {
    warnings.push(
      `${plural(s.shortRows, 'row has', 'rows have')} fewer cells than the header's ${width} (first at line ${s.firstShortLine}); the missing cells are read as empty.`,
    );
  }
  if (s.longRows) {
    const hint =
      p.delimiter === ',' ? ' If numbers use a decimal comma, the file should separate cells with semicolons or quote the numbers.' : '';
    warnings.push(
      `${plural(s.longRows, 'row has', 'rows have')} more cells than the header's ${width} (first at line ${s.firstLongLine}, with ${s.firstLongCells}); ` +
        `the extra cells are ignored. If the header lacks names for them, add the names.${hint}`,
    );
  }
  if (s.trailingEmpty) {
    warnings.push(`${plural(s.trailingEmpty, 'row ends', 'rows end')} with extra empty cells (a trailing delimiter); they are ignored.`);
  }
  if (s.emptyRows) {
    warnings.push(
      `${plural(s.emptyRows, 'row has', 'rows have')} only empty cells (first at line ${s.firstEmptyLine}); ${s.emptyRows === 1 ? 'it is' : 'they are'} kept, with every value missing.`,
    );
  }
  if (p.decimalNote) warnings.push(p.decimalNote);
  if (p.thousandsNote) warnings.push(p.thousandsNote);

  const t = p.time;
  if (t) {
    const name = t.name;
    warnings.push(`Time column "${name}": ${t.description}.`, ...t.notes.map((n) => `Time column "${name}": ${n}`));
    if (t.invalid) {
      const cell = t.firstInvalidCell;
      warnings.push(
        `Time column "${name}": ${plural(t.invalid, 'row has', 'rows have')} no readable time (first at line ${t.firstInvalidLine}: ${cell === '' ? 'empty' : quote(cell)}).`,
      );
    }
    const check = t.check;
    if (check.duplicates) {
      warnings.push(
        `Time column "${name}": ${plural(check.duplicates, 'time repeats', 'times repeat')} the time of the row before (first at line ${check.firstDuplicateLine}); rows are kept in file order.`,
      );
    }
    if (check.backward) {
      warnings.push(
        `Time column "${name}": ${plural(check.backward, 'time is', 'times are')} earlier than the row before (first at line ${check.firstBackwardLine}); rows are kept in file order.`,
      );
    }
    if (check.gaps) {
      warnings.push(
        `Time column "${name}": ${plural(check.gaps, 'gap is', 'gaps are')} longer than ${GAP_FACTOR} × the usual step of ${formatDuration(check.medianStep)} ` +
          `(first at line ${check.firstGapLine}; the longest, ${formatDuration(check.largestGap)}, ends at line ${check.largestGapLine}). ` +
          'The gaps option says what scoring does with them: leave (the default) scores across them; zero or carry fills them first.',
      );
    }
  } else if (p.noTimeColumn) {
    warnings.push('No time column found (no column of dates, nor an epoch column named like "time"); rows are taken in file order.');
  }

  for (let c = 0; c < width; c++) {
    if (p.otherDates[c]) warnings.push(`Column "${header[c]}" holds dates too; it is not used as the time column.`);
  }
  for (let c = 0; c < width; c++) {
    const tally = p.tallies[c]!;
    if (p.kinds[c] !== 'number' || !tally.bad) continue;
    const bad = tally.bad;
    warnings.push(
      `Column "${header[c]}": ${plural(bad, 'cell is not a number', 'cells are not numbers')} (first at line ${tally.firstBadLine}: ${quote(tally.firstBadCell)}); ` +
        `${bad === 1 ? 'it counts' : 'they count'} as missing.`,
    );
  }
  const textColumns: string[] = [];
  let numeric = 0;
  for (let c = 0; c < width; c++) {
    if (p.kinds[c] === 'number') numeric++;
    if (p.kinds[c] !== 'text' || rows === 0) continue;
    if (p.tallies[c]!.missing === rows) warnings.push(`Column "${header[c]}" is empty.`);
    else textColumns.push(header[c]!);
  }
  if (textColumns.length) {
    warnings.push(`Text ${textColumns.length === 1 ? 'column' : 'columns'} (not numbers): ${textColumns.map((t) => `"${t}"`).join(', ')}.`);
  }
  if (rows > 0 && numeric === 0) {
    warnings.push('No numeric columns found: there is nothing to score. Expected at least one column of numbers.');
  }
  return warnings;
}

export class TableBuilder {
  header: string[] | null = null;
  headerLine = 0;
  cells: string[][] = [];
  private lines = new Int32Array(1024);
  rows = 0;
  readonly shape: RowShape = {
    shortRows: 0,
    firstShortLine: 0,
    longRows: 0,
    firstLongLine: 0,
    firstLongCells: 0,
    trailingEmpty: 0,
    emptyRows: 0,
    firstEmptyLine: 0,
  };
  /** Set by finish: what the warnings were made from. */
  parts: WarningParts | null = null;
  /** Set by finish: how each column's cells are read. */
  decisions: ColumnDecisions | null = null;

  /** Receives each record from the tokenizer (bound, so it can be passed as is). */
  readonly add = (cells: string[], line: number): void => {
    if (this.header === null) {
      this.header = cells;
      this.headerLine = line;
      return;
    }
    this.check(cells, line);
    if (this.rows === this.lines.length) {
      const grown = new Int32Array(this.lines.length * 2);
      grown.set(this.lines);
      this.lines = grown;
    }
    this.lines[this.rows++] = line;
    this.cells.push(cells);
  };

  /** Counts a data row's shape against the header and pads a short row with ''; keeps nothing. */
  check(cells: string[], line: number): void {
    const width = this.header!.length;
    const shape = this.shape;
    let k = 0;
    while (k < cells.length && cells[k] === '') k++;
    if (k === cells.length && shape.emptyRows++ === 0) shape.firstEmptyLine = line;
    if (cells.length < width) {
      if (shape.shortRows++ === 0) shape.firstShortLine = line;
      while (cells.length < width) cells.push('');
    } else if (cells.length > width) {
      let extra = false;
      for (let i = width; i < cells.length; i++) {
        if (cells[i] !== '') {
          extra = true;
          break;
        }
      }
      if (!extra) shape.trailingEmpty++;
      else if (shape.longRows++ === 0) {
        shape.firstLongLine = line;
        shape.firstLongCells = cells.length;
      }
    }
  }

  finish(options: ParseOptions, facts: ReadFacts): Table {
    const stats = facts.stats;
    if (this.header === null) {
      throw new CsvError(
        stats.blankLines > 0
          ? 'The file is empty: it has only blank lines. Expected a header line with the column names, then one data row per line. Choose a CSV file with data.'
          : 'The file is empty. Expected a header line with the column names, then one data row per line. Choose a CSV file with data.',
        null,
        null,
      );
    }
    const headerNotes: string[] = [];

    const lines = this.lines.slice(0, this.rows);
    const headerCells = this.header;
    const headerLine = this.headerLine;
    const cells = this.cells;
    // The first line is always the header, and its names are kept as text, even when they look like numbers.
    if (isDataLike(headerCells)) {
      headerNotes.push(
        `Line ${headerLine} is read as the header, but its names are all numbers or dates (${headerCells.slice(0, 3).map((h) => quote(h)).join(', ')}${headerCells.length > 3 ? ', …' : ''}). ` +
          'If the file has no header line, add one with the column names.',
      );
    }
    const rows = this.rows;

    // names
    const header: string[] = [];
    const unnamed: number[] = [];
    const renamed: string[] = [];
    const taken = new Set<string>();
    for (let i = 0; i < headerCells.length; i++) {
      const raw = headerCells[i]!.trim();
      if (raw === '') unnamed.push(i + 1);
      header.push(raw === '' ? `column ${i + 1}` : raw);
    }
    const seen = new Set(header);
    for (let i = 0; i < header.length; i++) {
      const name = header[i]!;
      if (!taken.has(name)) {
        taken.add(name);
        continue;
      }
      let k = 2;
      while (taken.has(`${name}_${k}`) || seen.has(`${name}_${k}`)) k++;
      const fresh = `${name}_${k}`;
      renamed.push(`"${name}" (column ${i + 1}) → "${fresh}"`);
      header[i] = fresh;
      taken.add(fresh);
    }
    if (unnamed.length) {
      headerNotes.push(
        `Line ${headerLine}: ${unnamed.length === 1 ? 'column' : 'columns'} ${unnamed.join(', ')} ${unnamed.length === 1 ? 'has' : 'have'} no name in the header; ` +
          `named ${unnamed.slice(0, 5).map((i) => `"column ${i}"`).join(', ')}${unnamed.length > 5 ? ', …' : ''}.`,
      );
    }
    if (renamed.length) {
      headerNotes.push(
        `Line ${headerLine}: repeated column names were made unique: ${renamed.slice(0, 5).join(', ')}${renamed.length > 5 ? ', …' : ''}.`,
      );
    }
    const width = header.length;

    const kinds: ColumnKind[] = new Array<ColumnKind>(width).fill('text');
    const missing = new Array<number>(width).fill(0);
    const mins: (number | null)[] = new Array<number | null>(width).fill(null);
    const maxs: (number | null)[] = new Array<number | null>(width).fill(null);
    const badCounts: { bad: number; firstBad: number }[] = new Array(width);
    const dayFirstOf: (boolean | null)[] = new Array<boolean | null>(width).fill(null);
    const dayFirstOpen: boolean[] = new Array<boolean>(width).fill(false);
    let epochToMs = 0;

    // --- time column -------------------------------------------------------------------------------------
    let forced: number | null | undefined; // undefined: detect
    if (options.timeColumn === null) forced = null;
    else if (options.timeColumn !== undefined) {
      const want = options.timeColumn;
      let idx = header.indexOf(want);
      if (idx < 0) idx = header.findIndex((h) => h.trim().toLowerCase() === want.trim().toLowerCase());
      if (idx < 0) {
        throw new CsvError(
          `There is no column named ${quote(want)} to use as the time column. Expected one of: ${header
            .slice(0, 20)
            .map((h) => JSON.stringify(h))
            .join(', ')}${header.length > 20 ? ', …' : ''}. Check the spelling (case is ignored) or choose another column.`,
          headerLine || null,
          want,
        );
      }
      forced = idx;
    }

    const dateLike: boolean[] = new Array<boolean>(width).fill(false);
    for (let c = 0; c < width; c++) dateLike[c] = rows > 0 && looksLikeDates(cells, c);

    let timeIndex = -1;
    let time: Float64Array | null = null;
    let timeDescription = '';
    const timeValues = new Map<number, Float64Array>();
    const dateNotes: string[] = [];
    const otherDates: boolean[] = new Array<boolean>(width).fill(false);

    const parseDates = (c: number, main: boolean): Float64Array => {
      const r = parseDateColumn(cells, lines, c, options.dayFirst, main);
      timeValues.set(c, r.values);
      kinds[c] = 'time';
      dayFirstOf[c] = r.dayFirst;
      dayFirstOpen[c] = r.open;
      if (main) {
        timeDescription = r.description;
        dateNotes.push(...r.notes);
      }
      return r.values;
    };

    if (typeof forced === 'number') {
      timeIndex = forced;
      if (dateLike[forced]) time = parseDates(forced, true);
    } else if (forced === undefined) {
      let pick = -1;
      for (let c = 0; c < width; c++) {
        if (dateLike[c] && (pick < 0 || (looksLikeTimeName(header[c]!) && !looksLikeTimeName(header[pick]!)))) pick = c;
      }
      if (pick >= 0) {
        timeIndex = pick;
        time = parseDates(pick, true);
      }
    }
    // other columns of dates are 'time' columns too, not used as the time axis
    for (let c = 0; c < width; c++) {
      if (dateLike[c] && c !== timeIndex) {
        parseDates(c, false);
        otherDates[c] = true;
      }
    }

    // --- decimal separator and numbers -------------------------------------------------------------------
    // One pass reads every cell with a decimal point and counts what each says about the separator; a
    // second pass re-reads with a decimal comma only when that is the choice.
    const read: (Float64Array | null)[] = new Array<Float64Array | null>(width).fill(null);
    const votes = new Votes();
    for (let c = 0; c < width; c++) {
      if (kinds[c] === 'time') continue;
      const values = new Float64Array(rows);
      readColumn(cells, c, values, votes);
      read[c] = values;
    }
    const { dot, comma, ambDot, ambComma } = votes;
    const firstDot = votes.firstDot >= 0 ? lines[votes.firstDot]! : 0;
    const firstComma = votes.firstComma >= 0 ? lines[votes.firstComma]! : 0;
    const firstAmb = votes.firstAmb >= 0 ? lines[votes.firstAmb]! : 0;
    const ambExample = votes.firstAmb >= 0 ? cells[votes.firstAmb]![votes.ambColumn]! : '';
    let groupedColumn = votes.groupedColumn;
    let groupedRow = votes.groupedRow;
    let decimal: DecimalCode;
    let decimalNote = '';
    if (options.decimal) {
      decimal = options.decimal === ',' ? COMMA : DOT;
    } else if (comma > dot) {
      decimal = COMMA;
      decimalNote = 'Decimal separator: comma (1,5 means 1.5).';
      if (dot) {
        decimalNote += ` ${plural(dot, 'number uses', 'numbers use')} a decimal point instead (first at line ${firstDot}); they count as missing. Set the decimal option if that is wrong.`;
      }
    } else if (dot > comma) {
      decimal = DOT;
      if (comma) {
        decimalNote = `Decimal separator: point; ${plural(comma, 'number uses', 'numbers use')} a decimal comma instead (first at line ${firstComma}); they count as missing. Set the decimal option if that is wrong.`;
      }
    } else if (dot > 0) {
      decimal = facts.delimiter === ';' ? COMMA : DOT;
      decimalNote = `Mixed decimal separators: ${plural(dot, 'number uses', 'numbers use')} a point (first at line ${firstDot}) and ${comma} a comma (first at line ${firstComma}); read with a decimal ${decimal === COMMA ? 'comma' : 'point'}, the others count as missing. Set the decimal option if that is wrong.`;
    } else if (ambDot + ambComma > 0) {
      // Only "1,234" or "1.234". A dot before exactly three digits is most often a decimal point (sensor
      // readings with three decimals); a comma is a decimal comma in a semicolon file (European locales)
      // and a thousands separator elsewhere.
      decimal = ambComma > 0 && facts.delimiter === ';' ? COMMA : DOT;
      // in a comma-separated file a dot is a decimal point (its thousands separators would be commas, and
      // its decimal commas would split cells): nothing worth a warning
      if (!(decimal === DOT && ambComma === 0 && facts.delimiter === ',')) decimalNote =
        `Numbers such as ${quote(ambExample)} (line ${firstAmb}) could have a decimal separator or a thousands separator; ` +
        `read with a decimal ${decimal === COMMA ? 'comma' : 'point'} (${quote(ambExample)} = ${parseNumber(ambExample, decimal)}). Set the decimal option if that is wrong.`;
    } else {
      // integers only: the separator matters only for writing new numbers; follow the delimiter's custom
      decimal = facts.delimiter === ';' ? COMMA : DOT;
    }
    if (decimal === COMMA) {
      groupedColumn = -1;
      groupedRow = -1;
      for (let c = 0; c < width; c++) {
        const values = read[c];
        if (!values) continue;
        const g = rereadColumnComma(cells, c, values);
        if (g >= 0 && groupedRow < 0) {
          groupedColumn = c;
          groupedRow = g;
        }
      }
    }

    const numeric = new Map<string, Float64Array>();
    const numberValues = new Map<number, Float64Array>();
    for (let c = 0; c < width; c++) {
      const values = read[c];
      if (!values) continue;
      const { numbers, bad, blank, firstBad, min, max } = countColumn(cells, c, values);
      if (numbers > 0 && numbers > bad) {
        kinds[c] = 'number';
        missing[c] = rows - numbers;
        mins[c] = min;
        maxs[c] = max;
        numberValues.set(c, values);
        badCounts[c] = { bad, firstBad };
      } else {
        missing[c] = blank;
        if (groupedColumn === c) groupedColumn = -1;
      }
      read[c] = null;
    }
    let thousandsNote = '';
    if (groupedColumn >= 0) {
      const example = cells[groupedRow]![groupedColumn]!;
      thousandsNote = `Thousands separators found, e.g. ${quote(example)} in column "${header[groupedColumn]}" (line ${lines[groupedRow]}) = ${parseNumber(example, decimal)}.`;
    }

    // --- a numeric time column (epoch seconds or milliseconds) ------------------------------------------
    if (timeIndex < 0 && forced === undefined) {
      for (let c = 0; c < width && timeIndex < 0; c++) {
        if (kinds[c] === 'number' && looksLikeTimeName(header[c]!)) {
          const unit = epochUnit(medianAbs(numberValues.get(c)!));
          if (unit) timeIndex = c;
        }
      }
    }
    if (timeIndex >= 0 && time === null) {
      const c = timeIndex;
      const name = header[c]!;
      if (kinds[c] === 'number') {
        const values = numberValues.get(c)!;
        const median = medianAbs(values);
        let unit = epochUnit(median);
        if (!unit) {
          unit = { name: 'seconds', toMs: 1000 };
          dateNotes.push(
            `Its values (typically ${median}) are too small for Unix epoch times, so they are read as seconds since 1970-01-01 00:00 UTC.`,
          );
        }
        time = new Float64Array(rows);
        for (let r = 0; r < rows; r++) time[r] = values[r]! * unit.toMs;
        timeDescription = `Unix epoch ${unit.name}`;
        epochToMs = unit.toMs;
        numberValues.delete(c);
        kinds[c] = 'time';
      } else if (rows > 0) {
        // forced on a column that is neither dates nor numbers
        time = parseDates(c, true);
        let valid = 0;
        for (let r = 0; r < rows; r++) if (time[r] === time[r]) valid++;
        if (valid === 0) {
          const r = cells.findIndex((row) => row[c] !== '');
          throw new CsvError(
            `Column "${name}" has no cell that reads as a time${r >= 0 ? ` (line ${lines[r]}: ${quote(cells[r]![c]!)})` : ''}. ` +
              'Expected dates such as 2024-01-31 13:45:00, 2024-01-31T13:45:00Z, 31/01/2024 13:45, or Unix epoch seconds or milliseconds. ' +
              'Choose another time column, or none.',
            r >= 0 ? lines[r]! : headerLine || null,
            name,
          );
        }
      } else {
        time = new Float64Array(0);
        kinds[c] = 'time';
      }
    }

    let start: string | null = null;
    let end: string | null = null;
    let timeTally: TimeTally | null = null;
    if (time && timeIndex >= 0) {
      const name = header[timeIndex]!;
      const { first, last, invalid, firstInvalid, min, max } = timeRange(time);
      if (first >= 0) {
        start = isoString(time[first]!);
        end = isoString(time[last]!);
        mins[timeIndex] = min;
        maxs[timeIndex] = max;
      }
      missing[timeIndex] = invalid;
      timeTally = {
        name,
        description: timeDescription,
        notes: dateNotes,
        invalid,
        firstInvalidLine: invalid ? lines[firstInvalid]! : 0,
        firstInvalidCell: invalid ? cells[firstInvalid]![timeIndex]! : '',
        check: checkTimes(time, lines),
      };
    }

    for (const [c, values] of numberValues) numeric.set(header[c]!, values);
    for (const [c, values] of timeValues) {
      if (c === timeIndex) continue;
      const { invalid: bad, min, max } = timeRange(values);
      missing[c] = bad;
      if (bad < rows) {
        mins[c] = min;
        maxs[c] = max;
      }
    }

    const tallies: ColumnTally[] = header.map((_, c) => {
      const b = kinds[c] === 'number' ? badCounts[c] : undefined;
      return {
        missing: missing[c]!,
        bad: b ? b.bad : 0,
        firstBadLine: b && b.bad ? lines[b.firstBad]! : 0,
        firstBadCell: b && b.bad ? cells[b.firstBad]![c]! : '',
        min: mins[c]!,
        max: maxs[c]!,
      };
    });
    const parts: WarningParts = {
      notes: facts.notes,
      bom: facts.bom,
      delimiter: facts.delimiter,
      delimiterDetected: facts.delimiterDetected,
      stats,
      headerNotes,
      rows,
      header,
      shape: this.shape,
      decimalNote,
      thousandsNote,
      time: timeTally,
      noTimeColumn: timeTally === null && forced === undefined && rows > 0,
      kinds,
      otherDates,
      tallies,
    };
    this.parts = parts;
    this.decisions = { header, kinds, decimal, timeIndex, dayFirst: dayFirstOf, dayFirstOpen, epochToMs };

    const columns: ColumnInfo[] = header.map((name, index) => ({
      name,
      index,
      kind: kinds[index]!,
      missing: missing[index]!,
      min: mins[index]!,
      max: maxs[index]!,
    }));

    return {
      rows,
      header,
      columns,
      delimiter: facts.delimiter,
      decimal: decimal === COMMA ? ',' : '.',
      timeColumn: timeIndex >= 0 ? header[timeIndex]! : null,
      time: timeIndex >= 0 ? time : null,
      start,
      end,
      numeric,
      cells,
      lines,
      warnings: composeWarnings(parts),
    };
  }
}

/** First and last valid times (rows), invalid count, range; times outside the Date range become NaN. */
function timeRange(time: Float64Array) {
  let first = -1;
  let last = -1;
  let invalid = 0;
  let firstInvalid = -1;
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < time.length; r++) {
    const t = time[r]!;
    if (t === t && t <= 8.64e15 && t >= -8.64e15) {
      if (first < 0) first = r;
      last = r;
      if (t < min) min = t;
      if (t > max) max = t;
    } else {
      time[r] = NaN;
      if (invalid++ === 0) firstInvalid = r;
    }
  }
  return { first, last, invalid, firstInvalid, min, max };
}

/** What the cells of the non-date columns say about the decimal separator (rows, not lines; -1: none). */
class Votes {
  dot = 0;
  comma = 0;
  ambDot = 0;
  ambComma = 0;
  firstDot = -1;
  firstComma = -1;
  firstAmb = -1;
  ambColumn = -1;
  groupedColumn = -1;
  groupedRow = -1;
}

/** Reads a column with a decimal point into `values`, counting votes. */
function readColumn(cells: string[][], c: number, values: Float64Array, votes: Votes): void {
  const rows = cells.length;
  for (let r = 0; r < rows; r++) {
    const s = cells[r]![c]!;
    if (s.length === 0) {
      values[r] = NaN;
      continue;
    }
    values[r] = readCell(s);
    const v = cellScan.vote;
    if (cellScan.grouped && votes.groupedRow < 0) {
      votes.groupedColumn = c;
      votes.groupedRow = r;
    }
    if (v !== DecimalVote.None) vote(votes, v, c, r);
  }
}

function vote(votes: Votes, v: DecimalVote, c: number, r: number): void {
  if (v === DecimalVote.Dot) {
    if (votes.dot++ === 0) votes.firstDot = r;
  } else if (v === DecimalVote.Comma) {
    if (votes.comma++ === 0) votes.firstComma = r;
  } else {
    if (votes.firstAmb < 0) {
      votes.firstAmb = r;
      votes.ambColumn = c;
    }
    if (v === DecimalVote.AmbiguousDot) votes.ambDot++;
    else votes.ambComma++;
  }
}

/** Reads a column again with a decimal comma. Returns the first row with thousands separators, or -1. */
function rereadColumnComma(cells: string[][], c: number, values: Float64Array): number {
  let grouped = -1;
  for (let r = 0; r < cells.length; r++) {
    const s = cells[r]![c]!;
    if (s.length === 0) {
      values[r] = NaN;
      continue;
    }
    values[r] = parseNumber(s, COMMA);
    if (numberScan.grouped && grouped < 0) grouped = r;
  }
  return grouped;
}

/** Numbers, bad cells (not numbers, not missing markers), blank cells, and the range of a read column. */
function countColumn(cells: string[][], c: number, values: Float64Array) {
  let numbers = 0;
  let bad = 0;
  let blank = 0;
  let firstBad = -1;
  let min = Infinity;
  let max = -Infinity;
  for (let r = 0; r < values.length; r++) {
    const v = values[r]!;
    if (v === v) {
      numbers++;
      if (v < min) min = v;
      if (v > max) max = v;
      continue;
    }
    const s = cells[r]![c]!;
    if (s.length === 0) blank++;
    else if (!isMissingMarker(s) && bad++ === 0) firstBad = r;
  }
  return { numbers, bad, blank, firstBad, min, max };
}

function isDataCell(s: string): boolean {
  if (s === '' || isMissingMarker(s)) return false;
  const a = parseNumber(s, DOT);
  const b = parseNumber(s, COMMA);
  if (a === a || b === b) return true;
  return isDate(s);
}

/** Whether a cell is a valid date, read month-first or day-first. */
function isDate(s: string): boolean {
  const t = parseTimestamp(s, false);
  if (t === t) return true;
  if (timeScan.family !== 2) return false;
  const u = parseTimestamp(s, true);
  return u === u;
}

function isDataLike(header: string[]): boolean {
  for (const s of header) if (!isDataCell(s)) return false;
  return header.length > 0;
}

/** Whether most of the first DATE_SAMPLE non-missing cells of a column are dates (numbers are not). */
function looksLikeDates(cells: string[][], c: number): boolean {
  let seen = 0;
  let dates = 0;
  for (let r = 0; r < cells.length && seen < DATE_SAMPLE; r++) {
    const s = cells[r]![c]!;
    if (s === '' || isMissingMarker(s)) continue;
    seen++;
    if (isDate(s)) dates++;
  }
  return seen > 0 && dates > DATE_SHARE * seen;
}

function medianAbs(values: Float64Array): number {
  const finite: number[] = [];
  for (const v of values) if (Number.isFinite(v)) finite.push(Math.abs(v));
  if (finite.length === 0) return NaN;
  finite.sort((a, b) => a - b);
  return finite[Math.floor(finite.length / 2)]!;
}

/** What the cells of a date column say about their form. */
class DateEvidence {
  yearLast = 0;
  /** Dates whose first number is above 12 (so it is the day). */
  dayFirstEvidence = 0;
  /** Dates whose second number is above 12. */
  monthFirstEvidence = 0;
  firstDayFirst = 0;
  firstMonthFirst = 0;
  dotted = 0;
  zoned = 0;
  unzoned = 0;
  /** Row of the first valid date, -1 if none. */
  example = -1;
}

function scanDates(cells: string[][], c: number, values: Float64Array, ev: DateEvidence): void {
  const rows = cells.length;
  for (let r = 0; r < rows; r++) {
    const s = cells[r]![c]!;
    if (s.length === 0) {
      values[r] = NaN;
      continue;
    }
    const t = parseTimestamp(s, false);
    values[r] = t;
    const family = timeScan.family;
    if (family === 0) continue;
    if (t === t) {
      if (timeScan.zoned) ev.zoned++;
      else ev.unzoned++;
      if (ev.example < 0) ev.example = r;
    }
    if (family === 2) yearLastEvidence(ev, r);
  }
}

function yearLastEvidence(ev: DateEvidence, r: number): void {
  ev.yearLast++;
  if (timeScan.separator === 46) ev.dotted++;
  const a = timeScan.a;
  const b = timeScan.b;
  if (a > 12 && a <= 31 && b >= 1 && b <= 12) {
    if (ev.dayFirstEvidence++ === 0) ev.firstDayFirst = r;
  } else if (b > 12 && b <= 31 && a >= 1 && a <= 12) {
    if (ev.monthFirstEvidence++ === 0) ev.firstMonthFirst = r;
  }
}

function rereadDates(cells: string[][], c: number, values: Float64Array): void {
  for (let r = 0; r < cells.length; r++) {
    const s = cells[r]![c]!;
    values[r] = s.length === 0 ? NaN : parseTimestamp(s, true);
  }
}

interface DateColumn {
  values: Float64Array;
  dayFirst: boolean;
  /**
   * Nothing in the dates settles day-first against month-first: the option decided, else the reading in which
   * the times go forward, else the usual way (dots day first, slashes and dashes month first).
   */
  open: boolean;
  description: string;
  notes: string[];
}

/** What to do when an open day/month reading is wrong, in the words of each front end. */
const SET_DAY_FIRST =
  'If that is wrong, set the dayFirst option (on the page: Dates in …; on the command line: --day-first or --month-first).';

/** Steps back in time between consecutive readable times. */
function backSteps(values: Float64Array): number {
  let back = 0;
  let prev = NaN;
  for (let r = 0; r < values.length; r++) {
    const t = values[r]!;
    if (t !== t) continue;
    if (t < prev) back++;
    prev = t;
  }
  return back;
}

/**
 * Parses a column of date strings, deciding day-first or month-first on the whole column (the rows in hand).
 * When nothing in the dates settles it and no option says: for the time column (`ordered`), the reading in
 * which the times go forward (fewer steps back); when both go back as often, or for other date columns, the
 * usual way of writing such dates.
 */
function parseDateColumn(cells: string[][], lines: Int32Array, c: number, dayFirstOption: boolean | undefined, ordered: boolean): DateColumn {
  const rows = cells.length;
  const values = new Float64Array(rows);
  const ev = new DateEvidence();
  scanDates(cells, c, values, ev);
  const { yearLast, dayFirstEvidence, monthFirstEvidence, firstDayFirst, firstMonthFirst, dotted, zoned, unzoned } = ev;
  const example = ev.example >= 0 ? cells[ev.example]![c]! : '';
  const notes: string[] = [];
  let dayFirst = false;
  /** values already hold the day-first reading */
  let read = false;
  const open = yearLast > 0 && !dayFirstEvidence && !monthFirstEvidence;
  if (yearLast > 0) {
    if (dayFirstEvidence && !monthFirstEvidence) {
      dayFirst = true;
      notes.push(`dates are day first (DD/MM/YYYY): line ${lines[firstDayFirst]} has day ${cells[firstDayFirst]![c]!.split(/[-/.]/)[0]}.`);
    } else if (monthFirstEvidence && !dayFirstEvidence) {
      dayFirst = false;
      notes.push(`dates are month first (MM/DD/YYYY): line ${lines[firstMonthFirst]} has day ${cells[firstMonthFirst]![c]!.split(/[-/.]/)[1]}.`);
    } else if (dayFirstEvidence && monthFirstEvidence) {
      dayFirst = dayFirstEvidence > monthFirstEvidence;
      notes.push(
        `dates mix day-first (${dayFirstEvidence}, first at line ${lines[firstDayFirst]}) and month-first (${monthFirstEvidence}, first at line ${lines[firstMonthFirst]}) forms; ` +
          `read as ${dayFirst ? 'day' : 'month'} first, the others count as missing.`,
      );
    } else if (dayFirstOption !== undefined) {
      dayFirst = dayFirstOption;
      notes.push(`nothing in the dates shows whether the day or the month comes first; read as ${dayFirst ? 'day' : 'month'} first, as the dayFirst option says.`);
    } else {
      // nothing in the dates settles it: the reading in which the times go forward, if only one does; else
      // the usual way of writing them (DD.MM.YYYY is how German, Russian, Scandinavian and other locales write
      // dates; no one writes MM.DD)
      const usual = dotted === yearLast;
      let backMonth = 0;
      let backDay = 0;
      let dayValues: Float64Array | null = null;
      if (ordered) {
        dayValues = new Float64Array(rows);
        rereadDates(cells, c, dayValues);
        backMonth = backSteps(values);
        backDay = backSteps(dayValues);
      }
      const unknown = 'nothing in the dates shows whether the day or the month comes first (no day above 12); ';
      if (backMonth !== backDay) {
        dayFirst = backDay < backMonth;
        const [taken, other] = dayFirst ? ['day', 'month'] : ['month', 'day'];
        const [backTaken, backOther] = dayFirst ? [backDay, backMonth] : [backMonth, backDay];
        notes.push(
          unknown +
            `read as ${taken} first (${dayFirst ? 'DD/MM/YYYY' : 'MM/DD/YYYY'}): times go forward that way, not ${other} first ` +
            `(over the first ${plural(rows, 'row')}: ${plural(backOther, 'step')} back in time read ${other} first, ${backTaken || 'none'} read ${taken} first)` +
            `${usual && !dayFirst ? ', though dates with dots are usually written day first' : ''}. ${SET_DAY_FIRST}`,
        );
      } else if (usual) {
        dayFirst = true;
        notes.push(
          unknown +
            `dates with dots are written day first (DD.MM.YYYY), so they were read that way. ${SET_DAY_FIRST}`,
        );
      } else {
        dayFirst = false;
        notes.push(unknown + `read as month first (MM/DD/YYYY). ${SET_DAY_FIRST}`);
      }
      if (dayFirst && dayValues) {
        values.set(dayValues);
        read = true;
      }
    }
    if (dayFirstOption !== undefined && dayFirstOption !== dayFirst && (dayFirstEvidence || monthFirstEvidence)) {
      notes.push(`the dayFirst option (${dayFirstOption}) was overruled by the dates themselves.`);
    }
    if (dayFirst && !read) rereadDates(cells, c, values);
  }
  let description = example ? `dates like ${quote(example)}` : 'dates';
  if (zoned === 0 && unzoned > 0) description += ' with no time zone, read as UTC';
  else if (zoned > 0 && unzoned > 0) description += `; ${plural(unzoned, 'time has', 'times have')} no time zone and ${unzoned === 1 ? 'is' : 'are'} read as UTC`;
  return { values, dayFirst, open, description, notes };
}
