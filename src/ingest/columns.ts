/**
 * Which column to score when the person has not said: the first number column that is not a row index nor
 * a column of labels. Files exported from pandas, R or spreadsheets often start with an index ("Unnamed: 0",
 * "index", "id", or just 0, 1, 2, …), and scoring it finds nothing but a straight line; labelled data sets
 * often have a 0/1 column (label, is_anomaly…) that says where the anomalies are, which is not data to score.
 * The page, its worker, the library and `rcf score`/`rcf inspect` all choose with defaultColumn.
 */
import type { ColumnInfo } from './types';

/** What the choice looks at: a column's name, kind and facts. */
export type ColumnFacts = Pick<ColumnInfo, 'name' | 'kind' | 'missing' | 'min' | 'max'>;

const INDEX_NAME = /^(unnamed:?\s*\d*|index|idx|id|row|row[ _-]?(id|no|number|index)|#|no\.?|n|obs|sample)$/i;

/** A column of 0/1 labels, by name: label, labels, anomaly, is_anomaly, outlier… (any case). */
const LABEL_NAME = /^(is[_ ]?)?(label|labels|anomaly|anomalies|anomalous|outlier|outliers)$/i;

/** Whether a column is named like a column of 0/1 labels (the page reads its windows from one; never scored by default). */
export function isLabelColumn(name: string): boolean {
  return LABEL_NAME.test(name.trim());
}

/**
 * True for a column that numbers the rows: named like an index, or with no missing cell and values from 0
 * or 1 up by exactly the row count (`rows`: the rows the column's facts cover).
 */
export function isIndexColumn(column: ColumnFacts, rows: number): boolean {
  if (column.kind !== 'number') return false;
  if (INDEX_NAME.test(column.name.trim())) return true;
  return rows >= 3 && numbersRows(column, rows);
}

/**
 * The column scored by default: the first number column that is not a row index nor a label column
 * (isLabelColumn), nor one `skip` leaves out; else the first number column that is not a label column (every
 * one is a row index); else the first label column (there is nothing else); null when there is no number column.
 */
export function defaultColumn(columns: readonly ColumnFacts[], rows: number, skip: (name: string) => boolean = () => false): string | null {
  const numbers = columns.filter((c) => c.kind === 'number' && !skip(c.name));
  const data = numbers.filter((c) => !isLabelColumn(c.name));
  const chosen = data.find((c) => !isIndexColumn(c, rows)) ?? data[0] ?? numbers[0] ?? columns.find((c) => c.kind === 'number');
  return chosen?.name ?? null;
}

/** Whether a column's values so far number `rows` rows (no missing cell, from 0 or 1 up by rows − 1), however few. */
export function numbersRows(column: ColumnFacts, rows: number): boolean {
  const { min, max } = column;
  return column.kind === 'number' && column.missing === 0 && min !== null && max !== null && (min === 0 || min === 1) && max - min === rows - 1;
}

/**
 * The columns defaultColumn could still choose once more rows are read (a live input that pauses after
 * `rows` rows: one name when the choice is settled, several when more rows could change it, none when no
 * column can be a number). It takes a column to stay what the rows in hand show, except where more rows
 * can change that in the usual way:
 * - a number column whose values so far number the rows (no missing cell, from 0 or 1 up by rows − 1, on
 *   however few rows; not named like an index) may be a row index or not;
 * - a column with no value so far (`valueless`: by default the text columns with only empty cells) may turn
 *   out to be a number column (an index or not).
 * A name like an index is fixed by the header; a column that does not number the rows so far is taken not to.
 * A label column (isLabelColumn, by name) is never data nor index: it may be the choice only when no other
 * column may be a number column, as in defaultColumn.
 */
export function possibleDefaultColumns(
  columns: readonly ColumnFacts[],
  rows: number,
  skip: (name: string) => boolean = () => false,
  valueless: readonly string[] = columns.filter((c) => c.kind === 'text' && c.missing >= rows).map((c) => c.name),
): string[] {
  const possible = new Set<string>();
  /** Every column so far can be something other than a data column (not a number, or a row index). */
  let noDataYet = true;
  /** Every column so far can be other than a number column. */
  let noNumberYet = true;
  /** Columns that are the first number column when no column is data (defaultColumn's fallback). */
  const fallback: string[] = [];
  /** Every label column so far can be other than a number column. */
  let noLabelNumberYet = true;
  /** Label columns that are the first number label column when no other column is a number column. */
  const labels: string[] = [];
  for (const c of columns) {
    let notNumber = false;
    let index = false;
    let data = false;
    if (skip(c.name)) notNumber = true;
    else if (isLabelColumn(c.name)) {
      const maybeNumber = c.kind === 'number' || (c.kind === 'text' && valueless.includes(c.name));
      if (noLabelNumberYet && maybeNumber) labels.push(c.name);
      noLabelNumberYet &&= c.kind !== 'number';
      continue;
    }
    else if (c.kind === 'number') {
      const byName = INDEX_NAME.test(c.name.trim());
      index = byName || numbersRows(c, rows);
      data = !byName;
    } else if (c.kind === 'text' && valueless.includes(c.name)) {
      notNumber = true;
      index = true;
      data = !INDEX_NAME.test(c.name.trim());
    } else notNumber = true;
    if (noDataYet && data) possible.add(c.name);
    if (noNumberYet && index) fallback.push(c.name);
    noDataYet &&= notNumber || index;
    noNumberYet &&= notNumber;
  }
  if (noDataYet) for (const name of fallback) possible.add(name);
  if (noNumberYet) for (const name of labels) possible.add(name);
  return [...possible];
}
