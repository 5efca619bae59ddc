/**
 * An incremental RFC 4180 tokenizer: text goes in by chunks of any size, records come out with the 1-based
 * line number where each starts. Cut the same text anywhere and the records are the same.
 *
 * Beyond RFC 4180 (lenient, as real files need):
 * - line breaks may be CRLF, LF or a lone CR, mixed in one file (each is counted, for the warnings);
 * - unquoted cells are trimmed; quoted cells are kept exactly (doubled quotes become one);
 * - spaces before an opening quote and after a closing quote are ignored;
 * - a quote inside an unquoted cell is an ordinary character (5" screen);
 * - text after a closing quote (`"ab"cd`) is appended to the cell and counted as trouble;
 * - blank and whitespace-only lines are skipped and counted.
 * A quoted cell with no closing quote is an error (it would swallow the rest of the file), as is a record
 * longer than MAX_RECORD_CHARS (which bounds the memory a broken file can take while streaming).
 *
 * Fast path: a line with no quote and no lone CR is cut with String#split; everything else goes through a
 * character loop.
 */
import { CsvError } from './types';

/** Longest record (row) accepted, in UTF-16 code units. */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;
const MAX_RECORD_TEXT = '8,388,608';

export type RecordSink = (cells: string[], line: number) => void;

export interface TokenizerStats {
  crlf: number;
  lf: number;
  cr: number;
  blankLines: number;
  firstBlankLine: number;
  /** Cells with text after their closing quote. */
  strayAfterQuote: number;
  firstStrayAfterQuote: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;
const SPACE = 32;
const TAB = 9;

export class Tokenizer {
  readonly stats: TokenizerStats = {
    crlf: 0,
    lf: 0,
    cr: 0,
    blankLines: 0,
    firstBlankLine: 0,
    strayAfterQuote: 0,
    firstStrayAfterQuote: 0,
  };
  private readonly delimiter: string;
  private readonly delimCode: number;
  private readonly whitespaceDelimiter: boolean;
  private readonly sink: RecordSink;
  /** Text not yet turned into records (the start of an incomplete record). */
  private rest = '';
  /** Line number where `rest` starts. */
  private line = 1;
  private stopped = false;
  private done = false;

  private readonly fastPath: boolean;

  /** `fastPath: false` sends every line through the character loop (tests compare the two). */
  constructor(delimiter: string, sink: RecordSink, options: { fastPath?: boolean } = {}) {
    this.fastPath = options.fastPath ?? true;
    this.delimiter = delimiter;
    this.delimCode = delimiter.charCodeAt(0);
    this.whitespaceDelimiter = this.delimCode === TAB || this.delimCode === SPACE;
    this.sink = sink;
  }

  /** Line number where the next record will start. */
  get currentLine(): number {
    return this.line;
  }

  /** Stops emitting records (used by the delimiter sniffer once it has seen enough). */
  stop(): void {
    this.stopped = true;
  }

  push(chunk: string): void {
    if (this.done) throw new Error('Tokenizer.push after finish');
    if (this.stopped || chunk.length === 0) return;
    this.rest = this.rest.length === 0 ? chunk : this.rest + chunk;
    this.run(false);
  }

  finish(): void {
    if (this.done) return;
    this.done = true;
    if (!this.stopped && this.rest.length > 0) this.run(true);
    this.rest = '';
  }

  private run(final: boolean): void {
    const buf = this.rest;
    const n = buf.length;
    const delim = this.delimiter;
    const stats = this.stats;
    let p = 0;
    let nextQuote = -1; // first quote at or after p (n: none)
    let nextCR = -1; // first CR at or after p (n: none)
    while (p < n && !this.stopped) {
      if (nextQuote < p) {
        nextQuote = buf.indexOf('"', p);
        if (nextQuote < 0) nextQuote = n;
      }
      if (nextCR < p) {
        nextCR = buf.indexOf('\r', p);
        if (nextCR < 0) nextCR = n;
      }
      const nl = buf.indexOf('\n', p);
      if (this.fastPath && nl >= 0 && nl < nextQuote && nl - p <= MAX_RECORD_CHARS && (nextCR >= nl - 1)) {
        // fast path: a whole line with no quote and no lone CR
        let end = nl;
        if (nextCR === nl - 1) {
          end = nl - 1;
          stats.crlf++;
        } else {
          stats.lf++;
        }
        const line = this.line++;
        const text = buf.slice(p, end);
        p = nl + 1;
        if (text.indexOf(delim) < 0) {
          const cell = text.trim();
          if (cell.length === 0) this.blank(line);
          else this.sink([cell], line);
        } else if (this.whitespaceDelimiter && text.trim().length === 0) {
          this.blank(line);
        } else {
          const cells = text.split(delim);
          for (let i = 0; i < cells.length; i++) {
            const cell = cells[i]!;
            const a = cell.charCodeAt(0);
            const b = cell.charCodeAt(cell.length - 1);
            // trim only when an end may be whitespace (trim also removes Unicode spaces, all above 127)
            if (!(a > SPACE && a < 127 && b > SPACE && b < 127)) cells[i] = cell.trim();
          }
          this.sink(cells, line);
        }
        continue;
      }
      const q = this.record(buf, p, final);
      if (q < 0) break;
      p = q;
    }
    this.rest = p >= n || this.stopped ? '' : buf.slice(p);
  }

  private blank(line: number): void {
    if (this.stats.blankLines++ === 0) this.stats.firstBlankLine = line;
  }

  /** One record from p, character by character. Returns the position after it, or -1 if it is incomplete. */
  private record(buf: string, p: number, final: boolean): number {
    const n = buf.length;
    const d = this.delimCode;
    const start = p;
    const startLine = this.line;
    let line = this.line;
    const cells: string[] = [];
    let quoted = false;
    let stray = 0; // counted into stats only once the record is complete
    let firstStray = 0;
    for (;;) {
      // leading spaces (not when the delimiter is itself a space or a tab)
      let q = p;
      while (q < n) {
        const c = buf.charCodeAt(q);
        if ((c === SPACE || c === TAB) && c !== d) q++;
        else break;
      }
      if (q < n && buf.charCodeAt(q) === QUOTE) {
        quoted = true;
        const fieldLine = line;
        const column = cells.length + 1;
        let value = '';
        let seg = q + 1;
        let i = q + 1;
        for (;;) {
          if (i - start > MAX_RECORD_CHARS) {
            throw new CsvError(
              `Line ${fieldLine}, column ${column}: a quoted cell runs on for more than ${MAX_RECORD_TEXT} characters without its closing quote ("). ` +
                `A quote inside a quoted cell must be doubled (""); check the quotes near line ${fieldLine} and try again.`,
              fieldLine,
              column,
            );
          }
          if (i >= n) {
            if (!final) return -1;
            throw new CsvError(
              `Line ${fieldLine}, column ${column}: a quoted cell opens with " but never closes before the end of the file, so it would swallow every line after it. ` +
                `Expected a closing quote ("); a quote inside a quoted cell must be doubled (""). Fix the quotes near line ${fieldLine} and try again.`,
              fieldLine,
              column,
            );
          }
          const c = buf.charCodeAt(i);
          if (c === QUOTE) {
            if (i + 1 >= n && !final) return -1;
            if (buf.charCodeAt(i + 1) === QUOTE) {
              value += buf.slice(seg, i + 1);
              i += 2;
              seg = i;
              continue;
            }
            value += buf.slice(seg, i);
            i++;
            break;
          }
          if (c === LF) line++;
          else if (c === CR) {
            if (i + 1 >= n && !final) return -1;
            if (buf.charCodeAt(i + 1) !== LF) line++;
          }
          i++;
        }
        while (i < n) {
          const c = buf.charCodeAt(i);
          if ((c === SPACE || c === TAB) && c !== d) i++;
          else break;
        }
        if (i < n) {
          const c = buf.charCodeAt(i);
          if (c !== d && c !== LF && c !== CR) {
            let j = i;
            while (j < n) {
              const cj = buf.charCodeAt(j);
              if (cj === d || cj === LF || cj === CR) break;
              j++;
              if (j - start > MAX_RECORD_CHARS) throw this.tooLong(startLine);
            }
            if (j >= n && !final) return -1;
            value += buf.slice(i, j).trimEnd();
            if (stray++ === 0) firstStray = fieldLine;
            i = j;
          }
        }
        cells.push(value);
        p = i;
      } else {
        let i = q;
        while (i < n) {
          const c = buf.charCodeAt(i);
          if (c === d || c === LF || c === CR) break;
          i++;
          if (i - start > MAX_RECORD_CHARS) throw this.tooLong(startLine);
        }
        cells.push(buf.slice(p, i).trim());
        p = i;
      }
      // what ends the cell
      if (p >= n) {
        if (!final) return -1;
        break;
      }
      const c = buf.charCodeAt(p);
      if (c === d) {
        p++;
        continue;
      }
      if (c === CR) {
        if (p + 1 >= n && !final) return -1;
        if (buf.charCodeAt(p + 1) === LF) {
          this.stats.crlf++;
          p += 2;
        } else {
          this.stats.cr++;
          p++;
        }
      } else {
        this.stats.lf++;
        p++;
      }
      line++;
      break;
    }
    this.line = line;
    if (stray) {
      if (this.stats.strayAfterQuote === 0) this.stats.firstStrayAfterQuote = firstStray;
      this.stats.strayAfterQuote += stray;
    }
    if (!quoted && isBlank(cells, d)) this.blank(startLine);
    else this.sink(cells, startLine);
    return p;
  }

  private tooLong(line: number): CsvError {
    return new CsvError(
      `Line ${line}: a row runs on for more than ${MAX_RECORD_TEXT} characters without a line break. ` +
        'Expected rows separated by line breaks; this does not look like a CSV file. Check that the file is a CSV (comma, semicolon, tab or pipe separated values).',
      line,
      null,
    );
  }
}

/** A line of whitespace only (with a tab or space delimiter, that can be several empty cells). */
function isBlank(cells: string[], delimiter: number): boolean {
  if (cells.length > 1 && delimiter !== TAB && delimiter !== SPACE) return false;
  for (const c of cells) if (c !== '') return false;
  return true;
}
