/**
 * The anomaly score: expected inverse depth, on the scale of Amazon's Random Cut Forest.
 *
 * For a query x (not inserted) in a tree of mass M: descend by the cuts to the leaf where x lands, at
 * depth d. If x equals the leaf's point (multiplicity m) the leaf scores damp(m, M) * scoreSeen(d, m),
 * else scoreUnseen(d). Walking back to the root, each ancestor v at depth dv blends in
 * q * scoreUnseen(dv) + (1 - q) * s, where q is the probability that a random cut of v's box extended by x
 * separates x; once q = 0, x is inside every higher box too and the walk stops. The tree's score is
 * s * log2(M + 1); the forest's is the mean over its trees.
 *
 * The walk back up reads the path the descent recorded (tree.ts, `descendRecording`), so the box loads of
 * successive ancestors do not wait on each other.
 */
import { D, N, path, inverseDepth, log2Table } from './layout';
import { pointAddress, samePoint } from './point-store';
import { leafOf, boxesOf, box, getLeafPoint, getLeafMass, getRoot, massOf } from './node-store';
import { descendRecording, pathDepth } from './tree';
import { separation, growthOf } from './box';
import { NULL } from './layout';

/** Fills the tables of 1 / (d + 1) and log2(m + 1) for d, m in 0..N. Called by `configure`. */
export function fillTables(): void {
  for (let i = 0; i <= N; i++) {
    store<f64>(inverseDepth + (<usize>i << 3), 1.0 / (<f64>i + 1.0));
    store<f64>(log2Table + (<usize>i << 3), Math.log2(<f64>i + 1.0));
  }
}

/** log2(m + 1) for 0 <= m <= N (a tree's mass or a leaf's multiplicity). */
// @ts-ignore: decorator
@inline export function log2Plus1(m: i32): f64 {
  return load<f64>(log2Table + (<usize>m << 3));
}

/** Score of a leaf that isolates x at depth `depth`: x would be cut off there. 1 / (depth + 1). */
// @ts-ignore: decorator
@inline export function scoreUnseen(depth: i32): f64 {
  return load<f64>(inverseDepth + (<usize>depth << 3));
}

/** Score of a leaf at `depth` holding x itself `m` times: as deep as m copies would sit. */
// @ts-ignore: decorator
@inline export function scoreSeen(depth: i32, m: i32): f64 {
  return 1.0 / (<f64>depth + log2Plus1(m));
}

/** Damping for a point seen m times in a tree of mass M: frequent points are less surprising. */
// @ts-ignore: decorator
@inline export function damp(m: i32, M: i32): f64 {
  return 1.0 - <f64>m / (2.0 * <f64>M);
}

/** Normalisation from the blended inverse depth to the score scale. */
// @ts-ignore: decorator
@inline export function normalise(s: f64, M: i32): f64 {
  return s * log2Plus1(M);
}

/**
 * Probability that a random cut of the box at `lo` extended by x separates x: (sum of the growth of each
 * side) / (sum of the extended sides). 0 when x is inside the box.
 */
export function separationProbability(lo: usize, hi: usize, x: usize): f64 {
  const total = separation(lo, hi, x);
  const growth = growthOf;
  return growth == 0 ? 0 : growth / total;
}

/** The anomaly score of x in tree `tree` (0 for an empty tree). Called once per tree per scored point. */
export function scoreTree(tree: i32, x: usize): f64 {
  const r = getRoot(tree);
  if (r == NULL) return 0;
  const M = massOf(tree, r);
  const leaf = descendRecording(tree, x);
  const l = leafOf(leaf);
  let depth = pathDepth;
  let s: f64;
  if (samePoint(pointAddress(getLeafPoint(tree, l)), x)) {
    const m = getLeafMass(tree, l);
    s = damp(m, M) * scoreSeen(depth, m);
  } else {
    s = scoreUnseen(depth);
  }
  const boxes = boxesOf(tree);
  const at = path;
  while (depth > 0) {
    depth--;
    const n = <i32>load<u16>(at + (<usize>depth << 1));
    const lo = box(boxes, n);
    const total = separation(lo, lo + (<usize>D << 2), x);
    const growth = growthOf;
    if (growth == 0) break;
    const q = growth / total;
    s = q * scoreUnseen(depth) + (1.0 - q) * s;
  }
  return normalise(s, M);
}
