/**
 * The words for a missing or unreadable value met with missingValues 'error' (--missing error): where it is
 * (the file's line, or the row when there is no file to look in), which column, what the cell held, and
 * what to do. One function, so that the command line and the page say the same thing.
 */

/** Where a missing value was met, and what its cell held. */
export interface MissingCell {
  /** The file's name, said first when given ("sensor.csv: line 12, …"). */
  file?: string;
  /** 1-based line of the file, when there is a file to look in; else `row` is said. */
  line?: number | null;
  /** 0-based data row (said 1-based when there is no line). */
  row?: number;
  /** The column's name. */
  column: string;
  /** The cell as written ('' when empty); null or absent when not known. */
  cell?: string | null;
}

/** How the policy is spelled: on the command line (--missing) or in the options (missingValues: the page, the API). */
export type MissingSpelling = 'cli' | 'options';

/** "line 2002" when there is a file's line to look at, else "row 2,001" (1-based). */
export function missingPlace(at: Pick<MissingCell, 'line' | 'row'>): string {
  return at.line !== undefined && at.line !== null ? `line ${at.line}` : `row ${((at.row ?? 0) + 1).toLocaleString('en-US')}`;
}

/**
 * "sensor.csv: line 2002, column "b": the value is missing (empty cell), and --missing error stops at the
 * first missing value. Fix the file, or use --missing carry, zero or skip."
 */
export function missingValueMessage(at: MissingCell, spelling: MissingSpelling = 'options'): string {
  const where = missingPlace(at);
  const cell = at.cell;
  const what =
    cell === '' ? 'the value is missing (empty cell)' : typeof cell === 'string' ? `${JSON.stringify(cell)} is not a number` : 'the value is missing or not a number';
  const fix =
    spelling === 'cli'
      ? 'and --missing error stops at the first missing value. Fix the file, or use --missing carry, zero or skip.'
      : `and missingValues error stops at the first missing value. ${at.line !== undefined && at.line !== null ? 'Fix the file, or choose' : 'Choose'} missingValues carry, zero or skip.`;
  return `${at.file ? `${at.file}: ` : ''}${where}, column "${at.column}": ${what}, ${fix}`;
}
