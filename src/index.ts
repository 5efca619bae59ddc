/**
 * The library entry point (Node and browsers): the forest (in one thread, or its trees sharded over a pool of
 * workers), its options, and CSV ingestion.
 */
export { RandomCutForest, BATCH, MissingValueError, type ForestStats, type ProcessOutputs } from './forest/forest';
export { ShardedForest, type ShardedForestHow } from './pool/sharded-forest';
export { ShardPool, defaultPoolSize, webShard, MAX_DEFAULT_POOL, type ShardEndpoint, type SpawnShard } from './pool/pool';
export { Detector, type DetectorOptions, type DetectorOutput } from './forest/detector';
export { saveSnapshot, loadSnapshot, SnapshotError, SNAPSHOT_VERSION } from './forest/snapshot';
export { Thresholder, thresholderFor, DEFAULT_THRESHOLD, type ThresholdOptions, type AnomalyEvent, type Graded } from './forest/thresholder';
export { resolveOptions, OptionsError, LIMITS, type ForestOptions, type ForestOptionsInput } from './shared/options';
export { compileKernel, instantiateKernel, type KernelSource } from './kernel/kernel';
export { parseCsvText, parseCsvBlob, tableToCsv, CsvError, type Table, type ColumnInfo, type ParseOptions } from './ingest';
