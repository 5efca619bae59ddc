/**
 * Attribution: which dimensions, and which side of them, make x anomalous (rcf-spec section 5).
 *
 * The score's walk, with the blend kept per dimension and side: at each ancestor the separation
 * probability q splits into q_high[j] = (x[j] - max[j]) / total where x is above the box and
 * q_low[j] = (min[j] - x[j]) / total where below; each entry blends as a[k] = q_k / (dv + 1) + (1 - q) a[k],
 * so that sum(high) + sum(low) equals the tree's score. At the leaf, an unseen x splits 1 / (d + 1) by
 * |x[j] - leaf[j]| over their sum; a seen x (no direction) spreads its leaf score evenly over all 2D entries.
 * Written to the scratch column as high[0..D-1] then low[0..D-1], already multiplied by log2(M + 1).
 */
import { D, NULL } from './layout';
import { pointAddress, samePoint } from './point-store';
import { leafOf, getParent, boxMinAddress, boxMaxAddress, getLeafPoint, getLeafMass, getLeafParent, getRoot, massOf } from './node-store';
import { descend, landedDepth, landedLeaf, scoreUnseen, scoreSeen, damp } from './score';

/**
 * Adds tree `tree`'s attribution of x (f32 at x) to the 2D f64 entries at `into` (high then low).
 * Returns the tree's score (the sum of what it added). Called once per tree per attributed point.
 */
export function attributeTree(tree: i32, x: usize, into: usize, scratch: usize): f64 {
  const r = getRoot(tree);
  if (r == NULL) return 0;
  const M = massOf(r);
  descend(tree, x);
  const l = leafOf(landedLeaf);
  let depth = landedDepth;
  const q = pointAddress(getLeafPoint(l));
  const twoD = D << 1;
  let s: f64;
  if (samePoint(q, x)) {
    const m = getLeafMass(l);
    s = damp(m, M) * scoreSeen(depth, m);
    const even = s / <f64>twoD;
    for (let k = 0; k < twoD; k++) store<f64>(scratch + (<usize>k << 3), even);
  } else {
    s = scoreUnseen(depth);
    let sum: f64 = 0;
    for (let j = 0; j < D; j++) {
      const diff = <f64>load<f32>(x + (<usize>j << 2)) - <f64>load<f32>(q + (<usize>j << 2));
      sum += Math.abs(diff);
    }
    for (let j = 0; j < D; j++) {
      const diff = <f64>load<f32>(x + (<usize>j << 2)) - <f64>load<f32>(q + (<usize>j << 2));
      store<f64>(scratch + (<usize>j << 3), diff > 0 ? s * diff / sum : 0);
      store<f64>(scratch + (<usize>(j + D) << 3), diff < 0 ? -s * diff / sum : 0);
    }
  }
  let v = getLeafParent(l);
  while (v != NULL) {
    depth--;
    const lo = boxMinAddress(v), hi = boxMaxAddress(v);
    let growth: f64 = 0;
    let total: f64 = 0;
    for (let j = 0; j < D; j++) {
      const o = <usize>j << 2;
      const xv = <f64>load<f32>(x + o), a = <f64>load<f32>(lo + o), b = <f64>load<f32>(hi + o);
      if (xv < a) { growth += a - xv; total += b - xv; }
      else if (xv > b) { growth += xv - b; total += xv - a; }
      else total += b - a;
    }
    if (growth == 0) break;
    const p = growth / total;
    const u = scoreUnseen(depth);
    const keep = 1.0 - p;
    for (let j = 0; j < D; j++) {
      const o = <usize>j << 2;
      const xv = <f64>load<f32>(x + o), a = <f64>load<f32>(lo + o), b = <f64>load<f32>(hi + o);
      const hiAt = scratch + (<usize>j << 3), loAt = scratch + (<usize>(j + D) << 3);
      store<f64>(hiAt, (xv > b ? (xv - b) / total * u : 0) + keep * load<f64>(hiAt));
      store<f64>(loAt, (xv < a ? (a - xv) / total * u : 0) + keep * load<f64>(loAt));
    }
    s = p * u + keep * s;
    v = getParent(v);
  }
  const norm = Math.log2(<f64>M + 1.0);
  for (let k = 0; k < twoD; k++) {
    const at = into + (<usize>k << 3);
    store<f64>(at, load<f64>(at) + load<f64>(scratch + (<usize>k << 3)) * norm);
  }
  return s * norm;
}
