// The free blocks of an address range (VmSpace.free): an IntervalSet with the two changes a reservation and a
// release make done in the descent that finds them. A lowest-fit reservation used to descend once to find its
// block and again to shrink or drop it; a release descended to its left neighbour, looked for its right one and
// descended again to merge, extend or insert. Both now change the leaf they reach and fix the summaries on the way
// back up (5.2's shuffled must-show: 30.6 M reservations, 20.5 M released runs). Where the change would empty or
// overflow a leaf, or a neighbour may sit in another leaf, nothing is changed and the caller takes the general
// path, so the sets are always those of the plain operations (only the tree's shape may differ, which no query reads).
import { FAN, LEAF } from './interval-nodes.js';
import { IntervalSet } from './intervals.js';

/**
 * A block shorter than this is dust to every request with a guard page: 5.2's lowest fit (need 2 and more) passed
 * ~26 inner slots per search, 85 % of them children whose longest block was 1 page, left behind near the bottom.
 */
const DUST = 2;

export class FreeSet extends IntervalSet {
  /** The block the last takeFit found, as it was: its start and end. */
  fitStart = 0;
  fitEnd = 0;
  /** The last takeFit or mergeIn changed the tree itself (else the caller must). */
  applied = false;
  /** Interval count change of the applied change. */
  private delta = 0;
  /** takeFit: the block's length before; mergeIn: the merged block's length. */
  private len = 0;
  /** takeFit: a level below already holds an interval as long as the block was (no recount above it). */
  private kept = false;
  /**
   * Per inner node, how many of its first children are known to hold only dust (longest block < DUST), valid while
   * `dustAt[node]` is `epoch`: takeFit starts its scan there. Only the fast paths keep it; every general update
   * (insert, remove, resize, takeSorted) may move slots or lengthen a block anywhere and moves the epoch on.
   */
  private dust = new Int32Array(16);
  private dustAt = new Int32Array(16);
  private epoch = 1;

  override insert(start: number, end: number): void {
    this.epoch++;
    super.insert(start, end);
  }

  override remove(start: number): boolean {
    this.epoch++;
    return super.remove(start);
  }

  override resize(start: number, newStart: number, newEnd: number): void {
    this.epoch++;
    super.resize(start, newStart, newEnd);
  }

  override takeSorted(keys: Float64Array, k: number, lens: Float64Array): void {
    this.epoch++;
    super.takeSorted(keys, k, lens);
  }

  /**
   * lowestFit(need, align, lo, hi, pad, padFree), and the block found shrunk or dropped as VmSpace.reserve would
   * (`applied`), else left for the caller. The start found (fitAt), or −1.
   */
  takeFit(need: number, align: number, lo: number, hi: number, pad = 0, padFree = -1): number {
    this.applied = false;
    if (this.size === 0) return -1;
    this.kept = false;
    if (this.takeRec(this.root, 0, need, align, lo, hi, pad, padFree) < 0) return -1;
    if (this.applied) this.size += this.delta;
    return this.fitAt;
  }

  /**
   * [start, end), no longer busy, merged with a free block ending at start and/or one starting at end, or
   * inserted: the merges (0–2), with `applied` false (nothing changed) when that needs another leaf.
   */
  mergeIn(start: number, end: number): number {
    this.applied = false;
    const r = this.mergeRec(this.root, 0, start, end, Number.POSITIVE_INFINITY);
    if (this.applied) this.size += this.delta;
    return r;
  }

  private takeRec(
    node: number,
    d: number,
    need: number,
    align: number,
    lo: number,
    hi: number,
    pad: number,
    padFree: number,
  ): number {
    if (d === this.height) {
      const k = this.fitInLeaf(node, need, align, lo, hi, pad, padFree);
      if (k >= 0) {
        this.fitStart = this.ls[k];
        this.fitEnd = this.le[k];
        this.shrink(node, k, this.fitAt, this.fitAt + need);
      }
      return k;
    }
    const b = node * FAN;
    const n = this.inn[node];
    if (node >= this.dust.length) this.growDust();
    // The children [0, lead) hold only dust (< DUST ≤ need: the scan would pass them).
    let lead = this.dustAt[node] === this.epoch ? this.dust[node] : 0;
    for (let i = need >= DUST ? lead : 0; i < n; i++) {
      const m = this.imax[b + i];
      if (m < need) {
        if (i === lead && m < DUST) lead++;
        continue;
      }
      if (this.ik[b + i] >= hi) break;
      if (i + 1 < n && this.ik[b + i + 1] <= lo) continue;
      if (m < need + pad && !this.mayHold(b, i, n, padFree)) continue;
      this.keepDust(node, lead);
      // Below, only slot i's child changes (lengths only shrink): the dust before it stays dust.
      const c = this.takeRec(this.ic[b + i], d + 1, need, align, lo, hi, pad, padFree);
      if (c < 0) continue;
      if (this.applied) this.shrunk(node, i, d + 1 === this.height);
      return c;
    }
    this.keepDust(node, lead);
    return -1;
  }

  private keepDust(node: number, lead: number): void {
    this.dust[node] = lead;
    this.dustAt[node] = this.epoch;
  }

  private growDust(): void {
    const n = Math.max(this.inn.length, 2 * this.dust.length);
    const d = new Int32Array(n);
    d.set(this.dust);
    this.dust = d;
    const a = new Int32Array(n);
    a.set(this.dustAt);
    this.dustAt = a;
  }

  /** Takes [at, to) out of the leaf's block in slot k (VmSpace.reserve's four cases), unless the leaf must split or empty. */
  private shrink(leaf: number, k: number, at: number, to: number): void {
    const n = this.ln[leaf];
    const s = this.ls[k];
    const e = this.le[k];
    this.len = e - s;
    if (at > s && to < e) {
      if (n === LEAF) return;
      this.openSlot(leaf, k + 1, n);
      this.le[k] = at;
      this.ls[k + 1] = to;
      this.le[k + 1] = e;
      this.ln[leaf] = n + 1;
      this.delta = 1;
    } else if (at > s) {
      this.le[k] = at;
      this.delta = 0;
    } else if (to < e) {
      this.ls[k] = to;
      this.delta = 0;
    } else {
      if (n === 1) return;
      this.closeSlot(leaf, k, n);
      this.ln[leaf] = n - 1;
      this.delta = -1;
    }
    this.applied = true;
  }

  /** Slot i of `node` after its child lost `len` pages of one block: count, smallest start, largest length. */
  private shrunk(node: number, i: number, leafChild: boolean): void {
    const k = node * FAN + i;
    const child = this.ic[k];
    this.icnt[k] += this.delta;
    this.ik[k] = leafChild ? this.ls[child * LEAF] : this.ik[child * FAN];
    if (!this.kept && this.len >= this.imax[k]) {
      // The block may have been this subtree's longest: its new longest length (as setChild would count it).
      this.imax[k] = leafChild ? this.leafMax(child, this.imax[k]) : this.innerMax(child, this.imax[k]);
      if (this.imax[k] >= this.len) this.kept = true;
    }
  }

  /**
   * The longest block of a leaf whose blocks only shrank from a longest of `was`: the scan stops at the first block
   * still that long (none is longer), where setChild's recount went through every block (in a leaf of 2-page holes,
   * the one after the hole taken).
   */
  private leafMax(leaf: number, was: number): number {
    const b = leaf * LEAF;
    let m = 0;
    for (let j = b, e = b + this.ln[leaf]; j < e && m < was; j++) {
      const len = this.le[j] - this.ls[j];
      if (len > m) m = len;
    }
    return m;
  }

  /** innerMax: leafMax for an inner node's children (their longest lengths). */
  private innerMax(node: number, was: number): number {
    const b = node * FAN;
    let m = 0;
    for (let j = b, e = b + this.inn[node]; j < e && m < was; j++) if (this.imax[j] > m) m = this.imax[j];
    return m;
  }

  /** `after`: the smallest start past this subtree (the next sibling's, from the levels above), or +∞. */
  private mergeRec(node: number, d: number, start: number, end: number, after: number): number {
    if (d === this.height) return this.mergeLeaf(node, start, end, after);
    const i = this.childFor(node, start - 1);
    const k = node * FAN + i;
    const r = this.mergeRec(this.ic[k], d + 1, start, end, i + 1 < this.inn[node] ? this.ik[k + 1] : after);
    if (this.applied) {
      // Merges only lengthen blocks, and the slot-0 start below never moves (the run lies after a block there).
      this.icnt[k] += this.delta;
      if (this.len > this.imax[k]) {
        this.imax[k] = this.len;
        // Slot i may no longer be dust.
        if (this.len >= DUST && node < this.dust.length && i < this.dust[node]) this.dust[node] = i;
      }
    }
    return r;
  }

  /**
   * mergeIn within the leaf holding the last block before `start`, if a block after the run that it merges with is
   * in that leaf too (`after`: the first start past the leaf).
   */
  private mergeLeaf(leaf: number, start: number, end: number, after: number): number {
    const j = this.slotFloor(leaf, start - 1);
    const b = leaf * LEAF;
    const n = this.ln[leaf];
    if (j < 0) return -1;
    const k = b + j;
    const prev = this.le[k] === start;
    const next = j + 1 < n && this.ls[k + 1] === end;
    if (j + 1 === n && after === end) return -1;
    if (prev && next) {
      this.le[k] = this.le[k + 1];
      this.closeSlot(leaf, k + 1, n);
      this.ln[leaf] = n - 1;
      this.delta = -1;
      this.len = this.le[k] - this.ls[k];
    } else if (prev) {
      this.le[k] = end;
      this.delta = 0;
      this.len = end - this.ls[k];
    } else if (next) {
      this.ls[k + 1] = start;
      this.delta = 0;
      this.len = this.le[k + 1] - start;
    } else {
      if (n === LEAF) return -1;
      this.openSlot(leaf, k + 1, n);
      this.ls[k + 1] = start;
      this.le[k + 1] = end;
      this.ln[leaf] = n + 1;
      this.delta = 1;
      this.len = end - start;
    }
    this.applied = true;
    return (prev ? 1 : 0) + (next ? 1 : 0);
  }
}
