// Area starts as counts, by chunks of 2^18 pages: each chunk a Fenwick tree over 64-page buckets and a bitmap of its
// pages, made as starts reach it, and a Fenwick tree over the chunks. A rank (starts below an address) is two Fenwick
// sums and a masked popcount; an update a bit and two Fenwick paths. The busy areas' StartIndex (start-index.ts) and
// the mirror's VmlistStarts (vmlist-starts.ts) are this with their own queries.
import { lowerBound } from './sorted-keys.js';

/** Pages per counted bucket (log2): two bitmap words. */
export const BUCKET = 6;
const CHUNK = 12;
/** Buckets per chunk. */
export const CHUNK_BUCKETS = 1 << CHUNK;
/** Pages per chunk. */
export const CHUNK_PAGES = 1 << (BUCKET + CHUNK);

export class ChunkedStarts {
  /** Starts held. */
  size = 0;
  /** Chunk numbers in ascending order, each chunk's Fenwick tree over its buckets and bitmap of its pages. */
  protected readonly keys: number[] = [];
  protected readonly trees: Int32Array[] = [];
  protected readonly bits: Uint32Array[] = [];
  /** A Fenwick tree over the chunks' counts by slot (rebuilt when a chunk is put in: rare). */
  protected fen = new Int32Array(0);
  /** The chunk last looked up and its slot (a set-up's areas come one after another). */
  private lastChunk = -1;
  private lastSlot = 0;

  /** Starts below `vpn` (each counted start once, as its bit). */
  rank(vpn: number): number {
    const c = Math.floor(vpn / CHUNK_PAGES);
    const j = this.slot(c);
    let n = 0;
    for (let i = j; i > 0; i -= i & -i) n += this.fen[i - 1];
    if (j === this.keys.length || this.keys[j] !== c) return n;
    const off = vpn - c * CHUNK_PAGES;
    const t = this.trees[j];
    for (let i = off >>> BUCKET; i > 0; i -= i & -i) n += t[i - 1];
    const w = this.bits[j];
    const lo = (off >>> BUCKET) << 1;
    const at = off >>> 5;
    if (at > lo) n += popcount(w[lo]);
    const r = off & 31;
    if (r > 0) n += popcount(w[at] & ((1 << r) - 1));
    return n;
  }

  /** Adds `d` to the count at offset `off` of the chunk in slot `j`. */
  protected count(j: number, off: number, d: number): void {
    for (let i = j + 1; i <= this.keys.length; i += i & -i) this.fen[i - 1] += d;
    const t = this.trees[j];
    for (let i = (off >>> BUCKET) + 1; i <= CHUNK_BUCKETS; i += i & -i) t[i - 1] += d;
  }

  /** The slot of chunk `c` among the ascending keys: its index, or where it would be put. */
  protected slot(c: number): number {
    if (c === this.lastChunk) return this.lastSlot;
    const keys = this.keys;
    const lo = lowerBound(keys, c);
    if (lo < keys.length && keys[lo] === c) {
      this.lastChunk = c;
      this.lastSlot = lo;
    }
    return lo;
  }

  /** Chunk `c` put in at slot j, the chunks' tree rebuilt: j. */
  protected addChunk(j: number, c: number): number {
    this.keys.splice(j, 0, c);
    this.trees.splice(j, 0, new Int32Array(CHUNK_BUCKETS));
    this.bits.splice(j, 0, new Uint32Array(CHUNK_PAGES >>> 5));
    this.lastChunk = -1;
    const n = this.keys.length;
    const fen = new Int32Array(n);
    for (let i = 1; i <= n; i++) {
      fen[i - 1] += this.trees[i - 1][CHUNK_BUCKETS - 1];
      const up = i + (i & -i);
      if (up <= n) fen[up - 1] += fen[i - 1];
    }
    this.fen = fen;
    return j;
  }
}

/** Set bits of a 32-bit word. */
export function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
