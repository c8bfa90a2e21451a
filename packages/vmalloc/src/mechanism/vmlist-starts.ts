// The starts of the vm_structs on the mirror's vmlist (vmlist.ts), as counts: a walk's length is the areas below
// its position, so the list needs only insert, remove and rank. An IntervalSet of one-page stubs answered that with
// two B+tree descents per walk (rank, then the insert or removal), ~27 % of 2.6.28's shuffled profile at
// 64 × 7 × 100,000; here a rank is two Fenwick sums and a masked popcount, an update a bit and two Fenwick paths.
// The layout is VmlistOwners' (chunks of Fenwick trees over 64-page buckets, made as areas reach them) with a bitmap
// of the pages for the partial bucket. A start can be on the list twice: 2.6.28's remove_vm_area frees the vmap_area
// (free_unmap_vmap_area) before it unlinks the vm_struct, so once a purge has run the address can be handed out and
// listed again while the old vm_struct waits for vmlist_lock (area-flow.ts lazyDone; seen at 64 × 7 × 100,000
// shuffled). Each copy counts, as the IntervalSet's second stub did.

import { lowerBound } from './sorted-keys.js';

/** Pages per counted bucket (log2): two bitmap words. */
const BUCKET = 6;
/** Buckets per chunk (log2). */
const CHUNK = 12;
const CHUNK_BUCKETS = 1 << CHUNK;
const CHUNK_PAGES = 1 << (BUCKET + CHUNK);

export class VmlistStarts {
  /** Starts on the list. */
  size = 0;
  /** Chunk numbers in ascending order, each chunk's Fenwick tree over its buckets and bitmap of its pages. */
  private readonly keys: number[] = [];
  private readonly trees: Int32Array[] = [];
  private readonly bits: Uint32Array[] = [];
  /** Copies of a start beyond its first, and per chunk (made at its first copy) their count per bucket. */
  private readonly extra = new Map<number, number>();
  private readonly extraIn: (Int32Array | undefined)[] = [];
  /** A Fenwick tree over the chunks' counts by slot (rebuilt when a chunk is put in: rare). */
  private fen = new Int32Array(0);
  /** The chunk last looked up and its slot (a set-up's areas come one after another). */
  private lastChunk = -1;
  private lastSlot = 0;

  /** Whether an area starts at `vpn`. */
  has(vpn: number): boolean {
    const c = Math.floor(vpn / CHUNK_PAGES);
    const j = this.slot(c);
    if (j === this.keys.length || this.keys[j] !== c) return false;
    const off = vpn - c * CHUNK_PAGES;
    return (this.bits[j][off >>> 5] & (1 << (off & 31))) !== 0;
  }

  /** Starts below `vpn` (IntervalSet.rank of the stubs: what a walk from the head passes). */
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
    const x = this.extraIn[j];
    if (x !== undefined && x[off >>> BUCKET] > 0) {
      for (let v = vpn - (off & ((1 << BUCKET) - 1)); v < vpn; v++) n += this.extra.get(v) ?? 0;
    }
    return n;
  }

  /** An area starting at `vpn` put on the list (one more copy if one starts there). */
  insert(vpn: number): void {
    const c = Math.floor(vpn / CHUNK_PAGES);
    let j = this.slot(c);
    if (j === this.keys.length || this.keys[j] !== c) j = this.addChunk(j, c);
    const off = vpn - c * CHUNK_PAGES;
    const w = this.bits[j];
    const m = 1 << (off & 31);
    if ((w[off >>> 5] & m) === 0) w[off >>> 5] |= m;
    else this.copy(j, vpn, off, 1);
    this.count(j, off, 1);
    this.size++;
  }

  /** The area starting at `vpn` taken off the list; false if none starts there. */
  remove(vpn: number): boolean {
    const c = Math.floor(vpn / CHUNK_PAGES);
    const j = this.slot(c);
    if (j === this.keys.length || this.keys[j] !== c) return false;
    const off = vpn - c * CHUNK_PAGES;
    const w = this.bits[j];
    const m = 1 << (off & 31);
    if ((w[off >>> 5] & m) === 0) return false;
    if (this.extra.has(vpn)) this.copy(j, vpn, off, -1);
    else w[off >>> 5] &= ~m;
    this.count(j, off, -1);
    this.size--;
    return true;
  }

  private count(j: number, off: number, d: number): void {
    for (let i = j + 1; i <= this.keys.length; i += i & -i) this.fen[i - 1] += d;
    const t = this.trees[j];
    for (let i = (off >>> BUCKET) + 1; i <= CHUNK_BUCKETS; i += i & -i) t[i - 1] += d;
  }

  /** A copy of the start at `vpn` (chunk slot j, offset off) more (d = 1) or fewer (−1). */
  private copy(j: number, vpn: number, off: number, d: number): void {
    const k = (this.extra.get(vpn) ?? 0) + d;
    if (k > 0) this.extra.set(vpn, k);
    else this.extra.delete(vpn);
    let x = this.extraIn[j];
    if (x === undefined) {
      x = new Int32Array(CHUNK_BUCKETS);
      this.extraIn[j] = x;
    }
    x[off >>> BUCKET] += d;
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
    this.extraIn.splice(j, 0, undefined);
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
function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
