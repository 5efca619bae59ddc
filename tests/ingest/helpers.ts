import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { CsvError } from '../../src/ingest/index';
import type { ColumnKind, ParseOptions, Table } from '../../src/ingest/index';

const FIXTURES = fileURLToPath(new URL('../fixtures/csv/', import.meta.url));

export function fixturePath(name: string): string {
  return FIXTURES + name;
}

export function fixtureBytes(name: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(FIXTURES + name));
}

/** A fixture decoded as UTF-8 with its BOM kept (as TextDecoder with ignoreBOM would). */
export function fixtureText(name: string): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(fixtureBytes(name));
}

export interface Expected {
  rows?: number;
  header?: string[];
  delimiter?: string;
  decimal?: '.' | ',';
  timeColumn?: string | null;
  kinds?: Record<string, ColumnKind>;
  /** Values of numeric columns (NaN where missing). */
  numeric?: Record<string, number[]>;
  /** Names of all numeric columns, in order. */
  numericNames?: string[];
  /** ISO strings of table.time (null for NaN). */
  time?: (string | null)[];
  start?: string | null;
  end?: string | null;
  cells?: string[][];
  lines?: number[];
  missing?: Record<string, number>;
  /** Each must match at least one warning. */
  warnings?: RegExp[];
  /** None may match any warning. */
  noWarnings?: RegExp[];
}

export interface Case {
  name: string;
  /** Inline text, or a fixture file name with `file`. */
  text?: string;
  file?: string;
  options?: ParseOptions;
  expect: Expected;
}

export function caseText(c: Case): string {
  if (c.text !== undefined) return c.text;
  return fixtureText(c.file!);
}

export function isoTimes(t: Table): (string | null)[] {
  return Array.from(t.time ?? [], (ms) => (Number.isNaN(ms) ? null : new Date(ms).toISOString()));
}

export function checkTable(t: Table, e: Expected): void {
  if (e.rows !== undefined) expect(t.rows).toBe(e.rows);
  if (e.header) expect(t.header).toEqual(e.header);
  if (e.delimiter !== undefined) expect(t.delimiter).toBe(e.delimiter);
  if (e.decimal !== undefined) expect(t.decimal).toBe(e.decimal);
  if (e.timeColumn !== undefined) expect(t.timeColumn).toBe(e.timeColumn);
  if (e.kinds) {
    for (const [name, kind] of Object.entries(e.kinds)) {
      expect(t.columns.find((c) => c.name === name)?.kind, `kind of ${name}`).toBe(kind);
    }
  }
  if (e.numeric) {
    for (const [name, values] of Object.entries(e.numeric)) {
      const got = t.numeric.get(name);
      expect(got, `numeric column ${name}`).toBeDefined();
      expect(Array.from(got!)).toEqual(values);
    }
  }
  if (e.numericNames) expect([...t.numeric.keys()]).toEqual(e.numericNames);
  if (e.time) expect(isoTimes(t)).toEqual(e.time);
  if (e.start !== undefined) expect(t.start).toBe(e.start);
  if (e.end !== undefined) expect(t.end).toBe(e.end);
  if (e.cells) expect(t.cells).toEqual(e.cells);
  if (e.lines) expect(Array.from(t.lines)).toEqual(e.lines);
  if (e.missing) {
    for (const [name, n] of Object.entries(e.missing)) {
      expect(t.columns.find((c) => c.name === name)?.missing, `missing of ${name}`).toBe(n);
    }
  }
  for (const re of e.warnings ?? []) {
    expect(t.warnings.some((w) => re.test(w)), `a warning matching ${re}; got:\n${t.warnings.join('\n')}`).toBe(true);
  }
  for (const re of e.noWarnings ?? []) {
    expect(t.warnings.filter((w) => re.test(w)), `no warning matching ${re}`).toEqual([]);
  }
  // invariants of every table
  expect(t.cells.length).toBe(t.rows);
  expect(t.lines.length).toBe(t.rows);
  expect(t.columns.map((c) => c.name)).toEqual(t.header);
  for (const row of t.cells) expect(row.length).toBeGreaterThanOrEqual(t.header.length);
  for (const [name, values] of t.numeric) {
    expect(values.length).toBe(t.rows);
    expect(t.columns.find((c) => c.name === name)?.kind).toBe('number');
  }
  if (t.time) expect(t.time.length).toBe(t.rows);
  expect(new Set(t.header).size).toBe(t.header.length);
}

/** Runs fn and returns the CsvError it throws (failing the test if it throws anything else or nothing). */
export function csvError(fn: () => unknown): CsvError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CsvError);
    return e as CsvError;
  }
  throw new Error('expected a CsvError, but nothing was thrown');
}

export async function csvErrorAsync(fn: () => Promise<unknown>): Promise<CsvError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(CsvError);
    return e as CsvError;
  }
  throw new Error('expected a CsvError, but nothing was thrown');
}
