/**
 * The forest inside the kernel: configuration, and the batch loop that scores and updates a chunk of
 * (already shingled) points handed in through the input column. One forest per WebAssembly instance;
 * several instances can hold disjoint ranges of one forest's trees (sharding across workers).
 */
import { T, D, B, plan, input, output, scratch } from './layout';
import { attributeTree } from './attribution';
import { codispTree } from './codisp';
import { imputePoint } from './imputation';
import { seedTree, uniformOpen } from './random';
import {
  clearPoints, allocatePoint, freePoint, pointAddress, addReference, releaseReference, referenceCount,
} from './point-store';
import { clearNodes } from './node-store';
import { insertPoint, deletePoint } from './tree';
import { scoreTree } from './score';
import {
  clearSampler, weightOf, accepts, sampleSizeOf, heaviestPoint, push, replaceHeaviest,
} from './sampler';
import { N } from './layout';

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

/** Plans memory and empties the forest. Called once per forest by the host. Returns planned bytes, or 0. */
export function configure(
  trees: i32, sampleSize: i32, dimensions: i32, seedHigh: u32, seedLow: u32, decay: f64,
  firstTree: i32, batch: i32,
): usize {
  if (trees < 1 || sampleSize < 2 || dimensions < 1 || batch < 1) return 0;
  const bytes = plan(trees, sampleSize, dimensions, batch);
  if (bytes == 0) return 0;
  seed = (<u64>seedHigh << 32) | <u64>seedLow;
  treeOffset = firstTree;
  timeDecay = decay;
  reset();
  return bytes;
}

/** Forgets every point: the forest is as freshly configured (same seed). */
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

/** Offers the point in `slot` to every tree's sampler, and inserts it where it is accepted. */
function update(slot: i32): void {
  const sequence = <f64>updates;
  updates++;
  for (let t = 0; t < T; t++) {
    const w = weightOf(uniformOpen(t), timeDecay, sequence);
    if (!accepts(t, w)) continue;
    let held: i32;
    if (sampleSizeOf(t) < N) {
      held = insertPoint(t, slot);
      push(t, w, held);
    } else {
      const evicted = heaviestPoint(t);
      if (!deletePoint(t, evicted)) broken++;
      releaseReference(evicted);
      held = insertPoint(t, slot);
      replaceHeaviest(t, w, held);
    }
    addReference(held);
  }
  if (referenceCount(slot) == 0) freePoint(slot);
}

/**
 * Processes `count` points from the input column (count * D f64, row-major). With SCORE, writes each
 * point's summed tree score (in SCORE_UNIT, see above) to output[i] before the point updates the forest;
 * with UPDATE, offers the point to the samplers. A point with a coordinate that is not finite in f32 is
 * neither scored (output NaN) nor inserted: it can never reach a tree. Called by the host once per chunk.
 * Returns the number of points processed.
 */
export function process(count: i32, flags: i32): i32 {
  const n = count < B ? count : B;
  for (let i = 0; i < n; i++) {
    const slot = allocatePoint();
    const at = pointAddress(slot);
    const row = input + ((<usize>i * <usize>D) << 3);
    let finite = true;
    for (let j = 0; j < D; j++) {
      const v = <f32>load<f64>(row + (<usize>j << 3));
      if (!isFinite<f32>(v)) finite = false;
      store<f32>(at + (<usize>j << 2), v);
    }
    if (!finite) {
      freePoint(slot);
      store<f64>(output + (<usize>i << 3), NaN);
      if (flags & ATTRIBUTION) {
        const into = attributionAddress(i);
        for (let k = 0; k < 2 * D; k++) store<f64>(into + (<usize>k << 3), NaN);
      }
      continue;
    }
    if (flags & SCORE) {
      let sum: i64 = 0;
      if (flags & CODISP) {
        for (let t = 0; t < T; t++) sum += <i64>nearest(codispTree(t, at) * SCORE_UNIT);
      } else if (flags & ATTRIBUTION) {
        const into = attributionAddress(i);
        for (let k = 0; k < 2 * D; k++) store<f64>(into + (<usize>k << 3), 0);
        const work = scratch + ((<usize>T * <usize>D) << 3);
        for (let t = 0; t < T; t++) sum += <i64>nearest(attributeTree(t, at, into, work) * SCORE_UNIT);
      } else {
        for (let t = 0; t < T; t++) sum += <i64>nearest(scoreTree(t, at) * SCORE_UNIT);
      }
      store<f64>(output + (<usize>i << 3), <f64>sum);
    }
    if (flags & UPDATE) update(slot);
    else freePoint(slot);
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
    const slot = allocatePoint();
    const at = pointAddress(slot);
    const row = input + ((<usize>i * <usize>D) << 3);
    for (let j = 0; j < D; j++) store<f32>(at + (<usize>j << 2), <f32>load<f64>(row + (<usize>j << 3)));
    const into = output + ((<usize>i * <usize>width) << 3);
    if (!imputePoint(at, from, to, into, scratch)) {
      for (let k = 0; k < width; k++) store<f64>(into + (<usize>k << 3), NaN);
    }
    freePoint(slot);
  }
  return n;
}

/** Updates so far (points offered to the samplers). */
export function updateCount(): f64 {
  return <f64>updates;
}

/** Deletes that did not find their point: 0 unless an invariant broke. */
export function brokenCount(): i32 {
  return broken;
}
