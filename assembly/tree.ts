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
 */
import { NULL, D } from './layout';
import { uniform } from './random';
import { pointAddress, samePoint } from './point-store';
import {
  isLeaf, leafOf, asChild, getLeft, setLeft, getRight, setRight, getParent, setParent, getCutDimension,
  getCutValue, getMass, setMass, boxMinAddress, boxMaxAddress, getLeafPoint, getLeafMass, setLeafMass,
  getLeafParent, getRoot, setRoot, setParentOf, massOf, allocateNode, freeNode, allocateLeaf, freeLeaf,
} from './node-store';

/** The largest f64 below x (Math.nextDown). Keeps a cut strictly below the upper end of its side. */
export function nextDown(x: f64): f64 {
  if (x > 0) return reinterpret<f64>(reinterpret<i64>(x) - 1);
  if (x < 0) return reinterpret<f64>(reinterpret<i64>(x) + 1);
  return -5e-324;
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

/** Sum of the sides of [lo, hi] extended by p, and whether p lies outside (returned as a negative sum). */
function extendedTotal(lo: usize, hi: usize, p: usize): f64 {
  let total: f64 = 0;
  let outside = false;
  for (let j = 0; j < D; j++) {
    const v = <f64>load<f32>(p + (<usize>j << 2));
    const a = <f64>load<f32>(lo + (<usize>j << 2));
    const b = <f64>load<f32>(hi + (<usize>j << 2));
    if (v < a) { total += b - v; outside = true; }
    else if (v > b) { total += v - a; outside = true; }
    else total += b - a;
  }
  return outside ? total : -1;
}

/** Puts `replacement` where `old` hangs under `parent` (or at the root). */
function replaceChild(tree: i32, parent: i32, old: i32, replacement: i32): void {
  if (parent == NULL) setRoot(tree, replacement);
  else if (getLeft(parent) == old) setLeft(parent, replacement);
  else setRight(parent, replacement);
  setParentOf(replacement, parent);
}

/** Writes the box [lo, hi] extended by p into node n's box. */
function setExtendedBox(n: i32, lo: usize, hi: usize, p: usize): void {
  const nlo = boxMinAddress(n), nhi = boxMaxAddress(n);
  for (let j = 0; j < D; j++) {
    const o = <usize>j << 2;
    const v = load<f32>(p + o), a = load<f32>(lo + o), b = load<f32>(hi + o);
    store<f32>(nlo + o, v < a ? v : a);
    store<f32>(nhi + o, v > b ? v : b);
  }
}

/** New internal node in place of `child` (whose box is [lo, hi]), cut by the last drawn cut. */
function splitAbove(tree: i32, child: i32, parent: i32, lo: usize, hi: usize, slot: i32, p: usize): void {
  const n = allocateNode(tree, drawnDimension, drawnValue);
  setExtendedBox(n, lo, hi, p);
  setMass(n, massOf(child) + 1);
  const leaf = asChild(allocateLeaf(tree, slot, n));
  replaceChild(tree, parent, child, n);
  setParentOf(child, n);
  if (<f64>load<f32>(p + (<usize>drawnDimension << 2)) <= drawnValue) {
    setLeft(n, leaf);
    setRight(n, child);
  } else {
    setLeft(n, child);
    setRight(n, leaf);
  }
}

/**
 * Inserts the point in `slot` into tree `tree`. Returns the slot the tree's leaf now holds: `slot`, or
 * the slot of an equal point already in the tree (whose multiplicity grew). Called by the sampler's
 * decision, at most once per tree per update.
 */
export function insertPoint(tree: i32, slot: i32): i32 {
  const p = pointAddress(slot);
  let node = getRoot(tree);
  if (node == NULL) {
    setRoot(tree, asChild(allocateLeaf(tree, slot, NULL)));
    return slot;
  }
  let parent: i32 = NULL;
  while (true) {
    if (isLeaf(node)) {
      const l = leafOf(node);
      const held = getLeafPoint(l);
      const q = pointAddress(held);
      if (samePoint(q, p)) {
        setLeafMass(l, getLeafMass(l) + 1);
        return held;
      }
      const total = extendedTotal(q, q, p);
      drawCut(tree, q, q, p, total); // always separates two distinct points
      splitAbove(tree, node, parent, q, q, slot, p);
      return slot;
    }
    const lo = boxMinAddress(node), hi = boxMaxAddress(node);
    const total = extendedTotal(lo, hi, p);
    if (total >= 0) {
      if (drawCut(tree, lo, hi, p, total)) {
        splitAbove(tree, node, parent, lo, hi, slot, p);
        return slot;
      }
      setExtendedBox(node, lo, hi, p);
    }
    setMass(node, getMass(node) + 1);
    parent = node;
    const j = getCutDimension(node);
    node = <f64>load<f32>(p + (<usize>j << 2)) <= getCutValue(node) ? getLeft(node) : getRight(node);
  }
  return slot;
}

/** Leaf (child encoding) where point p routes in tree `tree`; NULL for an empty tree. */
export function findLeaf(tree: i32, p: usize): i32 {
  let node = getRoot(tree);
  if (node == NULL) return NULL;
  while (!isLeaf(node)) {
    const j = getCutDimension(node);
    node = <f64>load<f32>(p + (<usize>j << 2)) <= getCutValue(node) ? getLeft(node) : getRight(node);
  }
  return node;
}

/** Recomputes node n's box from its children; true when it changed. */
function refitBox(n: i32): bool {
  const lo = boxMinAddress(n), hi = boxMaxAddress(n);
  const left = getLeft(n), right = getRight(n);
  const llo = isLeaf(left) ? pointAddress(getLeafPoint(leafOf(left))) : boxMinAddress(left);
  const lhi = isLeaf(left) ? llo : boxMaxAddress(left);
  const rlo = isLeaf(right) ? pointAddress(getLeafPoint(leafOf(right))) : boxMinAddress(right);
  const rhi = isLeaf(right) ? rlo : boxMaxAddress(right);
  let changed = false;
  for (let j = 0; j < D; j++) {
    const o = <usize>j << 2;
    const a = load<f32>(llo + o), b = load<f32>(rlo + o);
    const c = load<f32>(lhi + o), d = load<f32>(rhi + o);
    const mn = a < b ? a : b, mx = c > d ? c : d;
    if (mn != load<f32>(lo + o) || mx != load<f32>(hi + o)) {
      changed = true;
      store<f32>(lo + o, mn);
      store<f32>(hi + o, mx);
    }
  }
  return changed;
}

/**
 * Deletes one copy of the point in `slot` from tree `tree` (the sampler evicted it). Lowers the leaf's
 * multiplicity; at zero, removes the leaf and its parent and hangs the sibling on the grandparent, then
 * lowers masses and shrinks boxes on the path up. Returns false (and changes nothing) when the point is
 * not in the tree, which would be a broken invariant.
 */
export function deletePoint(tree: i32, slot: i32): bool {
  const p = pointAddress(slot);
  const node = findLeaf(tree, p);
  if (node == NULL) return false;
  const l = leafOf(node);
  if (!samePoint(pointAddress(getLeafPoint(l)), p)) return false;
  const m = getLeafMass(l) - 1;
  let up: i32;
  let refit = false;
  if (m > 0) {
    setLeafMass(l, m);
    up = getLeafParent(l);
  } else {
    const parent = getLeafParent(l);
    freeLeaf(tree, l);
    if (parent == NULL) {
      setRoot(tree, NULL);
      return true;
    }
    const sibling = getLeft(parent) == node ? getRight(parent) : getLeft(parent);
    const grand = getParent(parent);
    replaceChild(tree, grand, parent, sibling);
    freeNode(tree, parent);
    up = grand;
    refit = true;
  }
  while (up != NULL) {
    setMass(up, getMass(up) - 1);
    if (refit) refit = refitBox(up);
    up = getParent(up);
  }
  return true;
}
