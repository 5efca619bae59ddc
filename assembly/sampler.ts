/**
 * Time-decayed reservoir sampling, one reservoir per tree (Amazon RCF's compact sampler).
 *
 * Point number t (counting updates from 0) gets weight w = -timeDecay * t + log(-log(u)), u uniform in
 * (0, 1), drawn from the tree's own stream. The reservoir keeps the sampleSize smallest weights in a
 * max-heap: a newcomer enters when the reservoir is not full, or when its weight is below the largest,
 * which is evicted. The sampler decides; the tree follows (evict = delete, enter = insert). Each entry
 * names the tree's leaf that holds its point (several entries share a leaf when points repeat).
 *
 * Most newcomers are rejected (about 90% with the default decay), and the two logarithms are the costly
 * part of deciding. Since log(-log(u)) falls as u grows, w < top exactly when u > exp(-exp(top + decay * t))
 * in real numbers; `sampleBound` keeps, per tree, that threshold for the largest t of the current block of
 * updates, lowered by a wide margin for rounding. A u below it is rejected without computing w: the
 * computed w is certainly >= top, so the decisions are those of docs/algorithm.md, bit for bit. Any other
 * u is decided by computing w as documented.
 */
import { N, sampleWeight, sampleLeaf, sampleCount, sampleBound } from './layout';

// @ts-ignore: decorator
@inline function weightAt(tree: i32, i: i32): usize { return sampleWeight + (<usize>(tree * N + i) << 3); }
// @ts-ignore: decorator
@inline function leafAt(tree: i32, i: i32): usize { return sampleLeaf + (<usize>(tree * N + i) << 1); }

/** Entries in tree `tree`'s reservoir. Called by the host's tests and once per tree per update. */
export function sampleSizeOf(tree: i32): i32 {
  return load<i32>(sampleCount + (<usize>tree << 2));
}

export function clearSampler(tree: i32): void {
  store<i32>(sampleCount + (<usize>tree << 2), 0);
  store<f64>(sampleBound + (<usize>tree << 3), -1);
}

/** The weight a point gets at update number `sequence`. */
// @ts-ignore: decorator
@inline export function weightOf(u: f64, timeDecay: f64, sequence: f64): f64 {
  return -timeDecay * sequence + Math.log(-Math.log(u));
}

/** True when a newcomer of weight w enters the reservoir of `tree`. */
// @ts-ignore: decorator
@inline export function accepts(tree: i32, w: f64): bool {
  return sampleSizeOf(tree) < N || w < load<f64>(weightAt(tree, 0));
}

/** True when u certainly gives a weight that a full reservoir of `tree` rejects (see above). */
// @ts-ignore: decorator
@inline export function surelyRejected(tree: i32, u: f64): bool {
  return u < load<f64>(sampleBound + (<usize>tree << 3));
}

/**
 * Recomputes tree `tree`'s bound for updates up to number `lastSequence`. Called when the heaviest weight
 * changes and at the start of each block of updates (forest.ts).
 */
export function refreshBound(tree: i32, timeDecay: f64, lastSequence: f64): void {
  let bound: f64 = -1;
  if (sampleSizeOf(tree) >= N) {
    const top = load<f64>(weightAt(tree, 0));
    // threshold in weight units at the block's last update (the lowest u threshold of the block)
    const c = top + timeDecay * lastSequence;
    const e = Math.exp(c);
    // rounding in log, log, the products and sums is below 1e-15 * (1 + |terms|) in weight units; allow 1e-9
    const margin = 1e-9 * (64.0 + Math.abs(top) + timeDecay * lastSequence);
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

function siftDown(tree: i32, start: i32, size: i32): void {
  let i = start;
  const w = load<f64>(weightAt(tree, i));
  const l = load<u16>(leafAt(tree, i));
  while (true) {
    let c = 2 * i + 1;
    if (c >= size) break;
    let cw = load<f64>(weightAt(tree, c));
    if (c + 1 < size) {
      const rw = load<f64>(weightAt(tree, c + 1));
      if (rw > cw) { c++; cw = rw; }
    }
    if (cw <= w) break;
    store<f64>(weightAt(tree, i), cw);
    store<u16>(leafAt(tree, i), load<u16>(leafAt(tree, c)));
    i = c;
  }
  store<f64>(weightAt(tree, i), w);
  store<u16>(leafAt(tree, i), l);
}

/** Adds an entry to a reservoir that is not full. */
export function push(tree: i32, w: f64, leaf: i32): void {
  let i = sampleSizeOf(tree);
  store<i32>(sampleCount + (<usize>tree << 2), i + 1);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pw = load<f64>(weightAt(tree, parent));
    if (pw >= w) break;
    store<f64>(weightAt(tree, i), pw);
    store<u16>(leafAt(tree, i), load<u16>(leafAt(tree, parent)));
    i = parent;
  }
  store<f64>(weightAt(tree, i), w);
  store<u16>(leafAt(tree, i), <u16>leaf);
}

/** Replaces the heaviest entry of a full reservoir by the newcomer. */
export function replaceHeaviest(tree: i32, w: f64, leaf: i32): void {
  store<f64>(weightAt(tree, 0), w);
  store<u16>(leafAt(tree, 0), <u16>leaf);
  siftDown(tree, 0, N);
}

