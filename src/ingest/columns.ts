/**
 * Which column to score when the person has not said: the first number column that is not a row index.
 * Files exported from pandas, R or spreadsheets often start with one ("Unnamed: 0", "index", "id", or just
 * 0, 1, 2, …), and scoring it finds nothing but a straight line.
 */
import type { ColumnInfo } from './types';

/** What the choice looks at: a column's name, kind and facts. */
export type ColumnFacts = Pick<ColumnInfo, 'name' | 'kind' | 'missing' | 'min' | 'max'>;

const INDEX_NAME = /^(unnamed:?\s*\d*|index|idx|id|row|row[ _-]?(id|no|number|index)|#|no\.?|n|obs|sample)$/i;

/**
 * True for a column that numbers the rows: named like an index, or with no missing cell and values from 0
 * or 1 up by exactly the row count (`rows`: the rows the column's facts cover).
 */
export function isIndexColumn(column: ColumnFacts, rows: number): boolean {
  if (column.kind !== 'number') return false;
  if (INDEX_NAME.test(column.name.trim())) return true;
  const { min, max } = column;
  return rows >= 3 && column.missing === 0 && min !== null && max !== null && (min === 0 || min === 1) && max - min === rows - 1;
}

/**
 * The column scored by default: the first number column that is not a row index (nor one `skip` leaves
 * out); the first number column if every one is; null when there is none.
 */
export function defaultColumn(columns: readonly ColumnFacts[], rows: number, skip: (name: string) => boolean = () => false): string | null {
  const numbers = columns.filter((c) => c.kind === 'number' && !skip(c.name));
  const chosen = numbers.find((c) => !isIndexColumn(c, rows)) ?? numbers[0] ?? columns.find((c) => c.kind === 'number');
  return chosen?.name ?? null;
}
