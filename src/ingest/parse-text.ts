import { CsvReader } from './reader';
import type { ParseOptions, Table } from './types';

/** Parses a whole CSV text (already decoded). Throws CsvError when the text is not a readable CSV. */
export function parseCsvText(text: string, options?: ParseOptions): Table {
  const reader = new CsvReader(options);
  reader.push(text);
  return reader.finish();
}
