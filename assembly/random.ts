/**
 * Seeded randomness (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014).
 * The kernel never calls Math.random. Per tree, two sources:
 *
 * - cuts: a sequential SplitMix64 stream. Tree i of a forest with seed s starts from state
 *   s0 = mix64(s + (i + 1) * GOLDEN), where i is the tree's global index, so a forest sharded over several
 *   workers draws exactly the numbers one forest would.
 * - sampler weights: counter-based, a function of the update number t alone: u(t) from
 *   mix64(key + (t + 1) * WEIGHT_GAMMA) with key = mix64(s0 ^ WEIGHT_SALT). So a reservoir entry's weight can
 *   be recomputed from its t (sampler.ts), and a snapshot need not store it.
 */
import { randomState, weightKey } from './layout';

const GOLDEN: u64 = 0x9e3779b97f4a7c15;
/** An odd constant other than GOLDEN (the R2 sequence's), so the weight draws are not the cut stream's. */
const WEIGHT_GAMMA: u64 = 0xd1b54a32d192ed03;
/** The fractional bits of sqrt(2) (SHA-512's first IV word): separates the weight key from s0. */
const WEIGHT_SALT: u64 = 0x6a09e667f3bcc908;

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
  const s0 = mix64(seed + (<u64>(globalIndex + 1)) * GOLDEN);
  store<u64>(randomState + (<usize>tree << 3), s0);
  store<u64>(weightKey + (<usize>tree << 3), mix64(s0 ^ WEIGHT_SALT));
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

/**
 * Uniform in (0, 1), never 0 or 1, for log(-log(u)) in the sampler: tree `tree`'s draw for update number
 * `sequence` (counter-based, see above; it does not advance the cut stream).
 */
// @ts-ignore: decorator
@inline export function weightUniform(tree: i32, sequence: u64): f64 {
  const bits = mix64(load<u64>(weightKey + (<usize>tree << 3)) + (sequence + 1) * WEIGHT_GAMMA);
  return (<f64>(bits >> 11) + 0.5) * 1.1102230246251565e-16;
}
