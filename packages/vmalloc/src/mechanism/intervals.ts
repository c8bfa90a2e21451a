// An ordered set of disjoint page intervals [start, end) in a B+tree of typed arrays, augmented per subtree with
// the number of intervals and the largest interval length. It is the emulator's own wall-time structure: every
// design finds its answer here in O(log n) — lowest fit with alignment, rank (areas below an address), floor —
// and charges the cycles its real structure would take. Millions of intervals cost a few typed arrays, not one
// object each; leaves hold 64 intervals, inner nodes 32 children, so a search touches ~4 nodes at 7 M intervals.
// Deletion leaves nodes underfull (empty ones are unlinked): simpler, and the workloads refill what they free.
// The storage and node-level operations are in interval-nodes.ts.

import { FAN, IntervalNodes, LEAF } from './interval-nodes.js';

export { alignUp } from './interval-nodes.js';

/** An ordered set of disjoint page intervals [start, end) (a B+tree of typed arrays), addressed by cursors. */
export class IntervalSet extends IntervalNodes {
  /** Interval count. */
  size = 0;

  // ---- queries ----

  /** Start of the interval at a cursor returned by get/floor/ceil/lowestFit. */
  startAt(c: number): number {
    return this.ls[c];
  }

  /** End (exclusive) of the interval at a cursor. */
  endAt(c: number): number {
    return this.le[c];
  }

  /** Cursor of the interval starting exactly at `start`, or −1. */
  get(start: number): number {
    const c = this.floor(start);
    return c >= 0 && this.ls[c] === start ? c : -1;
  }

  /** Cursor of the interval with the largest start ≤ key, or −1. */
  floor(key: number): number {
    // Each level takes the last child whose smallest start is ≤ key, so the leaf reached starts ≤ key unless
    // key is below every interval.
    let node = this.root;
    for (let d = 0; d < this.height; d++) node = this.ic[node * FAN + this.childFor(node, key)];
    const j = this.slotFloor(node, key);
    return j < 0 ? -1 : node * LEAF + j;
  }

  /** Cursor of the interval with the smallest start ≥ key, or −1. */
  ceil(key: number): number {
    const f = this.floor(key);
    if (f >= 0 && this.ls[f] === key) return f;
    return f >= 0 ? this.next(f) : this.first();
  }

  /** Cursor of the interval after the one at `c`, or −1. */
  next(c: number): number {
    const leaf = Math.floor(c / LEAF);
    if ((c % LEAF) + 1 < this.ln[leaf]) return c + 1;
    const end = this.le[c];
    return this.firstFrom(end);
  }

  /** Number of intervals whose start is < key. */
  rank(key: number): number {
    let node = this.root;
    let r = 0;
    for (let d = 0; d < this.height; d++) {
      const b = node * FAN;
      const n = this.inn[node];
      let i = 0;
      while (i + 1 < n && this.ik[b + i + 1] < key) r += this.icnt[b + i++];
      node = this.ic[b + i];
    }
    const b = node * LEAF;
    const n = this.ln[node];
    let j = 0;
    while (j < n && this.ls[b + j] < key) j++;
    return r + j;
  }

  /** Largest interval length among intervals that start in [lo, hi). */
  maxLenIn(lo: number, hi: number): number {
    return lo >= hi || this.size === 0 ? 0 : this.maxRec(this.root, 0, lo, hi, Infinity);
  }

  /**
   * The lowest interval holding `need` pages from an `align`-aligned start within [lo, hi), where a start must
   * also keep `pad` pages after the interval's own start unless that start is `padFree` (2.6.28 leaves a page
   * after every area): its cursor (start in `fitAt`), or −1.
   */
  lowestFit(need: number, align: number, lo: number, hi: number, pad = 0, padFree = -1): number {
    if (this.size === 0) return -1;
    return this.fitRec(this.root, 0, need, align, lo, hi, pad, padFree);
  }

  // ---- updates ----

  /** Adds the interval [start, end) (the caller keeps intervals disjoint). */
  insert(start: number, end: number): void {
    const sib = this.insRec(this.root, 0, start, end);
    if (sib >= 0) {
      const r = this.newInner();
      const leaves = this.height === 0;
      this.setChild(r, 0, this.root, leaves);
      this.setChild(r, 1, sib, leaves);
      this.inn[r] = 2;
      this.root = r;
      this.height++;
    }
    this.size++;
  }

  /** Removes the interval starting at `start`; false if there is none. */
  remove(start: number): boolean {
    if (!this.delRec(this.root, 0, start)) return false;
    this.size--;
    this.collapseRoot();
    return true;
  }

  /** Removes the interval starting at `start`: its length, or −1 if there is none (one descent, not get + remove). */
  take(start: number): number {
    return this.remove(start) ? this.removedLen : -1;
  }

  /**
   * Removes the intervals starting at `keys[0..k)` (ascending, distinct), each one's length written to `lens` (−1:
   * none starts there): one pass down the tree, each node touched once and its summary recomputed once.
   */
  takeSorted(keys: Float64Array, k: number, lens: Float64Array): void {
    if (k === 0) return;
    lens.fill(-1, 0, k);
    this.size -= this.bulkRec(this.root, 0, keys, 0, k, lens);
    if (this.height > 0 && this.inn[this.root] === 0) {
      this.innerFree.push(this.root);
      this.root = this.newLeaf();
      this.height = 0;
    }
    this.collapseRoot();
  }

  /** Moves the bounds of the interval starting at `start`; the caller keeps it between its neighbours. */
  resize(start: number, newStart: number, newEnd: number): void {
    if (!this.setRec(this.root, 0, start, newStart, newEnd)) throw new RangeError(`no interval at ${start}`);
  }

  /** Every interval in address order (tests, checks). */
  toArray(): [number, number][] {
    const out: [number, number][] = [];
    this.walk(this.root, 0, (s, e) => out.push([s, e]));
    return out;
  }

  /** Visits every interval in ascending order. */
  forEach(f: (start: number, end: number) => void): void {
    this.walk(this.root, 0, f);
  }

  // ---- descents ----

  private first(): number {
    return this.size === 0 ? -1 : this.firstFrom(-Infinity);
  }

  /** Cursor of the first interval with start ≥ key by descent (any leaf), or −1. */
  private firstFrom(key: number): number {
    return this.firstRec(this.root, 0, key);
  }

  private firstRec(node: number, d: number, key: number): number {
    if (d === this.height) {
      const b = node * LEAF;
      for (let j = 0; j < this.ln[node]; j++) if (this.ls[b + j] >= key) return b + j;
      return -1;
    }
    const b = node * FAN;
    for (let i = Math.max(0, this.childFor(node, key)); i < this.inn[node]; i++) {
      const c = this.firstRec(this.ic[b + i], d + 1, key);
      if (c >= 0) return c;
    }
    return -1;
  }

  /** The children (slots) are in address order: the scans start at the one holding `lo` and stop past `hi`. */
  private maxRec(node: number, d: number, lo: number, hi: number, to: number): number {
    let m = 0;
    if (d === this.height) {
      const b = node * LEAF;
      for (let j = b, e = b + this.ln[node]; j < e; j++) {
        const s = this.ls[j];
        if (s >= hi) break;
        if (s >= lo && this.le[j] - s > m) m = this.le[j] - s;
      }
      return m;
    }
    const b = node * FAN;
    const n = this.inn[node];
    for (let i = this.childFor(node, lo); i < n; i++) {
      const s = this.ik[b + i];
      if (s >= hi) break;
      const e = i + 1 < n ? this.ik[b + i + 1] : to;
      if (e <= lo) continue;
      if (s >= lo && e <= hi) {
        if (this.imax[b + i] > m) m = this.imax[b + i];
      } else {
        const x = this.maxRec(this.ic[b + i], d + 1, lo, hi, e);
        if (x > m) m = x;
      }
    }
    return m;
  }

  private fitRec(
    node: number,
    d: number,
    need: number,
    align: number,
    lo: number,
    hi: number,
    pad: number,
    padFree: number,
  ): number {
    if (d === this.height) return this.fitInLeaf(node, need, align, lo, hi, pad, padFree);
    const b = node * FAN;
    const n = this.inn[node];
    for (let i = 0; i < n; i++) {
      if (this.imax[b + i] < need) continue;
      if (this.ik[b + i] >= hi) return -1;
      if (i + 1 < n && this.ik[b + i + 1] <= lo) continue;
      if (this.imax[b + i] < need + pad && !this.mayHold(b, i, n, padFree)) continue;
      const c = this.fitRec(this.ic[b + i], d + 1, need, align, lo, hi, pad, padFree);
      if (c >= 0) return c;
    }
    return -1;
  }

  /** Inserts below `node`; returns a new right sibling of `node` when it split, else −1. */
  private insRec(node: number, d: number, start: number, end: number): number {
    if (d === this.height) return this.leafInsert(node, start, end);
    const i = this.childFor(node, start);
    const b = node * FAN;
    const child = this.ic[b + i];
    const sib = this.insRec(child, d + 1, start, end);
    if (sib < 0) {
      // No split below: the child gained one interval (O(1) summary update).
      const k = b + i;
      this.icnt[k]++;
      if (end - start > this.imax[k]) this.imax[k] = end - start;
      if (start < this.ik[k]) this.ik[k] = start;
      return -1;
    }
    this.setChild(node, i, child, d + 1 === this.height);
    return this.innerInsert(node, i + 1, sib, d + 1 === this.height);
  }

  /** Length of the interval removed by the last delRec. */
  private removedLen = 0;
  /** The last delRec's subtree still holds an interval of removedLen pages: no ancestor's largest length changes. */
  private maxKept = false;

  private delRec(node: number, d: number, start: number): boolean {
    if (d === this.height) {
      const j = this.slotFloor(node, start);
      const b = node * LEAF;
      if (j < 0 || this.ls[b + j] !== start) return false;
      this.removedLen = this.le[b + j] - start;
      const n = this.ln[node];
      this.closeSlot(node, b + j, n);
      this.ln[node] = n - 1;
      this.maxKept = false;
      return true;
    }
    const i = this.childFor(node, start);
    const b = node * FAN;
    const child = this.ic[b + i];
    if (!this.delRec(child, d + 1, start)) return false;
    const leafChild = d + 1 === this.height;
    const empty = leafChild ? this.ln[child] === 0 : this.inn[child] === 0;
    if (!empty) {
      const k = b + i;
      // Only the count (and the smallest start) change unless the removed interval was this subtree's longest
      // and no level below found another as long: then the child's summary is recomputed (one scan).
      if (!this.maxKept && this.removedLen >= this.imax[k]) {
        this.setChild(node, i, child, leafChild);
        if (this.imax[k] >= this.removedLen) this.maxKept = true;
      } else {
        this.icnt[k]--;
        if (start === this.ik[k]) this.ik[k] = leafChild ? this.ls[child * LEAF] : this.ik[child * FAN];
      }
      return true;
    }
    if (d + 1 === this.height) this.leafFree.push(child);
    else this.innerFree.push(child);
    const n = this.inn[node];
    this.ic.copyWithin(b + i, b + i + 1, b + n);
    this.ik.copyWithin(b + i, b + i + 1, b + n);
    this.icnt.copyWithin(b + i, b + i + 1, b + n);
    this.imax.copyWithin(b + i, b + i + 1, b + n);
    this.inn[node] = n - 1;
    if (n - 1 === 0 && node === this.root) {
      // The tree is empty: start over with one empty leaf.
      this.innerFree.push(node);
      this.root = this.newLeaf();
      this.height = 0;
    }
    return true;
  }

  /** takeSorted below `node` for keys[i..j): the intervals removed (emptied children are freed and unlinked). */
  private bulkRec(node: number, d: number, keys: Float64Array, i: number, j: number, lens: Float64Array): number {
    if (d === this.height) return this.leafTakeSorted(node, keys, i, j, lens);
    let p = i;
    let w = 0;
    let removed = 0;
    const b = node * FAN;
    const n = this.inn[node];
    const leafChild = d + 1 === this.height;
    for (let c = 0; c < n; c++) {
      const child = this.ic[b + c];
      // childFor's rule: keys below the next child's smallest start belong here.
      let q = j;
      if (c + 1 < n) for (q = p; q < j && keys[q] < this.ik[b + c + 1]; ) q++;
      const r = q > p ? this.bulkRec(child, d + 1, keys, p, q, lens) : 0;
      p = q;
      if (r > 0 && (leafChild ? this.ln[child] === 0 : this.inn[child] === 0)) {
        removed += r;
        if (leafChild) this.leafFree.push(child);
        else this.innerFree.push(child);
        continue;
      }
      if (w !== c) {
        this.ic[b + w] = child;
        this.ik[b + w] = this.ik[b + c];
        this.icnt[b + w] = this.icnt[b + c];
        this.imax[b + w] = this.imax[b + c];
      }
      if (r > 0) {
        removed += r;
        this.setChild(node, w, child, leafChild);
      }
      w++;
    }
    this.inn[node] = w;
    return removed;
  }

  /** Length before the last setRec changed it. */
  private oldLen = 0;

  private setRec(node: number, d: number, start: number, ns: number, ne: number): boolean {
    if (d === this.height) {
      const j = this.slotFloor(node, start);
      const k = node * LEAF + j;
      if (j < 0 || this.ls[k] !== start) return false;
      this.oldLen = this.le[k] - start;
      this.ls[k] = ns;
      this.le[k] = ne;
      this.maxKept = false;
      return true;
    }
    const i = this.childFor(node, start);
    const child = this.ic[node * FAN + i];
    if (!this.setRec(child, d + 1, start, ns, ne)) return false;
    const k = node * FAN + i;
    const len = ne - ns;
    // A shrunk longest interval needs the child's summary recomputed, until a level still holds one as long.
    if (!this.maxKept && this.oldLen >= this.imax[k] && len < this.oldLen) {
      this.setChild(node, i, child, d + 1 === this.height);
      if (this.imax[k] >= this.oldLen) this.maxKept = true;
    } else {
      if (len > this.imax[k]) this.imax[k] = len;
      // The interval stays between its neighbours: if it was the subtree's first, its new start is the smallest.
      if (start === this.ik[k]) this.ik[k] = ns;
    }
    return true;
  }
}
