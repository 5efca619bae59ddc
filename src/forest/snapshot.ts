/**
 * Snapshots: a forest (and its thresholder) to a compact, versioned binary and back. A restored forest goes
 * on bit-identically: same scores, grades and random draws as the saved one would have produced.
 *
 * Format, version 2 (gzip-compressed as a whole; gzip's CRC-32 catches corruption):
 *   8 bytes    "RCFSNAP\n"
 *   u32 LE     format version (2)
 *   u32 LE     length of the JSON header in bytes, then the header (UTF-8): { options (ForestOptions),
 *              updates, pipeline (count of f64), store: { tail, last } (the point store's kept cells and
 *              its last stored point's offset, renumbered), trees (byte length of the trees' bits),
 *              thresholder: { options, state } or null, columns (optional: the input columns' names) }
 *   f64 LE[]   the row pipeline's state (RowPipeline.saveState)
 *   bytes      the point store's kept cells, 4 × tail bytes as byte planes (snapshot-codec.ts)
 *   bytes      the trees, reservoirs and random states as one bit stream (snapshot-codec.ts)
 * Versioning promise: a build reads every format version from 2 up to its own, and refuses a newer one
 * with an error that says so; the version changes whenever the meaning of any byte changes. Format 1
 * (before the sampler's weights became recomputable from the update number) cannot be converted: it is
 * refused with a message that says to save the model again.
 *
 * Reading never trusts the bytes: sizes are checked against what the options imply, the options are
 * validated as for a new forest, every field of the bit stream is bounds-checked as it is decoded, and
 * the kernel checks every link, cut, mass and reservoir entry before anything runs (a bad snapshot is an
 * error, never a corrupted kernel). Decompression stops at 1 GiB.
 */
import { RandomCutForest, SnapshotStateError } from './forest';
import { Thresholder, type ThresholdOptions, type ThresholderState } from './thresholder';
import { resolveOptions, OptionsError, type ForestOptions } from '../shared/options';
import { encodeRegions, decodeRegions, CodecError, type StoreHeader } from './snapshot-codec';

export const SNAPSHOT_VERSION = 2;
/** The oldest format version this build reads. */
export const OLDEST_VERSION = 2;
const MAGIC = 'RCFSNAP\n';
const MAX_BYTES = 1 << 30;

/** A snapshot that cannot be read: says what is wrong and what to do. */
export class SnapshotError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SnapshotError';
  }
}

interface Header {
  options: ForestOptions;
  updates: number;
  pipeline: number;
  store: StoreHeader;
  /** bytes of the trees' bit stream */
  trees: number;
  thresholder: { options: ThresholdOptions; state: ThresholderState } | null;
  /** The names of the input columns the forest was fed, in order, when the saver gave them. */
  columns?: string[];
}

async function through(bytes: Uint8Array, transform: CompressionStream | DecompressionStream, limit: number): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(transform);
  const reader = stream.getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw new SnapshotError(`The snapshot unpacks to more than ${limit >> 20} MiB: it is not a snapshot of this program.`);
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** Saves a forest (and optionally its thresholder) as a snapshot. */
export async function saveSnapshot(
  forest: RandomCutForest, thresholder?: Thresholder | null, columns?: string[],
): Promise<Uint8Array> {
  const state = forest.saveState();
  const shape = { trees: forest.options.numberOfTrees, sampleSize: forest.options.sampleSize, dimensions: forest.dimensions };
  const coded = encodeRegions(shape, state.updates, state.regions);
  const header: Header = {
    options: forest.options,
    updates: state.updates,
    pipeline: state.pipeline.length,
    store: coded.store,
    trees: coded.trees.byteLength,
    thresholder: thresholder ? { options: thresholder.options, state: thresholder.saveState() } : null,
    ...(columns ? { columns } : {}),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const size = 16 + json.byteLength + state.pipeline.byteLength + coded.cells.byteLength + coded.trees.byteLength;
  const raw = new Uint8Array(size);
  const view = new DataView(raw.buffer);
  raw.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, SNAPSHOT_VERSION, true);
  view.setUint32(12, json.byteLength, true);
  raw.set(json, 16);
  let at = 16 + json.byteLength;
  for (let i = 0; i < state.pipeline.length; i++, at += 8) view.setFloat64(at, state.pipeline[i], true);
  for (const part of [coded.cells, coded.trees]) {
    raw.set(part, at);
    at += part.byteLength;
  }
  return through(raw, new CompressionStream('gzip'), MAX_BYTES);
}

/** Reads a snapshot into a new forest (and thresholder, if one was saved). */
export async function loadSnapshot(
  bytes: Uint8Array, module: WebAssembly.Module,
): Promise<{ forest: RandomCutForest; thresholder: Thresholder | null; columns: string[] | null }> {
  if (!(bytes.byteLength >= 18 && bytes[0] === 0x1f && bytes[1] === 0x8b)) {
    throw new SnapshotError('This is not a snapshot file (it is not gzip-compressed): save one with this program first.');
  }
  let raw: Uint8Array;
  try {
    raw = await through(bytes, new DecompressionStream('gzip'), MAX_BYTES);
  } catch (e) {
    if (e instanceof SnapshotError) throw e;
    throw new SnapshotError(`The snapshot is damaged (it does not unpack: ${(e as Error).message}); save it again.`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  if (raw.byteLength < 16 || new TextDecoder().decode(raw.subarray(0, 8)) !== MAGIC) {
    throw new SnapshotError('This is not a snapshot of this program (its first bytes are not "RCFSNAP").');
  }
  const version = view.getUint32(8, true);
  if (version === 1) {
    throw new SnapshotError(`The snapshot was made by an earlier build (format 1); this build reads format ${OLDEST_VERSION}${SNAPSHOT_VERSION > OLDEST_VERSION ? ` to ${SNAPSHOT_VERSION}` : ''}: save the model again.`);
  }
  if (version > SNAPSHOT_VERSION || version < OLDEST_VERSION) {
    throw new SnapshotError(`The snapshot is format version ${version}; this build reads versions ${OLDEST_VERSION} to ${SNAPSHOT_VERSION}: use a newer build.`);
  }
  const jsonLength = view.getUint32(12, true);
  if (16 + jsonLength > raw.byteLength) throw new SnapshotError('The snapshot is truncated (its header runs past its end).');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw.subarray(16, 16 + jsonLength)));
  } catch {
    throw new SnapshotError('The snapshot is damaged (its header is not readable JSON).');
  }
  if (typeof header !== 'object' || header === null) throw new SnapshotError('The snapshot is damaged (its header is not an object).');
  let options: ForestOptions;
  try {
    options = resolveOptions(header.options);
  } catch (e) {
    throw new SnapshotError(`The snapshot's options are impossible: ${(e as OptionsError).message}`);
  }
  const store = header.store;
  const int = (n: unknown) => Number.isInteger(n) && (n as number) >= -1 && (n as number) <= 2 ** 31 - 1;
  if (typeof store !== 'object' || store === null || ![store.tail, store.last].every(int)
    || store.tail < 0 || !(Number.isInteger(header.trees) && header.trees >= 0)) {
    throw new SnapshotError('The snapshot is damaged (its point store header or sizes are impossible).');
  }
  if (!(Number.isInteger(header.updates) && header.updates >= 0 && header.updates <= 2 ** 53)) {
    throw new SnapshotError('The snapshot cannot be restored: the update count is impossible.');
  }
  if (!(Number.isInteger(header.pipeline) && header.pipeline >= 0 && header.pipeline < 1e6)) {
    throw new SnapshotError('The snapshot is damaged (impossible row pipeline size).');
  }
  let at = 16 + jsonLength;
  const end = at + header.pipeline * 8 + store.tail * 4 + header.trees;
  if (end !== raw.byteLength) {
    throw new SnapshotError(`The snapshot is ${end > raw.byteLength ? 'truncated' : 'damaged (it has bytes past its end)'}: ${raw.byteLength} bytes where its header announces ${end}.`);
  }
  const pipeline = new Float64Array(header.pipeline);
  for (let i = 0; i < pipeline.length; i++, at += 8) pipeline[i] = view.getFloat64(at, true);
  const cells = raw.subarray(at, at + store.tail * 4);
  at += store.tail * 4;
  const trees = raw.subarray(at, at + header.trees);
  const forest = RandomCutForest.fromModule(options, module);
  let regions: Uint8Array[];
  try {
    const shape = { trees: options.numberOfTrees, sampleSize: options.sampleSize, dimensions: forest.dimensions };
    regions = decodeRegions(shape, header.updates, store, cells, trees);
  } catch (e) {
    if (e instanceof CodecError) throw new SnapshotError(`The snapshot cannot be restored: ${e.message}.`);
    throw e;
  }
  try {
    forest.restoreState({ pipeline, updates: header.updates, regions });
  } catch (e) {
    if (e instanceof SnapshotStateError) throw new SnapshotError(e.message);
    throw e;
  }
  let thresholder: Thresholder | null = null;
  if (header.thresholder) {
    try {
      thresholder = new Thresholder({ ...header.thresholder.options, shingleSize: options.shingleSize });
      thresholder.restoreState(header.thresholder.state);
    } catch (e) {
      throw new SnapshotError(`The snapshot's thresholder is impossible: ${(e as Error).message}`);
    }
  }
  const columns = Array.isArray(header.columns) && header.columns.every((c) => typeof c === 'string') ? header.columns : null;
  return { forest, thresholder, columns };
}
