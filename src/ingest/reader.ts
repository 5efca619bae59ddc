/**
 * The pipeline shared by parseCsvText, parseCsvBlob and the streaming reader (stream.ts): decoded text in,
 * by chunks of any size; records out. The first part of the text is held back until the delimiter can be
 * decided on it (sniff.ts); after that each chunk goes straight to the tokenizer and only complete records
 * are passed on.
 */
import { assertText, BINARY_CHECK_CHARS, detectDelimiter, normaliseDelimiter, sniffLength } from './sniff';
import { TableBuilder } from './table-builder';
import type { ReadFacts } from './table-builder';
import { Tokenizer } from './tokenizer';
import type { RecordSink } from './tokenizer';
import type { ParseOptions, Table } from './types';

/** BOM, binary check, delimiter sniffing and the tokenizer: text in, records to `sink`. */
export class CsvFrontEnd {
  private readonly options: ParseOptions;
  private readonly sink: RecordSink;
  private tokenizer: Tokenizer | null = null;
  private head = '';
  private bom = false;
  private checked = false;
  private delimiter = ',';
  private delimiterDetected = false;
  private readonly notes: string[] = [];

  constructor(options: ParseOptions, sink: RecordSink) {
    this.options = options;
    this.sink = sink;
    if (options.delimiter !== undefined) this.delimiter = normaliseDelimiter(options.delimiter);
  }

  /** A format fact found outside the text (the encoding), reported first among the warnings. */
  note(text: string): void {
    this.notes.push(text);
  }

  /** Whether the delimiter is settled and records flow. */
  get started(): boolean {
    return this.tokenizer !== null;
  }

  /** Line number where the next record will start (1 before the start). */
  get currentLine(): number {
    return this.tokenizer ? this.tokenizer.currentLine : 1;
  }

  push(text: string): void {
    if (this.tokenizer) {
      this.tokenizer.push(text);
      return;
    }
    this.head += text;
    this.begin(false);
  }

  /**
   * Starts now on the text held back (a pause in a live stream): the delimiter is decided on the complete
   * lines in hand. False when not even one line is complete yet.
   */
  startNow(): boolean {
    if (this.tokenizer) return true;
    let text = this.head;
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
    if (lastBreak < 0 || text.slice(0, lastBreak).trim() === '') return false;
    if (text.length !== this.head.length) this.bom = true;
    if (!this.checked) {
      assertText(text);
      this.checked = true;
    }
    this.start(text, text.slice(0, lastBreak + 1), true);
    return true;
  }

  /**
   * Stops where the text stopped: the incomplete record at its end (if any) is dropped, not read as a
   * short row. For a reader stopped before the end of its input (the person cancelled, or a limit).
   */
  dropRest(): void {
    this.tokenizer?.stop();
  }

  /** End of the text: the last record, and the facts for the warnings. */
  finish(): ReadFacts {
    if (!this.tokenizer) this.begin(true);
    const tokenizer = this.tokenizer!;
    tokenizer.finish();
    return this.facts();
  }

  /** The facts so far (the tokenizer's counters keep counting). */
  facts(): ReadFacts {
    return {
      delimiter: this.delimiter,
      delimiterDetected: this.delimiterDetected,
      bom: this.bom,
      notes: this.notes,
      stats: this.tokenizer!.stats,
    };
  }

  private begin(complete: boolean): void {
    let text = this.head;
    if (text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
      this.bom = true;
    } else if (text.length === 0 && !complete) {
      return;
    }
    // a binary file is refused as soon as its first kilobyte is in, not after the delimiter sample
    if (!this.checked && (complete || text.length >= BINARY_CHECK_CHARS)) {
      assertText(text);
      this.checked = true;
    }
    const n = sniffLength(text, complete);
    if (n < 0) {
      this.head = this.bom ? '\ufeff' + text : text;
      this.bom = false;
      return;
    }
    this.start(text, text.slice(0, n), n === text.length && complete);
  }

  private start(text: string, sample: string, complete: boolean): void {
    if (this.options.delimiter === undefined) {
      this.delimiter = detectDelimiter(sample, complete);
      this.delimiterDetected = true;
    }
    this.head = '';
    this.tokenizer = new Tokenizer(this.delimiter, this.sink);
    this.tokenizer.push(text);
  }
}

export class CsvReader {
  private readonly options: ParseOptions;
  private readonly builder = new TableBuilder();
  private readonly front: CsvFrontEnd;

  constructor(options: ParseOptions = {}) {
    this.options = options;
    this.front = new CsvFrontEnd(options, this.builder.add);
  }

  /** Data rows read so far. */
  get rows(): number {
    return this.builder.rows;
  }

  /** A format fact found outside the text (the encoding), reported first among the warnings. */
  note(text: string): void {
    this.front.note(text);
  }

  push(text: string): void {
    this.front.push(text);
  }

  finish(): Table {
    return this.builder.finish(this.options, this.front.finish());
  }
}
