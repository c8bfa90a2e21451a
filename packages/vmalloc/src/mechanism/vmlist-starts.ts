// The starts of the vm_structs on the mirror's vmlist (vmlist.ts), as counts: a walk's length is the areas below
// its position, so the list needs only insert, remove and rank. An IntervalSet of one-page stubs answered that with
// two B+tree descents per walk (rank, then the insert or removal), ~27 % of 2.6.28's shuffled profile at
// 64 × 7 × 100,000; here a rank is two Fenwick sums and a masked popcount, an update a bit and two Fenwick paths.
// The counts are ChunkedStarts' (chunked-starts.ts: chunks of Fenwick trees over 64-page buckets and a bitmap of the
// pages for the partial bucket). A start can be on the list twice: 2.6.28's remove_vm_area frees the vmap_area
// (free_unmap_vmap_area) before it unlinks the vm_struct, so once a purge has run the address can be handed out and
// listed again while the old vm_struct waits for vmlist_lock (area-flow.ts lazyDone; seen at 64 × 7 × 100,000
// shuffled). Each copy counts, as the IntervalSet's second stub did.

import { BUCKET, CHUNK_BUCKETS, CHUNK_PAGES, ChunkedStarts } from './chunked-starts.js';

export class VmlistStarts extends ChunkedStarts {
  /** Copies of a start beyond its first, and per chunk (made at its first copy) their count per bucket. */
  private readonly extra = new Map<number, number>();
  private readonly extraIn: (Int32Array | undefined)[] = [];

  /** Whether an area starts at `vpn`. */
  has(vpn: number): boolean {
    const c = Math.floor(vpn / CHUNK_PAGES);
    const j = this.slot(c);
    if (j === this.keys.length || this.keys[j] !== c) return false;
    const off = vpn - c * CHUNK_PAGES;
    return (this.bits[j][off >>> 5] & (1 << (off & 31))) !== 0;
  }

  /** Starts below `vpn` (IntervalSet.rank of the stubs: what a walk from the head passes), each copy counted. */
  override rank(vpn: number): number {
    let n = super.rank(vpn);
    if (this.extra.size === 0) return n;
    const c = Math.floor(vpn / CHUNK_PAGES);
    const j = this.slot(c);
    if (j === this.keys.length || this.keys[j] !== c) return n;
    const off = vpn - c * CHUNK_PAGES;
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

  /** Chunk `c` put in at slot j, with no copies yet: j. */
  protected override addChunk(j: number, c: number): number {
    this.extraIn.splice(j, 0, undefined);
    return super.addChunk(j, c);
  }
}
