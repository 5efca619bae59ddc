/**
 * Imputation: the values that would have made a point normal ("expected value", rcf-spec section 7).
 *
 * Some coordinates of x are treated as unknown (the newest row of the shingle, by default). Each tree
 * descends; at a cut on a known coordinate it follows x; at a cut on an unknown coordinate it follows the
 * child the rest of the point makes more likely: the one whose box (a leaf's: its point), looked at in the
 * known coordinates only, x would grow least relative to its size (the lower separation probability),
 * the heavier child on a tie. The leaf's point gives the tree's values for the unknown coordinates; the
 * forest's are the per-coordinate medians over its trees.
 */
import { D, T, NULL } from './layout';
import { pointAddress } from './point-store';
import {
  isLeaf, leafOf, recordsOf, boxesOf, record, box, boxMaxOf, leftAt, rightAt, childFor, cutDimensionAt,
  getLeafPoint, getRoot, massOf,
} from './node-store';

/** Separation probability of child c's box extended by x, counting only coordinates outside [from, to). */
function knownSeparation(tree: i32, c: i32, x: usize, from: i32, to: i32): f64 {
  const lo = isLeaf(c) ? pointAddress(getLeafPoint(tree, leafOf(c))) : box(boxesOf(tree), c);
  const hi = isLeaf(c) ? lo : boxMaxOf(lo);
  let growth: f64 = 0;
  let total: f64 = 0;
  for (let j = 0; j < D; j++) {
    if (j >= from && j < to) continue;
    const o = <usize>j << 2;
    const v = <f64>load<f32>(x + o), a = <f64>load<f32>(lo + o), b = <f64>load<f32>(hi + o);
    if (v < a) { growth += a - v; total += b - v; }
    else if (v > b) { growth += v - b; total += v - a; }
    else total += b - a;
  }
  return growth == 0 ? 0 : growth / total;
}

/** The point slot of the leaf tree `tree` imputes x to, with coordinates [from, to) unknown; -1 if empty. */
export function imputeTree(tree: i32, x: usize, from: i32, to: i32): i32 {
  let node = getRoot(tree);
  if (node == NULL) return -1;
  const records = recordsOf(tree);
  while (!isLeaf(node)) {
    const rec = record(records, node);
    const j = cutDimensionAt(rec);
    if (j >= from && j < to) {
      const l = leftAt(rec), r = rightAt(rec);
      const pl = knownSeparation(tree, l, x, from, to), pr = knownSeparation(tree, r, x, from, to);
      node = pl < pr ? l : pr < pl ? r : massOf(tree, l) >= massOf(tree, r) ? l : r;
    } else {
      node = childFor(rec, x);
    }
  }
  return getLeafPoint(tree, leafOf(node));
}

/**
 * Writes, for coordinates [from, to) of x, the median over trees of the imputed values to `into`
 * (to - from f64). `scratch` holds T * (to - from) f64. Returns false when the forest is empty.
 * Called by the host for points worth explaining (grade > 0), not for every point.
 */
export function imputePoint(x: usize, from: i32, to: i32, into: usize, scratch: usize): bool {
  let n = 0;
  for (let t = 0; t < T; t++) {
    const slot = imputeTree(t, x, from, to);
    if (slot < 0) continue;
    const p = pointAddress(slot);
    for (let j = from; j < to; j++) {
      store<f64>(scratch + (<usize>((j - from) * T + n) << 3), <f64>load<f32>(p + (<usize>j << 2)));
    }
    n++;
  }
  if (n == 0) return false;
  for (let j = from; j < to; j++) {
    const column = scratch + (<usize>((j - from) * T) << 3);
    // insertion sort of the column's n values (n = trees: small)
    for (let i = 1; i < n; i++) {
      const v = load<f64>(column + (<usize>i << 3));
      let k = i;
      while (k > 0 && load<f64>(column + (<usize>(k - 1) << 3)) > v) {
        store<f64>(column + (<usize>k << 3), load<f64>(column + (<usize>(k - 1) << 3)));
        k--;
      }
      store<f64>(column + (<usize>k << 3), v);
    }
    const mid = n >> 1;
    const median = (n & 1) ? load<f64>(column + (<usize>mid << 3))
      : 0.5 * (load<f64>(column + (<usize>(mid - 1) << 3)) + load<f64>(column + (<usize>mid << 3)));
    store<f64>(into + (<usize>(j - from) << 3), median);
  }
  return true;
}
