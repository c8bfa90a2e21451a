// The starts of a set of disjoint areas in address order, as counts: rank (starts below an address), and floor
// through select (the k-th start). BusyAreas keeps its areas' lengths in a direct-address table and this beside it
// for the ordered queries the list-walking designs (2.6.27–2.6.39) make on every allocation and free; the B+tree it
// replaces made a descent per insert, per take and per rank (≈ 12 % of 2.6.28's shuffled profile at 64 × 7 ×
// 100,000). The layout is VmlistStarts' (chunks of 2^18 pages, each a Fenwick tree over 64-page buckets and a page
// bitmap, made as starts reach them), without its copies: a busy area starts at a page at most once.

import { lowerBound } from './sorted-keys.js';

/** Pages per counted bucket (log2): two bitmap words. */
const BUCKET = 6;
/** Buckets per chunk (log2). */
const CHUNK = 12;
const CHUNK_BUCKETS = 1 << CHUNK;
const CHUNK_PAGES = 1 << (BUCKET + CHUNK);

export class StartIndex {
  /** Starts held. */
  size = 0;
  /** Chunk numbers in ascending order, each chunk's Fenwick tree over its buckets and bitmap of its pages. */
  private readonly keys: number[] = [];
  private readonly trees: Int32Array[] = [];
  private readonly bits: Uint32Array[] = [];
  /** A Fenwick tree over the chunks' counts by slot (rebuilt when a chunk is put in: rare). */
  private fen = new Int32Array(0);
  /** The chunk last looked up and its slot (a set-up's areas come one after another). */
  private lastChunk = -1;
  private lastSlot = 0;

  /** Starts below `vpn`. */
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

  /**
   * The largest start ≤ `vpn`, or −1: from the bitmap when it lies in `vpn`'s word or the word before (2.6.39
   * asks on each free at or below its cache, for the area just below: mostly a neighbour), else a rank and a select.
   */
  floor(vpn: number): number {
    const c = Math.floor(vpn / CHUNK_PAGES);
    const j = this.slot(c);
    if (j < this.keys.length && this.keys[j] === c) {
      const off = vpn - c * CHUNK_PAGES;
      const w = this.bits[j];
      const at = off >>> 5;
      const r = off & 31;
      let x = w[at] & (r === 31 ? -1 : (1 << (r + 1)) - 1);
      if (x !== 0) return c * CHUNK_PAGES + (at << 5) + 31 - Math.clz32(x);
      if (at > 0 && (x = w[at - 1]) !== 0) return c * CHUNK_PAGES + ((at - 1) << 5) + 31 - Math.clz32(x);
    }
    const r = this.rank(vpn + 1);
    return r === 0 ? -1 : this.select(r);
  }

  /** The k-th start in address order (1 ≤ k ≤ size): Fenwick descents over the chunks, then the chunk's buckets. */
  select(k: number): number {
    const n = this.keys.length;
    let j = 0;
    let rem = k;
    for (let step = highBit(n); step > 0; step >>>= 1) {
      const q = j + step;
      if (q <= n && this.fen[q - 1] < rem) {
        j = q;
        rem -= this.fen[q - 1];
      }
    }
    const t = this.trees[j];
    let b = 0;
    for (let step = CHUNK_BUCKETS; step > 0; step >>>= 1) {
      const q = b + step;
      if (q <= CHUNK_BUCKETS && t[q - 1] < rem) {
        b = q;
        rem -= t[q - 1];
      }
    }
    const w = this.bits[j];
    let x = w[b << 1];
    let at = b << BUCKET;
    const first = popcount(x);
    if (rem > first) {
      rem -= first;
      x = w[(b << 1) + 1];
      at += 32;
    }
    while (--rem > 0) x &= x - 1;
    return this.keys[j] * CHUNK_PAGES + at + 31 - Math.clz32(x & -x);
  }

  /** An area starting at `vpn` (none starts there yet). */
  insert(vpn: number): void {
    const c = Math.floor(vpn / CHUNK_PAGES);
    let j = this.slot(c);
    if (j === this.keys.length || this.keys[j] !== c) j = this.addChunk(j, c);
    const off = vpn - c * CHUNK_PAGES;
    this.bits[j][off >>> 5] |= 1 << (off & 31);
    this.count(j, off, 1);
    this.size++;
  }

  /** The area starting at `vpn` gone (one starts there). */
  remove(vpn: number): void {
    const c = Math.floor(vpn / CHUNK_PAGES);
    const j = this.slot(c);
    const off = vpn - c * CHUNK_PAGES;
    this.bits[j][off >>> 5] &= ~(1 << (off & 31));
    this.count(j, off, -1);
    this.size--;
  }

  private count(j: number, off: number, d: number): void {
    for (let i = j + 1; i <= this.keys.length; i += i & -i) this.fen[i - 1] += d;
    const t = this.trees[j];
    for (let i = (off >>> BUCKET) + 1; i <= CHUNK_BUCKETS; i += i & -i) t[i - 1] += d;
  }

  /** The slot of chunk `c` among the ascending keys: its index, or where it would be put. */
  private slot(c: number): number {
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
  private addChunk(j: number, c: number): number {
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

/** The largest power of two ≤ n (0 for 0). */
function highBit(n: number): number {
  return n === 0 ? 0 : 2 ** (31 - Math.clz32(n));
}

/** Set bits of a 32-bit word. */
function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
