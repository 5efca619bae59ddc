/**
 * Test helpers: load the built kernel, drive it point by point, and read its memory back as plain data
 * (trees as `Shape`s, reservoirs, reference counts) to check invariants and compare with the reference
 * implementation in tests/reference/. Not a test file itself.
 *
 * Layout and child encoding: assembly/layout.ts. Links are 16-bit and local to their tree: a link
 * c < LEAF (0x8000) is the tree's internal node c, whose record and box have the global index
 * g = tree*(N-1) + c; c >= LEAF is the tree's leaf c - LEAF (global index tree*N + c - LEAF);
 * NULL = 0xFFFF. A node record is 12 bytes: cut value f32, cut dimension u16, mass u16, left u16,
 * right u16. A box is min[D] then max[D] (f32).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  instantiateKernel, Column, SCORE, UPDATE, ATTRIBUTION, CODISP, SCORE_UNIT, type KernelExports,
} from '../../src/kernel/kernel';
import type { Shape } from '../reference/random-cut-forest';

export { SCORE, UPDATE, ATTRIBUTION, CODISP, SCORE_UNIT };
export const NULL = 0xffff;
export const LEAF = 0x8000;

const WASM_URL = new URL('../../build/rcf.wasm', import.meta.url);

export async function loadKernel(): Promise<KernelExports> {
  if (!existsSync(fileURLToPath(WASM_URL))) {
    throw new Error('build/rcf.wasm is missing: run `npx asc assembly/index.ts --target release` first.');
  }
  return instantiateKernel(WASM_URL);
}

export interface KernelConfig {
  trees: number;
  sampleSize: number;
  dimensions: number;
  seed: bigint;
  timeDecay: number;
  firstTree?: number;
  batch?: number;
}

export interface Views {
  input: Float64Array;
  output: Float64Array;
  /** the point store's cells: the point at offset o is pointValue[o .. o + D) */
  pointValue: Float32Array;
  /** node records as f32 words: the cut value of internal node g is recordF32[g * 3] */
  recordF32: Float32Array;
  /** node records as u16 halves: dimension g*6+2, mass g*6+3, left g*6+4, right g*6+5 */
  recordU16: Uint16Array;
  /** boxes: node g's min[j] at g*2D + j, max[j] at g*2D + D + j */
  boxes: Float32Array;
  leafPoint: Int32Array;
  leafMass: Uint16Array;
  /** per tree: root link, free node list head, free leaf list head, internal nodes in use */
  treeState: Int32Array;
  sampleLeaf: Uint16Array;
  /** reservoir entries as u32 words: entry e's update number mod 2^32 at 2e (sampler.ts) */
  sampleTime: Uint32Array;
  /** reservoir entries as f32 words: entry e's g = log(-log(u)) at 2e + 1 */
  sampleG: Float32Array;
  sampleCount: Int32Array;
  randomState: BigUint64Array;
}

/** One internal node read back from kernel memory (links local to its tree). */
export interface NodeView {
  cutDimension: number;
  cutValue: number;
  mass: number;
  left: number;
  right: number;
  min: number[];
  max: number[];
}

const plainZero = (v: number) => (v === 0 ? 0 : v);

/** One configured kernel instance, with typed views re-created on every read. */
export class KernelForest {
  readonly k: KernelExports;
  readonly config: Required<KernelConfig>;
  readonly T: number;
  readonly N: number;
  readonly D: number;
  readonly NI: number;
  readonly NL: number;
  readonly B: number;
  /** what configure() returned: the forest's own bytes */
  readonly plannedBytes: number;

  constructor(k: KernelExports, config: KernelConfig) {
    this.k = k;
    this.config = { firstTree: 0, batch: 1, ...config };
    const c = this.config;
    this.T = c.trees;
    this.N = c.sampleSize;
    this.D = c.dimensions;
    this.NI = c.sampleSize - 1;
    this.NL = c.sampleSize;
    this.B = c.batch;
    const bytes = k.configure(
      c.trees, c.sampleSize, c.dimensions, Number(c.seed >> 32n), Number(c.seed & 0xffffffffn), c.timeDecay,
      c.firstTree, c.batch,
    );
    if (!bytes) throw new Error(`configure failed for ${JSON.stringify({ ...c, seed: String(c.seed) })}`);
    this.plannedBytes = bytes;
  }

  /** Bytes of the forest itself: the memory plan without the host's input and output columns. */
  forestBytes(): number {
    const at = (id: number) => this.k.column(id);
    return at(Column.forestEnd) - at(Column.forestStart) + (at(Column.planEnd) - at(Column.pointValue));
  }

  /** The point store's header: capacity (cells), tail, last stored offset, compactions so far. */
  store(): { capacity: number; tail: number; last: number; compactions: number } {
    const h = new Int32Array(this.k.memory.buffer, this.k.column(Column.storeHeader), 4);
    return { capacity: h[0], tail: h[1], last: h[2], compactions: h[3] };
  }

  views(): Views {
    const { k, T, D, NI, NL, B, N } = this;
    const cells = this.store().capacity;
    const buf = k.memory.buffer;
    const at = (id: number) => k.column(id);
    return {
      input: new Float64Array(buf, at(Column.input), B * D),
      output: new Float64Array(buf, at(Column.output), B),
      pointValue: new Float32Array(buf, at(Column.pointValue), cells),
      recordF32: new Float32Array(buf, at(Column.nodeRecord), T * NI * 3),
      recordU16: new Uint16Array(buf, at(Column.nodeRecord), T * NI * 6),
      boxes: new Float32Array(buf, at(Column.nodeBox), T * NI * 2 * D),
      leafPoint: new Int32Array(buf, at(Column.leafPoint), T * NL),
      leafMass: new Uint16Array(buf, at(Column.leafMass), T * NL),
      treeState: new Int32Array(buf, at(Column.treeState), T * 4),
      sampleLeaf: new Uint16Array(buf, at(Column.sampleLeaf), T * N),
      sampleTime: new Uint32Array(buf, at(Column.sampleEntry), T * N * 2),
      sampleG: new Float32Array(buf, at(Column.sampleEntry), T * N * 2),
      sampleCount: new Int32Array(buf, at(Column.sampleCount), T),
      randomState: new BigUint64Array(buf, at(Column.randomState), T),
    };
  }

  /** Root link of tree t (NULL when empty). */
  root(t: number, v = this.views()): number {
    return v.treeState[t * 4];
  }

  /** Internal node `c` (local link) of tree t. */
  node(t: number, c: number, v = this.views()): NodeView {
    const g = t * this.NI + c;
    const D = this.D;
    return {
      cutValue: v.recordF32[g * 3],
      cutDimension: v.recordU16[g * 6 + 2],
      mass: v.recordU16[g * 6 + 3],
      left: v.recordU16[g * 6 + 4],
      right: v.recordU16[g * 6 + 5],
      min: Array.from(v.boxes.subarray(g * 2 * D, g * 2 * D + D)),
      max: Array.from(v.boxes.subarray(g * 2 * D + D, (g + 1) * 2 * D)),
    };
  }

  /** Point slot and multiplicity of leaf `l` (local index) of tree t. */
  leaf(t: number, l: number, v = this.views()): { slot: number; mass: number } {
    return { slot: v.leafPoint[t * this.NL + l], mass: v.leafMass[t * this.NL + l] };
  }

  /** The leaf a point (f32 values) routes to in tree t: its local index, or -1 for an empty tree. */
  route(t: number, p: readonly number[], v = this.views()): number {
    let c = this.root(t, v);
    if (c === NULL) return -1;
    while (c < LEAF) {
      const n = this.node(t, c, v);
      c = p[n.cutDimension] <= n.cutValue ? n.left : n.right;
    }
    return c - LEAF;
  }

  /** Hands up to `batch` points to the kernel; returns a copy of the output column (raw sums). */
  process(points: readonly (readonly number[])[], flags: number): Float64Array {
    if (points.length > this.B) throw new Error(`at most ${this.B} points per call`);
    const v = this.views();
    points.forEach((p, i) => {
      if (p.length !== this.D) throw new Error(`point of ${p.length} values, expected ${this.D}`);
      v.input.set(p, i * this.D);
    });
    v.output.fill(-1);
    const n = this.k.process(points.length, flags);
    if (n !== points.length) throw new Error(`process returned ${n}, expected ${points.length}`);
    return this.views().output.slice(0, points.length);
  }

  /**
   * Hands up to `batch` points to the kernel with SCORE | ATTRIBUTION (plus `extra` flags, e.g. UPDATE);
   * returns the score sums and each point's attribution (high[D], low[D], summed over trees) as copies.
   */
  attribute(points: readonly (readonly number[])[], extra = 0): { sums: number[]; high: number[][]; low: number[][] } {
    const sums = Array.from(this.process(points, SCORE | ATTRIBUTION | extra));
    const { D, B } = this;
    const all = new Float64Array(this.k.memory.buffer, this.k.column(Column.output), B * (1 + 2 * D));
    const high: number[][] = [];
    const low: number[][] = [];
    points.forEach((_, i) => {
      const at = B + i * 2 * D;
      high.push(Array.from(all.subarray(at, at + D)));
      low.push(Array.from(all.subarray(at + D, at + 2 * D)));
    });
    return { sums, high, low };
  }

  /** The kernel's impute for up to `batch` points: (to - from) values per point, copied. */
  impute(points: readonly (readonly number[])[], from: number, to: number): number[][] {
    if (points.length > this.B) throw new Error(`at most ${this.B} points per call`);
    const v = this.views();
    points.forEach((p, i) => v.input.set(p, i * this.D));
    const n = this.k.impute(points.length, from, to);
    if (n !== points.length) throw new Error(`impute returned ${n}, expected ${points.length}`);
    const w = to - from;
    const out = new Float64Array(this.k.memory.buffer, this.k.column(Column.output), points.length * w);
    return points.map((_, i) => Array.from(out.subarray(i * w, (i + 1) * w)));
  }

  /** Score then update one point: the forest score (NaN when rejected). */
  scoreThenUpdate(point: readonly number[]): number {
    return this.process([point], SCORE | UPDATE)[0] / (SCORE_UNIT * this.T);
  }

  update(point: readonly number[]): void {
    this.process([point], UPDATE);
  }

  /** Coordinates of a point slot (f32 values as numbers). */
  pointValues(offset: number, v = this.views()): number[] {
    return Array.from(v.pointValue.subarray(offset, offset + this.D));
  }

  /** Tree `t` (local index) as plain data. */
  tree(t: number, v = this.views()): Shape | null {
    const r = this.root(t, v);
    if (r === NULL) return null;
    const read = (c: number): Shape => {
      if (c >= LEAF) {
        const { slot, mass } = this.leaf(t, c - LEAF, v);
        return { point: this.pointValues(slot, v).map(plainZero), mass };
      }
      const n = this.node(t, c, v);
      return {
        cutDimension: n.cutDimension,
        cutValue: plainZero(n.cutValue),
        min: n.min.map(plainZero),
        max: n.max.map(plainZero),
        mass: n.mass,
        left: read(n.left),
        right: read(n.right),
      };
    };
    return read(r);
  }

  /**
   * Reservoir of tree `t` in heap order: update number, weight (-timeDecay * t + g, sampler.ts), leaf, and
   * the slot (and coordinates) each entry holds. The full update number is the largest one below the
   * update count that is congruent to the stored one mod 2^32.
   */
  reservoir(t: number, v = this.views()): { time: number; weight: number; leaf: number; slot: number; point: number[] }[] {
    const out = [];
    const last = this.k.updateCount() - 1;
    for (let i = 0; i < v.sampleCount[t]; i++) {
      const e = t * this.N + i;
      const leaf = v.sampleLeaf[e];
      const slot = leaf < this.NL ? v.leafPoint[t * this.NL + leaf] : -1;
      const time = last - ((last - v.sampleTime[2 * e]) % 2 ** 32 + 2 ** 32) % 2 ** 32;
      const weight = -this.config.timeDecay * time + v.sampleG[2 * e + 1];
      out.push({ time, weight, leaf, slot, point: slot >= 0 && slot + this.D <= v.pointValue.length ? this.pointValues(slot, v) : [] });
    }
    return out;
  }

  /** Everything that describes the forest's state, for "did this call change anything" checks. */
  snapshot(): unknown {
    const v = this.views();
    const trees = [];
    for (let t = 0; t < this.T; t++) trees.push({ tree: this.tree(t, v), reservoir: this.reservoir(t, v) });
    return {
      trees,
      randomState: Array.from(v.randomState, String),
      pointsInUse: this.k.pointsInUse(),
      updates: this.k.updateCount(),
      store: this.store(),
    };
  }

  /**
   * Checks every structural invariant of the forest in kernel memory; returns the violations found
   * (an empty list when all hold).
   */
  invariantViolations(): string[] {
    const bad: string[] = [];
    const v = this.views();
    const { T, N, D, NI, NL } = this;
    const store = this.store();
    const P = v.pointValue.length; // cells of the point store
    const tally = new Int32Array(P);
    if (!(store.tail >= 0 && store.tail <= store.capacity)) bad.push(`point store tail ${store.tail}, capacity ${store.capacity}`);
    if (!(store.last === -1 || (store.last >= 0 && store.last + D <= store.tail))) bad.push(`point store: last stored offset ${store.last}, tail ${store.tail}`);
    for (let t = 0; t < T; t++) {
      const where = `tree ${t}`;
      const count = v.sampleCount[t];
      if (count < 0 || count > N) {
        bad.push(`${where}: sampleCount ${count} outside [0, ${N}]`);
        continue;
      }
      if (this.k.sampleSizeOf(t) !== count) bad.push(`${where}: sampleSizeOf ${this.k.sampleSizeOf(t)} != ${count}`);
      // reservoir: a max-heap of finite weights (ties: the later entry above), each naming a leaf of the tree
      const entriesOfLeaf = new Map<number, number>();
      const entries = this.reservoir(t, v);
      for (let i = 0; i < count; i++) {
        const { weight: w, time } = entries[i];
        const leaf = v.sampleLeaf[t * N + i];
        if (!Number.isFinite(w)) bad.push(`${where}: reservoir entry ${i} has weight ${w}`);
        if (!(time >= 0 && time < this.k.updateCount())) bad.push(`${where}: reservoir entry ${i} has update number ${time}`);
        const parent = entries[(i - 1) >> 1];
        if (i > 0 && !(parent.weight > w || (parent.weight === w && parent.time > time))) bad.push(`${where}: heap order broken at entry ${i}`);
        if (leaf >= NL) {
          bad.push(`${where}: reservoir entry ${i} names leaf ${leaf} outside [0, ${NL})`);
          continue;
        }
        entriesOfLeaf.set(leaf, (entriesOfLeaf.get(leaf) ?? 0) + 1);
      }
      const r = this.root(t, v);
      if (count === 0) {
        if (r !== NULL) bad.push(`${where}: empty reservoir but root ${r}`);
        if (this.k.nodesInUse(t) !== 0) bad.push(`${where}: empty reservoir but nodesInUse ${this.k.nodesInUse(t)}`);
        continue;
      }
      if (r === NULL) {
        bad.push(`${where}: ${count} sampled points but no root`);
        continue;
      }
      // walk the tree: links, ranges, masses, boxes, cuts
      const seenNodes = new Set<number>();
      const seenLeaves = new Set<number>();
      const leafSlots: number[] = [];
      let broken = false;
      type Box = { min: number[]; max: number[]; mass: number };
      const walk = (c: number, depth: number): Box => {
        if (depth > N + 1) {
          broken = true;
          throw new Error(`${where}: deeper than ${N + 1}: a cycle?`);
        }
        if (c >= LEAF) {
          const l = c - LEAF;
          if (l >= NL) throw new Error(`${where}: link ${c} names leaf ${l} outside [0, ${NL})`);
          if (seenLeaves.has(l)) throw new Error(`${where}: leaf ${l} reached twice`);
          seenLeaves.add(l);
          const { slot, mass: m } = this.leaf(t, l, v);
          if (slot < 0 || slot + D > store.tail) throw new Error(`${where}: leaf ${l} holds offset ${slot} outside the stored cells [0, ${store.tail})`);
          if (m < 1) bad.push(`${where}: leaf ${l} has mass ${m}`);
          const entries = entriesOfLeaf.get(l) ?? 0;
          if (m !== entries) bad.push(`${where}: leaf ${l} (slot ${slot}) mass ${m} but ${entries} reservoir entries name it`);
          leafSlots.push(slot);
          for (let i = 0; i < entries; i++) tally[slot]++;
          const p = this.pointValues(slot, v);
          if (!p.every(Number.isFinite)) bad.push(`${where}: leaf ${l} point (${p}) not finite`);
          return { min: p, max: p, mass: m };
        }
        if (c >= NI) throw new Error(`${where}: link ${c} names internal node ${c} outside [0, ${NI})`);
        if (seenNodes.has(c)) throw new Error(`${where}: node ${c} reached twice`);
        seenNodes.add(c);
        const n = this.node(t, c, v);
        const j = n.cutDimension;
        const cut = n.cutValue;
        if (j < 0 || j >= D) throw new Error(`${where}: node ${c} cuts dimension ${j}`);
        if (Number.isNaN(cut)) bad.push(`${where}: node ${c} cut value NaN`);
        const L = walk(n.left, depth + 1);
        const R = walk(n.right, depth + 1);
        // x[j] <= cut goes left: every point on the left is <= cut, every point on the right is above
        if (!(L.max[j] <= cut)) bad.push(`${where}: node ${c} left points reach ${L.max[j]} > cut ${cut} (dim ${j})`);
        if (!(R.min[j] > cut)) bad.push(`${where}: node ${c} right points reach ${R.min[j]} <= cut ${cut} (dim ${j})`);
        const min = L.min.map((a, i) => Math.min(a, R.min[i]));
        const max = L.max.map((a, i) => Math.max(a, R.max[i]));
        for (let i = 0; i < D; i++) {
          if (n.min[i] !== min[i] || n.max[i] !== max[i]) {
            bad.push(`${where}: node ${c} box dim ${i} is [${n.min[i]}, ${n.max[i]}], points below span [${min[i]}, ${max[i]}]`);
          }
        }
        if (n.mass !== L.mass + R.mass) bad.push(`${where}: node ${c} mass ${n.mass} != ${L.mass} + ${R.mass}`);
        return { min, max, mass: n.mass };
      };
      let rootBox: Box | undefined;
      try {
        rootBox = walk(r, 0);
      } catch (e) {
        bad.push((e as Error).message);
        broken = true;
      }
      if (broken || !rootBox) continue;
      if (rootBox.mass !== count) bad.push(`${where}: root mass ${rootBox.mass} but ${count} reservoir entries`);
      if (seenNodes.size !== this.k.nodesInUse(t)) bad.push(`${where}: ${seenNodes.size} nodes reachable, nodesInUse ${this.k.nodesInUse(t)}`);
      if (seenLeaves.size !== seenNodes.size + 1) bad.push(`${where}: ${seenLeaves.size} leaves for ${seenNodes.size} internal nodes`);
      for (const l of entriesOfLeaf.keys()) if (!seenLeaves.has(l)) bad.push(`${where}: a reservoir entry names leaf ${l}, not in the tree`);
      // the free lists hold exactly the unused nodes and leaves
      const freeList = (head: number, next: (i: number) => number, size: number, used: Set<number>, what: string) => {
        const seen = new Set<number>();
        for (let i = head; i !== NULL; i = next(i)) {
          if (i < 0 || i >= size || seen.has(i) || used.has(i)) {
            bad.push(`${where}: free ${what} list reaches ${i} (${seen.has(i) ? 'twice' : used.has(i) ? 'in use' : 'out of range'})`);
            return;
          }
          seen.add(i);
        }
        if (seen.size + used.size !== size) bad.push(`${where}: ${seen.size} free + ${used.size} used ${what}s != ${size}`);
      };
      freeList(v.treeState[t * 4 + 1], (i) => v.recordU16[(t * NI + i) * 6 + 4], NI, seenNodes, 'node');
      freeList(v.treeState[t * 4 + 2], (i) => v.leafPoint[t * NL + i], NL, seenLeaves, 'leaf');
      // leaves hold distinct points (duplicates share one leaf)
      const keys = new Set(leafSlots.map((s) => this.pointValues(s, v).map(plainZero).join(',')));
      if (keys.size !== leafSlots.length) bad.push(`${where}: two leaves hold equal points`);
      // every leaf's point routes to that leaf by the cuts
      for (const l of seenLeaves) {
        const slot = v.leafPoint[t * NL + l];
        const p = this.pointValues(slot, v);
        const landed = this.route(t, p, v);
        if (landed !== l) {
          bad.push(`${where}: leaf ${l}'s point (${p}) routes to leaf ${landed} (${this.pointValues(v.leafPoint[t * NL + landed], v)})`);
        }
      }
    }
    // shared point store: the leaves are the references; the kernel counts them on demand
    let used = 0;
    let checked = 0;
    for (let s = 0; s < P; s++) {
      if (tally[s] === 0) continue;
      used++;
      if (checked++ < 40 && this.k.referenceCount(s) !== tally[s]) {
        bad.push(`point at offset ${s}: referenceCount ${this.k.referenceCount(s)}, held by ${tally[s]} entries`);
      }
    }
    if (this.k.pointsInUse() !== used) bad.push(`pointsInUse ${this.k.pointsInUse()} but ${used} stored points are held`);
    if (this.k.brokenCount() !== 0) bad.push(`brokenCount ${this.k.brokenCount()}`);
    return bad;
  }
}

// ---------------------------------------------------------------------------------------------------
// Seeded data for tests (independent of both implementations' generators)

/** mulberry32: a tiny seeded generator of uniform numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal numbers (Box-Muller) from a uniform source. */
export function gaussian(uniform: () => number): () => number {
  return () => {
    const u = 1 - uniform();
    const v = uniform();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
}

/** Points of `size` consecutive values, oldest first: point i = values[i .. i+size-1]. */
export function shingles(values: readonly number[], size: number): number[][] {
  const out: number[][] = [];
  for (let t = size - 1; t < values.length; t++) out.push(values.slice(t - size + 1, t + 1));
  return out;
}
