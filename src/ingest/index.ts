/**
 * CSV ingestion: the one module that turns a CSV file into columns, used by the Web Worker (parseCsvBlob)
 * and the command line (parseCsvText, or node.ts's parseCsvFile). See README.md in this folder for the
 * decisions (what is detected, how, and what is reported).
 */
export { CsvError } from './types';
export type { ColumnInfo, ColumnKind, ParseOptions, ParseProgress, Table } from './types';
export { parseCsvText } from './parse-text';
export { parseCsvBlob } from './parse-blob';
export { formatNumber, tableToCsv, tableToCsvChunks } from './export';
export type { ExtraColumn } from './export';
