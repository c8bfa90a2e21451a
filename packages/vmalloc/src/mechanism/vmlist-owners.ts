// Who owns each vm_struct on the mirror's vmlist, and how many of an owner's lie below an address: the sampler's
// arrangement bound (workloads/walk-tally.ts) compares a walk's rank with the rank it would have if every worker
// had as many areas below the position as the walker (the workers in step). Kept only for sampled runs of the
// mirror designs; the kernel keeps no owner (an observer's record, no cost). Millions of areas come and go without
// a walk (the sampler's fast-forwards), so an update is a few array writes: per owner a Fenwick tree of counts per
// 64-page bucket, and the vpn → owner map for the partial bucket and for a removal's owner. The trees come in
// chunks of 2^12 buckets (1 GiB of 4 KiB pages), made as areas reach them: one tree over the span in use would
// cover the vmalloc space from its bottom to vm_map_ram's blocks near its top (x86_64, 2 CPUs × 100 loops of
// every case: 1.4 GB and 5 s).

import { lowerBound } from './sorted-keys.js';

/** Owner slots per page of the owner map. */
const PAGE = 1 << 16;
const MASK = PAGE - 1;
/** Pages per counted bucket (log2). */
const BUCKET = 6;
/** Buckets per chunk of a tree (log2). */
const CHUNK = 12;
const CHUNK_SIZE = 1 << CHUNK;

/**
 * One owner's trees: chunk numbers in ascending order, each chunk's Fenwick tree over its buckets, and a Fenwick tree
 * over the chunks' area counts by slot (`fen`, rebuilt when a chunk is put in: rare). A walk's `below` sums the
 * chunks under its own by that tree, not by a scan: full_fit's set-up at 64 workers × 1,000,000 loops interleaves
 * each worker's areas over 256 M pages (2 areas of 2 pages per loop), ~980 chunks, where 20,000 loops make ~20.
 */
interface Chunks {
  keys: number[];
  trees: Int32Array[];
  fen: Int32Array;
}

export class VmlistOwners {
  /** vpn → owner + 1 (0: none), in pages allocated as the vpns in use reach them. */
  private readonly pages = new Map<number, Int16Array>();
  /** The page last looked up (a set-up's areas come one after another). */
  private lastKey = -1;
  private last: Int16Array | undefined;
  /** Per owner, its chunks of Fenwick trees over buckets: areas per bucket. */
  private readonly owners: Chunks[];

  constructor(private readonly cpus: number) {
    this.owners = Array.from({ length: cpus }, () => ({ keys: [], trees: [], fen: new Int32Array(0) }));
  }

  /** An area of `owner` (a CPU; −1: none, as the boot areas) put on the list at `vpn`. */
  add(vpn: number, owner: number): void {
    if (owner < 0 || owner >= this.cpus) return;
    let p = this.page(vpn);
    if (p === undefined) {
      p = new Int16Array(PAGE);
      this.pages.set(Math.floor(vpn / PAGE), p);
      this.last = p;
    }
    p[vpn & MASK] = owner + 1;
    this.count(owner, vpn, 1);
  }

  /** The area at `vpn` gone from the list: its owner, or −1. */
  remove(vpn: number): number {
    const p = this.page(vpn);
    if (p === undefined) return -1;
    const owner = p[vpn & MASK] - 1;
    if (owner < 0) return -1;
    p[vpn & MASK] = 0;
    this.count(owner, vpn, -1);
    return owner;
  }

  /** Areas of `owner` whose start is below `vpn` (0 for no owner). */
  below(owner: number, vpn: number): number {
    if (owner < 0 || owner >= this.cpus) return 0;
    const o = this.owners[owner];
    const b = Math.floor(vpn / (1 << BUCKET));
    const c = Math.floor(b / CHUNK_SIZE);
    const j = lowerBound(o.keys, c);
    let n = 0;
    for (let i = j; i > 0; i -= i & -i) n += o.fen[i - 1];
    if (j < o.keys.length && o.keys[j] === c) {
      const t = o.trees[j];
      for (let i = b - c * CHUNK_SIZE; i > 0; i -= i & -i) n += t[i - 1];
    }
    return n + this.inBucket(owner, vpn);
  }

  /** Areas of `owner` from `vpn`'s bucket start up to `vpn` (the map's slots; buckets lie within a page). */
  private inBucket(owner: number, vpn: number): number {
    const p = this.page(vpn);
    if (p === undefined) return 0;
    const v = owner + 1;
    let n = 0;
    for (let s = vpn & MASK & ~((1 << BUCKET) - 1); s < (vpn & MASK); s++) if (p[s] === v) n++;
    return n;
  }

  private page(vpn: number): Int16Array | undefined {
    const k = Math.floor(vpn / PAGE);
    if (k !== this.lastKey) {
      this.lastKey = k;
      this.last = this.pages.get(k);
    }
    return this.last;
  }

  private count(owner: number, vpn: number, d: number): void {
    const o = this.owners[owner];
    const b = Math.floor(vpn / (1 << BUCKET));
    const c = Math.floor(b / CHUNK_SIZE);
    const lo = lowerBound(o.keys, c);
    if (lo === o.keys.length || o.keys[lo] !== c) {
      o.keys.splice(lo, 0, c);
      o.trees.splice(lo, 0, new Int32Array(CHUNK_SIZE));
      o.fen = chunkTree(o.trees);
    }
    for (let i = lo + 1; i <= o.keys.length; i += i & -i) o.fen[i - 1] += d;
    const t = o.trees[lo];
    for (let i = b - c * CHUNK_SIZE + 1; i <= CHUNK_SIZE; i += i & -i) t[i - 1] += d;
  }
}

/** A Fenwick tree over the chunks' area counts by slot (a chunk's count: its bucket tree's total, its last node). */
function chunkTree(trees: readonly Int32Array[]): Int32Array {
  const fen = new Int32Array(trees.length);
  for (let i = 1; i <= trees.length; i++) {
    fen[i - 1] += trees[i - 1][CHUNK_SIZE - 1];
    const up = i + (i & -i);
    if (up <= trees.length) fen[up - 1] += fen[i - 1];
  }
  return fen;
}
