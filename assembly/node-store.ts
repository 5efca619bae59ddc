/**
 * The node store: internal nodes and leaves of all trees (see layout.ts for the record layout and the child
 * encoding). Each tree owns NI internal node records, NI boxes and NL leaves, handed out from per-tree free
 * lists threaded through the free entries themselves (a free leaf has multiplicity 0), so a tree never
 * needs more memory than its sample.
 *
 * Internal nodes and leaves are named by their tree and a local index; links are 16 bits.
 */
import {
  NULL, LEAF, RECORD, NI, NL, BOX, nodeRecord, nodeBox, leafPoint, leafMass, treeState,
} from './layout';

// child encoding
// @ts-ignore: decorator
@inline export function isLeaf(child: i32): bool { return child >= LEAF; }
// @ts-ignore: decorator
@inline export function leafOf(child: i32): i32 { return child - LEAF; }
// @ts-ignore: decorator
@inline export function asChild(leaf: i32): i32 { return leaf + LEAF; }

// per-tree bases
/** Address of internal node 0's record of `tree`. */
// @ts-ignore: decorator
@inline export function recordsOf(tree: i32): usize { return nodeRecord + <usize>(tree * NI) * RECORD; }
/** Address of internal node 0's box of `tree`. */
// @ts-ignore: decorator
@inline export function boxesOf(tree: i32): usize { return nodeBox + <usize>(tree * NI) * BOX; }
/** Address of leaf 0's point slot of `tree`. */
// @ts-ignore: decorator
@inline export function leafPointsOf(tree: i32): usize { return leafPoint + (<usize>(tree * NL) << 2); }
/** Address of leaf 0's multiplicity of `tree`. */
// @ts-ignore: decorator
@inline export function leafMassesOf(tree: i32): usize { return leafMass + (<usize>(tree * NL) << 1); }

// record fields (rec = address of a record)
// @ts-ignore: decorator
@inline export function record(records: usize, n: i32): usize { return records + <usize>n * RECORD; }
// @ts-ignore: decorator
@inline export function cutValueAt(rec: usize): f32 { return load<f32>(rec); }
// @ts-ignore: decorator
@inline export function cutDimensionAt(rec: usize): i32 { return <i32>load<u16>(rec, 4); }
// @ts-ignore: decorator
@inline export function massAt(rec: usize): i32 { return <i32>load<u16>(rec, 6); }
// @ts-ignore: decorator
@inline export function setMassAt(rec: usize, m: i32): void { store<u16>(rec, <u16>m, 6); }
// @ts-ignore: decorator
@inline export function leftAt(rec: usize): i32 { return <i32>load<u16>(rec, 8); }
// @ts-ignore: decorator
@inline export function setLeftAt(rec: usize, c: i32): void { store<u16>(rec, <u16>c, 8); }
// @ts-ignore: decorator
@inline export function rightAt(rec: usize): i32 { return <i32>load<u16>(rec, 10); }
// @ts-ignore: decorator
@inline export function setRightAt(rec: usize, c: i32): void { store<u16>(rec, <u16>c, 10); }
/**
 * The child x routes to: left when x[j] <= cut (compared in f32, where both live), else right. A branch on
 * purpose: the processor speculates down the predicted side instead of waiting for the comparison
 * (measured: an arithmetic select of the child was slower).
 */
// @ts-ignore: decorator
@inline export function childFor(rec: usize, x: usize): i32 {
  const j = <usize>load<u16>(rec, 4);
  if (load<f32>(x + (j << 2)) <= load<f32>(rec)) return <i32>load<u16>(rec, 8);
  return <i32>load<u16>(rec, 10);
}

// boxes: min[D] then max[D]
// @ts-ignore: decorator
@inline export function box(boxes: usize, n: i32): usize { return boxes + <usize>n * BOX; }
// @ts-ignore: decorator
@inline export function boxMaxOf(boxAddress: usize): usize { return boxAddress + (BOX >> 1); }

// leaves (l = local leaf index)
// @ts-ignore: decorator
@inline export function getLeafPoint(tree: i32, l: i32): i32 { return load<i32>(leafPointsOf(tree) + (<usize>l << 2)); }
// @ts-ignore: decorator
@inline export function getLeafMass(tree: i32, l: i32): i32 { return <i32>load<u16>(leafMassesOf(tree) + (<usize>l << 1)); }
// @ts-ignore: decorator
@inline export function setLeafMass(tree: i32, l: i32, m: i32): void { store<u16>(leafMassesOf(tree) + (<usize>l << 1), <u16>m); }

/** Mass of a child (internal node or leaf) of `tree`. */
// @ts-ignore: decorator
@inline export function massOf(tree: i32, c: i32): i32 {
  return c >= LEAF ? getLeafMass(tree, c - LEAF) : massAt(record(recordsOf(tree), c));
}

// per-tree state: root link @0, free node head @4, free leaf head @8, internal nodes in use @12
// @ts-ignore: decorator
@inline function stateOf(tree: i32): usize { return treeState + (<usize>tree << 4); }
// @ts-ignore: decorator
@inline export function getRoot(tree: i32): i32 { return load<i32>(stateOf(tree)); }
// @ts-ignore: decorator
@inline export function setRoot(tree: i32, c: i32): void { store<i32>(stateOf(tree), c); }

/** Empties tree `tree`'s node and leaf stores. Called by `configure` and `reset`. */
export function clearNodes(tree: i32): void {
  const records = recordsOf(tree);
  for (let k = 0; k < NI; k++) setLeftAt(record(records, k), k + 1 < NI ? k + 1 : NULL);
  const points = leafPointsOf(tree);
  for (let k = 0; k < NL; k++) store<i32>(points + (<usize>k << 2), k + 1 < NL ? k + 1 : NULL);
  memory.fill(leafMassesOf(tree), 0, <usize>NL << 1); // multiplicity 0 marks a free leaf
  const s = stateOf(tree);
  store<i32>(s, NULL);
  store<i32>(s, NI > 0 ? 0 : NULL, 4);
  store<i32>(s, 0, 8);
  store<i32>(s, 0, 12);
}

/** A fresh internal node of tree `tree` with the given cut; box, mass and links are set by the caller. */
export function allocateNode(tree: i32, dimension: i32, value: f32): i32 {
  const s = stateOf(tree);
  const n = load<i32>(s, 4);
  const rec = record(recordsOf(tree), n);
  store<i32>(s, leftAt(rec), 4);
  store<i32>(s, load<i32>(s, 12) + 1, 12);
  store<f32>(rec, value);
  store<u16>(rec, <u16>dimension, 4);
  return n;
}

export function freeNode(tree: i32, n: i32): void {
  const s = stateOf(tree);
  setLeftAt(record(recordsOf(tree), n), load<i32>(s, 4));
  store<i32>(s, n, 4);
  store<i32>(s, load<i32>(s, 12) - 1, 12);
}

/** A fresh leaf of tree `tree` holding point slot `point` once. */
export function allocateLeaf(tree: i32, point: i32): i32 {
  const s = stateOf(tree);
  const l = load<i32>(s, 8);
  const at = leafPointsOf(tree) + (<usize>l << 2);
  store<i32>(s, load<i32>(at), 8);
  store<i32>(at, point);
  setLeafMass(tree, l, 1);
  return l;
}

export function freeLeaf(tree: i32, l: i32): void {
  const s = stateOf(tree);
  setLeafMass(tree, l, 0);
  store<i32>(leafPointsOf(tree) + (<usize>l << 2), load<i32>(s, 8));
  store<i32>(s, l, 8);
}

/** Internal nodes tree `tree` uses. Called by tests (invariant checks). */
export function nodesInUse(tree: i32): i32 {
  return load<i32>(stateOf(tree), 12);
}
