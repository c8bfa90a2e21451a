// The busy areas of an address range (VmSpace.busy): the length of the area starting at each page, in a
// direct-address table of chunks made on first use — one indexed load or store per add or take (the B+tree it
// replaced was ~17 % of the 5.2 shuffled must-show in inserts and batch takes). Designs whose search or unlink walks
// the busy list in address order (2.6.27–2.6.39: rank, floor) also need order: from the first ordered query the
// starts are kept as counts beside the table too (start-index.ts), so every answer is the same as an ordered set's,
// and 5.2 and 6.9, which never ask outside the invariant checks, pay nothing for it.
import { StartIndex } from './start-index.js';

/** Pages per chunk of the direct-address table. */
const CHUNK = 4096;
/**
 * Chunks made at once, as views of one zeroed buffer: 6.9's full_fit at 64 CPUs makes 3,600, and a 16 KB array
 * each was its own allocation (the buffer's pages not yet used are only mapped when first written).
 */
const SLAB = 64;

/** Busy areas [start, end) of an address range from `base`: a direct-address table, and their starts in order once asked. */
export class BusyAreas {
  /** Area count. */
  size = 0;
  /** The starts in address order, from the first ordered query on (null: none asked yet). */
  private order: StartIndex | null = null;
  /** Length of the area starting at base + i·CHUNK + j in chunks[i][j]; 0: none starts there. */
  private chunks: (Int32Array | undefined)[] = [];
  /** The buffer new chunks are cut from, and the chunks cut so far. */
  private slab: Int32Array | null = null;
  private cut = SLAB;

  constructor(private readonly base: number) {}

  /** Adds the area [start, end) (the caller keeps areas disjoint, and start within the range). */
  insert(start: number, end: number): void {
    this.size++;
    const p = start - this.base;
    const i = Math.floor(p / CHUNK);
    let c = this.chunks[i];
    if (c === undefined) {
      while (this.chunks.length < i) this.chunks.push(undefined);
      c = this.newChunk();
      this.chunks[i] = c;
    }
    c[p - i * CHUNK] = end - start;
    this.order?.insert(start);
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
    const p = start - this.base;
    const i = Math.floor(p / CHUNK);
    const len = p >= 0 ? (this.chunks[i]?.[p - i * CHUNK] ?? 0) : 0;
    return len > 0 ? len : -1;
  }

  /** Removes the area starting at `start`: its length, or −1 if there is none. */
  take(start: number): number {
    const p = start - this.base;
    const i = Math.floor(p / CHUNK);
    const c = p >= 0 ? this.chunks[i] : undefined;
    const j = p - i * CHUNK;
    const len = c === undefined ? 0 : c[j];
    if (len <= 0) return -1;
    (c as Int32Array)[j] = 0;
    this.size--;
    this.order?.remove(start);
    return len;
  }

  /** Removes the areas starting at keys[0..k) (ascending, distinct), each one's length into `lens` (−1: none). */
  takeSorted(keys: Float64Array, k: number, lens: Float64Array): void {
    for (let x = 0; x < k; x++) lens[x] = this.take(keys[x]);
  }

  /** The starts in order, made from the table at the first ordered query. */
  private ordered(): StartIndex {
    if (this.order === null) {
      const o = new StartIndex();
      this.forEach((s) => {
        o.insert(s);
      });
      this.order = o;
    }
    return this.order;
  }

  /** Areas whose start is < key. */
  rank(key: number): number {
    return this.ordered().rank(key);
  }

  /** Cursor of the area with the largest start ≤ key (its start), or −1. */
  floor(key: number): number {
    return this.ordered().floor(key);
  }

  /** Cursor of the area starting at `start` (its start), or −1. */
  get(start: number): number {
    return this.lengthAt(start) < 0 ? -1 : start;
  }

  /** Start of the area at a cursor of floor/get. */
  startAt(c: number): number {
    return c;
  }

  /** End of the area at a cursor of floor/get. */
  endAt(c: number): number {
    return c + this.lengthAt(c);
  }

  /** Visits every area in address order. */
  forEach(f: (start: number, end: number) => void): void {
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
