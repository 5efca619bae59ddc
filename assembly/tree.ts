/**
 * Random cut trees with streaming insert and delete.
 *
 * Guha, Mishra, Roy, Schrijvers, "Robust Random Cut Forest Based Anomaly Detection on Streams",
 * ICML 2016 (PMLR 48:2712-2721), section 3: inserting p into a tree built on S yields a tree distributed
 * as one built on S + {p}; deleting yields one built on S - {p}. Contract: docs/algorithm.md.
 *
 * Insert, top-down: at node v with box B, let B' = B extended by p. If p lies inside B no cut can separate
 * it and no random number is drawn. Otherwise one uniform draw r in [0, sum of B' sides) picks the
 * dimension j and the value c (subtract each side from r in turn; the first side that r falls short of is
 * j, and c = B'.min[j] + r). If c < B.min[j] or c >= B.max[j] the cut separates p from B: a new internal
 * node takes v's place, with p's new leaf and v as children. Otherwise v's box becomes B', its mass grows
 * by one, and the walk follows v's own cut. Routing everywhere: x[j] <= c goes left.
 *
 * Nodes keep no parent links: delete records the path on its way down (layout.ts, `path`).
 */
import { NULL, D, path } from './layout';
import { uniform } from './random';
import { pointAddress } from './point-store';
import { separation, growthOf, extendBox, unionBox, samePoint } from './box';
import {
  isLeaf, leafOf, asChild, recordsOf, boxesOf, record, cutDimensionAt, cutValueAt, massAt, setMassAt,
  leftAt, setLeftAt, rightAt, setRightAt, childFor, box, boxMaxOf, getLeafPoint, getLeafMass, setLeafMass,
  getRoot, setRoot, massOf, allocateNode, freeNode, allocateLeaf, freeLeaf,
} from './node-store';

/** The largest f64 below x (Math.nextDown). Keeps a cut strictly below the upper end of its side. */
export function nextDown(x: f64): f64 {
  if (x > 0) return reinterpret<f64>(reinterpret<i64>(x) - 1);
  if (x < 0) return reinterpret<f64>(reinterpret<i64>(x) + 1);
  return -5e-324;
}

/**
 * The cut value as stored: the largest f32 not above c. Every coordinate is an f32, and for an f32 x,
 * x <= c exactly when x <= storedCut(c); so routing, and every decision made from the cut, is unchanged
 * (docs/algorithm.md, "Numbers").
 */
export function storedCut(c: f64): f32 {
  const f = <f32>c;
  if (<f64>f <= c) return f;
  const bits = reinterpret<i32>(f);
  if (f > 0) return reinterpret<f32>(bits - 1);
  if (f < 0) return reinterpret<f32>(bits + 1);
  return reinterpret<f32>(0x80000001); // below +-0: the negative f32 closest to 0
}

// the cut drawn by drawCut
let drawnDimension: i32 = 0;
let drawnValue: f64 = 0;

/**
 * Draws a random cut on the box [lo, hi] extended by p (f32 columns at the given addresses) and reports
 * whether it separates p from [lo, hi]. Consumes one random number of tree `tree`.
 */
function drawCut(tree: i32, lo: usize, hi: usize, p: usize, total: f64): bool {
  let r = uniform(tree) * total;
  let chosen = -1;
  let last = -1;
  let c: f64 = 0;
  for (let j = 0; j < D; j++) {
    const v = <f64>load<f32>(p + (<usize>j << 2));
    const a = <f64>load<f32>(lo + (<usize>j << 2));
    const b = <f64>load<f32>(hi + (<usize>j << 2));
    const low = v < a ? v : a;
    const high = v > b ? v : b;
    const side = high - low;
    if (side > 0) {
      last = j;
      if (r < side) {
        chosen = j;
        c = low + r;
        break;
      }
      r -= side;
    }
  }
  if (chosen < 0) {
    // r ran past the last side by rounding: the cut sits at the top of the last non-empty side
    chosen = last;
    const v = <f64>load<f32>(p + (<usize>last << 2));
    const b = <f64>load<f32>(hi + (<usize>last << 2));
    c = v > b ? v : b;
  }
  const v = <f64>load<f32>(p + (<usize>chosen << 2));
  const a = <f64>load<f32>(lo + (<usize>chosen << 2));
  const b = <f64>load<f32>(hi + (<usize>chosen << 2));
  const high = v > b ? v : b;
  if (c >= high) c = nextDown(high);
  drawnDimension = chosen;
  drawnValue = c;
  return c < a || c >= b;
}

/** Sum of the sides of [lo, hi] extended by p, or -1 when p lies inside [lo, hi]. */
// @ts-ignore: decorator
@inline function extendedTotal(lo: usize, hi: usize, p: usize): f64 {
  const total = separation(lo, hi, p);
  return growthOf > 0 ? total : -1;
}

/**
 * New internal node in place of `child` (whose box is [lo, hi]), cut by the last drawn cut; p's new leaf
 * (point slot `slot`) beside it. `parent` is the record `child` hangs from (0: child is the root), at link
 * offset `side`. Returns the new leaf.
 */
function splitAbove(
  tree: i32, child: i32, parent: usize, side: usize, lo: usize, hi: usize, slot: i32, p: usize,
): i32 {
  const n = allocateNode(tree, drawnDimension, storedCut(drawnValue));
  const rec = record(recordsOf(tree), n);
  const into = box(boxesOf(tree), n);
  extendBox(into, boxMaxOf(into), lo, hi, p);
  setMassAt(rec, massOf(tree, child) + 1);
  const l = allocateLeaf(tree, slot);
  const leaf = asChild(l);
  if (parent == 0) setRoot(tree, n);
  else store<u16>(parent + side, <u16>n);
  if (<f64>load<f32>(p + (<usize>drawnDimension << 2)) <= drawnValue) {
    setLeftAt(rec, leaf);
    setRightAt(rec, child);
  } else {
    setLeftAt(rec, child);
    setRightAt(rec, leaf);
  }
  return l;
}

/**
 * Inserts the point in `slot` into tree `tree`. Returns the leaf (local index) that holds it now: a new
 * leaf, or the leaf of an equal point already in the tree (whose multiplicity grew). Called by the
 * sampler's decision, at most once per tree per update.
 */
export function insertPoint(tree: i32, slot: i32): i32 {
  const p = pointAddress(slot);
  let node = getRoot(tree);
  if (node == NULL) {
    const l = allocateLeaf(tree, slot);
    setRoot(tree, asChild(l));
    return l;
  }
  const records = recordsOf(tree), boxes = boxesOf(tree);
  let parent: usize = 0;
  let side: usize = 0;
  while (true) {
    if (isLeaf(node)) {
      const l = leafOf(node);
      const q = pointAddress(getLeafPoint(tree, l));
      if (samePoint(q, p)) {
        setLeafMass(tree, l, getLeafMass(tree, l) + 1);
        return l;
      }
      const total = extendedTotal(q, q, p);
      drawCut(tree, q, q, p, total); // always separates two distinct points
      return splitAbove(tree, node, parent, side, q, q, slot, p);
    }
    const rec = record(records, node);
    const lo = box(boxes, node), hi = boxMaxOf(lo);
    const total = extendedTotal(lo, hi, p);
    if (total >= 0) {
      if (drawCut(tree, lo, hi, p, total)) return splitAbove(tree, node, parent, side, lo, hi, slot, p);
      extendBox(lo, hi, lo, hi, p);
    }
    setMassAt(rec, massAt(rec) + 1);
    parent = rec;
    const j = <usize>cutDimensionAt(rec);
    side = load<f32>(p + (j << 2)) > cutValueAt(rec) ? 10 : 8;
    node = <i32>load<u16>(rec + side);
  }
  return NULL;
}

/**
 * Descends tree `tree` by the cuts to the leaf where x (f32 coordinates) lands, writing the internal
 * nodes passed to `path`. Returns the leaf's child link (NULL for an empty tree) and leaves its depth in
 * `pathDepth`.
 */
export let pathDepth: i32 = 0;
export function descendRecording(tree: i32, x: usize): i32 {
  let node = getRoot(tree);
  if (node == NULL) return NULL;
  const records = recordsOf(tree);
  const at = path;
  let depth = 0;
  while (!isLeaf(node)) {
    store<u16>(at + (<usize>depth << 1), <u16>node);
    node = childFor(record(records, node), x);
    depth++;
  }
  pathDepth = depth;
  return node;
}

/** Recomputes an internal node's box (at `boxAt`) from its children; true when it changed. */
function refitBox(tree: i32, rec: usize, boxAt: usize): bool {
  const boxes = boxesOf(tree);
  const left = leftAt(rec), right = rightAt(rec);
  const llo = isLeaf(left) ? pointAddress(getLeafPoint(tree, leafOf(left))) : box(boxes, left);
  const lhi = isLeaf(left) ? llo : boxMaxOf(llo);
  const rlo = isLeaf(right) ? pointAddress(getLeafPoint(tree, leafOf(right))) : box(boxes, right);
  const rhi = isLeaf(right) ? rlo : boxMaxOf(rlo);
  return unionBox(boxAt, boxMaxOf(boxAt), llo, lhi, rlo, rhi);
}

/**
 * Deletes one copy of the point in `slot` from tree `tree` (the sampler evicted it). Lowers the leaf's
 * multiplicity; at zero, removes the leaf and its parent and hangs the sibling on the grandparent, then
 * lowers masses and shrinks boxes on the path up. Returns false (and changes nothing) when the point is
 * not in the tree, which would be a broken invariant. Called once per eviction.
 */
export function deletePoint(tree: i32, slot: i32): bool {
  const p = pointAddress(slot);
  const node = descendRecording(tree, p);
  if (node == NULL) return false;
  const depth = pathDepth;
  const l = leafOf(node);
  if (!samePoint(pointAddress(getLeafPoint(tree, l)), p)) return false;
  const records = recordsOf(tree);
  const m = getLeafMass(tree, l) - 1;
  let top = depth - 1; // the deepest node whose mass drops
  let refit = false;
  if (m > 0) {
    setLeafMass(tree, l, m);
  } else {
    freeLeaf(tree, l);
    if (depth == 0) {
      setRoot(tree, NULL);
      return true;
    }
    const parent = <i32>load<u16>(path + (<usize>(depth - 1) << 1));
    const prec = record(records, parent);
    const sibling = leftAt(prec) == node ? rightAt(prec) : leftAt(prec);
    if (depth == 1) setRoot(tree, sibling);
    else {
      const grec = record(records, <i32>load<u16>(path + (<usize>(depth - 2) << 1)));
      if (leftAt(grec) == parent) setLeftAt(grec, sibling);
      else setRightAt(grec, sibling);
    }
    freeNode(tree, parent);
    top = depth - 2;
    refit = true;
  }
  const boxes = boxesOf(tree);
  for (let d = top; d >= 0; d--) {
    const n = <i32>load<u16>(path + (<usize>d << 1));
    const rec = record(records, n);
    setMassAt(rec, massAt(rec) - 1);
    if (refit) refit = refitBox(tree, rec, box(boxes, n));
  }
  return true;
}
