/**
 * Pure geometry of the tree view (TreeDiagram, CutScatter): where each node of a tree sits in a node-link
 * diagram, and which cuts of a tree can be drawn as segments over a scatter of two of its dimensions.
 */
import type { TreeView, TreeViewNode } from '../../forest/tree-view';

export interface NodePosition {
  /** Horizontal slot: leaves at 0, 1, 2, … in order (left to right); a node midway between its children. */
  x: number;
  /** Depth (edges from the root). */
  depth: number;
}

/** Positions of every node: leaves side by side in depth-first order, each parent over its children. */
export function layoutTree(nodes: TreeViewNode[]): { positions: NodePosition[]; leaves: number; maxDepth: number } {
  const positions: NodePosition[] = nodes.map((n) => ({ x: 0, depth: n.depth }));
  let leaves = 0;
  let maxDepth = 0;
  // nodes are in pre-order, so leaves come left to right; parents are placed after their children
  for (let i = 0; i < nodes.length; i++) {
    if (nodes[i].leaf) positions[i].x = leaves++;
    if (nodes[i].depth > maxDepth) maxDepth = nodes[i].depth;
  }
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!n.leaf) positions[i].x = (positions[n.left].x + positions[n.right].x) / 2;
  }
  return { positions, leaves, maxDepth };
}

/** A cut drawn over a scatter of dimensions (dx, dy): a segment across its node's box. */
export interface CutSegment {
  node: number;
  /** Vertical (a cut of dx) or horizontal (a cut of dy). */
  vertical: boolean;
  /** Where it cuts, and from where to where it runs across the box (in data units). */
  at: number;
  from: number;
  to: number;
  depth: number;
  onPath: boolean;
}

/**
 * The cuts of dimensions dx and dy, each a segment within its node's box projected on (dx, dy); cuts of
 * other dimensions are left out (the caller says so). Deepest last, so the path's cuts can be drawn on top.
 */
export function cutSegments(view: TreeView, dx: number, dy: number): CutSegment[] {
  const onPath = new Set(view.path.map((s) => s.node));
  const out: CutSegment[] = [];
  view.nodes.forEach((n, i) => {
    if (n.leaf || (n.cutDimension !== dx && n.cutDimension !== dy)) return;
    const vertical = n.cutDimension === dx;
    const other = vertical ? dy : dx;
    out.push({ node: i, vertical, at: n.cutValue, from: n.min[other], to: n.max[other], depth: n.depth, onPath: onPath.has(i) });
  });
  return out.sort((a, b) => Number(a.onPath) - Number(b.onPath) || a.depth - b.depth);
}

/** How many of the tree's cuts are on dimensions other than dx and dy (not drawn over the scatter). */
export function cutsElsewhere(view: TreeView, dx: number, dy: number): number {
  return view.nodes.filter((n) => !n.leaf && n.cutDimension !== dx && n.cutDimension !== dy).length;
}

/** The two dimensions to show first: for shingled data the newest row's first column and the row before. */
export function defaultDimensions(view: Pick<TreeView, 'dimensions' | 'columns' | 'shingleSize'>): [number, number] {
  const D = view.dimensions;
  if (D < 2) return [0, 0];
  const m = view.columns.length;
  if (m >= 2) return [D - m, D - m + 1]; // two columns of the newest row
  return [D - 2, D - 1]; // one column: the row before and this row
}
