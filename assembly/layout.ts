/**
 * Memory plan of the kernel: every array the forest needs, laid out once from the configuration.
 *
 * The kernel never allocates after `plan()`: all state lives in flat structure-of-arrays columns at fixed
 * offsets in linear memory, addressed with raw pointer loads. One forest per WebAssembly instance.
 *
 * Notation: T trees, N = sampleSize, D = dimensions of a (shingled) point, P = T*N + 1 point slots,
 * NI = N - 1 internal nodes per tree, NL = N leaves per tree, B = batch capacity (points per call).
 *
 * | column        | type | count    | meaning                                                          |
 * |---------------|------|----------|------------------------------------------------------------------|
 * | pointValue    | f32  | P*D      | coordinates of stored points (rounded to f32, as Amazon's RCF)   |
 * | pointRef      | i32  | P        | number of sampler entries (over all trees) holding the point     |
 * | pointFree     | i32  | P        | stack of free point slots                                        |
 * | nodeLeft/Right| i32  | T*NI     | children (child encoding below)                                  |
 * | nodeParent    | i32  | T*NI     | parent internal node, or NULL at the root                        |
 * | cutDimension  | i32  | T*NI     | the cut's dimension j                                            |
 * | cutValue      | f64  | T*NI     | the cut's value c: x[j] <= c goes left                           |
 * | mass          | i32  | T*NI     | points below the node, duplicates counted                        |
 * | boxMin/boxMax | f32  | T*NI*D   | bounding box of the points below the node                        |
 * | nodeFree      | i32  | T*NI     | per-tree stack of free internal node slots (+ nodeFreeTop[T])    |
 * | leafPoint     | i32  | T*NL     | point slot of the leaf's (distinct) point                        |
 * | leafMass      | i32  | T*NL     | multiplicity of that point in the tree                           |
 * | leafParent    | i32  | T*NL     | parent internal node, or NULL when the leaf is the root          |
 * | leafFree      | i32  | T*NL     | per-tree stack of free leaf slots (+ leafFreeTop[T])             |
 * | root          | i32  | T        | the tree's root (child encoding), NULL when empty                |
 * | randomState   | u64  | T        | per-tree SplitMix64 state                                        |
 * | sampleWeight  | f64  | T*N      | per-tree max-heap of reservoir weights                           |
 * | samplePoint   | i32  | T*N      | the point slot held by each reservoir entry                      |
 * | sampleCount   | i32  | T        | entries in each reservoir                                        |
 * | input         | f64  | B*D      | points handed in by the host, one batch                          |
 * | output        | f64  | B*(1+2D) | per point: score (B f64), then attribution (high D, low D each)   |
 * | path          | i32  | N+2      | scratch: the nodes from the root to a leaf                       |
 * | scratch       | f64  | T*D+2D   | scratch: per-tree attribution, imputed values per tree           |
 *
 * Child encoding (one rule everywhere): an i32 `c >= 0` is the global internal node index
 * `tree*NI + k`; `c < 0` is the leaf with global index `~c` (that is `-c - 1`); NULL = i32.MIN_VALUE.
 */

export const NULL: i32 = i32.MIN_VALUE;

// configuration
export let T: i32 = 0;
export let N: i32 = 0;
export let D: i32 = 0;
export let NI: i32 = 0;
export let NL: i32 = 0;
export let P: i32 = 0;
export let B: i32 = 0;
export let OUT_STRIDE: i32 = 0;

// column base pointers
export let pointValue: usize = 0;
export let pointRef: usize = 0;
export let pointFree: usize = 0;
export let nodeLeft: usize = 0;
export let nodeRight: usize = 0;
export let nodeParent: usize = 0;
export let cutDimension: usize = 0;
export let cutValue: usize = 0;
export let mass: usize = 0;
export let boxMin: usize = 0;
export let boxMax: usize = 0;
export let nodeFree: usize = 0;
export let nodeFreeTop: usize = 0;
export let leafPoint: usize = 0;
export let leafMass: usize = 0;
export let leafParent: usize = 0;
export let leafFree: usize = 0;
export let leafFreeTop: usize = 0;
export let root: usize = 0;
export let randomState: usize = 0;
export let sampleWeight: usize = 0;
export let samplePoint: usize = 0;
export let sampleCount: usize = 0;
export let input: usize = 0;
export let output: usize = 0;
export let path: usize = 0;
export let scratch: usize = 0;
export let planEnd: usize = 0;

let cursor: usize = 0;

function take(bytes: usize): usize {
  const at = (cursor + 15) & ~(<usize>15);
  cursor = at + bytes;
  return at;
}

/**
 * Lays out every column for the given configuration and grows memory to hold them. Called by `configure`
 * (once per forest). Returns the number of bytes planned, or 0 when memory could not grow.
 */
export function plan(trees: i32, sampleSize: i32, dimensions: i32, batch: i32): usize {
  T = trees;
  N = sampleSize;
  D = dimensions;
  NI = sampleSize - 1;
  NL = sampleSize;
  P = trees * sampleSize + 1;
  B = batch;
  OUT_STRIDE = 2 * dimensions + 1;
  const t = <usize>T, d = <usize>D, ni = <usize>NI, nl = <usize>NL, p = <usize>P, n = <usize>N;
  cursor = (__heap_base + 15) & ~(<usize>15);
  const start = cursor;
  pointValue = take(p * d * 4);
  pointRef = take(p * 4);
  pointFree = take(p * 4);
  nodeLeft = take(t * ni * 4);
  nodeRight = take(t * ni * 4);
  nodeParent = take(t * ni * 4);
  cutDimension = take(t * ni * 4);
  cutValue = take(t * ni * 8);
  mass = take(t * ni * 4);
  boxMin = take(t * ni * d * 4);
  boxMax = take(t * ni * d * 4);
  nodeFree = take(t * ni * 4);
  nodeFreeTop = take(t * 4);
  leafPoint = take(t * nl * 4);
  leafMass = take(t * nl * 4);
  leafParent = take(t * nl * 4);
  leafFree = take(t * nl * 4);
  leafFreeTop = take(t * 4);
  root = take(t * 4);
  randomState = take(t * 8);
  sampleWeight = take(t * n * 8);
  samplePoint = take(t * n * 4);
  sampleCount = take(t * 4);
  input = take(<usize>B * d * 8);
  output = take(<usize>B * <usize>OUT_STRIDE * 8);
  path = take((n + 2) * 4);
  scratch = take((t * d + 2 * d) * 8);
  planEnd = cursor;
  const needPages = <i32>((planEnd + 0xffff) >> 16);
  const havePages = memory.size();
  if (needPages > havePages) {
    if (memory.grow(needPages - havePages) < 0) return 0;
  }
  return planEnd - start;
}
