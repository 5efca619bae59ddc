/**
 * The forest inside the kernel: configuration, and the batch loop that scores and updates a chunk of
 * (already shingled) points handed in through the input column. One forest per WebAssembly instance;
 * several instances can hold disjoint ranges of one forest's trees (sharding across workers).
 */
import { T, D, B, plan, input, output } from './layout';
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
      continue;
    }
    if (flags & SCORE) {
      let sum: i64 = 0;
      for (let t = 0; t < T; t++) sum += <i64>nearest(scoreTree(t, at) * SCORE_UNIT);
      store<f64>(output + (<usize>i << 3), <f64>sum);
    }
    if (flags & UPDATE) update(slot);
    else freePoint(slot);
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
