/**
 * What the first part of a file tells: is it text at all, and which delimiter separates its cells.
 * Both work on a prefix of the decoded text, the same prefix whether the text came whole or by chunks.
 */
import { Tokenizer } from './tokenizer';
import { CsvError } from './types';

export const DELIMITERS = [',', ';', '\t', '|'] as const;

export const DELIMITER_NAMES: Record<string, string> = {
  ',': 'comma (,)',
  ';': 'semicolon (;)',
  '\t': 'tab',
  '|': 'pipe (|)',
  ' ': 'space',
};

/** Characters looked at to decide that a file is binary. */
export const BINARY_CHECK_CHARS = 1024;
/** The delimiter is decided on at least this many characters (or the whole file)… */
export const SNIFF_MIN_CHARS = 64 * 1024;
/** …and at least this many line breaks, unless that would take more than SNIFF_MAX_CHARS. */
export const SNIFF_MIN_LINES = 5;
export const SNIFF_MAX_CHARS = 4 * 1024 * 1024;
/** Records looked at per candidate delimiter. */
const SNIFF_RECORDS = 200;

/**
 * How many leading characters of `text` the sniffer uses, or -1 when more text is needed first
 * (`complete`: `text` is the whole file). Depends only on the text, never on how it was chunked.
 */
export function sniffLength(text: string, complete: boolean): number {
  const limit = Math.min(text.length, SNIFF_MAX_CHARS);
  let pos = -1;
  let k = 0;
  while (k < SNIFF_MIN_LINES) {
    pos = text.indexOf('\n', pos + 1);
    if (pos < 0 || pos >= limit) break;
    k++;
  }
  if (k === SNIFF_MIN_LINES) {
    const want = Math.min(Math.max(SNIFF_MIN_CHARS, pos + 1), SNIFF_MAX_CHARS);
    if (want <= text.length) return want;
    return complete ? text.length : -1;
  }
  if (text.length >= SNIFF_MAX_CHARS) return SNIFF_MAX_CHARS;
  return complete ? text.length : -1;
}

/** Throws a CsvError at once when the start of the file is not text. */
export function assertText(text: string): void {
  const m = Math.min(text.length, BINARY_CHECK_CHARS);
  if (text.startsWith('PK\u0003\u0004')) {
    throw new CsvError(
      'This file does not look like a CSV file: it is a ZIP archive, which is what Excel (.xlsx) and OpenDocument (.ods) spreadsheets are. ' +
        'Expected plain text with one row per line. Open it in the spreadsheet program, save it as "CSV UTF-8", and try again.',
    );
  }
  let bad = 0;
  for (let i = 0; i < m; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) {
      throw new CsvError(
        `This file does not look like a CSV file: it holds NUL bytes (character ${i + 1}), as binary files do. ` +
          'Expected plain text with one row per line. If it is a spreadsheet, a compressed file or a UTF-16 text file, save it as "CSV UTF-8" and try again.',
      );
    }
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) bad++;
  }
  if (bad >= 8 && bad > m * 0.1) {
    throw new CsvError(
      `This file does not look like a CSV file: ${bad} of its first ${m} characters are not text (control characters or bytes that are not UTF-8). ` +
        'Expected plain text with one row per line. If it is a spreadsheet or another binary file, save it as "CSV UTF-8" and try again.',
    );
  }
}

interface Candidate {
  delimiter: string;
  score: number;
  mode: number;
}

/**
 * The delimiter among comma, semicolon, tab and pipe that splits the sample's records (quotes respected)
 * into the most consistent number of cells, the header included. When none splits the header, the file has
 * one column and the delimiter is the first candidate absent from the sample (',' by default).
 */
export function detectDelimiter(sample: string, complete: boolean): string {
  let best: Candidate | null = null;
  const absent: string[] = [];
  for (const delimiter of DELIMITERS) {
    const counts: number[] = [];
    const tokenizer = new Tokenizer(delimiter, (cells) => {
      counts.push(cells.length);
      if (counts.length >= SNIFF_RECORDS) tokenizer.stop();
    });
    try {
      tokenizer.push(sample);
      if (complete) tokenizer.finish();
    } catch {
      // an unclosed quote in the sample: judge on the records before it
    }
    if (counts.length === 0) {
      // no complete record in the sample: fall back to plain occurrence counts
      const occurrences = sample.split(delimiter).length - 1;
      if (occurrences === 0) absent.push(delimiter);
      else if (!best || occurrences > best.mode) best = { delimiter, score: 0, mode: occurrences };
      continue;
    }
    let max = 0;
    for (const c of counts) if (c > max) max = c;
    if (max <= 1) {
      absent.push(delimiter);
      continue;
    }
    const freq = new Map<number, number>();
    let mode = 0;
    let modeFreq = 0;
    for (const c of counts) {
      const f = (freq.get(c) ?? 0) + 1;
      freq.set(c, f);
      if (f > modeFreq || (f === modeFreq && c > mode)) {
        mode = c;
        modeFreq = f;
      }
    }
    const header = counts[0]!;
    if (header <= 1 || mode <= 1) continue;
    const score = modeFreq / counts.length + (header === mode ? 1 : 0);
    if (!best || score > best.score || (score === best.score && mode > best.mode)) {
      best = { delimiter, score, mode };
    }
  }
  if (best) return best.delimiter;
  return absent[0] ?? ',';
}

/** Validates a delimiter given in the options ("\\t" and "tab" mean a tab). */
export function normaliseDelimiter(d: string): string {
  const t = d === '\\t' || d.toLowerCase() === 'tab' ? '\t' : d;
  if (t.length !== 1 || t === '"' || t === '\n' || t === '\r') {
    throw new CsvError(
      `The delimiter option must be one character other than a quote or a line break (such as ",", ";", "\\t" or "|"); got ${JSON.stringify(d)}. ` +
        'Pass one of those, or leave the option out to detect it.',
    );
  }
  return t;
}
