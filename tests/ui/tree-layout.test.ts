/** Geometry of the tree view (src/ui/charts/tree-layout.ts) on a hand-made tree of three leaves. */
import { describe, it, expect } from 'vitest';
import { cutSegments, cutsElsewhere, defaultDimensions, layoutTree } from '../../src/ui/charts/tree-layout';
import type { TreeView, TreeViewNode } from '../../src/forest/tree-view';

const leaf = (depth: number, parent: number, p: number[]): TreeViewNode => ({
  leaf: true, depth, parent, mass: 1, min: p, max: p, cutDimension: -1, cutValue: NaN, left: -1, right: -1,
});
//        0: x0 <= 0.5
//   1: leaf (0,0)      2: x2 <= 5
//                 3: leaf (1,1,4)  4: leaf (2,3,6)
const nodes: TreeViewNode[] = [
  { leaf: false, depth: 0, parent: -1, mass: 3, min: [0, 0, 0], max: [2, 3, 6], cutDimension: 0, cutValue: 0.5, left: 1, right: 2 },
  leaf(1, 0, [0, 0, 0]),
  { leaf: false, depth: 1, parent: 0, mass: 2, min: [1, 1, 4], max: [2, 3, 6], cutDimension: 2, cutValue: 5, left: 3, right: 4 },
  leaf(2, 2, [1, 1, 4]),
  leaf(2, 2, [2, 3, 6]),
];
const view = { nodes, path: [{ node: 0, depth: 0, separation: 0 }, { node: 2, depth: 1, separation: 0 }, { node: 4, depth: 2, separation: 0 }] } as TreeView;

describe('tree layout', () => {
  it('puts leaves side by side in order and each parent midway over its children', () => {
    const { positions, leaves, maxDepth } = layoutTree(nodes);
    expect(positions.map((p) => p.x)).toEqual([0.75, 0, 1.5, 1, 2]);
    expect(positions.map((p) => p.depth)).toEqual([0, 1, 1, 2, 2]);
    expect([leaves, maxDepth]).toEqual([3, 2]);
  });

  it.each([
    { dx: 0, dy: 2, cuts: [{ node: 0, vertical: true, at: 0.5, from: 0, to: 6 }, { node: 2, vertical: false, at: 5, from: 1, to: 2 }], elsewhere: 0 },
    { dx: 0, dy: 1, cuts: [{ node: 0, vertical: true, at: 0.5, from: 0, to: 3 }], elsewhere: 1 },
    { dx: 1, dy: 2, cuts: [{ node: 2, vertical: false, at: 5, from: 1, to: 3 }], elsewhere: 1 },
  ])('draws the cuts of dimensions ($dx, $dy) across their boxes, the path last', ({ dx, dy, cuts, elsewhere }) => {
    expect(cutSegments(view, dx, dy).map(({ node, vertical, at, from, to }) => ({ node, vertical, at, from, to }))).toEqual(cuts);
    expect(cutSegments(view, dx, dy).every((s) => s.onPath)).toBe(true);
    expect(cutsElsewhere(view, dx, dy)).toBe(elsewhere);
  });

  it.each([
    { dimensions: 1, columns: ['v'], shingleSize: 1, dims: [0, 0] },
    { dimensions: 2, columns: ['v'], shingleSize: 2, dims: [0, 1] },
    { dimensions: 4, columns: ['v'], shingleSize: 4, dims: [2, 3] },
    { dimensions: 2, columns: ['a', 'b'], shingleSize: 1, dims: [0, 1] },
    { dimensions: 6, columns: ['a', 'b', 'c'], shingleSize: 2, dims: [3, 4] },
  ])('shows first $dims for $shingleSize × $columns', ({ dims, ...v }) => {
    expect(defaultDimensions(v)).toEqual(dims);
  });
});
