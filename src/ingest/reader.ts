/**
 * The pipeline shared by parseCsvText and parseCsvBlob: decoded text in, by chunks of any size; a Table
 * out. The first part of the text is held back until the delimiter can be decided on it (sniff.ts);
 * after that each chunk goes straight to the tokenizer and only complete records are kept.
 */
import { assertText, BINARY_CHECK_CHARS, detectDelimiter, normaliseDelimiter, sniffLength } from './sniff';
import { TableBuilder } from './table-builder';
import { Tokenizer } from './tokenizer';
import type { ParseOptions, Table } from './types';

export class CsvReader {
  private readonly options: ParseOptions;
  private readonly builder = new TableBuilder();
  private tokenizer: Tokenizer | null = null;
  private head = '';
  private bom = false;
  private checked = false;
  private delimiter = ',';
  private delimiterDetected = false;
  private readonly notes: string[] = [];

  constructor(options: ParseOptions = {}) {
    this.options = options;
    if (options.delimiter !== undefined) this.delimiter = normaliseDelimiter(options.delimiter);
  }

  /** Data rows read so far. */
  get rows(): number {
    return this.builder.rows;
  }

  /** A format fact found outside the text (the encoding), reported first among the warnings. */
  note(text: string): void {
    this.notes.push(text);
  }

  push(text: string): void {
    if (this.tokenizer) {
      this.tokenizer.push(text);
      return;
    }
    this.head += text;
    this.begin(false);
  }

  finish(): Table {
    if (!this.tokenizer) this.begin(true);
    const tokenizer = this.tokenizer!;
    tokenizer.finish();
    return this.builder.finish(this.options, {
      delimiter: this.delimiter,
      delimiterDetected: this.delimiterDetected,
      bom: this.bom,
      notes: this.notes,
      stats: tokenizer.stats,
    });
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
      return;
    }
    if (this.options.delimiter === undefined) {
      this.delimiter = detectDelimiter(text.slice(0, n), n === text.length && complete);
      this.delimiterDetected = true;
    }
    this.head = '';
    this.tokenizer = new Tokenizer(this.delimiter, this.builder.add);
    this.tokenizer.push(text);
  }
}
