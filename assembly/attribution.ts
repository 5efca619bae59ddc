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
import { D, NULL, path } from './layout';
import { pointAddress, samePoint } from './point-store';
import { leafOf, boxesOf, box, getLeafPoint, getLeafMass, getRoot, massOf } from './node-store';
import { descendRecording, pathDepth } from './tree';
import { scoreUnseen, scoreSeen, damp, log2Plus1 } from './score';
import { separation, growthOf } from './box';

/**
 * Adds tree `tree`'s attribution of x (f32 at x) to the 2D f64 entries at `into` (high then low).
 * Returns the tree's score (the sum of what it added). Called once per tree per attributed point.
 */
export function attributeTree(tree: i32, x: usize, into: usize, scratch: usize): f64 {
  const r = getRoot(tree);
  if (r == NULL) return 0;
  const M = massOf(tree, r);
  const l = leafOf(descendRecording(tree, x));
  let depth = pathDepth;
  const q = pointAddress(getLeafPoint(tree, l));
  const twoD = D << 1;
  let s: f64;
  if (samePoint(q, x)) {
    const m = getLeafMass(tree, l);
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
  const boxes = boxesOf(tree);
  while (depth > 0) {
    depth--;
    const lo = box(boxes, <i32>load<u16>(path + (<usize>depth << 1)));
    const hi = lo + (<usize>D << 2);
    const total = separation(lo, hi, x);
    const growth = growthOf;
    if (growth == 0) break;
    const p = growth / total;
    const u = scoreUnseen(depth);
    const keep = 1.0 - p;
    // per dimension: high[j] = (x above max ? (x - max) / total * u : 0) + keep * high[j], low[j] alike;
    // two dimensions at a time, the selections branch-free (the same values in every lane)
    const totals = f64x2.splat(total), us = f64x2.splat(u), keeps = f64x2.splat(keep), zero = f64x2.splat(0);
    let j = 0;
    for (; j + 2 <= D; j += 2) {
      const o = <usize>j << 2;
      const xv = f64x2.promote_low_f32x4(v128.load64_zero(x + o));
      const a = f64x2.promote_low_f32x4(v128.load64_zero(lo + o));
      const b = f64x2.promote_low_f32x4(v128.load64_zero(hi + o));
      const hiAt = scratch + (<usize>j << 3), loAt = scratch + (<usize>(j + D) << 3);
      const above = f64x2.mul(f64x2.div(f64x2.sub(xv, b), totals), us);
      const below = f64x2.mul(f64x2.div(f64x2.sub(a, xv), totals), us);
      v128.store(hiAt, f64x2.add(v128.bitselect(above, zero, f64x2.gt(xv, b)), f64x2.mul(keeps, v128.load(hiAt))));
      v128.store(loAt, f64x2.add(v128.bitselect(below, zero, f64x2.lt(xv, a)), f64x2.mul(keeps, v128.load(loAt))));
    }
    for (; j < D; j++) {
      const o = <usize>j << 2;
      const xv = <f64>load<f32>(x + o), a = <f64>load<f32>(lo + o), b = <f64>load<f32>(hi + o);
      const hiAt = scratch + (<usize>j << 3), loAt = scratch + (<usize>(j + D) << 3);
      store<f64>(hiAt, (xv > b ? (xv - b) / total * u : 0) + keep * load<f64>(hiAt));
      store<f64>(loAt, (xv < a ? (a - xv) / total * u : 0) + keep * load<f64>(loAt));
    }
    s = p * u + keep * s;
  }
  const norm = log2Plus1(M);
  for (let k = 0; k < twoD; k++) {
    const at = into + (<usize>k << 3);
    store<f64>(at, load<f64>(at) + load<f64>(scratch + (<usize>k << 3)) * norm);
  }
  return s * norm;
}
