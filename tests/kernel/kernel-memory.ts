/**
 * Test helpers: load the built kernel, drive it point by point, and read its memory back as plain data
 * (trees as `Shape`s, reservoirs, reference counts) to check invariants and compare with the reference
 * implementation in tests/reference/. Not a test file itself.
 *
 * Layout and child encoding: assembly/layout.ts. Internal node global index = tree*(N-1)+k, leaf global
 * index = tree*N+k; a child c >= 0 is an internal node, c < 0 the leaf ~c; NULL = -2^31.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { instantiateKernel, Column, SCORE, UPDATE, SCORE_UNIT, type KernelExports } from '../../src/kernel/kernel';
import type { Shape } from '../reference/random-cut-forest';

export { SCORE, UPDATE, SCORE_UNIT };
export const NULL = -2147483648;

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
  pointValue: Float32Array;
  pointRef: Int32Array;
  nodeLeft: Int32Array;
  nodeRight: Int32Array;
  nodeParent: Int32Array;
  cutDimension: Int32Array;
  cutValue: Float64Array;
  mass: Int32Array;
  boxMin: Float32Array;
  boxMax: Float32Array;
  leafPoint: Int32Array;
  leafMass: Int32Array;
  leafParent: Int32Array;
  root: Int32Array;
  samplePoint: Int32Array;
  sampleWeight: Float64Array;
  sampleCount: Int32Array;
  randomState: BigUint64Array;
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
  readonly P: number;
  readonly B: number;

  constructor(k: KernelExports, config: KernelConfig) {
    this.k = k;
    this.config = { firstTree: 0, batch: 1, ...config };
    const c = this.config;
    this.T = c.trees;
    this.N = c.sampleSize;
    this.D = c.dimensions;
    this.NI = c.sampleSize - 1;
    this.NL = c.sampleSize;
    this.P = c.trees * c.sampleSize + 1;
    this.B = c.batch;
    const bytes = k.configure(
      c.trees, c.sampleSize, c.dimensions, Number(c.seed >> 32n), Number(c.seed & 0xffffffffn), c.timeDecay,
      c.firstTree, c.batch,
    );
    if (!bytes) throw new Error(`configure failed for ${JSON.stringify({ ...c, seed: String(c.seed) })}`);
  }

  views(): Views {
    const { k, T, D, NI, NL, P, B, N } = this;
    const buf = k.memory.buffer;
    const at = (id: number) => k.column(id);
    return {
      input: new Float64Array(buf, at(Column.input), B * D),
      output: new Float64Array(buf, at(Column.output), B),
      pointValue: new Float32Array(buf, at(Column.pointValue), P * D),
      pointRef: new Int32Array(buf, at(Column.pointRef), P),
      nodeLeft: new Int32Array(buf, at(Column.nodeLeft), T * NI),
      nodeRight: new Int32Array(buf, at(Column.nodeRight), T * NI),
      nodeParent: new Int32Array(buf, at(Column.nodeParent), T * NI),
      cutDimension: new Int32Array(buf, at(Column.cutDimension), T * NI),
      cutValue: new Float64Array(buf, at(Column.cutValue), T * NI),
      mass: new Int32Array(buf, at(Column.mass), T * NI),
      boxMin: new Float32Array(buf, at(Column.boxMin), T * NI * D),
      boxMax: new Float32Array(buf, at(Column.boxMax), T * NI * D),
      leafPoint: new Int32Array(buf, at(Column.leafPoint), T * NL),
      leafMass: new Int32Array(buf, at(Column.leafMass), T * NL),
      leafParent: new Int32Array(buf, at(Column.leafParent), T * NL),
      root: new Int32Array(buf, at(Column.root), T),
      samplePoint: new Int32Array(buf, at(Column.samplePoint), T * N),
      sampleWeight: new Float64Array(buf, at(Column.sampleWeight), T * N),
      sampleCount: new Int32Array(buf, at(Column.sampleCount), T),
      randomState: new BigUint64Array(buf, at(Column.randomState), T),
    };
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

  /** Score then update one point: the forest score (NaN when rejected). */
  scoreThenUpdate(point: readonly number[]): number {
    return this.process([point], SCORE | UPDATE)[0] / (SCORE_UNIT * this.T);
  }

  update(point: readonly number[]): void {
    this.process([point], UPDATE);
  }

  /** Coordinates of a point slot (f32 values as numbers). */
  pointValues(slot: number, v = this.views()): number[] {
    return Array.from(v.pointValue.subarray(slot * this.D, (slot + 1) * this.D));
  }

  /** Tree `t` (local index) as plain data. */
  tree(t: number, v = this.views()): Shape | null {
    const r = v.root[t];
    if (r === NULL) return null;
    const D = this.D;
    const read = (c: number): Shape => {
      if (c < 0) {
        const l = ~c;
        return { point: this.pointValues(v.leafPoint[l], v).map(plainZero), mass: v.leafMass[l] };
      }
      return {
        cutDimension: v.cutDimension[c],
        cutValue: plainZero(v.cutValue[c]),
        min: Array.from(v.boxMin.subarray(c * D, (c + 1) * D), plainZero),
        max: Array.from(v.boxMax.subarray(c * D, (c + 1) * D), plainZero),
        mass: v.mass[c],
        left: read(v.nodeLeft[c]),
        right: read(v.nodeRight[c]),
      };
    };
    return read(r);
  }

  /** Reservoir of tree `t` in heap order: weight and the slot (and coordinates) each entry holds. */
  reservoir(t: number, v = this.views()): { weight: number; slot: number; point: number[] }[] {
    const out = [];
    for (let i = 0; i < v.sampleCount[t]; i++) {
      const slot = v.samplePoint[t * this.N + i];
      out.push({ weight: v.sampleWeight[t * this.N + i], slot, point: this.pointValues(slot, v) });
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
      pointRef: Array.from(v.pointRef),
    };
  }

  /**
   * Checks every structural invariant of the forest in kernel memory; returns the violations found
   * (an empty list when all hold).
   */
  invariantViolations(): string[] {
    const bad: string[] = [];
    const v = this.views();
    const { T, N, D, NI, NL, P } = this;
    const tally = new Int32Array(P);
    for (let t = 0; t < T; t++) {
      const where = `tree ${t}`;
      const count = v.sampleCount[t];
      if (count < 0 || count > N) {
        bad.push(`${where}: sampleCount ${count} outside [0, ${N}]`);
        continue;
      }
      if (this.k.sampleSizeOf(t) !== count) bad.push(`${where}: sampleSizeOf ${this.k.sampleSizeOf(t)} != ${count}`);
      // reservoir: a max-heap of finite weights holding valid slots
      const held = new Map<number, number>();
      for (let i = 0; i < count; i++) {
        const w = v.sampleWeight[t * N + i];
        const slot = v.samplePoint[t * N + i];
        if (!Number.isFinite(w)) bad.push(`${where}: reservoir entry ${i} has weight ${w}`);
        if (i > 0 && !(v.sampleWeight[t * N + ((i - 1) >> 1)] >= w)) bad.push(`${where}: heap order broken at entry ${i}`);
        if (slot < 0 || slot >= P) {
          bad.push(`${where}: reservoir entry ${i} holds slot ${slot} outside [0, ${P})`);
          continue;
        }
        held.set(slot, (held.get(slot) ?? 0) + 1);
        tally[slot]++;
      }
      const r = v.root[t];
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
      const walk = (c: number, parent: number, depth: number): Box => {
        if (depth > N + 1) {
          broken = true;
          throw new Error(`${where}: deeper than ${N + 1}: a cycle?`);
        }
        if (c < 0) {
          const l = ~c;
          if (l < t * NL || l >= (t + 1) * NL) throw new Error(`${where}: leaf ${l} outside the tree's range`);
          if (seenLeaves.has(l)) throw new Error(`${where}: leaf ${l} reached twice`);
          seenLeaves.add(l);
          if (v.leafParent[l] !== parent) bad.push(`${where}: leaf ${l} parent ${v.leafParent[l]}, expected ${parent}`);
          const slot = v.leafPoint[l];
          if (slot < 0 || slot >= P) throw new Error(`${where}: leaf ${l} holds slot ${slot} outside [0, ${P})`);
          const m = v.leafMass[l];
          if (m < 1) bad.push(`${where}: leaf ${l} has mass ${m}`);
          const inReservoir = held.get(slot) ?? 0;
          if (m !== inReservoir) bad.push(`${where}: leaf ${l} (slot ${slot}) mass ${m} but ${inReservoir} reservoir entries hold the slot`);
          leafSlots.push(slot);
          const p = this.pointValues(slot, v);
          if (!p.every(Number.isFinite)) bad.push(`${where}: leaf ${l} point (${p}) not finite`);
          return { min: p, max: p, mass: m };
        }
        if (c < t * NI || c >= (t + 1) * NI) throw new Error(`${where}: node ${c} outside the tree's range`);
        if (seenNodes.has(c)) throw new Error(`${where}: node ${c} reached twice`);
        seenNodes.add(c);
        if (v.nodeParent[c] !== parent) bad.push(`${where}: node ${c} parent ${v.nodeParent[c]}, expected ${parent}`);
        const j = v.cutDimension[c];
        const cut = v.cutValue[c];
        if (j < 0 || j >= D) throw new Error(`${where}: node ${c} cuts dimension ${j}`);
        if (Number.isNaN(cut)) bad.push(`${where}: node ${c} cut value NaN`);
        const L = walk(v.nodeLeft[c], c, depth + 1);
        const R = walk(v.nodeRight[c], c, depth + 1);
        // x[j] <= cut goes left: every point on the left is <= cut, every point on the right is above
        if (!(L.max[j] <= cut)) bad.push(`${where}: node ${c} left points reach ${L.max[j]} > cut ${cut} (dim ${j})`);
        if (!(R.min[j] > cut)) bad.push(`${where}: node ${c} right points reach ${R.min[j]} <= cut ${cut} (dim ${j})`);
        const min = L.min.map((a, i) => Math.min(a, R.min[i]));
        const max = L.max.map((a, i) => Math.max(a, R.max[i]));
        for (let i = 0; i < D; i++) {
          const lo = v.boxMin[c * D + i], hi = v.boxMax[c * D + i];
          if (lo !== min[i] || hi !== max[i]) {
            bad.push(`${where}: node ${c} box dim ${i} is [${lo}, ${hi}], points below span [${min[i]}, ${max[i]}]`);
          }
        }
        const m = v.mass[c];
        if (m !== L.mass + R.mass) bad.push(`${where}: node ${c} mass ${m} != ${L.mass} + ${R.mass}`);
        return { min, max, mass: m };
      };
      let rootBox: Box | undefined;
      try {
        rootBox = walk(r, NULL, 0);
      } catch (e) {
        bad.push((e as Error).message);
        broken = true;
      }
      if (broken || !rootBox) continue;
      if (rootBox.mass !== count) bad.push(`${where}: root mass ${rootBox.mass} but ${count} reservoir entries`);
      if (seenNodes.size !== this.k.nodesInUse(t)) bad.push(`${where}: ${seenNodes.size} nodes reachable, nodesInUse ${this.k.nodesInUse(t)}`);
      if (seenLeaves.size !== seenNodes.size + 1) bad.push(`${where}: ${seenLeaves.size} leaves for ${seenNodes.size} internal nodes`);
      // leaves hold distinct points (duplicates share one leaf)
      const keys = new Set(leafSlots.map((s) => this.pointValues(s, v).map(plainZero).join(',')));
      if (keys.size !== leafSlots.length) bad.push(`${where}: two leaves hold equal points`);
      // every reservoir entry's slot is a leaf's slot, and routes to that leaf by the cuts
      for (const slot of held.keys()) {
        const p = this.pointValues(slot, v);
        let c = r;
        while (c >= 0) c = p[v.cutDimension[c]] <= v.cutValue[c] ? v.nodeLeft[c] : v.nodeRight[c];
        const landed = v.leafPoint[~c];
        if (landed !== slot) {
          bad.push(`${where}: reservoir slot ${slot} (${p}) routes to a leaf holding slot ${landed} (${this.pointValues(landed, v)})`);
        }
      }
    }
    // shared point store: reference counts = reservoir entries over all trees
    let used = 0;
    for (let s = 0; s < P; s++) {
      if (v.pointRef[s] !== tally[s]) bad.push(`point slot ${s}: reference count ${v.pointRef[s]}, held by ${tally[s]} entries`);
      if (tally[s] > 0) used++;
    }
    if (this.k.pointsInUse() !== used) bad.push(`pointsInUse ${this.k.pointsInUse()} but ${used} slots are held`);
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
