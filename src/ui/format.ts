/**
 * Text for people: counts with thousands separators, durations, times (UTC, as the files give them) and
 * values. Fixed to en-US so that the page reads the same everywhere ("Scored 22,631 points").
 */
import { utcDay, utcFormat, utcHour, utcMinute, utcMonth, utcSecond as utcSecondInterval, utcYear } from 'd3';

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 22631 → "22,631". */
export function formatCount(n: number): string {
  return integer.format(n);
}

/** 1, "row" → "1 row"; 22631, "row" → "22,631 rows" (as plural() says counts in the command line's messages). */
export function formatCountOf(n: number, one: string, many = one + 's'): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

const plain = new Intl.NumberFormat('en-US', { maximumFractionDigits: 20 });

/** A number as typed or given, with thousands separators ("1,001", "2.5"); huge or non-finite ones as JS writes them. */
export function formatNumber(v: number): string {
  return Number.isFinite(v) && Math.abs(v) < 1e21 ? plain.format(v) : String(v);
}

/**
 * What a field held, for messages "Must be …; got 1,001.": "got 1,001" (thousands separators, like the
 * limits), "the field is empty", or — for a number field whose text the browser could not read as a
 * finite number (1e400: the field's value is empty, validity.badInput is set), or Infinity — that it is not a
 * finite number. `empty` is the words for an empty field.
 */
export function gotText(v: unknown, unreadable = false, empty = 'the field is empty'): string {
  if (typeof v === 'number' && !Number.isNaN(v) && !Number.isFinite(v)) return `got ${v}, not a finite number`;
  if (v === null || v === undefined || v === '' || (typeof v === 'number' && Number.isNaN(v))) {
    return unreadable ? 'what is typed is not a finite number' : empty;
  }
  return `got ${typeof v === 'number' ? formatNumber(v) : String(v)}`;
}

/**
 * A grade (0 to 1) with two decimals; an alert's grade (above 0) below 0.005 is "<0.01", never "0.00".
 */
export function formatGrade(g: number): string {
  if (!Number.isFinite(g)) return '–';
  if (g > 0 && g < 0.005) return '<0.01';
  return g.toFixed(2);
}

/** Milliseconds → "0.9 s", "12.3 s", "45 ms". */
export function formatDuration(ms: number): string {
  if (ms < 100) return `${Math.max(1, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

const toMinute = utcFormat('%Y-%m-%d %H:%M');
const toSecond = utcFormat('%Y-%m-%d %H:%M:%S');

/** Epoch milliseconds → "2013-12-16 07:15 UTC" (seconds shown only when not zero). */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const d = new Date(ms);
  return `${d.getUTCSeconds() || d.getUTCMilliseconds() ? toSecond(d) : toMinute(d)} UTC`;
}

const tick = {
  millisecond: utcFormat('.%L'),
  second: utcFormat(':%S'),
  minute: utcFormat('%H:%M'),
  day: utcFormat('%b %d'),
  month: utcFormat('%b'),
  year: utcFormat('%Y'),
};

/**
 * Label of a time axis tick (UTC, 24-hour): the coarsest unit at which the tick is not round, like d3's
 * default but with "14:00" for hours and "Mar 02" for days.
 */
export function formatUtcTick(date: Date): string {
  if (utcSecondInterval(date) < date) return tick.millisecond(date);
  if (utcMinute(date) < date) return tick.second(date);
  if (utcHour(date) < date || utcDay(date) < date) return tick.minute(date);
  if (utcMonth(date) < date) return tick.day(date);
  if (utcYear(date) < date) return tick.month(date);
  return tick.year(date);
}

/** A data value with about 6 significant digits, no exponent for ordinary magnitudes. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e9 || a < 1e-4)) return v.toExponential(3);
  return new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 }).format(v);
}

/** An anomaly score: 3 decimals (scores are about 0.5–5 with the default options). */
export function formatScore(v: number): string {
  return Number.isFinite(v) ? v.toFixed(3) : 'no score';
}

/** "machine_temperature_system_failure.csv" → "machine_temperature_system_failure". */
export function baseName(fileName: string): string {
  const name = fileName.replace(/^.*[\\/]/, '').replace(/\.(csv|tsv|txt)$/i, '');
  return name || 'dataset';
}
