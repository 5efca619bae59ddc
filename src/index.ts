/**
 * The library entry point (Node and browsers): the forest, its options, and CSV ingestion.
 */
export { RandomCutForest, BATCH, type ForestStats } from './forest/forest';
export { resolveOptions, OptionsError, LIMITS, type ForestOptions, type ForestOptionsInput } from './shared/options';
export { compileKernel, instantiateKernel, type KernelSource } from './kernel/kernel';
export { parseCsvText, parseCsvBlob, tableToCsv, CsvError, type Table, type ColumnInfo, type ParseOptions } from './ingest';
