/**
 * Memory plan of the kernel: every array the forest needs, laid out once from the configuration.
 *
 * All state lives in flat columns at fixed offsets in linear memory, addressed with raw pointer loads; no
 * allocation after `plan()`, except that the point store (last) may grow for streams whose points do not
 * overlap (below). One forest per WebAssembly instance.
 *
 * Notation: T trees, N = sampleSize, D = dimensions of a (shingled) point, NI = N - 1 internal nodes per
 * tree, NL = N leaves per tree, B = batch capacity (points per call), C = point store cells.
 *
 * What the shape is for (measured on NAB machine_temperature, 100 trees, sample 256, shingle 8; see
 * bench/kernel.mjs). Scoring took two thirds of the time and was not bound by memory (the time per tree
 * stayed the same from 10 trees, all in the 1 MB L2 cache, to 100), but by mispredicted branches in the box
 * sums of the walk back up: those are now branch-free SIMD (box.ts). Still, a descent step reads one 12-byte
 * node record (cut, dimension, mass, children) rather than four columns; the walk back up follows the path
 * recorded on the way down, not parent links (there are none); a node's box is min and max side by side
 * (one 64-byte line for D = 8); and a batch runs tree by tree (forest.ts), so one tree's records and boxes
 * (19 KB here) stay in the nearest cache. Node links are 16 bits, local to their tree; cut values are f32,
 * exactly (tree.ts, `storedCut`); leaves' multiplicities are u16; shingled points share their overlapping
 * values (point-store.ts). The forest's bytes went from 4.2 MB to 2.43 MB (forestBytes below).
 *
 * | column      | type      | count      | meaning                                                         |
 * |-------------|-----------|------------|-----------------------------------------------------------------|
 * | nodeRecord  | 12 bytes  | T*NI       | cut value f32 @0, cut dimension u16 @4, mass u16 @6, left u16   |
 * |             |           |            | @8, right u16 @10 (free records: next free node in `left`)      |
 * | nodeBox     | f32       | T*NI*2D    | box of the points below: min[0..D-1] then max[0..D-1]           |
 * | leafPoint   | i32       | T*NL       | offset of the leaf's (distinct) point in the point store; for a |
 * |             |           |            | free leaf: the next free leaf                                   |
 * | leafMass    | u16       | T*NL       | multiplicity of that point in the tree; 0 for a free leaf       |
 * | treeState   | i32 x 4   | T          | root link, free node list head, free leaf list head, nodes used |
 * | randomState | u64       | T          | per-tree SplitMix64 state (cuts)                                |
 * | weightKey   | u64       | T          | per-tree key of the counter-based weight draws (random.ts)      |
 * | sampleEntry | 8 bytes   | T*N        | per-tree max-heap of reservoir entries: update number t mod 2^32|
 * |             |           |            | u32 @0, g = log(-log(u(t))) as f32 @4 (weight: sampler.ts)      |
 * | sampleLeaf  | u16       | T*N        | the leaf (local index) holding each reservoir entry's point     |
 * | sampleCount | i32       | T          | entries in each reservoir                                       |
 * | sampleBound | f64       | T          | below this u a newcomer is surely rejected (sampler.ts)         |
 * | tables      | f64       | 2*(N+1)    | 1 / (d + 1) and log2(m + 1), computed once                      |
 * | path        | u16       | N+1        | scratch: the internal nodes from the root to a leaf             |
 * | query       | f32       | D          | scratch: a point read from the input column, rounded to f32     |
 * | scratch     | f64       | T*D+2D     | scratch: per-tree attribution, imputed values per tree          |
 * | storeHeader | i32 x 4   | 1          | point store: capacity, tail, last stored offset, compactions    |
 * | batchState  | i32 x 2   | B          | per point of a batch: its offset in the point store, its update |
 * |             |           |            | number (from the batch's first) -- batch scratch, like input    |
 * | input       | f64       | B*D        | points handed in by the host, one batch                         |
 * | output      | f64       | B*(1+2D)   | per point: score (B f64), then attribution (high D, low D each) |
 * | check       | u8, u16   | NI+NL, 2(NI+NL+2) | scratch of restoring a snapshot: visit flags, a stack        |
 * | pointValue  | f32       | C          | the point store's cells: a point is D cells from its offset     |
 * | storeMarks  | u32       | C/32       | scratch of compaction: a bit per cell covered by a held point   |
 * | storePrefix | u32       | C/32       | scratch of compaction: marked cells before each 32 cells        |
 *
 * C, the point store's capacity in cells, is planned from the cells the samplers' points are expected to
 * cover when shingled (one new cell per point; sampler.ts, `expectedCells`) with room to spare. The store
 * is last so that, for streams whose points do not overlap, it can grow (point-store.ts): the only memory
 * the kernel asks for after configure.
 *
 * Child encoding (one rule everywhere): a u16 link `c < LEAF` is the tree's internal node c (record at
 * nodeRecord + (tree*NI + c)*12, box at nodeBox + (tree*NI + c)*8D); `c >= LEAF` is the tree's leaf
 * c - LEAF (at index tree*NL + c - LEAF of the leaf columns); NULL = 0xFFFF. So N <= 32767.
 *
 * The forest's own bytes (`forestBytes`, what `configure` returns) are every column but the batch columns
 * batchState, input and output, whose size follows B. For 100 trees, sample 256, D = 8: boxes 1,632,000,
 * node records 306,000, sampler 256,000 (8-byte entries from which the f64 weight is recomputed exactly),
 * leaves 153,600, point store 68,000 (15,984 cells), the rest 15,800: 2,431,168 bytes; the batch columns add 212,992 for B = 1024.
 */

export const NULL: i32 = 0xffff;
export const LEAF: i32 = 0x8000;
export const RECORD: usize = 12;
/** The largest sample size the 16-bit links can address. */
export const MAX_SAMPLE_SIZE: i32 = 32767;
/** The most dimensions a 16-bit cut dimension can name. */
export const MAX_DIMENSIONS: i32 = 65535;

// configuration
export let T: i32 = 0;
export let N: i32 = 0;
export let D: i32 = 0;
export let NI: i32 = 0;
export let NL: i32 = 0;
export let B: i32 = 0;
/** Bytes of one node's box (2 * D f32). */
export let BOX: usize = 0;

// column base pointers
export let nodeRecord: usize = 0;
export let nodeBox: usize = 0;
export let leafPoint: usize = 0;
export let leafMass: usize = 0;
export let treeState: usize = 0;
export let pointValue: usize = 0;
export let storeMarks: usize = 0;
export let storePrefix: usize = 0;
export let randomState: usize = 0;
export let weightKey: usize = 0;
export let sampleEntry: usize = 0;
export let sampleLeaf: usize = 0;
export let sampleCount: usize = 0;
export let sampleBound: usize = 0;
export let inverseDepth: usize = 0;
export let log2Table: usize = 0;
export let path: usize = 0;
export let query: usize = 0;
export let scratch: usize = 0;
export let storeHeader: usize = 0;
export let batchState: usize = 0;
export let input: usize = 0;
export let output: usize = 0;
/** Scratch of restoring a snapshot (snapshot.ts): a flag byte per node and leaf, then a u16 stack. */
export let check: usize = 0;
export let forestStart: usize = 0;
export let forestEnd: usize = 0;
export let planEnd: usize = 0;

let cursor: usize = 0;

function take(bytes: usize, align: usize = 16): usize {
  const at = (cursor + align - 1) & ~(align - 1);
  cursor = at + bytes;
  return at;
}

/**
 * Lays out every column for the given configuration (`cells`: the point store's initial capacity) and
 * grows memory to hold them. Called by `configure` (once per forest). Returns the number of bytes planned
 * (all columns, the host's input and output included), or 0 when memory could not grow.
 */
export function plan(trees: i32, sampleSize: i32, dimensions: i32, batch: i32, cells: i32): usize {
  T = trees;
  N = sampleSize;
  D = dimensions;
  NI = sampleSize - 1;
  NL = sampleSize;
  B = batch;
  BOX = <usize>dimensions << 3;
  const t = <usize>T, d = <usize>D, ni = <usize>NI, nl = <usize>NL, n = <usize>N;
  cursor = (__heap_base + 63) & ~(<usize>63);
  forestStart = cursor;
  nodeBox = take(t * ni * BOX, 64);
  nodeRecord = take(t * ni * RECORD, 64);
  leafPoint = take(t * nl * 4);
  leafMass = take(t * nl * 2);
  treeState = take(t * 16);
  randomState = take(t * 8);
  weightKey = take(t * 8);
  sampleEntry = take(t * n * 8);
  sampleLeaf = take(t * n * 2);
  sampleCount = take(t * 4);
  sampleBound = take(t * 8);
  inverseDepth = take((n + 1) * 8);
  log2Table = take((n + 1) * 8);
  path = take((n + 1) * 2);
  query = take(d * 4);
  scratch = take((t * d + 2 * d) * 8);
  storeHeader = take(16);
  forestEnd = cursor;
  batchState = take(<usize>B * 8);
  input = take(<usize>B * d * 8);
  output = take(<usize>B * (1 + 2 * d) * 8);
  check = take((ni + nl) + (ni + nl + 2) * 4);
  if (!setPointStore(cells)) return 0;
  store<i32>(storeHeader, cells);
  return planEnd - forestStart;
}

/** Bytes of a point store of `cells` cells: the f32 values and two scratch bits per cell. */
export function pointStoreBytes(cells: i32): usize {
  const words = <usize>((cells + 31) >> 5);
  return (<usize>cells << 2) + (words << 3);
}

/**
 * Places the point store's columns after the host's output column for a capacity of `cells`, growing
 * memory as needed. Called by `plan`, and by the point store when it must grow. False when memory
 * could not grow (nothing changed then).
 */
export function setPointStore(cells: i32): bool {
  const values = (check + (<usize>(NI + NL)) + (<usize>(NI + NL + 2)) * 4 + 63) & ~(<usize>63);
  const words = <usize>((cells + 31) >> 5);
  const marks = values + (<usize>cells << 2);
  const prefix = marks + (words << 2);
  const end = prefix + (words << 2);
  const needPages = <i32>((end + 0xffff) >> 16);
  const havePages = memory.size();
  if (needPages > havePages) {
    if (memory.grow(needPages - havePages) < 0) return false;
  }
  pointValue = values;
  storeMarks = marks;
  storePrefix = prefix;
  planEnd = end;
  return true;
}

/** The forest's own bytes: every column but the host's input and output. */
export function forestBytes(): usize {
  return (forestEnd - forestStart) + (planEnd - pointValue);
}
