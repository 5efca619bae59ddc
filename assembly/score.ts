/**
 * The anomaly score: expected inverse depth, on the scale of Amazon's Random Cut Forest.
 *
 * For a query x (not inserted) in a tree of mass M: descend by the cuts to the leaf where x lands, at
 * depth d. If x equals the leaf's point (multiplicity m) the leaf scores damp(m, M) * scoreSeen(d, m),
 * else scoreUnseen(d). Walking back to the root, each ancestor v at depth dv blends in
 * q * scoreUnseen(dv) + (1 - q) * s, where q is the probability that a random cut of v's box extended by x
 * separates x; once q = 0, x is inside every higher box too and the walk stops. The tree's score is
 * s * log2(M + 1); the forest's is the mean over its trees.
 */
import { D } from './layout';
import { pointAddress, samePoint } from './point-store';
import {
  isLeaf, leafOf, getLeft, getRight, getParent, getCutDimension, getCutValue, boxMinAddress,
  boxMaxAddress, getLeafPoint, getLeafMass, getLeafParent, getRoot, massOf,
} from './node-store';
import { NULL } from './layout';

/** Score of a leaf that isolates x at depth `depth`: x would be cut off there. */
// @ts-ignore: decorator
@inline export function scoreUnseen(depth: i32): f64 {
  return 1.0 / (<f64>depth + 1.0);
}

/** Score of a leaf at `depth` holding x itself `m` times: as deep as m copies would sit. */
// @ts-ignore: decorator
@inline export function scoreSeen(depth: i32, m: i32): f64 {
  return 1.0 / (<f64>depth + Math.log2(<f64>m + 1.0));
}

/** Damping for a point seen m times in a tree of mass M: frequent points are less surprising. */
// @ts-ignore: decorator
@inline export function damp(m: i32, M: i32): f64 {
  return 1.0 - <f64>m / (2.0 * <f64>M);
}

/** Normalisation from the blended inverse depth to the score scale. */
// @ts-ignore: decorator
@inline export function normalise(s: f64, M: i32): f64 {
  return s * Math.log2(<f64>M + 1.0);
}

/**
 * Probability that a random cut of node n's box extended by x separates x:
 * (sum of the growth of each side) / (sum of the extended sides). 0 when x is inside the box.
 */
export function separationProbability(n: i32, x: usize): f64 {
  const lo = boxMinAddress(n), hi = boxMaxAddress(n);
  let growth: f64 = 0;
  let total: f64 = 0;
  for (let j = 0; j < D; j++) {
    const o = <usize>j << 2;
    const v = <f64>load<f32>(x + o);
    const a = <f64>load<f32>(lo + o);
    const b = <f64>load<f32>(hi + o);
    if (v < a) { growth += a - v; total += b - v; }
    else if (v > b) { growth += v - b; total += v - a; }
    else total += b - a;
  }
  return growth == 0 ? 0 : growth / total;
}

/** Depth of the leaf where x lands and that leaf (child encoding), left in these globals. */
export let landedDepth: i32 = 0;
export let landedLeaf: i32 = 0;

/** Walks x (f32 coordinates at address x) down tree `tree` to its leaf. */
export function descend(tree: i32, x: usize): void {
  let node = getRoot(tree);
  let depth = 0;
  while (!isLeaf(node)) {
    const j = getCutDimension(node);
    node = <f64>load<f32>(x + (<usize>j << 2)) <= getCutValue(node) ? getLeft(node) : getRight(node);
    depth++;
  }
  landedDepth = depth;
  landedLeaf = node;
}

/** The anomaly score of x in tree `tree` (0 for an empty tree). Called once per tree per scored point. */
export function scoreTree(tree: i32, x: usize): f64 {
  const r = getRoot(tree);
  if (r == NULL) return 0;
  const M = massOf(r);
  descend(tree, x);
  const l = leafOf(landedLeaf);
  let depth = landedDepth;
  let s: f64;
  if (samePoint(pointAddress(getLeafPoint(l)), x)) {
    const m = getLeafMass(l);
    s = damp(m, M) * scoreSeen(depth, m);
  } else {
    s = scoreUnseen(depth);
  }
  let v = getLeafParent(l);
  while (v != NULL) {
    depth--;
    const q = separationProbability(v, x);
    if (q == 0) break;
    s = q * scoreUnseen(depth) + (1.0 - q) * s;
    v = getParent(v);
  }
  return normalise(s, M);
}
