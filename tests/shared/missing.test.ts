import { describe, it, expect } from 'vitest';
import { missingValueMessage } from '../../src/shared/missing';

describe('missingValueMessage', () => {
  it("says the file's line on the command line, as rcf always has", () => {
    expect(missingValueMessage({ file: 'x.csv', line: 2002, column: 'b', cell: '' }, 'cli')).toBe(
      'x.csv: line 2002, column "b": the value is missing (empty cell), and --missing error stops at the first missing value. ' +
        'Fix the file, or use --missing carry, zero or skip.',
    );
    expect(missingValueMessage({ file: 'x.csv', line: 7, column: 'load', cell: 'n/a' }, 'cli')).toMatch(/^x\.csv: line 7, column "load": "n\/a" is not a number, /);
  });

  it('says the row (1-based) and the column when there is no file to look in', () => {
    expect(missingValueMessage({ row: 2000, column: 'value' })).toBe(
      'row 2,001, column "value": the value is missing or not a number, and missingValues error stops at the first missing value. ' +
        'Choose missingValues carry, zero or skip.',
    );
  });
});
