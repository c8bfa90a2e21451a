// The kernel page table the TLBs cache: virtual page number → page frame number, stored the way the kernel stores
// it — in page-table pages of 512 slots (x86_64's PTRS_PER_PTE) — each slot a frame in a Float64Array, NaN where
// none is mapped (pte_none: one array, so a lookup costs one cache line, not two), so millions of map/unmap calls cost typed-array writes, not Map inserts and deletes of one key
// each. A page-table page that empties leaves the table and waits for reuse, so memory follows the most ever mapped.
// Pages are found by index from the first one mapped (an Int32Array of page ids: kernel mappings cluster), others
// in a Map.

/** Slots per page-table page (a power of two). */
const SLOTS = 512;
/** Page-table pages indexed directly from the first one mapped: 64 Ki × 512 slots = 128 GiB of 4 KiB pages. */
const DIR_MAX = 1 << 16;
/**
 * Pages allocated together, at most: one ArrayBuffer of 64 pages (256 KiB), handed out one page at a time. test_vmalloc on
 * 64 CPUs keeps ~28,000 pages mapped at its peak (1.2 M pages of vmalloc space on 16 CPUs) and empties and refills
 * them ~10⁵ times; a buffer per page cost an allocation, a NaN fill and GC work for each.
 */
const SLAB = 64;

function checkPfn(pfn: number): void {
  if (Number.isNaN(pfn)) throw new RangeError(`pfn must be a number, got ${pfn}`);
}

/**
 * The kernel page table (`machine.tlb.pte`): integer virtual page number → frame. A drop-in for the
 * `Map<number, number>` it replaces (`get`, `has`, `set`, `delete`, `size`, `clear`), plus range forms for the
 * bulk paths (`setRange`, `clearRange`). Typed arrays paged by address: memory grows with the pages mapped, not
 * with the number of map and unmap calls.
 * @example
 * ```ts
 * const pte = new PteTable();
 * pte.setRange(0x1000, 42, 4); // vpn 0x1000..0x1003 → pfn 42..45
 * pte.get(0x1002); // 44
 * pte.clearRange(0x1000, 4);
 * pte.size; // 0
 * ```
 */
export class PteTable {
  /**
   * Page-table pages by index from `base` (the first page mapped): kernel mappings cluster (vmalloc allocates
   * lowest-first), so an array index finds them; a page outside [base, base + DIR_MAX) lives in `far`. Each entry
   * is a page id + 1 (0: none), and a page's slots are found from its id through Int32Arrays and the slab list:
   * a lookup's chain of loads is a few small hot arrays and the slot itself, not an object and a view per page.
   */
  private dir: Int32Array<ArrayBuffer> = new Int32Array(0);
  private dirLen = 0;
  private base = Number.NaN;
  private readonly far = new Map<number, number>();
  /** Per page id: its slab, its offset in the slab, and its present slots. */
  private slabOf: Int32Array<ArrayBuffer> = new Int32Array(16);
  private offOf: Int32Array<ArrayBuffer> = new Int32Array(16);
  private countOf: Int32Array<ArrayBuffer> = new Int32Array(16);
  private pages = 0;
  /** The slabs pages are cut from: frame of each slot, NaN where the slot maps none. */
  private readonly slabs: Float64Array[] = [];
  /**
   * Emptied pages (every slot NaN again) waiting for reuse: all of them, so the table never holds more pages than
   * at its fullest (pages of a slab cannot be freed one by one anyway).
   */
  private readonly spares: number[] = [];
  /** The size in pages of the current slab and how many of its pages are handed out. */
  private slabPages = 0;
  private slabUsed = 0;
  private n = 0;

  /** Mapped virtual pages. */
  get size(): number {
    return this.n;
  }

  /** The id of page-table page `key`, or −1. */
  private page(key: number): number {
    const i = key - this.base;
    if (i >= 0 && i < this.dirLen) return this.dir[i] - 1;
    if (this.far.size === 0) return -1;
    return this.far.get(key) ?? -1;
  }

  private pageFor(key: number): number {
    const p = this.page(key);
    if (p >= 0) return p;
    const q = this.spares.pop() ?? this.emptyPage();
    if (Number.isNaN(this.base)) this.base = key;
    const i = key - this.base;
    if (i >= 0 && i < DIR_MAX) {
      if (i >= this.dir.length) this.dir = grow(this.dir, Math.min(DIR_MAX, Math.max(64, 2 * i)));
      if (i >= this.dirLen) this.dirLen = i + 1;
      this.dir[i] = q + 1;
    } else this.far.set(key, q);
    return q;
  }

  /**
   * A page-table page with no slot present, cut from the current slab. A used-up slab is followed by one twice its
   * size, up to SLAB pages: a small table (a test's machine) allocates what it maps, not 256 KiB.
   */
  private emptyPage(): number {
    if (this.slabUsed === this.slabPages) {
      this.slabPages = Math.min(SLAB, Math.max(1, 2 * this.slabPages));
      this.slabs.push(new Float64Array(this.slabPages * SLOTS).fill(Number.NaN));
      this.slabUsed = 0;
    }
    const id = this.pages++;
    if (id === this.slabOf.length) {
      this.slabOf = grow(this.slabOf, 2 * id);
      this.offOf = grow(this.offOf, 2 * id);
      this.countOf = grow(this.countOf, 2 * id);
    }
    this.slabOf[id] = this.slabs.length - 1;
    this.offOf[id] = this.slabUsed++ * SLOTS;
    this.countOf[id] = 0;
    return id;
  }

  /** An emptied page leaves the table and becomes a spare. */
  private drop(key: number, p: number): void {
    const i = key - this.base;
    if (i >= 0 && i < this.dirLen) this.dir[i] = 0;
    else this.far.delete(key);
    this.spares.push(p);
  }

  /** The frame `vpn` maps, or undefined if unmapped. */
  get(vpn: number): number | undefined {
    const key = Math.floor(vpn / SLOTS);
    const p = this.page(key);
    if (p < 0) return undefined;
    const f: number | undefined = this.slabs[this.slabOf[p]][this.offOf[p] + vpn - key * SLOTS]; // undefined at a non-integer index
    return f === undefined || Number.isNaN(f) ? undefined : f; // NaN: not present
  }

  /** True if `vpn` maps a frame. */
  has(vpn: number): boolean {
    const key = Math.floor(vpn / SLOTS);
    const p = this.page(key);
    if (p < 0) return false;
    const f: number | undefined = this.slabs[this.slabOf[p]][this.offOf[p] + vpn - key * SLOTS]; // undefined at a non-integer index
    return f !== undefined && !Number.isNaN(f);
  }

  /** Maps `vpn` to `pfn` (set_pte). Throws RangeError for a `vpn` that is not a safe integer or a NaN `pfn`. */
  set(vpn: number, pfn: number): this {
    if (!Number.isSafeInteger(vpn)) throw new RangeError(`vpn must be a safe integer, got ${vpn}`);
    checkPfn(pfn);
    const key = Math.floor(vpn / SLOTS);
    const p = this.pageFor(key);
    const frames = this.slabs[this.slabOf[p]];
    const i = this.offOf[p] + vpn - key * SLOTS;
    if (Number.isNaN(frames[i])) {
      this.countOf[p]++;
      this.n++;
    }
    frames[i] = pfn;
    return this;
  }

  /** Unmaps `vpn` (pte_clear). Returns true if it was mapped. */
  delete(vpn: number): boolean {
    const key = Math.floor(vpn / SLOTS);
    const p = this.page(key);
    if (p < 0) return false;
    const frames = this.slabs[this.slabOf[p]];
    const i = this.offOf[p] + vpn - key * SLOTS;
    const f: number | undefined = frames[i]; // undefined at a non-integer index
    if (f === undefined || Number.isNaN(f)) return false;
    frames[i] = Number.NaN;
    this.n--;
    if (--this.countOf[p] === 0) this.drop(key, p);
    return true;
  }

  /** Maps `pages` pages from `vpn` to consecutive frames from `pfn` (vmap_pte_range). */
  setRange(vpn: number, pfn: number, pages: number): void {
    if (pages <= 0) return;
    if (!Number.isSafeInteger(vpn) || vpn + pages > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`vpn range must be safe integers, got ${vpn} + ${pages}`);
    }
    checkPfn(pfn);
    let v = vpn;
    const end = vpn + pages;
    while (v < end) {
      const key = Math.floor(v / SLOTS);
      const p = this.pageFor(key);
      const base = key * SLOTS;
      const frames = this.slabs[this.slabOf[p]];
      const off = this.offOf[p] - base;
      const stop = Math.min(end, base + SLOTS) + off;
      let added = 0;
      for (let i = v + off, f = pfn + (v - vpn); i < stop; i++, f++) {
        if (Number.isNaN(frames[i])) added++;
        frames[i] = f;
      }
      this.countOf[p] += added;
      this.n += added;
      v = stop - off;
    }
  }

  /** Unmaps `pages` pages from `vpn` (vunmap_pte_range); pages not mapped are skipped. */
  clearRange(vpn: number, pages: number): void {
    if (pages <= 0 || !Number.isSafeInteger(vpn)) return; // a non-integer vpn is never mapped
    let v = vpn;
    const end = vpn + pages;
    while (v < end) {
      const key = Math.floor(v / SLOTS);
      const base = key * SLOTS;
      const next = Math.min(end, base + SLOTS);
      const p = this.page(key);
      if (p >= 0) {
        const frames = this.slabs[this.slabOf[p]];
        const off = this.offOf[p] - base;
        let removed = 0;
        for (let i = v + off, stop = next + off; i < stop; i++) {
          if (!Number.isNaN(frames[i])) {
            removed++;
            frames[i] = Number.NaN;
          }
        }
        this.n -= removed;
        if ((this.countOf[p] -= removed) === 0) this.drop(key, p);
      }
      v = next;
    }
  }

  /** Unmaps everything. */
  clear(): void {
    this.dir.fill(0, 0, this.dirLen);
    this.dirLen = 0;
    this.base = Number.NaN;
    this.far.clear();
    this.n = 0;
  }
}

function grow(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
