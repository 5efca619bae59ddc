/**
 * Snapshots: the forest's state out of the kernel and back in, checked so that no sequence of bytes can
 * corrupt the kernel's memory or leave a forest that breaks its invariants.
 *
 * The state is a list of regions of the memory plan (layout.ts), copied by the host as they are: node
 * records, leaves, per-tree state, random states, reservoir entries, the point store's header and its used
 * cells (the host encodes them compactly: src/forest/snapshot-codec.ts). Boxes are not saved: they follow
 * from the leaves and are rebuilt. Nor are the entries' g (sampler.ts): the host writes each tree's entries
 * in increasing order of update number t, and the kernel recomputes g from t (random.ts, `weightUniform`)
 * and rebuilds the heap. Nor are the samplers' rejection bounds: they follow from the reservoirs, and only
 * ever skip sure rejections.
 *
 * Restoring: `prepareRestore` (after configure with the same options) sizes the point store; the host
 * writes every region; `finishRestore` checks everything an operation relies on, rebuilds boxes and
 * bounds, and returns 0, or the number of the first check that failed (and then empties the forest):
 *   1 a root or child link out of range        2 a node or leaf reached twice (a cycle, or shared)
 *   3 a cut dimension out of range              4 a cut value not finite
 *   5 a leaf in a tree with multiplicity 0       6 a leaf's point outside the point store's used cells
 *   7 the count of nodes in use is wrong         8 the free node list is broken
 *   9 the free leaf list is broken               10 a node's mass is not the sum of its children's
 *  11 a cut does not separate its children's boxes
 *  12 a reservoir holds more than sampleSize     13 a reservoir entry names no leaf of its tree
 *  14 a reservoir's update numbers do not increase, or reach the update count
 *  15 (unused since format 2: the kernel rebuilds the heap)
 *  16 a leaf's multiplicity differs from the reservoir entries naming it
 *  17 the point store's header is impossible     18 a stored value is not finite
 *  19 the update count is impossible
 * Called by the host once per snapshot or restore; cost linear in the forest's size.
 */
import {
  T, N, D, NI, NL, NULL, LEAF, RECORD, nodeRecord, leafPoint, leafMass, treeState, randomState,
  sampleEntry, sampleLeaf, sampleCount, storeHeader, pointValue, check,
} from './layout';
import {
  recordsOf, boxesOf, record, box, boxMaxOf, cutValueAt, cutDimensionAt, massAt, leftAt, rightAt,
  getLeafPoint, getLeafMass, getRoot, isLeaf, leafOf,
} from './node-store';
import { pointAddress } from './point-store';
import { unionBox } from './box';
import { sampleSizeOf, refreshBound, fullTime, push, gOf } from './sampler';
import { weightUniform } from './random';
import { setPointStore } from './layout';

/** Regions of a snapshot, in order. */
export const REGIONS: i32 = 10;

/** Address of region k (see regionBytes). */
export function regionAddress(k: i32): usize {
  switch (k) {
    case 0: return nodeRecord;
    case 1: return leafPoint;
    case 2: return leafMass;
    case 3: return treeState;
    case 4: return randomState;
    case 5: return sampleEntry;
    case 6: return sampleLeaf;
    case 7: return sampleCount;
    case 8: return storeHeader;
    case 9: return pointValue;
    default: return 0;
  }
}

/** Bytes of region k; the point store's (9) is its used cells, from the header as it is now. */
export function regionBytes(k: i32): usize {
  const t = <usize>T;
  switch (k) {
    case 0: return t * <usize>NI * RECORD;
    case 1: return t * <usize>NL * 4;
    case 2: return t * <usize>NL * 2;
    case 3: return t * 16;
    case 4: return t * 8;
    case 5: return t * <usize>N * 8;
    case 6: return t * <usize>N * 2;
    case 7: return t * 4;
    case 8: return 16;
    case 9: {
      const tail = load<i32>(storeHeader, 4);
      return tail > 0 ? <usize>tail << 2 : 0;
    }
    default: return 0;
  }
}

/**
 * Makes the point store hold at least `capacity` cells (and at least its planned capacity) with `tail` of
 * them used, growing memory if needed, so that region 9 has room for the snapshot's cells. The capacity in
 * the restored header is then the one prepared, whatever the host wrote. Returns false when that is
 * impossible (then nothing changed).
 */
export function prepareRestore(capacity: i32, tail: i32): bool {
  if (capacity < 0 || tail < 0 || tail > capacity || capacity > 268435456) return false;
  const current = load<i32>(storeHeader);
  if (capacity > current && !setPointStore(capacity)) return false;
  allocated = capacity > current ? capacity : current;
  store<i32>(storeHeader, allocated);
  store<i32>(storeHeader, tail, 4);
  return true;
}

/** The point store's capacity in cells as prepared: a restored header must say the same. */
let allocated: i32 = -1;

// scratch (layout.ts `check`): a flag byte per internal node (NI) then per leaf (NL), then a u16 stack
// @ts-ignore: decorator
@inline function flagAt(c: i32): usize { return check + <usize>(isLeaf(c) ? NI + leafOf(c) : c); }
// @ts-ignore: decorator
@inline function stackAt(i: i32): usize { return check + <usize>(NI + NL) + (<usize>i << 1); }

/** Checks tree t's links, cuts, leaves and free lists (flags: 1 in the tree, 2 free). */
function checkShape(t: i32, tail: i32): i32 {
  memory.fill(check, 0, <usize>(NI + NL));
  const records = recordsOf(t);
  const state = treeState + (<usize>t << 4);
  const root = getRoot(t);
  let used = 0;
  if (root != NULL) {
    if (!(root < NI || (root >= LEAF && root - LEAF < NL))) return 1;
    let top = 0;
    store<u16>(stackAt(top++), <u16>root);
    while (top > 0) {
      const c = <i32>load<u16>(stackAt(--top));
      if (load<u8>(flagAt(c)) != 0) return 2;
      store<u8>(flagAt(c), 1);
      if (isLeaf(c)) {
        const l = leafOf(c);
        if (getLeafMass(t, l) == 0) return 5;
        const p = getLeafPoint(t, l);
        if (p < 0 || p + D > tail) return 6;
        continue;
      }
      used++;
      const rec = record(records, c);
      if (cutDimensionAt(rec) >= D) return 3;
      if (!isFinite<f32>(cutValueAt(rec))) return 4;
      const left = leftAt(rec), right = rightAt(rec);
      if (!(left < NI || (left >= LEAF && left - LEAF < NL))) return 1;
      if (!(right < NI || (right >= LEAF && right - LEAF < NL))) return 1;
      if (top + 2 > 2 * (NI + NL + 2)) return 2;
      store<u16>(stackAt(top++), <u16>right);
      store<u16>(stackAt(top++), <u16>left);
    }
  }
  if (load<i32>(state, 12) != used) return 7;
  // free internal nodes: a list through `left`, holding every node not in the tree
  let free = 0;
  let n = load<i32>(state, 4);
  while (n != NULL) {
    if (n < 0 || n >= NI || load<u8>(check + <usize>n) != 0 || free >= NI) return 8;
    store<u8>(check + <usize>n, 2);
    free++;
    n = leftAt(record(records, n));
  }
  if (free + used != NI) return 8;
  // free leaves: a list through the leaf's point slot, multiplicity 0
  let freeLeaves = 0;
  let inTree = 0;
  for (let l = 0; l < NL; l++) if (load<u8>(check + <usize>(NI + l)) == 1) inTree++;
  let l = load<i32>(state, 8);
  while (l != NULL) {
    if (l < 0 || l >= NL || load<u8>(check + <usize>(NI + l)) != 0 || freeLeaves >= NL) return 9;
    if (getLeafMass(t, l) != 0) return 9;
    store<u8>(check + <usize>(NI + l), 2);
    freeLeaves++;
    l = getLeafPoint(t, l);
  }
  if (freeLeaves + inTree != NL) return 9;
  return 0;
}

/** Rebuilds tree t's boxes bottom-up, checking masses and that every cut separates its children. */
function rebuildBoxes(t: i32): i32 {
  const root = getRoot(t);
  if (root == NULL || isLeaf(root)) return 0;
  const records = recordsOf(t);
  const boxes = boxesOf(t);
  // post-order with an explicit stack; the flag byte turns 3 once a node's children are pushed
  let top = 0;
  store<u16>(stackAt(top++), <u16>root);
  while (top > 0) {
    const c = <i32>load<u16>(stackAt(top - 1));
    if (isLeaf(c)) {
      top--;
      continue;
    }
    const rec = record(records, c);
    const left = leftAt(rec), right = rightAt(rec);
    if (load<u8>(check + <usize>c) != 3) {
      store<u8>(check + <usize>c, 3);
      store<u16>(stackAt(top++), <u16>right);
      store<u16>(stackAt(top++), <u16>left);
      continue;
    }
    top--;
    const mass = (isLeaf(left) ? getLeafMass(t, leafOf(left)) : massAt(record(records, left)))
      + (isLeaf(right) ? getLeafMass(t, leafOf(right)) : massAt(record(records, right)));
    if (mass != massAt(rec)) return 10;
    const llo = isLeaf(left) ? pointAddress(getLeafPoint(t, leafOf(left))) : box(boxes, left);
    const lhi = isLeaf(left) ? llo : boxMaxOf(llo);
    const rlo = isLeaf(right) ? pointAddress(getLeafPoint(t, leafOf(right))) : box(boxes, right);
    const rhi = isLeaf(right) ? rlo : boxMaxOf(rlo);
    const lo = box(boxes, c);
    const hi = boxMaxOf(lo);
    // start from NaN so that every bound is taken from the children
    for (let j = 0; j < D; j++) {
      store<f32>(lo + (<usize>j << 2), NaN);
      store<f32>(hi + (<usize>j << 2), NaN);
    }
    unionBox(lo, hi, llo, lhi, rlo, rhi);
    const j = <usize>cutDimensionAt(rec) << 2;
    const cut = cutValueAt(rec);
    if (!(load<f32>(lhi + j) <= cut && load<f32>(rlo + j) > cut)) return 11;
  }
  return 0;
}

/**
 * Checks tree t's reservoir against its leaves (flags must still mark the tree's leaves with 1 or 3), then
 * recomputes each entry's g from its update number and rebuilds the heap. `last` is the last update number
 * (the update count - 1).
 */
function checkReservoir(t: i32, last: i64): i32 {
  const count = sampleSizeOf(t);
  if (count < 0 || count > N) return 12;
  // per-leaf entry counts in the stack area
  const counts = stackAt(0);
  memory.fill(counts, 0, <usize>NL << 1);
  let previous: i64 = -1;
  for (let i = 0; i < count; i++) {
    const leaf = <i32>load<u16>(sampleLeaf + (<usize>(t * N + i) << 1));
    if (leaf >= NL || load<u8>(check + <usize>(NI + leaf)) != 1) return 13;
    if (last < 0) return 14;
    const time = fullTime(load<u32>(sampleEntry + (<usize>(t * N + i) << 3)), last);
    if (time <= previous) return 14;
    previous = time;
    const at = counts + (<usize>leaf << 1);
    store<u16>(at, load<u16>(at) + 1);
  }
  for (let l = 0; l < NL; l++) {
    if (load<u8>(check + <usize>(NI + l)) != 1) continue;
    if (<i32>load<u16>(counts + (<usize>l << 1)) != getLeafMass(t, l)) return 16;
  }
  // the heap, entry by entry in place: slots [0, i) hold a heap of the first i entries
  for (let i = 0; i < count; i++) {
    const stored = load<u32>(sampleEntry + (<usize>(t * N + i) << 3));
    const leaf = <i32>load<u16>(sampleLeaf + (<usize>(t * N + i) << 1));
    store<i32>(sampleCount + (<usize>t << 2), i);
    push(t, stored, gOf(weightUniform(t, <u64>fullTime(stored, last))), leaf, last);
  }
  return 0;
}

/**
 * Checks the restored regions and rebuilds what was not saved; see the list at the top. `updates` is the
 * forest's update count. Returns 0, or the failed check's number after emptying the forest.
 */
export function checkRestored(updates: f64, block: f64): i32 {
  // the capacity is the one prepared (the host's is only a request: prepareRestore)
  store<i32>(storeHeader, allocated);
  const capacity = allocated;
  const tail = load<i32>(storeHeader, 4);
  const last = load<i32>(storeHeader, 8);
  const compactions = load<i32>(storeHeader, 12);
  if (capacity != allocated || tail < 0 || tail > capacity || compactions < 0 || last < -1 || last + D > tail) return 17;
  for (let c = 0; c < tail; c++) if (!isFinite<f32>(load<f32>(pointAddress(c)))) return 18;
  if (!(updates >= 0 && updates <= 9007199254740992.0 && Math.floor(updates) == updates)) return 19;
  for (let t = 0; t < T; t++) {
    let e = checkShape(t, tail);
    if (e == 0) e = checkReservoir(t, <i64>updates - 1);
    if (e == 0) e = rebuildBoxes(t);
    if (e != 0) return e;
    // the rejection bound for the rest of the current block of updates (sampler.ts, forest.ts)
    refreshBound(t, Math.floor(updates / block) * block + block - 1, <i64>updates);
  }
  return 0;
}
