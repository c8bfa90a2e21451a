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
 * Chunks made at once at most, as views of one zeroed buffer: 6.9's full_fit at 64 CPUs makes 3,600, and a 16 KB
 * array each was its own allocation (the buffer's pages not yet used are only mapped when first written). The
 * buffers double from one chunk: a range that only ever holds a few areas (the invariant tests' 10,000 short
 * sequences per design) took 1 MB each, which cost 2.6.28's test 2× its CPU once the list designs kept the table.
 */
const SLAB = 64;
/**
 * Chunks kept in the packed array (2^16: 1 TiB of 4 KiB pages from the range's base); those farther off are in a map.
 * vm_map_ram's blocks can sit near the top of the vmalloc space (vmlist-owners.ts), 2^21 chunks up on x86_64: a
 * packed array reaching them is two million pushes per address range, now that 2.6.27–2.6.39 keep the table too.
 */
const NEAR = 1 << 16;

/** Busy areas [start, end) of an address range from `base`: a direct-address table, and their starts in order once asked. */
export class BusyAreas {
  /** Area count. */
  size = 0;
  /** The starts in address order, from the first ordered query on (null: none asked yet). */
  private order: StartIndex | null = null;
  /** Length of the area starting at base + i·CHUNK + j in chunks[i][j]; 0: none starts there. */
  private chunks: (Int32Array | undefined)[] = [];
  /** The chunks from NEAR on, by number. */
  private readonly far = new Map<number, Int32Array>();
  /** The buffer new chunks are cut from, and the chunks cut so far. */
  private slab: Int32Array | null = null;
  private cut = 0;
  /** Chunks in the current buffer. */
  private slabChunks = 0;

  constructor(private readonly base: number) {}

  /** Adds the area [start, end) (the caller keeps areas disjoint, and start within the range). */
  insert(start: number, end: number): void {
    this.size++;
    const p = start - this.base;
    const i = Math.floor(p / CHUNK);
    let c = this.chunk(i);
    if (c === undefined) {
      c = this.newChunk();
      if (i >= NEAR) this.far.set(i, c);
      else {
        while (this.chunks.length < i) this.chunks.push(undefined);
        this.chunks[i] = c;
      }
    }
    c[p - i * CHUNK] = end - start;
    this.order?.insert(start);
  }

  /** Chunk i, if made. */
  private chunk(i: number): Int32Array | undefined {
    return i < NEAR ? this.chunks[i] : this.far.get(i);
  }

  /** A zeroed chunk. */
  private newChunk(): Int32Array {
    if (this.cut === this.slabChunks) {
      this.slabChunks = Math.min(SLAB, Math.max(1, 2 * this.slabChunks));
      this.slab = new Int32Array(CHUNK * this.slabChunks);
      this.cut = 0;
    }
    const at = CHUNK * this.cut++;
    return (this.slab as Int32Array).subarray(at, at + CHUNK);
  }

  /** Length of the area starting at `start`, or −1. */
  lengthAt(start: number): number {
    const p = start - this.base;
    const i = Math.floor(p / CHUNK);
    const len = p >= 0 ? (this.chunk(i)?.[p - i * CHUNK] ?? 0) : 0;
    return len > 0 ? len : -1;
  }

  /** Removes the area starting at `start`: its length, or −1 if there is none. */
  take(start: number): number {
    const p = start - this.base;
    const i = Math.floor(p / CHUNK);
    const c = p >= 0 ? this.chunk(i) : undefined;
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
    const far = [...this.far.keys()].sort((a, b) => a - b);
    for (const i of [...this.chunks.keys(), ...far]) {
      const c = this.chunk(i);
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
