/**
 * One tree of a forest as plain data, for the page's tree view ("see the forest"): its internal nodes
 * (cutDimension, cutValue, mass, box) and leaves (point, multiplicity), and for one query point the path
 * the score walk takes from the root, the depth at which the point is isolated, and its score in this tree.
 *
 * Read from the kernel's state regions (RandomCutForest.saveState(); layouts in assembly/layout.ts and
 * assembly/snapshot.ts), only these: 0 node records (12 bytes per internal node: cutValue f32 @0,
 * cutDimension u16 @4, mass u16 @6, left u16 @8, right u16 @10; a link >= 0x8000 is leaf link - 0x8000,
 * 0xFFFF none), 1 leafPoint (i32 offset of the leaf's point in the point store), 2 leafMass (u16
 * multiplicity), 3 treeState (i32 × 4 per tree, the root link first), 9 the point store's f32 cells (a
 * point is `dimensions` cells from its offset). Boxes are not a region: they are the union of the leaves'
 * points below (the kernel's invariant), recomputed here.
 *
 * The score walk is assembly/score.ts `scoreTree`, done again in f64 in the same order, so the tree's score
 * is the kernel's (up to the last bit of log2). Depths count edges from the root (the root is at depth 0).
 */

import type { RandomCutForest } from './forest';
import { NULL, LEAF, RECORD } from './snapshot-codec';

/** A node of the tree view: an internal node (a cut) or a leaf (a point of the sample). */
export interface TreeViewNode {
  leaf: boolean;
  depth: number;
  /** Index of the parent in `nodes` (-1 for the root). */
  parent: number;
  /** Points below (for a leaf: its multiplicity, the times its point is in the sample). */
  mass: number;
  /** Bounding box of the points below (for a leaf: min = max = its point). */
  min: number[];
  max: number[];
  /** Internal nodes: the cut (x[cutDimension] <= cutValue goes left); -1 and NaN for a leaf. */
  cutDimension: number;
  cutValue: number;
  /** Internal nodes: indices of the children in `nodes`; -1 for a leaf. */
  left: number;
  right: number;
}

/** One step of the query point's path: a node it passes, and the chance a random cut there cuts it off. */
export interface PathStep {
  node: number;
  depth: number;
  /**
   * Probability that a random cut of this node's box, extended by the point, separates the point: 0 when
   * the point lies inside the box (score.ts, `separationProbability`).
   */
  separation: number;
}

export interface TreeView {
  /** The tree shown, 0..numberOfTrees - 1. */
  tree: number;
  numberOfTrees: number;
  sampleSize: number;
  /** The scored columns, and the shingle size: a point has shingleSize × columns dimensions. */
  columns: string[];
  shingleSize: number;
  dimensions: number;
  /** A name per dimension: the column, and for shingleSize > 1 its row of the shingle ("t", "t−1", …). */
  dimensionNames: string[];
  /** Values are divided by each column's running standard deviation (the option normalize). */
  normalize: boolean;
  /** Nodes and leaves, root first, depth first (left before right); empty for an empty tree. */
  nodes: TreeViewNode[];
  /** The row asked about (0-based, in the dataset). */
  row: number;
  /** The row's point as the trees see it (f32 values); null when the row has no point (warming up). */
  point: number[] | null;
  /** The row got a score (false while the forest warmed up). */
  scored: boolean;
  /** The nodes from the root to the leaf where the point lands (the leaf last). */
  path: PathStep[];
  /**
   * Depth of the first node on the path whose box does not hold the point: where a random cut could cut it
   * off (deeper boxes do not hold it either). Null when the point is the leaf's own point (seen: it is
   * not isolated) or has no path.
   */
  isolationDepth: number | null;
  /**
   * The depth at which a random cut isolates the point, on average: the score walk's expectation with the
   * depth in place of 1 / (depth + 1) (at each node on the way up, its depth with the probability q that
   * a cut there separates the point, else the expectation below). Null when isolationDepth is.
   */
  expectedDepth: number | null;
  /** The point's anomaly score in this tree (assembly/score.ts); NaN without a point or an empty tree. */
  treeScore: number;
}

/** What tree view needs from a forest: its options and its saved state regions. */
export interface TreeSource {
  numberOfTrees: number;
  sampleSize: number;
  dimensions: number;
  regions: Uint8Array[];
}

/** Names of the dimensions of a shingled point: oldest row first, each row's columns in order. */
export function dimensionNames(columns: string[], shingleSize: number): string[] {
  const names: string[] = [];
  for (let s = 0; s < shingleSize; s++) {
    const lag = shingleSize - 1 - s;
    for (const c of columns) names.push(shingleSize === 1 ? c : `${c} (t${lag === 0 ? '' : `−${lag}`})`);
  }
  return names;
}

const view = (u: Uint8Array) => new DataView(u.buffer, u.byteOffset, u.byteLength);

/**
 * Reads tree `tree` out of the state regions and walks `point` (D values, rounded to f32 as the kernel
 * does; null: no walk) down it. The fields that describe the run (columns, row, …) are the caller's.
 */
export function readTree(
  source: TreeSource, tree: number, point: ArrayLike<number> | null,
): Pick<TreeView, 'nodes' | 'point' | 'path' | 'isolationDepth' | 'expectedDepth' | 'treeScore'> {
  const { numberOfTrees: T, sampleSize: N, dimensions: D, regions } = source;
  if (!Number.isInteger(tree) || tree < 0 || tree >= T) {
    throw new RangeError(`tree must be a whole number from 0 to ${T - 1}; got ${String(tree)}.`);
  }
  const NI = N - 1;
  const records = view(regions[0]);
  const leafPoint = view(regions[1]);
  const leafMass = view(regions[2]);
  const state = view(regions[3]);
  const cells = view(regions[9]);
  const cell = (i: number) => cells.getFloat32(i * 4, true);

  const nodes: TreeViewNode[] = [];
  // pre-order, left before right, with an explicit stack (a tree of sampleSize 32767 can be that deep)
  const root = state.getInt32(tree * 16, true);
  if (root !== NULL) {
    const stack: { link: number; parent: number; depth: number; side: 0 | 1 }[] = [{ link: root, parent: -1, depth: 0, side: 0 }];
    while (stack.length) {
      const { link, parent, depth, side } = stack.pop()!;
      const index = nodes.length;
      if (parent >= 0) {
        if (side === 0) nodes[parent].left = index;
        else nodes[parent].right = index;
      }
      if (link >= LEAF) {
        const l = tree * N + (link - LEAF);
        const offset = leafPoint.getInt32(l * 4, true);
        const p = Array.from({ length: D }, (_, j) => cell(offset + j));
        nodes.push({
          leaf: true, depth, parent, mass: leafMass.getUint16(l * 2, true), min: p, max: p.slice(),
          cutDimension: -1, cutValue: NaN, left: -1, right: -1,
        });
      } else {
        const at = (tree * NI + link) * RECORD;
        nodes.push({
          leaf: false, depth, parent, mass: records.getUint16(at + 6, true), min: [], max: [],
          cutDimension: records.getUint16(at + 4, true), cutValue: records.getFloat32(at, true), left: -1, right: -1,
        });
        stack.push({ link: records.getUint16(at + 10, true), parent: index, depth: depth + 1, side: 1 });
        stack.push({ link: records.getUint16(at + 8, true), parent: index, depth: depth + 1, side: 0 });
      }
    }
    // boxes bottom up: children come after their parent in pre-order
    for (let i = nodes.length - 1; i >= 0; i--) {
      const n = nodes[i];
      if (n.leaf) continue;
      const a = nodes[n.left], b = nodes[n.right];
      n.min = a.min.map((v, j) => Math.min(v, b.min[j]));
      n.max = a.max.map((v, j) => Math.max(v, b.max[j]));
    }
  }

  if (!point || nodes.length === 0) {
    return { nodes, point: point ? Array.from(point, Math.fround) : null, path: [], isolationDepth: null, expectedDepth: null, treeScore: NaN };
  }
  const x = Array.from(point, Math.fround);
  // descend by the cuts (node-store.ts `childFor`: x[j] <= cut goes left)
  const path: PathStep[] = [];
  let i = 0;
  for (;;) {
    const n = nodes[i];
    path.push({ node: i, depth: n.depth, separation: separation(n.min, n.max, x).q });
    if (n.leaf) break;
    i = x[n.cutDimension] <= n.cutValue ? n.left : n.right;
  }
  const leaf = nodes[i];
  const seen = leaf.min.every((v, j) => v === x[j]);
  let isolationDepth: number | null = null;
  let expectedDepth: number | null = null;
  if (!seen) {
    isolationDepth = path.find((s) => s.separation > 0)!.depth;
    // as the score walk: from the leaf's depth up, each node's depth with the probability of a cut there
    let e = path.length - 1;
    for (let k = path.length - 2; k >= 0; k--) {
      const q = path[k].separation;
      if (q === 0) break;
      e = q * path[k].depth + (1 - q) * e;
    }
    expectedDepth = e;
  }
  return { nodes, point: x, path, isolationDepth, expectedDepth, treeScore: scoreWalk(nodes, path, seen) };
}

/**
 * Sum over dimensions (in order, as assembly/box.ts `separation`) of the box's sides extended by x, and of
 * how much x grows them; q = growth / total (0 when x is inside).
 */
function separation(min: number[], max: number[], x: number[]): { q: number } {
  let growth = 0;
  let total = 0;
  for (let j = 0; j < x.length; j++) {
    const v = x[j], a = min[j], b = max[j];
    const l = v < a ? v : a;
    const h = v > b ? v : b;
    growth += a - l + (h - b);
    total += h - l;
  }
  return { q: growth === 0 ? 0 : growth / total };
}

/** assembly/score.ts `scoreTree` on a recorded path (the leaf last). */
function scoreWalk(nodes: TreeViewNode[], path: PathStep[], seen: boolean): number {
  const M = nodes[0].mass;
  let depth = path.length - 1;
  const leaf = nodes[path[depth].node];
  let s: number;
  if (seen) {
    const m = leaf.mass;
    s = (1 - m / (2 * M)) * (1 / (depth + Math.log2(m + 1)));
  } else s = 1 / (depth + 1);
  while (depth > 0) {
    depth--;
    const q = path[depth].separation;
    if (q === 0) break;
    s = q * (1 / (depth + 1)) + (1 - q) * s;
  }
  return s * Math.log2(M + 1);
}

/** The trees as they scored a row, and that row's point: what readTree() reads (kept to switch trees). */
export interface ForestAtRow {
  source: TreeSource;
  point: Float64Array | null;
  scored: boolean;
}

/**
 * Brings `forest` (new, or as the run started) to the state that scored the last of `rows` (row-major, the
 * run's rows up to and including it) and saves what the tree view reads.
 */
export function forestAtRow(forest: RandomCutForest, rows: Float64Array): ForestAtRow {
  const found = forest.replayBefore(rows);
  const { regions } = forest.saveState();
  const o = forest.options;
  return {
    source: { numberOfTrees: o.numberOfTrees, sampleSize: o.sampleSize, dimensions: forest.dimensions, regions },
    point: found ? found.point : null,
    scored: found ? found.scored : false,
  };
}

/** The whole tree view of tree `tree` from a forest at a row (forestAtRow) and the run's description. */
export function treeViewOf(
  at: ForestAtRow, tree: number, run: { columns: string[]; shingleSize: number; normalize: boolean; row: number },
): TreeView {
  const { numberOfTrees, sampleSize, dimensions } = at.source;
  return {
    tree, numberOfTrees, sampleSize, dimensions,
    columns: run.columns, shingleSize: run.shingleSize, normalize: run.normalize, row: run.row,
    dimensionNames: dimensionNames(run.columns, run.shingleSize),
    scored: at.scored,
    ...readTree(at.source, tree, at.point),
  };
}
