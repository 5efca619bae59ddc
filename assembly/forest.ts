/**
 * The forest inside the kernel: configuration, and the batch loop that scores and updates a chunk of
 * (already shingled) points handed in through the input column. One forest per WebAssembly instance;
 * several instances can hold disjoint ranges of one forest's trees (sharding across workers).
 */
import { T, D, B, N, MAX_SAMPLE_SIZE, MAX_DIMENSIONS, plan, forestBytes, input, output, scratch, query, batchState } from './layout';
import { attributeTree } from './attribution';
import { codispTree } from './codisp';
import { imputePoint } from './imputation';
import { checkRestored } from './snapshot';
import { seedTree, weightUniform } from './random';
import { clearPoints, storePoint, pointAddress } from './point-store';
import { clearNodes, getLeafPoint } from './node-store';
import { insertPoint, deletePoint } from './tree';
import { scoreTree, fillTables } from './score';
import {
  clearSampler, setDecay, gOf, weightOf, accepts, surelyRejected, refreshBound, sampleSizeOf, heaviestLeaf,
  push, replaceHeaviest, expectedCells,
} from './sampler';

/** Flags of `process`. */
export const SCORE: i32 = 1;
export const UPDATE: i32 = 2;
/** With SCORE: also write each point's attribution (high[D], low[D], summed over trees). */
export const ATTRIBUTION: i32 = 4;
/** With SCORE: the score column holds the expected CoDisp instead of the expected inverse depth. */
export const CODISP: i32 = 8;

/**
 * Tree scores are summed as integers in units of 2^-32 (each tree's score rounded to that grid), so the
 * sum does not depend on how the trees are grouped: shards summed by the host give bit-identical results
 * to one forest. The host divides the output by (SCORE_UNIT * numberOfTrees).
 */
export const SCORE_UNIT: f64 = 4294967296.0;

let seed: u64 = 0;
let treeOffset: i32 = 0;
let timeDecay: f64 = 0;
let updates: i64 = 0;
let broken: i32 = 0;

/**
 * Plans memory and empties the forest. Called once per forest by the host. Returns the forest's own bytes
 * as planned (layout.ts, `forestBytes`: the model, without the batch columns whose size follows `batch`),
 * or 0 when the configuration is refused (sampleSize above 32767: node links are 16-bit; more than 65535
 * dimensions: the cut dimension is 16-bit) or memory could not grow.
 */
export function configure(
  trees: i32, sampleSize: i32, dimensions: i32, seedHigh: u32, seedLow: u32, decay: f64,
  firstTree: i32, batch: i32,
): usize {
  if (trees < 1 || sampleSize < 2 || sampleSize > MAX_SAMPLE_SIZE || batch < 1) return 0;
  if (dimensions < 1 || dimensions > MAX_DIMENSIONS) return 0;
  // point store cells: those the sampled points are expected to cover when shingled, with room to spare
  const expected = expectedCells(trees, sampleSize, dimensions, decay);
  const cells = <i32>Math.min(1.25 * expected + <f64>(4 * dimensions), 268435456.0);
  // refuse what 32-bit memory cannot hold (before any address is computed in 32 bits)
  const t = <f64>trees, n = <f64>sampleSize, d = <f64>dimensions;
  const estimate = t * n * (8.0 * d + 40.0) + <f64>batch * (24.0 * d + 24.0) + <f64>cells * 4.25 + 16.0 * n + 1048576.0;
  if (estimate > 4026531840.0) return 0; // 3.75 GiB
  if (plan(trees, sampleSize, dimensions, batch, (cells + 3) & ~3) == 0) return 0;
  const bytes = forestBytes();
  fillTables();
  seed = (<u64>seedHigh << 32) | <u64>seedLow;
  treeOffset = firstTree;
  timeDecay = decay;
  setDecay(decay);
  reset();
  return bytes;
}

/**
 * Forgets every point: the forest is as freshly configured (same seed). Called by `configure`, and by the
 * host when the user starts over (rarely).
 */
export function reset(): void {
  clearPoints();
  for (let t = 0; t < T; t++) {
    clearNodes(t);
    clearSampler(t);
    seedTree(t, seed, treeOffset + t);
  }
  updates = 0;
  broken = 0;
}

/** Updates per block of the sampler's rejection bounds (sampler.ts); a power of two. */
const BLOCK: i64 = 256;

/**
 * Ends restoring a snapshot (snapshot.ts): checks the regions the host wrote and rebuilds boxes and
 * bounds; with `updates`, the saved update count, the forest then goes on exactly as the saved one would.
 * Returns 0, or the failed check's number after emptying the forest. Called by the host once per restore.
 */
export function finishRestore(saved: f64): i32 {
  const e = checkRestored(saved, <f64>BLOCK);
  if (e != 0) {
    reset();
    return e;
  }
  updates = <i64>saved;
  broken = 0;
  return 0;
}

/**
 * Offers the stored point at `offset` (update number `sequence`) to tree `t`'s sampler, and updates the
 * tree when the sampler takes it: evict (delete) the heaviest entry's point, insert the newcomer.
 */
function offer(t: i32, offset: i32, sequence: i64): void {
  if ((sequence & (BLOCK - 1)) == 0) refreshBound(t, <f64>(sequence + BLOCK - 1), sequence);
  const u = weightUniform(t, <u64>sequence);
  if (surelyRejected(t, u)) return;
  const g = gOf(u);
  if (!accepts(t, weightOf(g, sequence), sequence)) return;
  let leaf: i32;
  if (sampleSizeOf(t) < N) {
    leaf = insertPoint(t, offset);
    push(t, <u32>sequence, g, leaf, sequence);
  } else {
    if (!deletePoint(t, getLeafPoint(t, heaviestLeaf(t)))) broken++;
    leaf = insertPoint(t, offset);
    replaceHeaviest(t, g, leaf, sequence);
  }
  if (sampleSizeOf(t) >= N) refreshBound(t, <f64>(sequence | (BLOCK - 1)), sequence);
}

/** Copies input row i to `into` as f32; false when a value is not finite in f32. */
function readRow(i: i32, into: usize): bool {
  const row = input + ((<usize>i * <usize>D) << 3);
  let finite = true;
  for (let j = 0; j < D; j++) {
    const v = <f32>load<f64>(row + (<usize>j << 3));
    if (!isFinite<f32>(v)) finite = false;
    store<f32>(into + (<usize>j << 2), v);
  }
  return finite;
}

// per row of a batch (layout.ts, `batchState`): the stored offset, or one of these
const REJECTED: i32 = -2; // a coordinate is not finite in f32: neither scored nor inserted
const NOT_STORED: i32 = -1; // scored only (or the store is full): read from the input column

/**
 * Processes `count` points from the input column (count * D f64, row-major). With SCORE, writes each
 * point's summed tree score (in SCORE_UNIT, see above) to output[i] before the point updates the forest;
 * with UPDATE, offers the point to the samplers. A point with a coordinate that is not finite in f32 is
 * neither scored (output NaN) nor inserted: it can never reach a tree. Called by the host once per chunk.
 * Returns the number of points processed.
 *
 * Trees are independent, so the batch runs tree by tree: each tree scores and updates with every point in
 * turn (score-then-update per point, as always), while its nodes stay in the nearest cache (measured: 1.5
 * times faster than point by point). Per point, tree scores are added as integers and attributions in
 * tree order, so the results are those of the point-by-point loop, bit for bit. Points to insert are
 * stored first, in order (so shingles overlap in the store), and named by their offsets.
 */
export function process(count: i32, flags: i32): i32 {
  const n = count < B ? count : B;
  const updating = (flags & UPDATE) != 0;
  const scoring = (flags & SCORE) != 0;
  const first = updates;
  // 1. rows: check, store the ones that update the forest, number them
  for (let i = 0; i < n; i++) {
    const at = batchState + (<usize>i << 3);
    if (scoring) store<i64>(output + (<usize>i << 3), 0); // the score sum, as an integer until the end
    if (!readRow(i, query)) {
      store<i32>(at, REJECTED);
      if (flags & ATTRIBUTION) {
        const into = attributionAddress(i);
        for (let k = 0; k < 2 * D; k++) store<f64>(into + (<usize>k << 3), NaN);
      }
      continue;
    }
    let offset = NOT_STORED;
    if (updating) {
      offset = storePoint(query, batchState, i);
      if (offset < 0) {
        broken++; // the store is full and memory could not grow: this point cannot be kept
        offset = NOT_STORED;
      }
    }
    store<i32>(at, offset);
    if (offset >= 0) {
      store<i32>(at, <i32>(updates - first), 4); // its update number, from the batch's first
      updates++;
    }
    if (flags & ATTRIBUTION) {
      const into = attributionAddress(i);
      for (let k = 0; k < 2 * D; k++) store<f64>(into + (<usize>k << 3), 0);
    }
  }
  // 2. tree by tree: score, then update, each point in turn
  const work = scratch + ((<usize>T * <usize>D) << 3);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < n; i++) {
      const at = batchState + (<usize>i << 3);
      const offset = load<i32>(at);
      if (offset == REJECTED) continue;
      let x: usize;
      if (offset >= 0) x = pointAddress(offset);
      else {
        readRow(i, query);
        x = query;
      }
      if (scoring) {
        let s: f64;
        if (flags & CODISP) s = codispTree(t, x);
        else if (flags & ATTRIBUTION) s = attributeTree(t, x, attributionAddress(i), work);
        else s = scoreTree(t, x);
        const sum = output + (<usize>i << 3);
        store<i64>(sum, load<i64>(sum) + <i64>nearest(s * SCORE_UNIT));
      }
      if (offset >= 0) offer(t, offset, first + <i64>load<i32>(at, 4));
    }
  }
  // 3. the sums as f64 (NaN for rejected rows)
  for (let i = 0; i < n; i++) {
    const sum = output + (<usize>i << 3);
    if (load<i32>(batchState + (<usize>i << 3)) == REJECTED) store<f64>(sum, NaN);
    else if (scoring) store<f64>(sum, <f64>load<i64>(sum));
  }
  return n;
}

/** Where point i's attribution (high[D] then low[D]) goes in the output column. */
function attributionAddress(i: i32): usize {
  return output + ((<usize>B + <usize>i * <usize>(2 * D)) << 3);
}

/**
 * For `count` points of the input column, writes the values of coordinates [from, to) that would make each
 * normal (median over trees of the imputed values; see imputation.ts) to output[i * (to - from) ..]. NaN
 * where the forest is empty. Does not change the forest. Called by the host for anomalous points only.
 */
export function impute(count: i32, from: i32, to: i32): i32 {
  const n = count < B ? count : B;
  if (from < 0 || to > D || from >= to) return 0;
  const width = to - from;
  for (let i = 0; i < n; i++) {
    readRow(i, query);
    const into = output + ((<usize>i * <usize>width) << 3);
    if (!imputePoint(query, from, to, into, scratch)) {
      for (let k = 0; k < width; k++) store<f64>(into + (<usize>k << 3), NaN);
    }
  }
  return n;
}

/** Updates so far (points offered to the samplers). Called by the host for statistics, and by tests. */
export function updateCount(): f64 {
  return <f64>updates;
}

/**
 * Deletes that did not find their point, and points that could not be stored (memory exhausted): 0 unless
 * something broke. Called by tests after every step, and by the host for diagnostics.
 */
export function brokenCount(): i32 {
  return broken;
}
