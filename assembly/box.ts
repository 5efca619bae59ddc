/**
 * Bounding boxes: how far a point lies outside a box, a box extended by a point, the union of two boxes.
 * A box is min[D] and max[D] (f32); a point is a box with min = max.
 *
 * These loops run for every node a score walks back through and every node an insert passes, so they are
 * written with WebAssembly SIMD and without data-dependent branches (measured: the branch per dimension
 * was mispredicted often enough to cost half the scoring time). Every lane computes exactly what the
 * scalar definition computes, and sums are still taken dimension by dimension in order, so results are
 * bit-identical to docs/algorithm.md.
 */
import { D } from './layout';

/** How much x grows the box by, left by `separation` (sum over j of the growth of side j). */
export let growthOf: f64 = 0;

/**
 * Sum over j (in order) of the sides of the box [lo, hi] extended by x, returned; and of how much x grows
 * each side, left in `growthOf`. Per dimension: x below: growth += min - x, total += max - x; x above:
 * growth += x - max, total += x - min; inside: total += max - min. Branch-free form: with
 * l = min(min, x) and h = max(max, x) (as pmin/pmax: exactly those selections), growth += (min - l) +
 * (h - max) and total += h - l; the added +0 terms change nothing. Called per node on score walks and
 * inserts.
 */
// @ts-ignore: decorator
@inline export function separation(lo: usize, hi: usize, x: usize): f64 {
  let growth: f64 = 0;
  let total: f64 = 0;
  const d = D;
  let j = 0;
  for (; j + 2 <= d; j += 2) {
    const o = <usize>j << 2;
    const v = f64x2.promote_low_f32x4(v128.load64_zero(x + o));
    const a = f64x2.promote_low_f32x4(v128.load64_zero(lo + o));
    const b = f64x2.promote_low_f32x4(v128.load64_zero(hi + o));
    const l = f64x2.pmin(a, v); // v < a ? v : a
    const h = f64x2.pmax(b, v); // v > b ? v : b
    const g = f64x2.add(f64x2.sub(a, l), f64x2.sub(h, b));
    const t = f64x2.sub(h, l);
    growth += f64x2.extract_lane(g, 0);
    total += f64x2.extract_lane(t, 0);
    growth += f64x2.extract_lane(g, 1);
    total += f64x2.extract_lane(t, 1);
  }
  if (j < d) {
    const o = <usize>j << 2;
    const v = <f64>load<f32>(x + o);
    const a = <f64>load<f32>(lo + o);
    const b = <f64>load<f32>(hi + o);
    if (v < a) { growth += a - v; total += b - v; }
    else if (v > b) { growth += v - b; total += v - a; }
    else total += b - a;
  }
  growthOf = growth;
  return total;
}

/**
 * Writes the box [lo, hi] extended by p to [intoLo, intoHi] (which may be [lo, hi] itself): min(lo, p)
 * and max(hi, p) per dimension. Called when an insert grows a box or creates a node.
 */
export function extendBox(intoLo: usize, intoHi: usize, lo: usize, hi: usize, p: usize): void {
  const d = D;
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const o = <usize>j << 2;
    const v = v128.load(p + o);
    const a = v128.load(lo + o);
    const b = v128.load(hi + o);
    v128.store(intoLo + o, f32x4.pmin(a, v)); // v < a ? v : a
    v128.store(intoHi + o, f32x4.pmax(b, v)); // v > b ? v : b
  }
  for (; j < d; j++) {
    const o = <usize>j << 2;
    const v = load<f32>(p + o), a = load<f32>(lo + o), b = load<f32>(hi + o);
    store<f32>(intoLo + o, v < a ? v : a);
    store<f32>(intoHi + o, v > b ? v : b);
  }
}

/**
 * Sets the box [lo, hi] to the union of [llo, lhi] and [rlo, rhi]; a dimension whose bounds compare equal
 * is left untouched. True when some bound changed. Called on the way up after a delete removed a leaf.
 */
export function unionBox(lo: usize, hi: usize, llo: usize, lhi: usize, rlo: usize, rhi: usize): bool {
  const d = D;
  let changed = i32x4.splat(0);
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const o = <usize>j << 2;
    const mn = f32x4.pmin(v128.load(rlo + o), v128.load(llo + o)); // l < r ? l : r
    const mx = f32x4.pmax(v128.load(rhi + o), v128.load(lhi + o)); // l > r ? l : r
    const oldMin = v128.load(lo + o), oldMax = v128.load(hi + o);
    // a dimension where either bound differs takes both new bounds (as the scalar loop below)
    const differs = v128.or(f32x4.ne(mn, oldMin), f32x4.ne(mx, oldMax));
    v128.store(lo + o, v128.bitselect(mn, oldMin, differs));
    v128.store(hi + o, v128.bitselect(mx, oldMax, differs));
    changed = v128.or(changed, differs);
  }
  let any = v128.any_true(changed);
  for (; j < d; j++) {
    const o = <usize>j << 2;
    const a = load<f32>(llo + o), b = load<f32>(rlo + o);
    const c = load<f32>(lhi + o), e = load<f32>(rhi + o);
    const mn = a < b ? a : b, mx = c > e ? c : e;
    if (mn != load<f32>(lo + o) || mx != load<f32>(hi + o)) {
      any = true;
      store<f32>(lo + o, mn);
      store<f32>(hi + o, mx);
    }
  }
  return any;
}

/** True when the points at a and b have equal coordinates (compared as f32: 0 equals -0). */
export function samePoint(a: usize, b: usize): bool {
  const d = D;
  let j = 0;
  for (; j + 4 <= d; j += 4) {
    const o = <usize>j << 2;
    if (!i32x4.all_true(f32x4.eq(v128.load(a + o), v128.load(b + o)))) return false;
  }
  for (; j < d; j++) {
    if (load<f32>(a + (<usize>j << 2)) != load<f32>(b + (<usize>j << 2))) return false;
  }
  return true;
}
