/**
 * Time-decayed reservoir sampling, one reservoir per tree (Amazon RCF's compact sampler).
 *
 * Point number t (counting updates from 0) gets weight w = -timeDecay * t + log(-log(u)), u uniform in
 * (0, 1), drawn from the tree's own stream. The reservoir keeps the sampleSize smallest weights in a
 * max-heap: a newcomer enters when the reservoir is not full, or when its weight is below the largest,
 * which is evicted. The sampler decides; the tree follows (evict = delete, enter = insert).
 */
import { N, sampleWeight, samplePoint, sampleCount } from './layout';

// @ts-ignore: decorator
@inline function weightAt(tree: i32, i: i32): usize { return sampleWeight + (<usize>(tree * N + i) << 3); }
// @ts-ignore: decorator
@inline function pointAt(tree: i32, i: i32): usize { return samplePoint + (<usize>(tree * N + i) << 2); }

export function sampleSizeOf(tree: i32): i32 {
  return load<i32>(sampleCount + (<usize>tree << 2));
}

export function clearSampler(tree: i32): void {
  store<i32>(sampleCount + (<usize>tree << 2), 0);
}

/** The weight a point gets at update number `sequence`. */
// @ts-ignore: decorator
@inline export function weightOf(u: f64, timeDecay: f64, sequence: f64): f64 {
  return -timeDecay * sequence + Math.log(-Math.log(u));
}

/** True when a newcomer of weight w enters the (full) reservoir of `tree`. */
// @ts-ignore: decorator
@inline export function accepts(tree: i32, w: f64): bool {
  return sampleSizeOf(tree) < N || w < load<f64>(weightAt(tree, 0));
}

/** The slot held by the heaviest entry: the one a newcomer evicts from a full reservoir. */
export function heaviestPoint(tree: i32): i32 {
  return load<i32>(pointAt(tree, 0));
}

function siftDown(tree: i32, start: i32, size: i32): void {
  let i = start;
  const w = load<f64>(weightAt(tree, i));
  const p = load<i32>(pointAt(tree, i));
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
    store<i32>(pointAt(tree, i), load<i32>(pointAt(tree, c)));
    i = c;
  }
  store<f64>(weightAt(tree, i), w);
  store<i32>(pointAt(tree, i), p);
}

/** Adds an entry to a reservoir that is not full. */
export function push(tree: i32, w: f64, point: i32): void {
  let i = sampleSizeOf(tree);
  store<i32>(sampleCount + (<usize>tree << 2), i + 1);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pw = load<f64>(weightAt(tree, parent));
    if (pw >= w) break;
    store<f64>(weightAt(tree, i), pw);
    store<i32>(pointAt(tree, i), load<i32>(pointAt(tree, parent)));
    i = parent;
  }
  store<f64>(weightAt(tree, i), w);
  store<i32>(pointAt(tree, i), point);
}

/** Replaces the heaviest entry of a full reservoir by the newcomer. */
export function replaceHeaviest(tree: i32, w: f64, point: i32): void {
  store<f64>(weightAt(tree, 0), w);
  store<i32>(pointAt(tree, 0), point);
  siftDown(tree, 0, N);
}
