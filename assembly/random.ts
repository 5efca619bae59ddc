/**
 * Seeded randomness: one SplitMix64 stream per tree (Steele, Lea, Flood, "Fast splittable pseudorandom
 * number generators", OOPSLA 2014). The kernel never calls Math.random.
 *
 * Tree i of a forest with seed s starts from state mix64(s + (i + 1) * GOLDEN), where i is the tree's
 * global index, so a forest sharded over several workers draws exactly the numbers one forest would.
 */
import { randomState } from './layout';

const GOLDEN: u64 = 0x9e3779b97f4a7c15;

/** The SplitMix64 output function (finaliser). */
// @ts-ignore: decorator
@inline export function mix64(z0: u64): u64 {
  let z = z0;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

/** Seeds tree `tree` (local slot) whose global index is `globalIndex`. Called by `configure`. */
export function seedTree(tree: i32, seed: u64, globalIndex: i32): void {
  store<u64>(randomState + (<usize>tree << 3), mix64(seed + (<u64>(globalIndex + 1)) * GOLDEN));
}

/** Next 64 random bits of tree `tree`. */
// @ts-ignore: decorator
@inline export function nextBits(tree: i32): u64 {
  const at = randomState + (<usize>tree << 3);
  const s = load<u64>(at) + GOLDEN;
  store<u64>(at, s);
  return mix64(s);
}

/** Uniform in [0, 1): the top 53 bits. One draw per random cut. */
// @ts-ignore: decorator
@inline export function uniform(tree: i32): f64 {
  return <f64>(nextBits(tree) >> 11) * 1.1102230246251565e-16; // 2^-53
}

/** Uniform in (0, 1), never 0 or 1: for log(-log(u)) in the sampler. */
// @ts-ignore: decorator
@inline export function uniformOpen(tree: i32): f64 {
  return (<f64>(nextBits(tree) >> 11) + 0.5) * 1.1102230246251565e-16;
}
