/**
 * The shared point store: every sampled point is stored once (as f32 coordinates) and named by the leaves
 * of all trees that hold it.
 *
 * Points live in a run of f32 cells: a point is the D consecutive cells starting at its offset, and the
 * offset is the point's name (leaves hold it). Shingled points overlap: the point at time t is the point
 * at time t-1 shifted by one row, so when a newcomer's first D - s values equal, bit for bit, the last
 * D - s values of the most recently stored point, it is stored as s new cells after it (Amazon's RCF
 * stores shingles the same way). Nothing here knows the shingle: the shift s = 1 .. D-1 is found by
 * comparing.
 *
 * Cells are appended at the tail and never freed one by one. When the tail reaches the capacity the store
 * is compacted, mark and slide: the cells covered by a point some leaf holds (or that the batch being
 * processed has stored and not yet offered to the trees) are marked (a bit per cell),
 * slide down in order (overlaps kept), and every leaf's offset is renamed (new offset = marked cells
 * before it: a prefix count per 32 cells plus a popcount). So no reference counts are kept at all; the
 * leaves are the references. The capacity is planned for the cells a shingled stream is expected to
 * cover (sampler.ts, `expectedCells`); a stream whose points do not overlap (several columns, no shingle)
 * needs up to D cells per point, and then, and only then, the store grows: the one place the kernel asks
 * for memory after configure, amortised by doubling.
 */
import {
  D, T, NL, pointValue, storeMarks, storePrefix, storeHeader, leafPoint, leafMass, setPointStore,
} from './layout';
import { samePoint } from './box';

export { samePoint };

// the store's header (layout.ts, `storeHeader`): capacity @0, tail @4, last stored offset @8,
// compactions so far @12
// @ts-ignore: decorator
@inline function capacity(): i32 { return load<i32>(storeHeader); }
// @ts-ignore: decorator
@inline function tail(): i32 { return load<i32>(storeHeader, 4); }
// @ts-ignore: decorator
@inline function lastStored(): i32 { return load<i32>(storeHeader, 8); }

// @ts-ignore: decorator
@inline function leafPointAt(l: i32): usize { return leafPoint + (<usize>l << 2); }
// @ts-ignore: decorator
@inline function leafMassAt(l: i32): usize { return leafMass + (<usize>l << 1); }

/** Empties the store (keeping its capacity). Called by `configure` and `reset`. */
export function clearPoints(): void {
  store<i32>(storeHeader, 0, 4);
  store<i32>(storeHeader, -1, 8);
  store<i32>(storeHeader, 0, 12);
}

// @ts-ignore: decorator
@inline export function pointAddress(offset: i32): usize {
  return pointValue + (<usize>offset << 2);
}

// points stored for the batch being processed, not yet held by any leaf: `pendingCount` i32 offsets at
// stride 8 from `pending` (negative entries: none); compaction keeps and renames them too
let pending: usize = 0;
let pendingCount: i32 = 0;

/**
 * Stores the point at `p` (D f32, outside the store) and returns its offset; -1 when the store is full
 * and memory cannot grow. `pendingAt` and `count` name the offsets stored earlier for the same batch (i32
 * at stride 8; negative entries are skipped), which no leaf holds yet. Called once per point that will
 * update the forest, before any tree sees it.
 */
export function storePoint(p: usize, pendingAt: usize, count: i32): i32 {
  if (tail() + D > capacity()) {
    pending = pendingAt;
    pendingCount = count;
    makeRoom();
    if (tail() + D > capacity()) return -1; // full of live points, and memory could not grow
  }
  const end = tail();
  const last = lastStored();
  let start = end;
  if (last >= 0 && last + D == end) {
    // the smallest shift s with p[0 .. D-s) == cells[last+s .. last+D), bit for bit
    for (let s = 1; s < D; s++) {
      const from = pointAddress(last + s);
      const n = D - s;
      let k = 0;
      while (k < n && load<i32>(from + (<usize>k << 2)) == load<i32>(p + (<usize>k << 2))) k++;
      if (k == n) {
        start = last + s;
        break;
      }
    }
  }
  const have = end - start; // values already there
  memory.copy(pointAddress(end), p + (<usize>have << 2), <usize>(D - have) << 2);
  store<i32>(storeHeader, start + D, 4);
  store<i32>(storeHeader, start, 8);
  return start;
}

/** Marks cells [from, to) (bits of the mark column). */
function markCells(from: i32, to: i32): void {
  let c = from;
  while (c < to) {
    const bit = c & 31;
    const n = min(32 - bit, to - c);
    const mask = (n == 32 ? <u32>0xffffffff : ((<u32>1 << <u32>n) - 1)) << <u32>bit;
    const at = storeMarks + (<usize>(c >> 5) << 2);
    store<u32>(at, load<u32>(at) | mask);
    c += n;
  }
}

// @ts-ignore: decorator
@inline function isMarked(c: i32): bool {
  return ((load<u32>(storeMarks + (<usize>(c >> 5) << 2)) >> <u32>(c & 31)) & 1) != 0;
}

/** The offset cell c moves to when marked cells slide down: the marked cells before it. */
// @ts-ignore: decorator
@inline function slidTo(c: i32): i32 {
  const w = <usize>(c >> 5) << 2;
  const below = load<u32>(storeMarks + w) & ((<u32>1 << <u32>(c & 31)) - 1);
  return <i32>load<u32>(storePrefix + w) + <i32>popcnt(below);
}

/**
 * Compacts the store (mark and slide, see above); grows it when it would still be more than seven eighths
 * full. Called by `storePoint` when the tail reaches the capacity.
 */
function makeRoom(): void {
  const d = D;
  const end = tail();
  const words = (end + 31) >> 5;
  memory.fill(storeMarks, 0, <usize>words << 2);
  const leaves = T * NL;
  for (let l = 0; l < leaves; l++) {
    if (load<u16>(leafMassAt(l)) == 0) continue; // a free leaf
    const o = load<i32>(leafPointAt(l));
    markCells(o, o + d);
  }
  for (let i = 0; i < pendingCount; i++) {
    const o = load<i32>(pending + (<usize>i << 3));
    if (o >= 0) markCells(o, o + d);
  }
  let kept: u32 = 0;
  for (let w = 0; w < words; w++) {
    store<u32>(storePrefix + (<usize>w << 2), kept);
    kept += popcnt(load<u32>(storeMarks + (<usize>w << 2)));
  }
  // rename before sliding (slidTo reads only the marks); keep chaining from the last point if it survives
  for (let l = 0; l < leaves; l++) {
    if (load<u16>(leafMassAt(l)) == 0) continue;
    const at = leafPointAt(l);
    store<i32>(at, slidTo(load<i32>(at)));
  }
  for (let i = 0; i < pendingCount; i++) {
    const at = pending + (<usize>i << 3);
    const o = load<i32>(at);
    if (o >= 0) store<i32>(at, slidTo(o));
  }
  const last = lastStored();
  let lastKept = last >= 0;
  for (let c = last; lastKept && c < last + d; c++) lastKept = isMarked(c);
  store<i32>(storeHeader, lastKept ? slidTo(last) : -1, 8);
  // slide the marked cells down, in order
  let to = 0;
  for (let c = 0; c < end; c++) {
    if (!isMarked(c)) continue;
    store<f32>(pointAddress(to), load<f32>(pointAddress(c)));
    to++;
  }
  store<i32>(storeHeader, to, 4);
  store<i32>(storeHeader, load<i32>(storeHeader, 12) + 1, 12);
  const cells = capacity();
  if (to + d > cells - (cells >> 3)) grow(to + d);
}

/** Doubles the capacity (at least to 8/7 of `need` cells). The marks are scratch: nothing moves. */
function grow(need: i32): void {
  let cells = capacity() << 1;
  while (cells - (cells >> 3) < need) cells <<= 1;
  if (setPointStore(cells)) store<i32>(storeHeader, cells);
}

/**
 * Distinct stored points some tree holds. Counted from the leaves (the mark column is scratch between
 * compactions). Called by the host (statistics) and tests; O(trees * sampleSize).
 */
export function pointsInUse(): i32 {
  const words = (tail() + 31) >> 5;
  memory.fill(storeMarks, 0, <usize>words << 2);
  const leaves = T * NL;
  let distinct = 0;
  for (let l = 0; l < leaves; l++) {
    if (load<u16>(leafMassAt(l)) == 0) continue;
    const o = load<i32>(leafPointAt(l));
    if (!isMarked(o)) {
      markCells(o, o + 1);
      distinct++;
    }
  }
  return distinct;
}

/** Reservoir entries, over all trees, holding the point at `offset`. Called by tests; O(trees * sampleSize). */
export function referenceCount(offset: i32): i32 {
  const leaves = T * NL;
  let count = 0;
  for (let l = 0; l < leaves; l++) {
    const m = <i32>load<u16>(leafMassAt(l));
    if (m != 0 && load<i32>(leafPointAt(l)) == offset) count += m;
  }
  return count;
}
