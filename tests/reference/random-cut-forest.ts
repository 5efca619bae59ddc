/**
 * A slow, obvious Random Cut Forest, written from docs/algorithm.md (and the contract it refines,
 * ../shared/docs/rcf-spec.md sections 1-4) and nothing else: it must not import from assembly/ or src/.
 *
 * It exists to be compared with the WebAssembly kernel: same seed + same points = the same trees, the
 * same reservoirs and bit-identical scores. So it follows the documented procedure step by step, draws
 * random numbers in the documented order, rounds coordinates to f32 with Math.fround, and quantises tree
 * scores to multiples of 2^-32. Speed is no concern: nodes are plain objects with box arrays, the random
 * generator uses BigInt, the reservoir is a plain array max-heap.
 *
 * Legend: p, x = points (arrays of f32 values held as numbers); j = dimension; c = cut value;
 * B = a node's box, B' = B extended by p; M = mass of the tree; m = a leaf's multiplicity; d = depth.
 */

// ---------------------------------------------------------------------------------------------------
// Randomness: per tree, a SplitMix64 stream for cuts, and counter-based draws for sampler weights

export const GOLDEN = 0x9e3779b97f4a7c15n;
/** The weight draws' increment (docs/algorithm.md, "Randomness"). */
export const WEIGHT_GAMMA = 0xd1b54a32d192ed03n;
/** Separates a tree's weight key from its stream's first state. */
export const WEIGHT_SALT = 0x6a09e667f3bcc908n;
const MASK64 = (1n << 64n) - 1n;
const TWO_TO_MINUS_53 = 2 ** -53;

/** The SplitMix64 finaliser, all arithmetic mod 2^64. */
export function mix64(z0: bigint): bigint {
  let z = z0 & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * Where a tree gets its random numbers: uniform() for cuts (a sequential stream), weightUniform(t) for the
 * sampler weight of update number t (a function of t alone).
 */
export interface RandomSource {
  uniform(): number;
  weightUniform(sequence: number): number;
}

export class SplitMix64 implements RandomSource {
  state: bigint;
  /** the key of the weight draws: mix64(first state ^ WEIGHT_SALT) */
  readonly weightKey: bigint;

  constructor(state: bigint) {
    this.state = state & MASK64;
    this.weightKey = mix64(this.state ^ WEIGHT_SALT);
  }

  /** The stream of tree `globalIndex` (0-based) of a forest with seed `seed`. */
  static forTree(seed: bigint, globalIndex: number): SplitMix64 {
    return new SplitMix64(mix64((seed + BigInt(globalIndex + 1) * GOLDEN) & MASK64));
  }

  /** (0, 1) for update number `sequence`: the top 53 bits of mix64(key + (t + 1) * WEIGHT_GAMMA), plus a half. */
  weightUniform(sequence: number): number {
    const bits = mix64((this.weightKey + BigInt(sequence + 1) * WEIGHT_GAMMA) & MASK64);
    return (Number(bits >> 11n) + 0.5) * TWO_TO_MINUS_53;
  }

  next(): bigint {
    this.state = (this.state + GOLDEN) & MASK64;
    return mix64(this.state);
  }

  /** [0, 1): the top 53 bits. */
  uniform(): number {
    return Number(this.next() >> 11n) * TWO_TO_MINUS_53;
  }

}

/** A random source that hands out scripted numbers, and fails loudly when asked for one too many. */
export class ScriptedRandom implements RandomSource {
  private readonly values: number[];
  drawn = 0;

  constructor(values: number[]) {
    this.values = [...values];
  }

  get remaining(): number {
    return this.values.length;
  }

  private take(kind: string): number {
    const v = this.values.shift();
    if (v === undefined) throw new Error(`ScriptedRandom: ${kind}() called after the script ran out (${this.drawn} drawn)`);
    this.drawn++;
    return v;
  }

  uniform(): number {
    return this.take('uniform');
  }

  weightUniform(): number {
    return this.take('weightUniform');
  }
}

// ---------------------------------------------------------------------------------------------------
// Numbers

/** The largest double below x (Math.nextDown). */
export function nextDown(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return x;
  if (x === 0) return -Number.MIN_VALUE;
  const f = new Float64Array([x]);
  const bits = new BigInt64Array(f.buffer);
  bits[0] += x > 0 ? -1n : 1n;
  return f[0];
}

/**
 * The cut value as a tree stores it: the largest f32 not above c (docs/algorithm.md, "Numbers"). Points are
 * f32, and for an f32 x, x <= c exactly when x <= storedCut(c): the stored value routes like c.
 */
export function storedCut(c: number): number {
  const f = Math.fround(c);
  if (f <= c) return f;
  const bits = new Int32Array(new Float32Array([f]).buffer);
  if (f > 0) bits[0] -= 1;
  else if (f < 0) bits[0] += 1;
  else bits[0] = 0x80000001 | 0; // below +-0: the negative f32 closest to 0
  return new Float32Array(bits.buffer)[0];
}

/** Round half to even (WebAssembly f64.nearest). */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  if (diff < 0.5) return f;
  if (diff > 0.5) return f + 1;
  return f % 2 === 0 ? f : f + 1;
}

/** Tree scores are rounded to this grid (units of 2^-32) before they are summed. */
export const SCORE_UNIT = 2 ** 32;

/** Coordinates as the trees see them: each rounded to f32. */
export function toF32(values: readonly number[]): number[] {
  return values.map((v) => Math.fround(v));
}

export function allFinite(values: readonly number[]): boolean {
  return values.every((v) => Number.isFinite(v));
}

function samePoint(a: readonly number[], b: readonly number[]): boolean {
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------------
// Trees

/** A point as stored once and shared by reservoirs and leaves (the reference's point store entry). */
export interface StoredPoint {
  readonly id: number;
  readonly values: readonly number[];
}

let nextPointId = 0;

/** A stored point for f32 coordinates (call toF32 first if needed). */
export function storedPoint(values: readonly number[]): StoredPoint {
  return { id: nextPointId++, values: [...values] };
}

export interface Leaf {
  kind: 'leaf';
  point: StoredPoint;
  /** multiplicity */
  mass: number;
  parent: Internal | null;
}

export interface Internal {
  kind: 'internal';
  cutDimension: number;
  cutValue: number;
  min: number[];
  max: number[];
  mass: number;
  left: TreeNode;
  right: TreeNode;
  parent: Internal | null;
}

export type TreeNode = Leaf | Internal;

/** Plain-data picture of a tree, for comparing two implementations with toEqual. -0 is written as 0. */
export type Shape =
  | { point: number[]; mass: number }
  | { cutDimension: number; cutValue: number; min: number[]; max: number[]; mass: number; left: Shape; right: Shape };

const plainZero = (v: number) => (v === 0 ? 0 : v);

export function shapeOf(node: TreeNode | null): Shape | null {
  if (node === null) return null;
  if (node.kind === 'leaf') return { point: node.point.values.map(plainZero), mass: node.mass };
  return {
    cutDimension: node.cutDimension,
    cutValue: plainZero(node.cutValue),
    min: node.min.map(plainZero),
    max: node.max.map(plainZero),
    mass: node.mass,
    left: shapeOf(node.left)!,
    right: shapeOf(node.right)!,
  };
}

/** The tree drawn as indented text, one node a line (for failure messages). */
export function drawShape(shape: Shape | null, indent = ''): string {
  if (shape === null) return `${indent}(empty)\n`;
  if ('point' in shape) return `${indent}leaf (${shape.point.join(', ')}) x${shape.mass}\n`;
  const box = shape.min.map((lo, j) => `[${lo}, ${shape.max[j]}]`).join(' x ');
  return (
    `${indent}x${shape.cutDimension} <= ${shape.cutValue}  box ${box}  mass ${shape.mass}\n` +
    drawShape(shape.left, indent + '  ') +
    drawShape(shape.right, indent + '  ')
  );
}

interface Cut {
  dimension: number;
  value: number;
  separates: boolean;
}

export class ReferenceTree {
  root: TreeNode | null = null;
  readonly dimensions: number;
  readonly random: RandomSource;

  constructor(dimensions: number, random: RandomSource) {
    this.dimensions = dimensions;
    this.random = random;
  }

  get mass(): number {
    return this.root === null ? 0 : this.root.mass;
  }

  shape(): Shape | null {
    return shapeOf(this.root);
  }

  /** Leaves from left to right. */
  leaves(): Leaf[] {
    const out: Leaf[] = [];
    const walk = (n: TreeNode) => {
      if (n.kind === 'leaf') out.push(n);
      else {
        walk(n.left);
        walk(n.right);
      }
    };
    if (this.root) walk(this.root);
    return out;
  }

  /** Follows the cuts from the root: the leaf where x lands and its depth. */
  descend(x: readonly number[]): { leaf: Leaf; depth: number } | null {
    let node = this.root;
    if (node === null) return null;
    let depth = 0;
    while (node.kind === 'internal') {
      node = x[node.cutDimension] <= node.cutValue ? node.left : node.right;
      depth++;
    }
    return { leaf: node, depth };
  }

  /**
   * Draws a cut on the box [min, max] extended by p (docs/algorithm.md, "Insert p into a tree"), with one
   * uniform() draw, and says whether it separates p from [min, max].
   */
  private drawCut(min: readonly number[], max: readonly number[], p: readonly number[]): Cut {
    const D = this.dimensions;
    const lo: number[] = [];
    const hi: number[] = [];
    const side: number[] = [];
    let total = 0;
    for (let j = 0; j < D; j++) {
      lo.push(p[j] < min[j] ? p[j] : min[j]);
      hi.push(p[j] > max[j] ? p[j] : max[j]);
      side.push(hi[j] - lo[j]);
      total += side[j];
    }
    let r = this.random.uniform() * total;
    let dimension = -1;
    let value = 0;
    for (let j = 0; j < D; j++) {
      if (side[j] === 0) continue;
      if (r < side[j]) {
        dimension = j;
        value = lo[j] + r;
        break;
      }
      r -= side[j];
    }
    if (dimension < 0) {
      for (let j = 0; j < D; j++) if (side[j] > 0) dimension = j;
      value = hi[dimension];
    }
    if (value >= hi[dimension]) value = nextDown(hi[dimension]);
    const separates = value < min[dimension] || value >= max[dimension];
    return { dimension, value, separates };
  }

  /** Puts `replacement` where `old` hangs (under `parent`, or as the root). */
  private replace(parent: Internal | null, old: TreeNode, replacement: TreeNode): void {
    if (parent === null) this.root = replacement;
    else if (parent.left === old) parent.left = replacement;
    else parent.right = replacement;
    replacement.parent = parent;
  }

  /** New internal node in place of `child` (box [min, max]) with the drawn cut; p's new leaf beside it. */
  private splitAbove(child: TreeNode, min: readonly number[], max: readonly number[], cut: Cut, p: StoredPoint): void {
    const x = p.values;
    const parent = child.parent;
    const node: Internal = {
      kind: 'internal',
      cutDimension: cut.dimension,
      cutValue: storedCut(cut.value),
      min: min.map((a, j) => (x[j] < a ? x[j] : a)),
      max: max.map((b, j) => (x[j] > b ? x[j] : b)),
      mass: child.mass + 1,
      left: child, // placeholders, set below
      right: child,
      parent: null,
    };
    const leaf: Leaf = { kind: 'leaf', point: p, mass: 1, parent: node };
    this.replace(parent, child, node);
    child.parent = node;
    if (x[cut.dimension] <= cut.value) {
      node.left = leaf;
      node.right = child;
    } else {
      node.left = child;
      node.right = leaf;
    }
  }

  /** Inserts p; returns the stored point the tree's leaf holds (p, or an equal point already there). */
  insert(p: StoredPoint): StoredPoint {
    const x = p.values;
    if (this.root === null) {
      this.root = { kind: 'leaf', point: p, mass: 1, parent: null };
      return p;
    }
    let node: TreeNode = this.root;
    for (;;) {
      if (node.kind === 'leaf') {
        if (samePoint(node.point.values, x)) {
          node.mass += 1;
          return node.point;
        }
        const q = node.point.values;
        const cut = this.drawCut(q, q, x);
        if (!cut.separates) throw new Error('a cut between two distinct points must separate them');
        this.splitAbove(node, q, q, cut, p);
        return p;
      }
      let inside = true;
      for (let j = 0; j < this.dimensions; j++) {
        if (!(node.min[j] <= x[j] && x[j] <= node.max[j])) inside = false;
      }
      if (!inside) {
        const cut = this.drawCut(node.min, node.max, x);
        if (cut.separates) {
          this.splitAbove(node, node.min, node.max, cut, p);
          return p;
        }
        node.min = node.min.map((a, j) => (x[j] < a ? x[j] : a));
        node.max = node.max.map((b, j) => (x[j] > b ? x[j] : b));
      }
      node.mass += 1;
      node = x[node.cutDimension] <= node.cutValue ? node.left : node.right;
    }
  }

  /** Deletes one copy of the point with these coordinates. Throws when it is not in the tree. */
  delete(x: readonly number[]): void {
    const found = this.descend(x);
    if (found === null || !samePoint(found.leaf.point.values, x)) {
      throw new Error(`delete: point (${x.join(', ')}) is not in the tree`);
    }
    const leaf = found.leaf;
    leaf.mass -= 1;
    if (leaf.mass > 0) {
      for (let a = leaf.parent; a !== null; a = a.parent) a.mass -= 1;
      return;
    }
    const parent = leaf.parent;
    if (parent === null) {
      this.root = null;
      return;
    }
    const sibling = parent.left === leaf ? parent.right : parent.left;
    const grand = parent.parent;
    this.replace(grand, parent, sibling);
    // the obvious way: every ancestor's mass and box recomputed (the kernel may stop refitting early)
    for (let a = grand; a !== null; a = a.parent) {
      a.mass -= 1;
      const l = boxOf(a.left), r = boxOf(a.right);
      a.min = l.min.map((v, j) => (v < r.min[j] ? v : r.min[j]));
      a.max = l.max.map((v, j) => (v > r.max[j] ? v : r.max[j]));
    }
  }

  /** The tree's anomaly score of x (docs/algorithm.md, "Score of x in one tree"); 0 for an empty tree. */
  score(x: readonly number[]): number {
    if (this.root === null) return 0;
    const M = this.root.mass;
    const { leaf, depth } = this.descend(x)!;
    let s: number;
    if (samePoint(leaf.point.values, x)) {
      const m = leaf.mass;
      s = (1 - m / (2 * M)) * (1 / (depth + Math.log2(m + 1)));
    } else {
      s = 1 / (depth + 1);
    }
    let dv = depth;
    for (let v = leaf.parent; v !== null; v = v.parent) {
      dv -= 1;
      let growth = 0;
      let total = 0;
      for (let j = 0; j < this.dimensions; j++) {
        if (x[j] < v.min[j]) {
          growth += v.min[j] - x[j];
          total += v.max[j] - x[j];
        } else if (x[j] > v.max[j]) {
          growth += x[j] - v.max[j];
          total += x[j] - v.min[j];
        } else {
          total += v.max[j] - v.min[j];
        }
      }
      const q = growth === 0 ? 0 : growth / total;
      if (q === 0) break;
      s = q * (1 / (dv + 1)) + (1 - q) * s;
    }
    return s * Math.log2(M + 1);
  }

  /** Probability that a random cut of v's box extended by x separates x (0 when x is inside). */
  private separation(v: Internal, x: readonly number[]): number {
    let growth = 0;
    let total = 0;
    for (let j = 0; j < this.dimensions; j++) {
      if (x[j] < v.min[j]) {
        growth += v.min[j] - x[j];
        total += v.max[j] - x[j];
      } else if (x[j] > v.max[j]) {
        growth += x[j] - v.max[j];
        total += x[j] - v.min[j];
      } else {
        total += v.max[j] - v.min[j];
      }
    }
    return growth === 0 ? 0 : growth / total;
  }

  /**
   * The tree's attribution of x (assembly/attribution.ts): high[j] and low[j], the parts of the score due
   * to x lying above / below the data in dimension j, already multiplied by log2(M + 1); and the score
   * (equal to score(x)). Operations in the kernel's order, so the numbers agree bit for bit.
   */
  attribute(x: readonly number[]): { score: number; high: number[]; low: number[] } {
    const D = this.dimensions;
    if (this.root === null) return { score: 0, high: new Array(D).fill(0), low: new Array(D).fill(0) };
    const M = this.root.mass;
    const { leaf, depth } = this.descend(x)!;
    const high = new Array<number>(D).fill(0);
    const low = new Array<number>(D).fill(0);
    let s: number;
    const q = leaf.point.values;
    if (samePoint(q, x)) {
      // a point seen before has no direction: its leaf score is spread evenly over all 2D entries
      const m = leaf.mass;
      s = (1 - m / (2 * M)) * (1 / (depth + Math.log2(m + 1)));
      const even = s / (2 * D);
      high.fill(even);
      low.fill(even);
    } else {
      // an unseen point: 1 / (d + 1) split by |x[j] - leaf[j]| over their sum
      s = 1 / (depth + 1);
      let sum = 0;
      for (let j = 0; j < D; j++) sum += Math.abs(x[j] - q[j]);
      for (let j = 0; j < D; j++) {
        const diff = x[j] - q[j];
        high[j] = diff > 0 ? (s * diff) / sum : 0;
        low[j] = diff < 0 ? (-s * diff) / sum : 0;
      }
    }
    let dv = depth;
    for (let v = leaf.parent; v !== null; v = v.parent) {
      dv -= 1;
      let growth = 0;
      let total = 0;
      for (let j = 0; j < D; j++) {
        if (x[j] < v.min[j]) {
          growth += v.min[j] - x[j];
          total += v.max[j] - x[j];
        } else if (x[j] > v.max[j]) {
          growth += x[j] - v.max[j];
          total += x[j] - v.min[j];
        } else {
          total += v.max[j] - v.min[j];
        }
      }
      if (growth === 0) break;
      const p = growth / total;
      const u = 1 / (dv + 1);
      const keep = 1 - p;
      for (let j = 0; j < D; j++) {
        high[j] = (x[j] > v.max[j] ? ((x[j] - v.max[j]) / total) * u : 0) + keep * high[j];
        low[j] = (x[j] < v.min[j] ? ((v.min[j] - x[j]) / total) * u : 0) + keep * low[j];
      }
      s = p * u + keep * s;
    }
    const norm = Math.log2(M + 1);
    return { score: s * norm, high: high.map((h) => h * norm), low: low.map((l) => l * norm) };
  }

  /**
   * Expected collusive displacement of x (assembly/codisp.ts): over where inserting x would isolate it,
   * the expected largest ratio mass(sibling) / mass(subtree holding x) on its path; 0 for an empty tree.
   */
  codisp(x: readonly number[]): number {
    let node = this.root;
    if (node === null) return 0;
    let above = 0; // the largest ratio on the path above
    let remaining = 1; // probability that x was not separated higher up
    let expected = 0;
    while (node.kind === 'internal') {
      const q = this.separation(node, x);
      const here = node.mass;
      expected += remaining * q * (here > above ? here : above);
      remaining *= 1 - q;
      const goLeft: boolean = x[node.cutDimension] <= node.cutValue;
      const child: TreeNode = goLeft ? node.left : node.right;
      const sibling: TreeNode = goLeft ? node.right : node.left;
      const ratio = sibling.mass / (child.mass + 1);
      if (ratio > above) above = ratio;
      node = child;
    }
    const seen = samePoint(node.point.values, x);
    expected += remaining * (seen ? above : node.mass > above ? node.mass : above);
    return expected;
  }

  /**
   * The leaf point the tree imputes x to, with coordinates [from, to) unknown (assembly/imputation.ts):
   * cuts on known coordinates route x; at a cut on an unknown one, the child whose box (a leaf: its point)
   * x extends least relative to its size in the known coordinates, the heavier on a tie. Null when empty.
   */
  imputeLeaf(x: readonly number[], from: number, to: number): readonly number[] | null {
    let node = this.root;
    if (node === null) return null;
    const known = (c: TreeNode): number => {
      const lo = c.kind === 'leaf' ? c.point.values : c.min;
      const hi = c.kind === 'leaf' ? c.point.values : c.max;
      let growth = 0;
      let total = 0;
      for (let j = 0; j < this.dimensions; j++) {
        if (j >= from && j < to) continue;
        if (x[j] < lo[j]) {
          growth += lo[j] - x[j];
          total += hi[j] - x[j];
        } else if (x[j] > hi[j]) {
          growth += x[j] - hi[j];
          total += x[j] - lo[j];
        } else {
          total += hi[j] - lo[j];
        }
      }
      return growth === 0 ? 0 : growth / total;
    };
    while (node.kind === 'internal') {
      const j: number = node.cutDimension;
      if (j >= from && j < to) {
        const l: TreeNode = node.left, r: TreeNode = node.right;
        const pl = known(l), pr = known(r);
        node = pl < pr ? l : pr < pl ? r : l.mass >= r.mass ? l : r;
      } else {
        node = x[j] <= node.cutValue ? node.left : node.right;
      }
    }
    return node.point.values;
  }
}

function boxOf(n: TreeNode): { min: readonly number[]; max: readonly number[] } {
  return n.kind === 'leaf' ? { min: n.point.values, max: n.point.values } : { min: n.min, max: n.max };
}

// ---------------------------------------------------------------------------------------------------
// Sampler: a max-heap of (weight, update number, point) in a plain array

export interface Entry {
  /** -timeDecay * time + g, g = log(-log(u)) rounded to f32 */
  weight: number;
  /** the update number */
  time: number;
  point: StoredPoint;
}

/** Entry a ranks above b: heavier, or as heavy and later (a total order: update numbers differ). */
export function above(a: Entry, b: Entry): boolean {
  return a.weight > b.weight || (a.weight === b.weight && a.time > b.time);
}

export class MaxHeap {
  readonly entries: Entry[] = [];

  get size(): number {
    return this.entries.length;
  }

  top(): Entry {
    return this.entries[0];
  }

  /** Appends and sifts up while the parent ranks below. */
  push(entry: Entry): void {
    const e = this.entries;
    e.push(entry);
    let i = e.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!above(e[i], e[parent])) break;
      [e[parent], e[i]] = [e[i], e[parent]];
      i = parent;
    }
  }

  /**
   * Replaces the top and sifts down: swap with the child that ranks higher while it ranks above.
   */
  replaceTop(entry: Entry): void {
    const e = this.entries;
    e[0] = entry;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      if (left >= e.length) break;
      let child = left;
      if (right < e.length && above(e[right], e[left])) child = right;
      if (!above(e[child], e[i])) break;
      [e[child], e[i]] = [e[i], e[child]];
      i = child;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Forest

export interface ForestOptions {
  trees: number;
  sampleSize: number;
  dimensions: number;
  /** seed of the forest (u64) */
  seed: bigint;
  timeDecay: number;
  /** global index of this forest's first tree (a shard of a bigger forest), default 0 */
  firstTree?: number;
  /** custom random streams per tree (default SplitMix64.forTree(seed, firstTree + t)) */
  random?: (globalIndex: number) => RandomSource;
}

export interface ForestScore {
  /** each tree's score, unrounded */
  perTree: number[];
  /** each tree's score in units of 2^-32, rounded half to even */
  units: number[];
  /** the sum of `units` (what the kernel writes to its output column) */
  sum: number;
  /** sum / (2^32 * trees) */
  score: number;
}

export class ReferenceForest {
  readonly options: Required<Omit<ForestOptions, 'random'>>;
  readonly trees: ReferenceTree[] = [];
  readonly reservoirs: MaxHeap[] = [];
  /** Updates so far (finite points offered to the samplers). */
  sequence = 0;
  /** Reservoir entries evicted so far, over all trees. */
  evictions = 0;
  /** Reservoir entries holding each stored point, over all trees. */
  readonly references = new Map<StoredPoint, number>();

  constructor(options: ForestOptions) {
    this.options = { firstTree: 0, ...options };
    const { trees, dimensions, seed, firstTree } = this.options;
    for (let t = 0; t < trees; t++) {
      const random = options.random ? options.random(firstTree + t) : SplitMix64.forTree(seed, firstTree + t);
      this.trees.push(new ReferenceTree(dimensions, random));
      this.reservoirs.push(new MaxHeap());
    }
  }

  /** Stored points held by at least one reservoir entry. */
  pointsInUse(): number {
    return this.references.size;
  }

  private addReference(p: StoredPoint): void {
    this.references.set(p, (this.references.get(p) ?? 0) + 1);
  }

  private releaseReference(p: StoredPoint): void {
    const n = this.references.get(p);
    if (n === undefined) throw new Error('released a point nobody holds');
    if (n === 1) this.references.delete(p);
    else this.references.set(p, n - 1);
  }

  /** Offers a point to every tree's sampler (docs/algorithm.md, "Update"). False when it was rejected. */
  update(values: readonly number[]): boolean {
    const x = toF32(values);
    if (!allFinite(x)) return false;
    const p = storedPoint(x);
    const sequence = this.sequence++;
    const { sampleSize, timeDecay } = this.options;
    for (let t = 0; t < this.trees.length; t++) {
      const tree = this.trees[t];
      const heap = this.reservoirs[t];
      const u = tree.random.weightUniform(sequence);
      const w = -timeDecay * sequence + Math.fround(Math.log(-Math.log(u)));
      if (heap.size < sampleSize) {
        const held = tree.insert(p);
        heap.push({ weight: w, time: sequence, point: held });
        this.addReference(held);
      } else if (w < heap.top().weight) {
        const evicted = heap.top().point;
        this.evictions++;
        tree.delete(evicted.values);
        this.releaseReference(evicted);
        const held = tree.insert(p);
        heap.replaceTop({ weight: w, time: sequence, point: held });
        this.addReference(held);
      }
    }
    return true;
  }

  /** Scores a point without inserting it; null when a coordinate is not finite in f32. */
  score(values: readonly number[]): ForestScore | null {
    const x = toF32(values);
    if (!allFinite(x)) return null;
    const perTree = this.trees.map((tree) => tree.score(x));
    const units = perTree.map((s) => roundHalfEven(s * SCORE_UNIT));
    const sum = units.reduce((a, b) => a + b, 0);
    return { perTree, units, sum, score: sum / (SCORE_UNIT * this.trees.length) };
  }

  /**
   * Score and attribution of a point without inserting it (the kernel's SCORE | ATTRIBUTION): the score
   * sum as score() gives it, and high[D], low[D] summed over the trees in tree order (not divided by the
   * number of trees). Null when a coordinate is not finite in f32.
   */
  attribution(values: readonly number[]): { sum: number; high: number[]; low: number[] } | null {
    const x = toF32(values);
    if (!allFinite(x)) return null;
    const D = this.options.dimensions;
    const high = new Array<number>(D).fill(0);
    const low = new Array<number>(D).fill(0);
    let sum = 0;
    for (const tree of this.trees) {
      const a = tree.attribute(x);
      sum += roundHalfEven(a.score * SCORE_UNIT);
      for (let j = 0; j < D; j++) {
        high[j] += a.high[j];
        low[j] += a.low[j];
      }
    }
    return { sum, high, low };
  }

  /** Expected CoDisp (the kernel's SCORE | CODISP): per-tree values in 2^-32 units, summed. */
  codisp(values: readonly number[]): { perTree: number[]; sum: number } | null {
    const x = toF32(values);
    if (!allFinite(x)) return null;
    const perTree = this.trees.map((tree) => tree.codisp(x));
    const sum = perTree.map((c) => roundHalfEven(c * SCORE_UNIT)).reduce((a, b) => a + b, 0);
    return { perTree, sum };
  }

  /**
   * Values for coordinates [from, to) of a point that would make it normal (the kernel's impute): per
   * coordinate, the median over the non-empty trees of the imputed leaf's value. Null when every tree is
   * empty. Coordinates are rounded to f32 first, as always.
   */
  impute(values: readonly number[], from: number, to: number): number[] | null {
    const x = toF32(values);
    const leaves = this.trees.map((tree) => tree.imputeLeaf(x, from, to)).filter((p) => p !== null);
    if (leaves.length === 0) return null;
    const out: number[] = [];
    for (let j = from; j < to; j++) {
      const column = leaves.map((p) => p![j]).sort((a, b) => a - b);
      const n = column.length;
      const mid = n >> 1;
      out.push(n % 2 ? column[mid] : 0.5 * (column[mid - 1] + column[mid]));
    }
    return out;
  }

  /** Score then update, as the streaming loop does. Returns the forest score (NaN when rejected). */
  scoreThenUpdate(values: readonly number[]): number {
    const s = this.score(values);
    this.update(values);
    return s === null ? NaN : s.score;
  }
}
