/**
 * Time-decayed reservoir sampling, one reservoir per tree (Amazon RCF's compact sampler).
 *
 * Point number t (counting updates from 0) gets weight w = -timeDecay * t + g, g = log(-log(u)) rounded to
 * f32, u uniform in (0, 1) drawn for t alone (random.ts, `weightUniform`: counter-based, so the weight of
 * an entry can be recomputed from its t). The reservoir keeps the sampleSize smallest weights in a max-heap:
 * a newcomer enters when the reservoir is not full, or when its weight is below the largest, which is
 * evicted. The sampler decides; the tree follows (evict = delete, enter = insert). Each entry names the
 * tree's leaf that holds its point (several entries share a leaf when points repeat).
 *
 * An entry is 8 bytes: t mod 2^32 (u32) and g (f32). Its weight is the f64 value -timeDecay * t + g, with
 * t the largest number <= the current update number that is congruent to the stored one mod 2^32; entries
 * are ordered by weight, then by t (a later point ranks above on a tie), so the order is total and which
 * entry is the heaviest never depends on the heap's array layout. Limit: an entry that stays more than 2^32
 * updates would be misread as younger; with the default decay an entry stays about 10 * sampleSize
 * updates, so only a decay near 0 (below about 1e-8, or exactly 0, where the weight does not depend on t
 * and only ties are ordered by it) can keep one that long.
 *
 * Most newcomers are rejected (about 90% with the default decay), and the two logarithms are the costly
 * part of deciding. Since log(-log(u)) falls as u grows, w < top exactly when u > exp(-exp(top + decay * t))
 * in real numbers; `sampleBound` keeps, per tree, that threshold for the largest t of the current block of
 * updates, lowered by a wide margin for rounding (of the f64 arithmetic, and of g to f32). A u below it is
 * rejected without computing w: the computed w is certainly >= top, so the decisions are those of
 * docs/algorithm.md, bit for bit. Any other u is decided by computing w as documented.
 */
import { N, sampleEntry, sampleLeaf, sampleCount, sampleBound } from './layout';

// @ts-ignore: decorator
@inline function entryAt(tree: i32, i: i32): usize { return sampleEntry + (<usize>(tree * N + i) << 3); }
// @ts-ignore: decorator
@inline function leafAt(tree: i32, i: i32): usize { return sampleLeaf + (<usize>(tree * N + i) << 1); }

/** The decay the weights use (set by `configure`). */
let decay: f64 = 0;

export function setDecay(timeDecay: f64): void {
  decay = timeDecay;
}

/** Entries in tree `tree`'s reservoir. Called by the host's tests and once per tree per update. */
export function sampleSizeOf(tree: i32): i32 {
  return load<i32>(sampleCount + (<usize>tree << 2));
}

export function clearSampler(tree: i32): void {
  store<i32>(sampleCount + (<usize>tree << 2), 0);
  store<f64>(sampleBound + (<usize>tree << 3), -1);
}

/** g of the weight: log(-log(u)) rounded to f32. */
// @ts-ignore: decorator
@inline export function gOf(u: f64): f32 {
  return <f32>Math.log(-Math.log(u));
}

/** The weight of an entry with update number `sequence` and g. */
// @ts-ignore: decorator
@inline export function weightOf(g: f32, sequence: i64): f64 {
  return -decay * <f64>sequence + <f64>g;
}

/** The full update number of a stored t (mod 2^32): the largest number <= `now` congruent to it. */
// @ts-ignore: decorator
@inline export function fullTime(stored: u32, now: i64): i64 {
  return now - <i64>(<u32>now - stored);
}

/** True when entry (wa, ta) ranks above (wb, tb): heavier, or as heavy and later. */
// @ts-ignore: decorator
@inline function above(wa: f64, ta: i64, wb: f64, tb: i64): bool {
  return wa > wb || (wa == wb && ta > tb);
}

/** Weight of the heaviest entry of tree `tree`'s reservoir (not empty) at update number `now`. */
export function topWeight(tree: i32, now: i64): f64 {
  const e = entryAt(tree, 0);
  return weightOf(load<f32>(e, 4), fullTime(load<u32>(e), now));
}

/** True when a newcomer of weight w (update number `now`, later than every entry) enters the reservoir. */
// @ts-ignore: decorator
@inline export function accepts(tree: i32, w: f64, now: i64): bool {
  return sampleSizeOf(tree) < N || w < topWeight(tree, now);
}

/** True when u certainly gives a weight that a full reservoir of `tree` rejects (see above). */
// @ts-ignore: decorator
@inline export function surelyRejected(tree: i32, u: f64): bool {
  return u < load<f64>(sampleBound + (<usize>tree << 3));
}

/**
 * Recomputes tree `tree`'s bound for updates up to number `lastSequence` (`now`: the current update
 * number). Called when the heaviest entry changes and at the start of each block of updates (forest.ts).
 */
export function refreshBound(tree: i32, lastSequence: f64, now: i64): void {
  let bound: f64 = -1;
  if (sampleSizeOf(tree) >= N) {
    const top = topWeight(tree, now);
    // threshold in weight units at the block's last update (the lowest u threshold of the block)
    const c = top + decay * lastSequence;
    const e = Math.exp(c);
    // rounding in log, log, the products and sums is below 1e-15 * (1 + |terms|) in weight units (allow
    // 1e-9), and g's rounding to f32 below 2^-24 |g| (allow 1.2e-7 |c|)
    const margin = 1e-9 * (64.0 + Math.abs(top) + decay * lastSequence) + 1.2e-7 * Math.abs(c);
    // u = exp(-e) moves by a factor (1 - e * dw) when the weight threshold moves by dw
    bound = Math.exp(-e) * (1.0 - margin * e - 1e-12);
    if (!(bound > 0)) bound = -1; // e overflowed, or the bound is meaningless: always decide exactly
  }
  store<f64>(sampleBound + (<usize>tree << 3), bound);
}

/** Ein(z) = integral from 0 to z of (1 - e^-y) / y dy (the entire exponential integral). */
function ein(z: f64): f64 {
  if (z > 25) return Math.log(z) + 0.5772156649015329; // + E1(z) < 1e-12
  // sum over k >= 1 of (-1)^(k+1) z^k / (k k!)
  let term: f64 = z; // (-1)^(k+1) z^k / k!
  let sum: f64 = 0;
  for (let k = 1; k < 200; k++) {
    sum += term / <f64>k;
    term *= -z / <f64>(k + 1);
    if (Math.abs(term) < 1e-15 * Math.abs(sum)) break;
  }
  return sum;
}

/**
 * The point store cells that `trees` reservoirs of `sampleSize` points are expected to keep covered in the
 * steady state, for time decay `decay`, when each stored point is a shingle of `span` cells that shares
 * all but one with the point before it. A point of age a is in one reservoir with probability
 * p(a) = 1 - exp(-theta e^(-decay a)), where theta makes the p(a) add up to sampleSize (Ein(theta) =
 * decay * sampleSize); a cell of age a is covered when one of the `span` points over it is held by some
 * tree: about 1 - exp(-span trees theta e^(-decay a)); summed over ages, Ein(span * trees * theta) / decay.
 * With span = 1 this is the expected number of distinct points held: 7437 for 100 trees, sample 256,
 * decay 1/2560 (7251 measured on NAB machine_temperature); with span = 8, about 12760 cells. Without decay
 * every point is eventually distinct (T*N + 1 points); the store then grows as needed. Called by
 * `configure` to plan the point store.
 */
export function expectedCells(trees: i32, sampleSize: i32, span: i32, decay: f64): f64 {
  const most = (<f64>trees * <f64>sampleSize + 1) * <f64>span;
  if (!(decay > 0)) return <f64>trees * <f64>sampleSize + 1;
  const x = decay * <f64>sampleSize;
  let expected: f64;
  if (x > 20) {
    // a reservoir holds about the last sampleSize points, plus a tail
    expected = <f64>sampleSize + Math.log(<f64>trees * <f64>span) / decay;
  } else {
    // theta with Ein(theta) = x, by bisection (Ein increases; Ein(e^(x+1)) > x + 1)
    let lo: f64 = 0, hi: f64 = Math.exp(x + 1);
    for (let i = 0; i < 100; i++) {
      const mid = 0.5 * (lo + hi);
      if (ein(mid) < x) lo = mid;
      else hi = mid;
    }
    expected = ein(<f64>span * <f64>trees * hi) / decay;
  }
  return expected < most ? expected : most;
}

/** The leaf holding the heaviest entry's point: the one a newcomer evicts from a full reservoir. */
export function heaviestLeaf(tree: i32): i32 {
  return <i32>load<u16>(leafAt(tree, 0));
}

function siftDown(tree: i32, start: i32, size: i32, now: i64): void {
  let i = start;
  const entry = load<u64>(entryAt(tree, i));
  const t = fullTime(<u32>entry, now);
  const w = weightOf(load<f32>(entryAt(tree, i), 4), t);
  const l = load<u16>(leafAt(tree, i));
  while (true) {
    let c = 2 * i + 1;
    if (c >= size) break;
    let ce = entryAt(tree, c);
    let ct = fullTime(load<u32>(ce), now);
    let cw = weightOf(load<f32>(ce, 4), ct);
    if (c + 1 < size) {
      const re = ce + 8;
      const rt = fullTime(load<u32>(re), now);
      const rw = weightOf(load<f32>(re, 4), rt);
      if (above(rw, rt, cw, ct)) { c++; ce = re; cw = rw; ct = rt; }
    }
    if (!above(cw, ct, w, t)) break;
    store<u64>(entryAt(tree, i), load<u64>(ce));
    store<u16>(leafAt(tree, i), load<u16>(leafAt(tree, c)));
    i = c;
  }
  store<u64>(entryAt(tree, i), entry);
  store<u16>(leafAt(tree, i), l);
}

/**
 * Adds the entry (update number `stored` mod 2^32, g) to a reservoir that is not full; `now` is the current
 * update number (the newcomer's own, or for a restore the update count).
 */
export function push(tree: i32, stored: u32, g: f32, leaf: i32, now: i64): void {
  let i = sampleSizeOf(tree);
  store<i32>(sampleCount + (<usize>tree << 2), i + 1);
  const t = fullTime(stored, now);
  const w = weightOf(g, t);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pe = entryAt(tree, parent);
    const pt = fullTime(load<u32>(pe), now);
    if (!above(w, t, weightOf(load<f32>(pe, 4), pt), pt)) break;
    store<u64>(entryAt(tree, i), load<u64>(pe));
    store<u16>(leafAt(tree, i), load<u16>(leafAt(tree, parent)));
    i = parent;
  }
  store<u32>(entryAt(tree, i), stored);
  store<f32>(entryAt(tree, i), g, 4);
  store<u16>(leafAt(tree, i), <u16>leaf);
}

/** Replaces the heaviest entry of a full reservoir by the newcomer (update number `now`, g). */
export function replaceHeaviest(tree: i32, g: f32, leaf: i32, now: i64): void {
  store<u32>(entryAt(tree, 0), <u32>now);
  store<f32>(entryAt(tree, 0), g, 4);
  store<u16>(leafAt(tree, 0), <u16>leaf);
  siftDown(tree, 0, N, now);
}
