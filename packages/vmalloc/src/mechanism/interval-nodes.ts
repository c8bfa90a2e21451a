// The B+tree storage behind IntervalSet: leaves and inner nodes in typed arrays (no object per interval), and the
// node-level operations — slot search, a leaf's fit scan, insertion into a node with its split, child summaries,
// allocation. The tree walks (queries, insert/delete/resize descents) are IntervalSet's (intervals.ts).

import { grow } from './typed-grow.js';

export const LEAF = 64;
export const FAN = 32;

/** `x` rounded up to a multiple of `align` (as is for align ≤ 1). */
export function alignUp(x: number, align: number): number {
  return align <= 1 ? x : Math.ceil(x / align) * align;
}

export abstract class IntervalNodes {
  // Leaves: starts and ends, LEAF slots per leaf, and the count in use.
  protected ls = new Float64Array(LEAF);
  protected le = new Float64Array(LEAF);
  protected ln = new Int32Array(1);
  protected leafTop = 0;
  protected readonly leafFree: number[] = [];
  // Inner nodes: FAN slots per node of child id, child's smallest start, interval count and largest length.
  protected ic = new Int32Array(FAN);
  protected ik = new Float64Array(FAN);
  protected icnt = new Int32Array(FAN);
  protected imax = new Float64Array(FAN);
  protected inn = new Int32Array(1);
  protected innerTop = 0;
  protected readonly innerFree: number[] = [];
  /** The aligned start found by the last lowestFit (fitInLeaf). */
  fitAt = 0;
  protected root: number;
  /** Inner levels above the leaves (0: the root is a leaf). */
  protected height = 0;

  constructor() {
    this.root = this.newLeaf();
  }

  /** Index of the last child whose smallest start is ≤ key (0 if none). */
  protected childFor(node: number, key: number): number {
    const b = node * FAN;
    let lo = 0;
    let hi = this.inn[node] - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.ik[b + mid] <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Slot of the last start ≤ key in a leaf, or −1. */
  protected slotFloor(leaf: number, key: number): number {
    const b = leaf * LEAF;
    let lo = 0;
    let hi = this.ln[leaf] - 1;
    if (hi < 0 || this.ls[b] > key) return -1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.ls[b + mid] <= key) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * Slot k of a leaf holding n intervals (k < n) opened: slots k.. move one up (the caller fills k and counts).
   * A plain loop: copyWithin's call costs more than moving a leaf's few slots.
   */
  protected openSlot(leaf: number, k: number, n: number): void {
    for (let x = leaf * LEAF + n; x > k; x--) {
      this.ls[x] = this.ls[x - 1];
      this.le[x] = this.le[x - 1];
    }
  }

  /** Slot k of a leaf holding n intervals closed: slots k+1.. move one down (the caller counts). */
  protected closeSlot(leaf: number, k: number, n: number): void {
    for (let x = k, e = leaf * LEAF + n - 1; x < e; x++) {
      this.ls[x] = this.ls[x + 1];
      this.le[x] = this.le[x + 1];
    }
  }

  /**
   * Whether slot i (of n, at base b) of an inner node may hold the interval starting at `start`: the only block
   * that fits with fewer than need + pad pages (fitInLeaf: pad is kept after every other start). With a pad, a
   * lowest fit used to descend into every subtree whose longest block was exactly `need` pages (2.6.28's holes of
   * a freed area of the same size: `need` met, the pad not) and come back empty from each leaf.
   */
  protected mayHold(b: number, i: number, n: number, start: number): boolean {
    return this.ik[b + i] <= start && (i + 1 === n || this.ik[b + i + 1] > start);
  }

  /** The leaf's lowest block holding `need` pages at `align` within [lo, hi) (fitRec's leaf): its slot, or −1; sets fitAt. */
  protected fitInLeaf(
    leaf: number,
    need: number,
    align: number,
    lo: number,
    hi: number,
    pad: number,
    padFree: number,
  ): number {
    const b = leaf * LEAF;
    const n = this.ln[leaf];
    for (let j = 0; j < n; j++) {
      const s = this.ls[b + j];
      if (s >= hi) return -1;
      const e = this.le[b + j];
      if (e - s < need || e <= lo) continue;
      const from = s === padFree ? s : s + pad;
      const at = alignUp(Math.max(from, lo), align);
      if (at + need <= Math.min(e, hi)) {
        this.fitAt = at;
        return b + j;
      }
    }
    return -1;
  }

  protected leafInsert(leaf: number, start: number, end: number): number {
    let n = this.ln[leaf];
    let target = leaf;
    let sib = -1;
    if (n === LEAF && start > this.ls[leaf * LEAF + LEAF - 1]) {
      // Appending to a full leaf (addresses handed out in order): start a new leaf, keep this one full.
      sib = this.newLeaf();
      target = sib;
      n = 0;
    } else if (n === LEAF) {
      sib = this.newLeaf();
      const half = LEAF >> 1;
      const b = leaf * LEAF;
      this.ls.copyWithin(sib * LEAF, b + half, b + LEAF);
      this.le.copyWithin(sib * LEAF, b + half, b + LEAF);
      this.ln[leaf] = half;
      this.ln[sib] = LEAF - half;
      if (start >= this.ls[sib * LEAF]) target = sib;
      n = this.ln[target];
    }
    const b = target * LEAF;
    let j = n;
    while (j > 0 && this.ls[b + j - 1] > start) {
      this.ls[b + j] = this.ls[b + j - 1];
      this.le[b + j] = this.le[b + j - 1];
      j--;
    }
    this.ls[b + j] = start;
    this.le[b + j] = end;
    this.ln[target] = n + 1;
    return sib;
  }

  /** Removes the leaf's intervals starting at keys[i..j) (ascending), their lengths into `lens`: how many. */
  protected leafTakeSorted(leaf: number, keys: Float64Array, i: number, j: number, lens: Float64Array): number {
    const b = leaf * LEAF;
    const n = this.ln[leaf];
    let p = i;
    let w = b;
    for (let r = b; r < b + n; r++) {
      const s = this.ls[r];
      while (p < j && keys[p] < s) p++;
      if (p < j && keys[p] === s) lens[p++] = this.le[r] - s;
      else {
        this.ls[w] = s;
        this.le[w++] = this.le[r];
      }
    }
    this.ln[leaf] = w - b;
    return n - (w - b);
  }

  /** While the root is an inner node of one child, that child becomes the root. */
  protected collapseRoot(): void {
    while (this.height > 0 && this.inn[this.root] === 1) {
      const only = this.ic[this.root * FAN];
      this.innerFree.push(this.root);
      this.root = only;
      this.height--;
    }
  }

  /** Puts `child` at slot `at` of `node`, splitting `node` when full; returns the new sibling or −1. */
  protected innerInsert(node: number, at: number, child: number, childIsLeaf: boolean): number {
    let target = node;
    let pos = at;
    let sib = -1;
    if (this.inn[node] === FAN && at === FAN) {
      sib = this.newInner();
      target = sib;
      pos = 0;
    } else if (this.inn[node] === FAN) {
      sib = this.newInner();
      const half = FAN >> 1;
      const b = node * FAN;
      const s = sib * FAN;
      this.ic.copyWithin(s, b + half, b + FAN);
      this.ik.copyWithin(s, b + half, b + FAN);
      this.icnt.copyWithin(s, b + half, b + FAN);
      this.imax.copyWithin(s, b + half, b + FAN);
      this.inn[node] = half;
      this.inn[sib] = FAN - half;
      if (at > half) {
        target = sib;
        pos = at - half;
      }
    }
    const b = target * FAN;
    const n = this.inn[target];
    for (let k = n; k > pos; k--) {
      this.ic[b + k] = this.ic[b + k - 1];
      this.ik[b + k] = this.ik[b + k - 1];
      this.icnt[b + k] = this.icnt[b + k - 1];
      this.imax[b + k] = this.imax[b + k - 1];
    }
    this.inn[target] = n + 1;
    this.setChild(target, pos, child, childIsLeaf);
    return sib;
  }

  /** Writes child's summary (smallest start, count, largest length) into slot i of node. */
  protected setChild(node: number, i: number, child: number, isLeaf: boolean): void {
    const k = node * FAN + i;
    this.ic[k] = child;
    if (isLeaf) {
      const b = child * LEAF;
      const n = this.ln[child];
      let m = 0;
      for (let j = 0; j < n; j++) {
        const len = this.le[b + j] - this.ls[b + j];
        if (len > m) m = len;
      }
      this.ik[k] = n > 0 ? this.ls[b] : Infinity;
      this.icnt[k] = n;
      this.imax[k] = m;
    } else {
      const b = child * FAN;
      const n = this.inn[child];
      let m = 0;
      let c = 0;
      for (let j = 0; j < n; j++) {
        c += this.icnt[b + j];
        if (this.imax[b + j] > m) m = this.imax[b + j];
      }
      this.ik[k] = n > 0 ? this.ik[b] : Infinity;
      this.icnt[k] = c;
      this.imax[k] = m;
    }
  }

  protected walk(node: number, d: number, f: (s: number, e: number) => void): void {
    if (d === this.height) {
      const b = node * LEAF;
      for (let j = 0; j < this.ln[node]; j++) f(this.ls[b + j], this.le[b + j]);
      return;
    }
    const b = node * FAN;
    for (let i = 0; i < this.inn[node]; i++) this.walk(this.ic[b + i], d + 1, f);
  }

  protected newLeaf(): number {
    const id = this.leafFree.pop() ?? this.leafTop++;
    if (id >= this.ln.length) {
      const cap = this.ln.length * 2;
      this.ls = grow(this.ls, cap * LEAF);
      this.le = grow(this.le, cap * LEAF);
      this.ln = grow(this.ln, cap);
    }
    this.ln[id] = 0;
    return id;
  }

  protected newInner(): number {
    const id = this.innerFree.pop() ?? this.innerTop++;
    if (id >= this.inn.length) {
      const cap = this.inn.length * 2;
      this.ic = grow(this.ic, cap * FAN);
      this.ik = grow(this.ik, cap * FAN);
      this.icnt = grow(this.icnt, cap * FAN);
      this.imax = grow(this.imax, cap * FAN);
      this.inn = grow(this.inn, cap);
    }
    this.inn[id] = 0;
    return id;
  }
}
