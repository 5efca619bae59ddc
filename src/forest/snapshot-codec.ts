/**
 * The compact encoding of the kernel's state in a snapshot (format 2; src/forest/snapshot.ts frames it).
 *
 * The kernel hands out its state as regions of its memory plan (assembly/snapshot.ts): node records,
 * leaves, tree state, random states, reservoir entries, the point store. Stored as they are, they took
 * 529 KB gzipped for 100 trees × 256 × 8 dimensions; most of it was incompressible: f64 weights, f32 cut
 * values, 16-bit links. This codec keeps only what cannot be recomputed, and codes each value in the bits
 * its range needs:
 *
 * - cells: the point store's cells covered by a leaf's point (or by the last stored point, which the next
 *   one may overlap), in order, so overlapping shingles stay shared; renumbered (a point's new offset is
 *   the count of kept cells before it). Written as four byte planes (every cell's low byte, then the next
 *   byte, ...), which gzip compresses far better than interleaved f32.
 * - per tree, in one bit stream (least significant bit first):
 *   - the reservoir's entry count (bitsFor(N + 1) bits); 0: the tree is empty, nothing more.
 *   - the shape, in pre-order: 1 for an internal node, 0 for a leaf.
 *   - each leaf's point, in pre-order: its index in the list of distinct leaf points (bitsFor(P) bits).
 *   - each cut, in post-order. With the leaves' points known, the boxes are rebuilt bottom-up, and a cut
 *     (j, c) always has left.max_j <= c < right.min_j (x_j <= c goes left). So j is coded as its index
 *     among the dimensions where left.max_j < right.min_j, and c as its offset from left.max_j in the
 *     order of f32 values (ordinals; -0 and 0 are one value), each in the bits its range needs.
 *   - the reservoir's entries in decreasing update number t: the gap to the one before (the first: to the
 *     last update) Rice-coded with a parameter k chosen per tree (6 bits), then the entry's leaf as its
 *     pre-order index (bitsFor(leaves) bits).
 *   - the cut stream's random state, 64 bits.
 * Not stored, because they are recomputed: boxes, masses (from the entries), node and leaf numbering and
 * free lists (made fresh: numbering does not change any score), and the entries' g = log(-log(u(t))),
 * which the kernel recomputes from t (assembly/snapshot.ts), never JavaScript's Math.log.
 *
 * Decoding treats every field as hostile: every read is bounds-checked, every index and width checked
 * against what the options allow; then the kernel runs its own checks on the regions as before.
 */

/** The kernel's node links and record size (assembly/layout.ts): no child, the first leaf link, bytes per node. */
export const NULL = 0xffff;
export const LEAF = 0x8000;
export const RECORD = 12;
/** A Rice code's unary part longer than this is refused (the encoder never writes one). */
const MAX_QUOTIENT = 1024;

/** The forest's shape as the kernel was configured. */
export interface Shape {
  trees: number;
  sampleSize: number;
  dimensions: number;
}

/**
 * The point store's header as saved: cells kept, and the last stored point's offset (renumbered; -1: none).
 * Its capacity and count of compactions are not saved: they depend on when the store was compacted, which
 * changes no score (a restored store gets its planned capacity, or more if the cells need it).
 */
export interface StoreHeader {
  tail: number;
  last: number;
}

export class CodecError extends Error {}

/** Bits to code a value in [0, n): 0 for n <= 1. */
export function bitsFor(n: number): number {
  return n <= 1 ? 0 : n - 1 >= 2 ** 32 ? 53 - Math.clz32(Math.floor((n - 1) / 2 ** 21)) : 32 - Math.clz32(n - 1);
}

class BitWriter {
  private bytes = new Uint8Array(1 << 16);
  private length = 0; // whole bytes written
  private acc = 0; // pending bits (fewer than 8)
  private count = 0;

  /** Writes the low n bits of value (a non-negative integer below 2^53), n <= 53. */
  write(value: number, n: number): void {
    while (n > 24) {
      const low = value % 2 ** 24;
      this.write(low, 24);
      value = Math.floor(value / 2 ** 24);
      n -= 24;
    }
    if (n === 0) return;
    this.acc |= (value & ((1 << n) - 1)) << this.count;
    this.count += n;
    while (this.count >= 8) {
      this.push(this.acc & 0xff);
      this.acc >>>= 8;
      this.count -= 8;
    }
  }

  private push(b: number): void {
    if (this.length === this.bytes.length) {
      const more = new Uint8Array(this.bytes.length * 2);
      more.set(this.bytes);
      this.bytes = more;
    }
    this.bytes[this.length++] = b;
  }

  finish(): Uint8Array {
    if (this.count > 0) this.push(this.acc & 0xff);
    this.acc = 0;
    this.count = 0;
    return this.bytes.slice(0, this.length);
  }
}

class BitReader {
  private at = 0; // bit position
  constructor(private readonly bytes: Uint8Array) {}

  /** Reads n bits (n <= 53) as a non-negative integer; throws when they run past the end. */
  read(n: number): number {
    let value = 0;
    let scale = 1;
    while (n > 0) {
      const take = Math.min(n, 24);
      value += this.small(take) * scale;
      scale *= 2 ** take;
      n -= take;
    }
    return value;
  }

  private small(n: number): number {
    if (this.at + n > this.bytes.length * 8) throw new CodecError('the trees are truncated');
    let value = 0;
    for (let got = 0; got < n; ) {
      const byte = this.bytes[this.at >> 3];
      const off = this.at & 7;
      const take = Math.min(8 - off, n - got);
      value |= ((byte >> off) & ((1 << take) - 1)) << got;
      got += take;
      this.at += take;
    }
    return value >>> 0;
  }

  bit(): number {
    return this.small(1);
  }

  /** Bytes not consumed (the last byte's padding counts as consumed). */
  get remaining(): number {
    return this.bytes.length - ((this.at + 7) >> 3);
  }
}

/** f32 ordinals: an integer per finite f32 value in the order of values; -0 and 0 are both 0. */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function ordinal(x: number): number {
  f32[0] = x;
  const b = u32[0];
  return b & 0x80000000 ? -(b & 0x7fffffff) : b;
}
function fromOrdinal(o: number): number {
  u32[0] = o < 0 ? (0x80000000 | -o) >>> 0 : o;
  return f32[0];
}

/** A tree in pre-order: per internal node its children (links as the kernel's), and leaves' points. */
interface Tree {
  /** children of internal node i (pre-order numbering): links, internal c < LEAF, leaf LEAF + l */
  left: number[];
  right: number[];
  /** per leaf (pre-order numbering): its point's offset (encoder: old; decoder: new) */
  point: number[];
  root: number;
}

/** The boxes of a tree's internal nodes (min[D] then max[D] per node), bottom-up, and its post-order. */
function boxes(tree: Tree, D: number, cells: Float32Array): { box: Float32Array; post: number[] } {
  const k = tree.left.length;
  const box = new Float32Array(k * 2 * D);
  const post: number[] = [];
  if (k === 0) return { box, post };
  const stack = [0];
  const seen = new Uint8Array(k);
  while (stack.length) {
    const c = stack[stack.length - 1];
    if (!seen[c]) {
      seen[c] = 1;
      if (tree.right[c] < LEAF) stack.push(tree.right[c]);
      if (tree.left[c] < LEAF) stack.push(tree.left[c]);
      continue;
    }
    stack.pop();
    post.push(c);
    for (let j = 0; j < D; j++) {
      const lo = Math.min(low(tree, box, cells, tree.left[c], D, j), low(tree, box, cells, tree.right[c], D, j));
      const hi = Math.max(high(tree, box, cells, tree.left[c], D, j), high(tree, box, cells, tree.right[c], D, j));
      box[c * 2 * D + j] = lo;
      box[c * 2 * D + D + j] = hi;
    }
  }
  return { box, post };
}
function low(tree: Tree, box: Float32Array, cells: Float32Array, c: number, D: number, j: number): number {
  return c >= LEAF ? cells[tree.point[c - LEAF] + j] : box[c * 2 * D + j];
}
function high(tree: Tree, box: Float32Array, cells: Float32Array, c: number, D: number, j: number): number {
  return c >= LEAF ? cells[tree.point[c - LEAF] + j] : box[c * 2 * D + D + j];
}

/** Rice code length of the values with parameter k; Infinity when a quotient is too long. */
function riceBits(values: number[], k: number): number {
  let bits = 0;
  const d = 2 ** k;
  for (const v of values) {
    const q = Math.floor(v / d);
    if (q > MAX_QUOTIENT) return Infinity;
    bits += q + 1 + k;
  }
  return bits;
}

/**
 * Writes values Rice-coded with the best parameter k (6 bits first); after each value, `extra[i]` in
 * `extraBits` bits when given.
 */
function writeRice(w: BitWriter, values: number[], extraBits = 0, extra?: number[]): void {
  let k = 0, best = Infinity;
  for (let q = 0; q < 54; q++) {
    const bits = riceBits(values, q);
    if (bits < best) [best, k] = [bits, q];
  }
  w.write(k, 6);
  const d = 2 ** k;
  values.forEach((v, i) => {
    const q = Math.floor(v / d);
    for (let n = 0; n < q; n++) w.write(1, 1);
    w.write(0, 1);
    w.write(v % d, k);
    if (extra) w.write(extra[i], extraBits);
  });
}

/** Reads the Rice code's parameter. */
function readK(r: BitReader): number {
  const k = r.read(6);
  if (k > 53) throw new CodecError('it is damaged (an impossible code parameter)');
  return k;
}

/** Reads one Rice-coded value with parameter k. */
function readRice(r: BitReader, k: number): number {
  let q = 0;
  while (r.bit()) if (++q > MAX_QUOTIENT) throw new CodecError('it is damaged (an impossible number)');
  return q * 2 ** k + r.read(k);
}

/**
 * Encodes the kernel's regions (as RandomCutForest.saveState gives them) after `updates` updates. Returns
 * the store header to save (tail and last renamed), the kept cells as byte planes, and the trees' bits.
 */
export function encodeRegions(
  shape: Shape, updates: number, regions: Uint8Array[],
): { store: StoreHeader; cells: Uint8Array; trees: Uint8Array } {
  const { trees: T, sampleSize: N, dimensions: D } = shape;
  const NI = N - 1, NL = N;
  const view = (r: number) => new DataView(regions[r].buffer, regions[r].byteOffset, regions[r].byteLength);
  const records = view(0), leafPoint = view(1), leafMass = view(2), state = view(3), random = view(4);
  const entries = view(5), sampleLeaf = view(6), sampleCount = view(7), header = view(8);
  const store: StoreHeader = { tail: header.getInt32(4, true), last: header.getInt32(8, true) };
  const values = new Float32Array(regions[9].slice().buffer, 0, store.tail);
  // the trees in pre-order, with the kernel's leaf offsets
  const shapes: Tree[] = [];
  const oldLeaf: number[][] = []; // per tree: pre-order leaf index -> kernel leaf
  const marks = new Uint8Array(store.tail + 1);
  const mark = (o: number) => marks.fill(1, o, o + D);
  for (let t = 0; t < T; t++) {
    const tree: Tree = { left: [], right: [], point: [], root: NULL };
    const leaves: number[] = [];
    const root = state.getInt32(t * 16, true);
    if (root !== NULL) {
      // pre-order numbering: a node's number is assigned when it is reached
      const stack: [link: number, parent: number, side: number][] = [[root, -1, 0]];
      while (stack.length) {
        const [c, parent, side] = stack.pop()!;
        let link: number;
        if (c >= LEAF) {
          const l = c - LEAF;
          link = LEAF + tree.point.length;
          const o = leafPoint.getInt32((t * NL + l) * 4, true);
          tree.point.push(o);
          leaves.push(l);
          mark(o);
        } else {
          link = tree.left.length;
          tree.left.push(NULL);
          tree.right.push(NULL);
          const at = (t * NI + c) * RECORD;
          stack.push([records.getUint16(at + 10, true), link, 1], [records.getUint16(at + 8, true), link, 0]);
        }
        if (parent < 0) tree.root = link;
        else if (side === 0) tree.left[parent] = link;
        else tree.right[parent] = link;
      }
    }
    shapes.push(tree);
    oldLeaf.push(leaves);
  }
  if (store.last >= 0) mark(store.last);
  // kept cells, renumbered
  const rank = new Int32Array(store.tail + 1);
  let kept = 0;
  for (let c = 0; c < store.tail; c++) {
    rank[c] = kept;
    if (marks[c]) kept++;
  }
  rank[store.tail] = kept;
  const cells = new Uint8Array(kept * 4);
  const bytes = new Uint8Array(values.buffer, 0, store.tail * 4);
  for (let c = 0, i = 0; c < store.tail; c++) {
    if (!marks[c]) continue;
    for (let b = 0; b < 4; b++) cells[b * kept + i] = bytes[c * 4 + b];
    i++;
  }
  // the distinct leaf points, in store order
  const distinct = [...new Set(shapes.flatMap((s) => s.point))].sort((a, b) => a - b);
  const indexOf = new Map(distinct.map((o, i) => [o, i]));
  const pointBits = bitsFor(distinct.length);
  const w = new BitWriter();
  // the distinct points' new offsets, increasing: their count, then the gaps Rice-coded
  w.write(distinct.length, 32);
  writeRice(w, distinct.map((o, i) => (i === 0 ? rank[o] : rank[o] - rank[distinct[i - 1]] - 1)));
  const countBits = bitsFor(N + 1);
  const last = updates - 1;
  for (let t = 0; t < T; t++) {
    const tree = shapes[t];
    const count = sampleCount.getInt32(t * 4, true);
    w.write(count, countBits);
    if (count > 0) {
      // shape, pre-order
      const stack = [tree.root];
      while (stack.length) {
        const c = stack.pop()!;
        if (c >= LEAF) w.write(0, 1);
        else {
          w.write(1, 1);
          stack.push(tree.right[c], tree.left[c]);
        }
      }
      for (const o of tree.point) w.write(indexOf.get(o)!, pointBits);
      // cuts, post-order
      const { box, post } = boxes(tree, D, values);
      const nodeOf: number[] = []; // pre-order number -> kernel node, to read its cut
      {
        const st: [number, number][] = [[state.getInt32(t * 16, true), tree.root]];
        while (st.length) {
          const [old, link] = st.pop()!;
          if (link >= LEAF) continue;
          nodeOf[link] = old;
          const at = (t * NI + old) * RECORD;
          st.push([records.getUint16(at + 10, true), tree.right[link]], [records.getUint16(at + 8, true), tree.left[link]]);
        }
      }
      for (const c of post) {
        const at = (t * NI + nodeOf[c]) * RECORD;
        const cut = records.getFloat32(at, true);
        const dim = records.getUint16(at + 4, true);
        let index = 0, feasible = 0;
        for (let j = 0; j < D; j++) {
          if (high(tree, box, values, tree.left[c], D, j) < low(tree, box, values, tree.right[c], D, j)) {
            if (j === dim) index = feasible;
            feasible++;
          }
        }
        const from = ordinal(high(tree, box, values, tree.left[c], D, dim));
        const size = ordinal(low(tree, box, values, tree.right[c], D, dim)) - from;
        w.write(index, bitsFor(feasible));
        w.write(ordinal(cut) - from, bitsFor(size));
      }
      // entries by decreasing update number
      const preorderOf = new Map(oldLeaf[t].map((l, i) => [l, i]));
      const list: { time: number; leaf: number }[] = [];
      for (let i = 0; i < count; i++) {
        const stored = entries.getUint32((t * N + i) * 8, true);
        const time = last - ((((last - stored) % 2 ** 32) + 2 ** 32) % 2 ** 32);
        list.push({ time, leaf: preorderOf.get(sampleLeaf.getUint16((t * N + i) * 2, true))! });
      }
      list.sort((a, b) => b.time - a.time);
      const gaps = list.map((e, i) => (i === 0 ? last - e.time : list[i - 1].time - e.time - 1));
      writeRice(w, gaps, bitsFor(tree.point.length), list.map((e) => e.leaf));
    }
    w.write(random.getUint32(t * 8, true), 32);
    w.write(random.getUint32(t * 8 + 4, true), 32);
  }
  return {
    store: { tail: kept, last: store.last >= 0 ? rank[store.last] : -1 },
    cells,
    trees: w.finish(),
  };
}

/**
 * Decodes what encodeRegions gave into the kernel's regions (for RandomCutForest.restoreState). Throws a
 * CodecError naming what is impossible; never trusts a count, index or width.
 */
export function decodeRegions(
  shape: Shape, updates: number, store: StoreHeader, cellBytes: Uint8Array, treeBytes: Uint8Array,
): Uint8Array[] {
  const { trees: T, sampleSize: N, dimensions: D } = shape;
  const NI = N - 1, NL = N;
  const kept = store.tail;
  if (!(Number.isInteger(kept) && kept >= 0 && cellBytes.byteLength === kept * 4)) throw new CodecError('its point cells do not match its header');
  const values = new Float32Array(kept);
  const vb = new Uint8Array(values.buffer);
  for (let i = 0; i < kept; i++) for (let b = 0; b < 4; b++) vb[i * 4 + b] = cellBytes[b * kept + i];
  for (const v of values) if (!Number.isFinite(v)) throw new CodecError('a stored point value is not finite');
  const regions = [
    new Uint8Array(T * NI * RECORD), new Uint8Array(T * NL * 4), new Uint8Array(T * NL * 2), new Uint8Array(T * 16),
    new Uint8Array(T * 8), new Uint8Array(T * N * 8), new Uint8Array(T * N * 2), new Uint8Array(T * 4),
    new Uint8Array(16), new Uint8Array(kept * 4),
  ];
  const view = (r: number) => new DataView(regions[r].buffer);
  const records = view(0), leafPoint = view(1), leafMass = view(2), state = view(3), random = view(4);
  const entries = view(5), sampleLeaf = view(6), sampleCount = view(7), header = view(8);
  regions[9].set(vb);
  const r = new BitReader(treeBytes);
  const countBits = bitsFor(N + 1);
  const last = updates - 1;
  // the distinct points' offsets
  const pointCount = r.read(32);
  if (pointCount > T * N || pointCount > kept) throw new CodecError('it lists more points than the trees can hold');
  const pointOffsets = new Int32Array(pointCount);
  {
    const k = readK(r);
    let o = -1;
    for (let i = 0; i < pointCount; i++) {
      o += 1 + readRice(r, k);
      if (o + D > kept) throw new CodecError("a leaf's point lies outside the point store");
      pointOffsets[i] = o;
    }
  }
  for (let t = 0; t < T; t++) {
    const count = r.read(countBits);
    if (count > N) throw new CodecError(`a reservoir holds ${count} entries, more than sampleSize ${N}`);
    sampleCount.setInt32(t * 4, count, true);
    let root = NULL, used = 0, leafCount = 0;
    if (count > 0) {
      const tree: Tree = { left: [], right: [], point: [], root: NULL };
      // shape, pre-order
      const stack: [parent: number, side: number][] = [[-1, 0]];
      while (stack.length) {
        const [parent, side] = stack.pop()!;
        let link: number;
        if (r.bit()) {
          if (tree.left.length >= NI) throw new CodecError('a tree has more internal nodes than sampleSize allows');
          link = tree.left.length;
          tree.left.push(NULL);
          tree.right.push(NULL);
          stack.push([link, 1], [link, 0]);
        } else {
          link = LEAF + tree.point.length;
          tree.point.push(-1);
        }
        if (parent < 0) tree.root = link;
        else if (side === 0) tree.left[parent] = link;
        else tree.right[parent] = link;
      }
      leafCount = tree.point.length;
      used = tree.left.length;
      if (leafCount > count) throw new CodecError('a tree has more leaves than reservoir entries');
      const pointBits = bitsFor(pointCount);
      for (let l = 0; l < leafCount; l++) {
        const i = r.read(pointBits);
        if (i >= pointCount) throw new CodecError("a leaf's point is not in the list of points");
        tree.point[l] = pointOffsets[i];
      }
      // cuts, post-order
      const { box, post } = boxes(tree, D, values);
      for (const c of post) {
        let feasible = 0;
        for (let j = 0; j < D; j++) {
          if (high(tree, box, values, tree.left[c], D, j) < low(tree, box, values, tree.right[c], D, j)) feasible++;
        }
        if (feasible === 0) throw new CodecError("a cut does not separate its children's boxes");
        const index = r.read(bitsFor(feasible));
        if (index >= feasible) throw new CodecError('a cut dimension is out of range');
        let dim = -1;
        for (let j = 0, f = 0; j < D; j++) {
          if (high(tree, box, values, tree.left[c], D, j) < low(tree, box, values, tree.right[c], D, j)) {
            if (f === index) dim = j;
            f++;
          }
        }
        const from = ordinal(high(tree, box, values, tree.left[c], D, dim));
        const size = ordinal(low(tree, box, values, tree.right[c], D, dim)) - from;
        const offset = r.read(bitsFor(size));
        if (offset >= size) throw new CodecError("a cut does not separate its children's boxes");
        const at = (t * NI + c) * RECORD;
        records.setFloat32(at, fromOrdinal(from + offset), true);
        records.setUint16(at + 4, dim, true);
        records.setUint16(at + 8, tree.left[c], true);
        records.setUint16(at + 10, tree.right[c], true);
      }
      // entries, by decreasing update number; written in increasing order
      const k = readK(r);
      const leafBits = bitsFor(leafCount);
      const mass = new Array<number>(leafCount).fill(0);
      let time = last + 1;
      for (let i = 0; i < count; i++) {
        time = time - 1 - readRice(r, k);
        if (time < 0) throw new CodecError("a reservoir entry's update number is impossible");
        const leaf = r.read(leafBits);
        if (leaf >= leafCount) throw new CodecError('a reservoir entry names no leaf of its tree');
        mass[leaf]++;
        const e = t * N + (count - 1 - i);
        entries.setUint32(e * 8, time % 2 ** 32, true);
        sampleLeaf.setUint16(e * 2, leaf, true);
      }
      for (let l = 0; l < leafCount; l++) {
        if (mass[l] === 0) throw new CodecError('a leaf in a tree has multiplicity 0');
        leafMass.setUint16((t * NL + l) * 2, mass[l], true);
        leafPoint.setInt32((t * NL + l) * 4, tree.point[l], true);
      }
      // masses bottom-up (post-order: children first)
      const nodeMass = new Array<number>(used).fill(0);
      const massOf = (c: number) => (c >= LEAF ? mass[c - LEAF] : nodeMass[c]);
      for (const c of post) {
        nodeMass[c] = massOf(tree.left[c]) + massOf(tree.right[c]);
        records.setUint16((t * NI + c) * RECORD + 6, nodeMass[c], true);
      }
      root = tree.root;
    }
    // free internal nodes [used, NI) through `left`, free leaves [leafCount, NL) through the point slot
    for (let c = used; c < NI; c++) records.setUint16((t * NI + c) * RECORD + 8, c + 1 < NI ? c + 1 : NULL, true);
    for (let l = leafCount; l < NL; l++) leafPoint.setInt32((t * NL + l) * 4, l + 1 < NL ? l + 1 : NULL, true);
    state.setInt32(t * 16, root, true);
    state.setInt32(t * 16 + 4, used < NI ? used : NULL, true);
    state.setInt32(t * 16 + 8, leafCount < NL ? leafCount : NULL, true);
    state.setInt32(t * 16 + 12, used, true);
    random.setUint32(t * 8, r.read(32), true);
    random.setUint32(t * 8 + 4, r.read(32), true);
  }
  if (r.remaining !== 0) throw new CodecError('the trees have bytes past their end');
  header.setInt32(0, store.tail, true); // a request: the kernel keeps its planned capacity if larger
  header.setInt32(4, store.tail, true);
  header.setInt32(8, store.last, true);
  header.setInt32(12, 0, true);
  return regions;
}
