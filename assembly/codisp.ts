/**
 * Collusive displacement (CoDisp), the measure of Guha et al. (ICML 2016) and rrcf, as a scoring mode.
 *
 * rrcf inserts x, then walks from its leaf to the root taking the largest ratio
 * mass(sibling) / mass(subtree holding x). Inserting x at random is one draw of where x gets isolated; this
 * kernel takes the expectation over that draw instead, so scoring needs no random number and does not
 * change the tree (score-then-update stays as in the default mode). Descending the path v0 (root) .. vL
 * (leaf) where x lands, insertion separates x first at v_k with probability q_k * prod_{i<k} (1 - q_i)
 * (q = separation probability of v's box extended by x; 1 at a leaf holding another point). Separated at
 * v_k, x's CoDisp is max(mass(v_k), U_k) with U_k = max over i < k of mass(sibling of v_{i+1}) /
 * (mass(v_{i+1}) + 1). A duplicate of the leaf's point joins the leaf: CoDisp U_L. Range (0, M].
 */
import { NULL } from './layout';
import { pointAddress, samePoint } from './point-store';
import {
  isLeaf, leafOf, recordsOf, boxesOf, record, box, boxMaxOf, massAt, leftAt, rightAt, cutDimensionAt, cutValueAt,
  getLeafPoint, getLeafMass, getRoot, massOf,
} from './node-store';
import { separationProbability } from './score';

/** Expected CoDisp of x in tree `tree` (0 for an empty tree). Called once per tree per scored point. */
export function codispTree(tree: i32, x: usize): f64 {
  let node = getRoot(tree);
  if (node == NULL) return 0;
  const records = recordsOf(tree), boxes = boxesOf(tree);
  let above: f64 = 0; // U: the largest ratio on the path above
  let remaining: f64 = 1; // probability that x was not separated higher up
  let expected: f64 = 0;
  while (!isLeaf(node)) {
    const rec = record(records, node);
    const lo = box(boxes, node);
    const q = separationProbability(lo, boxMaxOf(lo), x);
    const here = <f64>massAt(rec);
    expected += remaining * q * (here > above ? here : above);
    remaining *= 1.0 - q;
    const j = cutDimensionAt(rec);
    const goLeft = load<f32>(x + (<usize>j << 2)) <= cutValueAt(rec);
    const child = goLeft ? leftAt(rec) : rightAt(rec);
    const sibling = goLeft ? rightAt(rec) : leftAt(rec);
    const ratio = <f64>massOf(tree, sibling) / (<f64>massOf(tree, child) + 1.0);
    if (ratio > above) above = ratio;
    node = child;
  }
  const l = leafOf(node);
  const leafMass = <f64>getLeafMass(tree, l);
  const seen = samePoint(pointAddress(getLeafPoint(tree, l)), x);
  expected += remaining * (seen ? above : (leafMass > above ? leafMass : above));
  return expected;
}
