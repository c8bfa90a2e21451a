// The busy areas of an address range (VmSpace.busy). Designs whose search or unlink walks the busy list in address
// order (2.6.27–2.6.39: rank, floor) need an ordered set; the free-tree designs (5.2, 6.9) only add an area, take
// it back by its start (its length) and count them. For those a direct-address table is enough: the length of the
// area starting at each page, in chunks made on first use — one indexed load or store per operation where the
// B+tree took a descent (its inserts and batch takes were ~17 % of the 5.2 shuffled must-show). The first ordered
// query turns the table into the IntervalSet for good (each design asks for order from its first allocation, or
// never outside the invariant checks), so every answer is the same in either representation.
import { IntervalSet } from './intervals.js';

/** Pages per chunk of the direct-address table. */
const CHUNK = 4096;
/**
 * Chunks made at once, as views of one zeroed buffer: 6.9's full_fit at 64 CPUs makes 3,600, and a 16 KB array
 * each was its own allocation (the buffer's pages not yet used are only mapped when first written).
 */
const SLAB = 64;

/** Busy areas [start, end) of an address range from `base`: a direct-address table until order is asked for. */
export class BusyAreas {
  /** Area count. */
  size = 0;
  /** The ordered set, once a query needed order (then the table is dropped). */
  private tree: IntervalSet | null = null;
  /** Length of the area starting at base + i·CHUNK + j in chunks[i][j]; 0: none starts there. */
  private chunks: (Int32Array | undefined)[] = [];
  /** The buffer new chunks are cut from, and the chunks cut so far. */
  private slab: Int32Array | null = null;
  private cut = SLAB;

  constructor(private readonly base: number) {}

  /** Adds the area [start, end) (the caller keeps areas disjoint, and start within the range). */
  insert(start: number, end: number): void {
    this.size++;
    if (this.tree !== null) {
      this.tree.insert(start, end);
      return;
    }
    const p = start - this.base;
    const i = Math.floor(p / CHUNK);
    let c = this.chunks[i];
    if (c === undefined) {
      while (this.chunks.length < i) this.chunks.push(undefined);
      c = this.newChunk();
      this.chunks[i] = c;
    }
    c[p - i * CHUNK] = end - start;
  }

  /** A zeroed chunk. */
  private newChunk(): Int32Array {
    if (this.cut === SLAB) {
      this.slab = new Int32Array(CHUNK * SLAB);
      this.cut = 0;
    }
    const at = CHUNK * this.cut++;
    return (this.slab as Int32Array).subarray(at, at + CHUNK);
  }

  /** Length of the area starting at `start`, or −1. */
  lengthAt(start: number): number {
    if (this.tree !== null) {
      const c = this.tree.get(start);
      return c < 0 ? -1 : this.tree.endAt(c) - start;
    }
    const p = start - this.base;
    const i = Math.floor(p / CHUNK);
    const len = p >= 0 ? (this.chunks[i]?.[p - i * CHUNK] ?? 0) : 0;
    return len > 0 ? len : -1;
  }

  /** Removes the area starting at `start`: its length, or −1 if there is none. */
  take(start: number): number {
    if (this.tree !== null) {
      const len = this.tree.take(start);
      if (len >= 0) this.size--;
      return len;
    }
    const p = start - this.base;
    const i = Math.floor(p / CHUNK);
    const c = p >= 0 ? this.chunks[i] : undefined;
    const j = p - i * CHUNK;
    const len = c === undefined ? 0 : c[j];
    if (len <= 0) return -1;
    (c as Int32Array)[j] = 0;
    this.size--;
    return len;
  }

  /** Removes the areas starting at keys[0..k) (ascending, distinct), each one's length into `lens` (−1: none). */
  takeSorted(keys: Float64Array, k: number, lens: Float64Array): void {
    if (this.tree !== null) {
      const before = this.tree.size;
      this.tree.takeSorted(keys, k, lens);
      this.size -= before - this.tree.size;
      return;
    }
    for (let x = 0; x < k; x++) lens[x] = this.take(keys[x]);
  }

  /** The areas as an ordered IntervalSet (from now on the only representation). */
  ordered(): IntervalSet {
    if (this.tree === null) {
      const t = new IntervalSet();
      this.forEach((s, e) => {
        t.insert(s, e);
      });
      this.tree = t;
      this.chunks = [];
      this.slab = null;
      this.cut = SLAB;
    }
    return this.tree;
  }

  /** Areas whose start is < key. */
  rank(key: number): number {
    return this.ordered().rank(key);
  }

  /** Cursor (in ordered()) of the area with the largest start ≤ key, or −1. */
  floor(key: number): number {
    return this.ordered().floor(key);
  }

  /** Cursor (in ordered()) of the area starting at `start`, or −1. */
  get(start: number): number {
    return this.ordered().get(start);
  }

  /** Start of the area at a cursor of floor/get. */
  startAt(c: number): number {
    return this.ordered().startAt(c);
  }

  /** End of the area at a cursor of floor/get. */
  endAt(c: number): number {
    return this.ordered().endAt(c);
  }

  /** Visits every area in address order. */
  forEach(f: (start: number, end: number) => void): void {
    if (this.tree !== null) {
      this.tree.forEach(f);
      return;
    }
    for (let i = 0; i < this.chunks.length; i++) {
      const c = this.chunks[i];
      if (c === undefined) continue;
      const at = this.base + i * CHUNK;
      for (let j = 0; j < CHUNK; j++) if (c[j] > 0) f(at + j, at + j + c[j]);
    }
  }

  /** Every area in address order (tests, checks). */
  toArray(): [number, number][] {
    const out: [number, number][] = [];
    this.forEach((s, e) => {
      out.push([s, e]);
    });
    return out;
  }
}
