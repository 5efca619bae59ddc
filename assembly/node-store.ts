/**
 * The node store: internal nodes and leaves of all trees, column-wise (see layout.ts for the columns and
 * the child encoding). Each tree owns NI internal node slots and NL leaf slots, handed out from per-tree
 * free stacks, so a tree never needs more memory than its sample.
 */
import {
  NULL, NI, NL, D, nodeLeft, nodeRight, nodeParent, cutDimension, cutValue, mass, boxMin, boxMax,
  nodeFree, nodeFreeTop, leafPoint, leafMass, leafParent, leafFree, leafFreeTop, root,
} from './layout';

// @ts-ignore: decorator
@inline export function isLeaf(child: i32): bool { return child < 0; }
// @ts-ignore: decorator
@inline export function leafOf(child: i32): i32 { return ~child; }
// @ts-ignore: decorator
@inline export function asChild(leaf: i32): i32 { return ~leaf; }

// column accessors (internal node n, leaf l: global indices)
// @ts-ignore: decorator
@inline export function getLeft(n: i32): i32 { return load<i32>(nodeLeft + (<usize>n << 2)); }
// @ts-ignore: decorator
@inline export function setLeft(n: i32, c: i32): void { store<i32>(nodeLeft + (<usize>n << 2), c); }
// @ts-ignore: decorator
@inline export function getRight(n: i32): i32 { return load<i32>(nodeRight + (<usize>n << 2)); }
// @ts-ignore: decorator
@inline export function setRight(n: i32, c: i32): void { store<i32>(nodeRight + (<usize>n << 2), c); }
// @ts-ignore: decorator
@inline export function getParent(n: i32): i32 { return load<i32>(nodeParent + (<usize>n << 2)); }
// @ts-ignore: decorator
@inline export function setParent(n: i32, p: i32): void { store<i32>(nodeParent + (<usize>n << 2), p); }
// @ts-ignore: decorator
@inline export function getCutDimension(n: i32): i32 { return load<i32>(cutDimension + (<usize>n << 2)); }
// @ts-ignore: decorator
@inline export function getCutValue(n: i32): f64 { return load<f64>(cutValue + (<usize>n << 3)); }
// @ts-ignore: decorator
@inline export function getMass(n: i32): i32 { return load<i32>(mass + (<usize>n << 2)); }
// @ts-ignore: decorator
@inline export function setMass(n: i32, m: i32): void { store<i32>(mass + (<usize>n << 2), m); }
// @ts-ignore: decorator
@inline export function boxMinAddress(n: i32): usize { return boxMin + ((<usize>n * <usize>D) << 2); }
// @ts-ignore: decorator
@inline export function boxMaxAddress(n: i32): usize { return boxMax + ((<usize>n * <usize>D) << 2); }
// @ts-ignore: decorator
@inline export function getLeafPoint(l: i32): i32 { return load<i32>(leafPoint + (<usize>l << 2)); }
// @ts-ignore: decorator
@inline export function getLeafMass(l: i32): i32 { return load<i32>(leafMass + (<usize>l << 2)); }
// @ts-ignore: decorator
@inline export function setLeafMass(l: i32, m: i32): void { store<i32>(leafMass + (<usize>l << 2), m); }
// @ts-ignore: decorator
@inline export function getLeafParent(l: i32): i32 { return load<i32>(leafParent + (<usize>l << 2)); }
// @ts-ignore: decorator
@inline export function getRoot(tree: i32): i32 { return load<i32>(root + (<usize>tree << 2)); }
// @ts-ignore: decorator
@inline export function setRoot(tree: i32, c: i32): void { store<i32>(root + (<usize>tree << 2), c); }

/** Parent (internal node or NULL) of a child in the child encoding. */
// @ts-ignore: decorator
@inline export function parentOf(c: i32): i32 {
  return c < 0 ? load<i32>(leafParent + (<usize>(~c) << 2)) : getParent(c);
}

// @ts-ignore: decorator
@inline export function setParentOf(c: i32, p: i32): void {
  if (c < 0) store<i32>(leafParent + (<usize>(~c) << 2), p);
  else setParent(c, p);
}

/** Mass of a child in the child encoding. */
// @ts-ignore: decorator
@inline export function massOf(c: i32): i32 {
  return c < 0 ? getLeafMass(~c) : getMass(c);
}

/** Empties tree `tree`'s node and leaf stores. Called by `configure` and `reset`. */
export function clearNodes(tree: i32): void {
  const n0 = tree * NI, l0 = tree * NL;
  for (let k = 0; k < NI; k++) store<i32>(nodeFree + (<usize>(n0 + k) << 2), n0 + NI - 1 - k);
  for (let k = 0; k < NL; k++) store<i32>(leafFree + (<usize>(l0 + k) << 2), l0 + NL - 1 - k);
  store<i32>(nodeFreeTop + (<usize>tree << 2), NI);
  store<i32>(leafFreeTop + (<usize>tree << 2), NL);
  setRoot(tree, NULL);
}

/** A fresh internal node of tree `tree` with the given cut; box, mass and links are set by the caller. */
export function allocateNode(tree: i32, dimension: i32, value: f64): i32 {
  const topAt = nodeFreeTop + (<usize>tree << 2);
  const top = load<i32>(topAt) - 1;
  store<i32>(topAt, top);
  const n = load<i32>(nodeFree + (<usize>(tree * NI + top) << 2));
  store<i32>(cutDimension + (<usize>n << 2), dimension);
  store<f64>(cutValue + (<usize>n << 3), value);
  return n;
}

export function freeNode(tree: i32, n: i32): void {
  const topAt = nodeFreeTop + (<usize>tree << 2);
  const top = load<i32>(topAt);
  store<i32>(nodeFree + (<usize>(tree * NI + top) << 2), n);
  store<i32>(topAt, top + 1);
}

/** A fresh leaf of tree `tree` holding point slot `point` once. */
export function allocateLeaf(tree: i32, point: i32, parent: i32): i32 {
  const topAt = leafFreeTop + (<usize>tree << 2);
  const top = load<i32>(topAt) - 1;
  store<i32>(topAt, top);
  const l = load<i32>(leafFree + (<usize>(tree * NL + top) << 2));
  store<i32>(leafPoint + (<usize>l << 2), point);
  store<i32>(leafMass + (<usize>l << 2), 1);
  store<i32>(leafParent + (<usize>l << 2), parent);
  return l;
}

export function freeLeaf(tree: i32, l: i32): void {
  const topAt = leafFreeTop + (<usize>tree << 2);
  const top = load<i32>(topAt);
  store<i32>(leafFree + (<usize>(tree * NL + top) << 2), l);
  store<i32>(topAt, top + 1);
}

export function nodesInUse(tree: i32): i32 {
  return NI - load<i32>(nodeFreeTop + (<usize>tree << 2));
}
