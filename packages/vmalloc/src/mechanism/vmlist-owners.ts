// Who owns each vm_struct on the mirror's vmlist, and how many of an owner's lie below an address: the sampler's
// arrangement bound (workloads/walk-tally.ts) compares a walk's rank with the rank it would have if every worker
// had as many areas below the position as the walker (the workers in step). Kept only for sampled runs of the
// mirror designs; the kernel keeps no owner (an observer's record, no cost). Millions of areas come and go without
// a walk (the sampler's fast-forwards), so an update is a few array writes: per owner a Fenwick tree of counts per
// 64-page bucket, and the vpn → owner map for the partial bucket and for a removal's owner. The trees come in
// chunks of 2^12 buckets (1 GiB of 4 KiB pages), made as areas reach them: one tree over the span in use would
// cover the vmalloc space from its bottom to vm_map_ram's blocks near its top (x86_64, 2 CPUs × 100 loops of
// every case: 1.4 GB and 5 s).

/** Owner slots per page of the owner map. */
const PAGE = 1 << 16;
const MASK = PAGE - 1;
/** Pages per counted bucket (log2). */
const BUCKET = 6;
/** Buckets per chunk of a tree (log2). */
const CHUNK = 12;
const CHUNK_SIZE = 1 << CHUNK;

/** One owner's trees: chunk numbers in ascending order, each chunk's area count and its Fenwick tree. */
interface Chunks {
  keys: number[];
  totals: number[];
  trees: Int32Array[];
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
    this.owners = Array.from({ length: cpus }, () => ({ keys: [], totals: [], trees: [] }));
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
    let n = 0;
    let j = 0;
    for (; j < o.keys.length && o.keys[j] < c; j++) n += o.totals[j];
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
    // The chunk's slot among the owner's (binary search; a new chunk is put in order).
    let lo = 0;
    let hi = o.keys.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (o.keys[m] < c) lo = m + 1;
      else hi = m;
    }
    if (lo === o.keys.length || o.keys[lo] !== c) {
      o.keys.splice(lo, 0, c);
      o.totals.splice(lo, 0, 0);
      o.trees.splice(lo, 0, new Int32Array(CHUNK_SIZE));
    }
    o.totals[lo] += d;
    const t = o.trees[lo];
    for (let i = b - c * CHUNK_SIZE + 1; i <= CHUNK_SIZE; i += i & -i) t[i - 1] += d;
  }
}
