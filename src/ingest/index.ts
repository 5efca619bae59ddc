/**
 * CSV ingestion: the one module that turns a CSV file into columns, used by the Web Worker (parseCsvBlob)
 * and the command line (CsvStreamReader, which reads files of any size by chunks). See README.md in this folder for the
 * decisions (what is detected, how, and what is reported).
 */
export { CsvError } from './types';
export type { ColumnInfo, ColumnKind, ParseOptions, ParseProgress, Table } from './types';
export { parseCsvText } from './parse-text';
export { defaultColumn, isIndexColumn, isLabelColumn } from './columns';
export { parseCsvBlob } from './parse-blob';
export { CsvStreamReader, DETECT_ROWS } from './stream';
export type { CsvLayout, CsvSummary, RowBatch, StreamOptions } from './stream';
export { csvHeaderLine, csvLine, formatNumber, outputNames, tableToCsv, tableToCsvChunks } from './export';
export type { ExtraColumn } from './export';
