// Counts over a chunk of 2^12 buckets (one owner's areas per 64-page bucket, vmlist-owners.ts): a byte per bucket
// and a Fenwick tree over blocks of 64 buckets, in one 4.25 KB buffer. It replaced a Fenwick tree over the buckets
// themselves (16 KB, up to 12 scattered reads per sum and per update): at 64 workers × 1,000,000 loops the owners'
// trees were ~10 % of 2.6.28's CPU, most of it cache misses. A sum is now ≤ 6 tree reads in 256 bytes and the
// block's bytes, 4 per word (one cache line); an update a byte and ≤ 6 tree writes.

/** Buckets per chunk (log2). */
export const CHUNK = 12;
/** Buckets per chunk. */
export const CHUNK_SIZE = 1 << CHUNK;
/** Buckets per block (log2). */
const BLOCK = 6;
const BLOCKS = CHUNK_SIZE >> BLOCK;

export class BucketCounts {
  /** Count per bucket: a bucket is 64 pages, so at most 64 area starts (a byte holds it). */
  private readonly bytes: Uint8Array;
  /** The same bytes, 4 buckets per word (the sums read them a word at a time). */
  private readonly words: Int32Array;
  /** Fenwick tree over the blocks' counts. */
  private readonly tree: Int32Array;

  constructor() {
    const buf = new ArrayBuffer(CHUNK_SIZE + 4 * BLOCKS);
    this.bytes = new Uint8Array(buf, 0, CHUNK_SIZE);
    this.words = new Int32Array(buf, 0, CHUNK_SIZE >> 2);
    this.tree = new Int32Array(buf, CHUNK_SIZE, BLOCKS);
  }

  /** The chunk's count (the tree's last node covers every block). */
  get total(): number {
    return this.tree[BLOCKS - 1];
  }

  /** Bucket x's count changed by d (a count stays within 0..255). */
  add(x: number, d: number): void {
    this.bytes[x] += d;
    for (let i = (x >> BLOCK) + 1; i <= BLOCKS; i += i & -i) this.tree[i - 1] += d;
  }

  /** The counts of buckets [0, x). */
  below(x: number): number {
    const blk = x >> BLOCK;
    let n = 0;
    for (let i = blk; i > 0; i -= i & -i) n += this.tree[i - 1];
    // The block's whole words: two 16-bit lanes of byte pairs (≤ 16 words × 2 × 255 per lane: no carry between them).
    let acc = 0;
    for (let w = blk << (BLOCK - 2), e = x >> 2; w < e; w++) {
      const v = this.words[w];
      acc += (v & 0xff00ff) + ((v >>> 8) & 0xff00ff);
    }
    n += (acc & 0xffff) + (acc >>> 16);
    for (let b = x & ~3; b < x; b++) n += this.bytes[b];
    return n;
  }
}
