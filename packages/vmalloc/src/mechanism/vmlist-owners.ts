// Who owns each vm_struct on the mirror's vmlist, and how many of an owner's lie below an address: the sampler's
// arrangement bound (workloads/walk-tally.ts) compares a walk's rank with the rank it would have if every worker
// had as many areas below the position as the walker (the workers in step). Kept only for sampled runs of the
// mirror designs; the kernel keeps no owner (an observer's record, no cost). Millions of areas come and go without
// a walk (the sampler's fast-forwards), so an update is a few array writes: per owner a Fenwick tree of counts per
// 64-page bucket, and the vpn → owner map for the partial bucket and for a removal's owner.

/** Owner slots per page of the owner map. */
const PAGE = 1 << 16;
const MASK = PAGE - 1;
/** Pages per counted bucket (log2). */
const BUCKET = 6;

export class VmlistOwners {
  /** vpn → owner + 1 (0: none), in pages allocated as the vpns in use reach them. */
  private readonly pages = new Map<number, Int16Array>();
  /** The page last looked up (a set-up's areas come one after another). */
  private lastKey = -1;
  private last: Int16Array | undefined;
  /** Per owner, a Fenwick tree over buckets `lo`, `lo` + 1, …: areas per bucket. */
  private readonly trees: Int32Array[];
  private lo = 0;
  private size = 0;

  constructor(private readonly cpus: number) {
    this.trees = Array.from({ length: cpus }, () => new Int32Array(0));
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
    if (owner < 0 || owner >= this.cpus || this.size === 0) return 0;
    const b = Math.floor(vpn / (1 << BUCKET)) - this.lo;
    if (b <= 0) return b < 0 ? 0 : this.inBucket(owner, vpn);
    const t = this.trees[owner];
    let n = 0;
    for (let i = Math.min(b, this.size); i > 0; i -= i & -i) n += t[i - 1];
    return n + (b < this.size ? this.inBucket(owner, vpn) : 0);
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
    const k = Math.floor(vpn / (1 << BUCKET));
    if (this.size === 0 || k < this.lo || k >= this.lo + this.size) this.cover(k);
    const t = this.trees[owner];
    for (let i = k - this.lo + 1; i <= this.size; i += i & -i) t[i - 1] += d;
  }

  /** Trees that reach bucket `k`: the span widened (doubled) as needed, each tree rebuilt from its counts. */
  private cover(k: number): void {
    const lo = this.size === 0 ? k : Math.min(this.lo, k);
    const hi = this.size === 0 ? k + 1 : Math.max(this.lo + this.size, k + 1);
    let size = Math.max(1024, this.size);
    while (size < hi - lo) size *= 2;
    for (let o = 0; o < this.cpus; o++) {
      const counts = new Int32Array(size);
      const old = this.trees[o];
      // Fenwick → counts (undoing the build below, top down), moved to the new span; then counts → Fenwick.
      for (let i = this.size; i >= 1; i--) {
        const up = i + (i & -i);
        if (up <= this.size) old[up - 1] -= old[i - 1];
      }
      if (this.size > 0) counts.set(old, this.lo - lo);
      for (let i = 1; i <= size; i++) {
        const up = i + (i & -i);
        if (up <= size) counts[up - 1] += counts[i - 1];
      }
      this.trees[o] = counts;
    }
    this.lo = lo;
    this.size = size;
  }
}
