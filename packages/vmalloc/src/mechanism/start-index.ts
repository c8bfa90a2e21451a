// The starts of a set of disjoint areas in address order, as counts: rank (starts below an address), and floor
// through select (the k-th start). BusyAreas keeps its areas' lengths in a direct-address table and this beside it
// for the ordered queries the list-walking designs (2.6.27–2.6.39) make on every allocation and free; the B+tree it
// replaces made a descent per insert, per take and per rank (≈ 12 % of 2.6.28's shuffled profile at 64 × 7 ×
// 100,000). The counts are ChunkedStarts' (chunked-starts.ts), as VmlistStarts' are, without its copies: a busy area
// starts at a page at most once.

import { BUCKET, CHUNK_BUCKETS, CHUNK_PAGES, ChunkedStarts, popcount } from './chunked-starts.js';

export class StartIndex extends ChunkedStarts {
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
}

/** The largest power of two ≤ n (0 for 0). */
function highBit(n: number): number {
  return n === 0 ? 0 : 2 ** (31 - Math.clz32(n));
}
