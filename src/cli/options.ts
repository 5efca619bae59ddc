/** Options of reading a CSV, shared by rcf score and rcf inspect. */
import type { StreamOptions } from '../ingest/stream';
import { UsageError } from './errors';
import type { Values } from './main';

const DELIMITERS: Record<string, string> = { ',': ',', ';': ';', '|': '|', tab: '\t', '\\t': '\t', '\t': '\t', comma: ',', semicolon: ';', pipe: '|' };

export function readingOptions(values: Values): StreamOptions {
  const options: StreamOptions = {};
  const d = values.delimiter;
  if (d !== undefined) {
    const delimiter = DELIMITERS[d.toLowerCase()];
    if (!delimiter) throw new UsageError(`--delimiter takes , ; | or tab; got ${JSON.stringify(d)}.`);
    options.delimiter = delimiter;
  }
  const decimal = values.decimal;
  if (decimal !== undefined) {
    if (decimal !== '.' && decimal !== ',') throw new UsageError(`--decimal takes . or , (the decimal separator); got ${JSON.stringify(decimal)}.`);
    options.decimal = decimal;
  }
  const time = values['time-column'];
  if (time !== undefined) options.timeColumn = time.toLowerCase() === 'none' ? null : time;
  if (values['day-first'] && values['month-first']) throw new UsageError('--day-first and --month-first contradict each other: give one of them.');
  if (values['day-first']) options.dayFirst = true;
  if (values['month-first']) options.dayFirst = false;
  const rows = values['detect-rows'];
  if (rows !== undefined) {
    if (!/^\d+$/.test(rows.trim()) || Number(rows) < 1) throw new UsageError(`--detect-rows takes a whole number of rows, 1 or more; got "${rows}".`);
    options.detectRows = Number(rows);
  }
  return options;
}
