/**
 * The library entry point (Node and browsers): the forest, its options, and CSV ingestion.
 */
export { RandomCutForest, BATCH, MissingValueError, type ForestStats, type ProcessOutputs } from './forest/forest';
export { Thresholder, DEFAULT_THRESHOLD, type ThresholdOptions, type AnomalyEvent, type Graded } from './forest/thresholder';
export { resolveOptions, OptionsError, LIMITS, type ForestOptions, type ForestOptionsInput } from './shared/options';
export { compileKernel, instantiateKernel, type KernelSource } from './kernel/kernel';
export { parseCsvText, parseCsvBlob, tableToCsv, CsvError, type Table, type ColumnInfo, type ParseOptions } from './ingest';
