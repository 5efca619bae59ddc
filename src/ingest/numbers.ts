/**
 * Reading numbers written by people and spreadsheets: a decimal point or a decimal comma, thousands
 * separators ("1,234.5", "1.234,5", "1 234,5", "1'234.5"), scientific notation, a leading + or − sign,
 * and the usual missing-value markers. Pure functions, no allocation on the common path.
 */

export const DOT = 46;
export const COMMA = 44;
export type DecimalCode = typeof DOT | typeof COMMA;

/** Set by parseNumber: whether the last number read used thousands separators. */
export const numberScan = { grouped: false };

function isSpace(c: number): boolean {
  return c <= 32 || c === 0xa0 || c === 0xfeff || c === 0x2009 || c === 0x202f;
}

/** Thousands separators accepted next to a decimal separator (never the decimal separator itself). */
function isGroupSeparator(c: number, decimal: number): boolean {
  return (
    c === (decimal === DOT ? COMMA : DOT) ||
    c === 32 || // space
    c === 0xa0 || // no-break space (French, Excel)
    c === 0x202f || // narrow no-break space (French)
    c === 0x2009 || // thin space
    c === 39 || // apostrophe (Swiss)
    c === 0x2019 // right single quotation mark (Swiss, typographic)
  );
}

/**
 * The number in a cell, or NaN if the cell is not a finite number. Thousands separators must group digits
 * by three after a first group of one to three digits not starting with 0 ("1,234", "12 345 678"), all with
 * the same separator; so with a decimal point "1,5" is not a number, and with a decimal comma "1.5" is not.
 */
export function parseNumber(s: string, decimal: DecimalCode): number {
  numberScan.grouped = false;
  let lo = 0;
  let hi = s.length;
  while (lo < hi && isSpace(s.charCodeAt(lo))) lo++;
  while (hi > lo && isSpace(s.charCodeAt(hi - 1))) hi--;
  if (lo === hi) return NaN;
  let simple = lo === 0 && hi === s.length && decimal === DOT;
  let i = lo;
  let c = s.charCodeAt(i);
  let negative = false;
  if (c === 43 || c === 45) {
    negative = c === 45;
    i++;
  } else if (c === 0x2212) {
    // U+2212 minus sign
    negative = true;
    simple = false;
    i++;
  }
  const firstDigit = i;
  let digits = 0;
  let run = 0;
  let separator = -1;
  for (; i < hi; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits++;
      run++;
      continue;
    }
    if (c !== decimal && isGroupSeparator(c, decimal)) {
      if (separator < 0) {
        if (run === 0 || run > 3 || s.charCodeAt(firstDigit) === 48) return NaN;
        separator = c;
      } else if (c !== separator || run !== 3) {
        return NaN;
      }
      run = 0;
      continue;
    }
    break;
  }
  const grouped = separator >= 0;
  if (grouped && run !== 3) return NaN;
  let fraction = 0;
  if (i < hi && c === decimal) {
    i++;
    for (; i < hi; i++) {
      c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) fraction++;
      else break;
    }
  }
  if (digits + fraction === 0) return NaN;
  if (i < hi && (c === 101 || c === 69)) {
    if (grouped) return NaN; // "1,234e5" is no number anyone writes
    i++;
    if (i < hi && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) i++;
    let exponent = 0;
    for (; i < hi; i++) {
      c = s.charCodeAt(i);
      if (c >= 48 && c <= 57) exponent++;
      else break;
    }
    if (exponent === 0) return NaN;
  }
  if (i !== hi) return NaN;
  let value: number;
  if (simple && !grouped) {
    value = +s;
  } else {
    let t = negative ? '-' : '';
    for (let k = firstDigit; k < hi; k++) {
      const ck = s.charCodeAt(k);
      if (ck === decimal) t += '.';
      else if (grouped && ck === separator) continue;
      else t += s[k];
    }
    value = +t;
  }
  numberScan.grouped = grouped;
  return Number.isFinite(value) ? value : NaN;
}

const MISSING_MARKERS = new Set([
  '',
  'na',
  'n/a',
  'nan',
  'null',
  'none',
  'nil',
  'missing',
  '-',
  '--',
  '?',
  '.',
  '#n/a',
  '#na',
  // not finite: no usable value either (the forest never sees one; the policy for missing values applies)
  'inf',
  '+inf',
  '-inf',
  'infinity',
  '+infinity',
  '-infinity',
  '#div/0!',
  '#num!',
  '#value!',
]);

/**
 * Empty cells and the usual "no value" markers (NA, N/A, NaN, null, None, -, ?, #N/A…), and non-finite
 * numbers (Infinity, -inf, #DIV/0!), any case.
 */
export function isMissingMarker(s: string): boolean {
  if (s.length === 0) return true;
  const t = s.length > 12 ? s.trim() : s;
  if (t.length > 9) return false;
  return MISSING_MARKERS.has(t.trim().toLowerCase());
}

export const DecimalVote = {
  None: 0,
  Dot: 1,
  Comma: 2,
  /** Valid with either separator, different values: "1.234". */
  AmbiguousDot: 3,
  /** "1,234". */
  AmbiguousComma: 4,
} as const;
export type DecimalVote = (typeof DecimalVote)[keyof typeof DecimalVote];

/** Set by readCell: what the last cell said about the decimal separator, and whether it had thousands separators. */
export const cellScan = { vote: DecimalVote.None as DecimalVote, grouped: false };

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The number in a cell read with a decimal point (as parseNumber(s, DOT)), and in `cellScan.vote` what the
 * cell says about the decimal separator: Dot or Comma when only one reading is a number, Ambiguous when both
 * are and differ ("1,234", "1.234"). One pass for most cells: a lone separator not followed by exactly three
 * digits cannot be a thousands separator, so the other reading is skipped.
 */
export function readCell(s: string): number {
  const comma = s.indexOf(',');
  const dot = s.indexOf('.');
  if (comma < 0 && dot < 0) {
    const v = parseNumber(s, DOT);
    cellScan.vote = DecimalVote.None;
    cellScan.grouped = numberScan.grouped;
    return v;
  }
  const n = s.length;
  const endsInDigit = isDigitCode(s.charCodeAt(n - 1));
  let a: number;
  let groupedA = false;
  if (dot < 0 && endsInDigit && n - comma - 1 !== 3 && s.indexOf(',', comma + 1) < 0) {
    a = NaN; // the one comma would have to group three digits
  } else {
    a = parseNumber(s, DOT);
    groupedA = numberScan.grouped;
  }
  let b: number;
  if (comma < 0 && endsInDigit && n - dot - 1 !== 3 && s.indexOf('.', dot + 1) < 0) {
    b = NaN; // the one dot would have to group three digits
  } else {
    b = parseNumber(s, COMMA);
  }
  const okA = a === a;
  const okB = b === b;
  let vote: DecimalVote = DecimalVote.None;
  if (okA && !okB) vote = DecimalVote.Dot;
  else if (okB && !okA) vote = DecimalVote.Comma;
  else if (okA && a !== b) vote = comma >= 0 ? DecimalVote.AmbiguousComma : DecimalVote.AmbiguousDot;
  cellScan.vote = vote;
  cellScan.grouped = groupedA;
  return a;
}

/** What a cell says about the decimal separator. */
export function voteDecimal(s: string): DecimalVote {
  readCell(s);
  return cellScan.vote;
}
