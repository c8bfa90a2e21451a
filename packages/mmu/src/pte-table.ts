// The kernel page table the TLBs cache: virtual page number → page frame number, stored the way the kernel stores
// it — in page-table pages of 512 slots (x86_64's PTRS_PER_PTE) — each slot a 32-bit word in a Uint32Array: pfn + 1,
// 0 where none is mapped (pte_none). One array, so a lookup costs one cache line, not two; 4 bytes a slot, not 8, so
// a map or unmap touches half the lines (the first touch of a new area's slot was 8 % of a 64-CPU 6.9 run with
// 7.3 M areas live). A frame that does not fit (above 2^32 − 3, negative or fractional: no arch or memory size here
// gives one, but the API takes any number) is kept exactly in a side Map, its slot marked BIG. Millions of map/unmap
// calls cost typed-array writes, not Map inserts and deletes of one key each. A page-table page that empties leaves
// the table and waits for reuse, so memory follows the most ever mapped.
// Pages are found by index from the first one mapped (an Int32Array of page ids: kernel mappings cluster), others
// in a Map.

/** Slots per page-table page (a power of two). */
const SLOTS = 512;
/**
 * Page-table pages indexed directly from the first one mapped: 2 Mi × 512 slots = 4 TiB of 4 KiB pages, the index
 * at most 8 MiB and grown to twice the farthest page mapped. It was 128 GiB: test_vmalloc on 64 CPUs (6.9, full_fit's
 * 7.3 M areas over per-node pools) maps ~512 GiB above the first page, and a quarter of its page-table pages then
 * went through the `far` Map (its set, get and delete 2.7 % of the run).
 */
const DIR_MAX = 1 << 21;
/**
 * Pages allocated together, at most: one ArrayBuffer of 64 pages (128 KiB), handed out one page at a time. test_vmalloc on
 * 64 CPUs keeps ~28,000 pages mapped at its peak (1.2 M pages of vmalloc space on 16 CPUs) and empties and refills
 * them ~10⁵ times; a buffer per page cost an allocation and GC work for each.
 */
const SLAB = 64;
/** A slot whose frame is in the `big` Map. */
const BIG = 0xffffffff;
/** The largest frame a slot holds as pfn + 1 (BIG − 1 is the largest value below the marker). */
const SMALL_MAX = BIG - 2;

function checkPfn(pfn: number): void {
  if (Number.isNaN(pfn)) throw new RangeError(`pfn must be a number, got ${pfn}`);
}

/** True if frames pfn … pfn + pages − 1 all fit a slot as pfn + 1 (integers in [0, SMALL_MAX]; −0 does not). */
function fits(pfn: number, pages: number): boolean {
  return Number.isInteger(pfn) && pfn >= 0 && pfn + pages - 1 <= SMALL_MAX && !Object.is(pfn, -0);
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
  /** The slabs pages are cut from: pfn + 1 of each slot, 0 where the slot maps none, BIG: see `big`. */
  private readonly slabs: Uint32Array[] = [];
  /** The frames of BIG slots, by vpn. */
  private readonly big = new Map<number, number>();
  /**
   * Emptied pages (every slot 0 again) waiting for reuse: all of them, so the table never holds more pages than
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
      this.slabs.push(new Uint32Array(this.slabPages * SLOTS));
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
    if (f === undefined || f === 0) return undefined; // 0: not present
    return f === BIG ? this.big.get(vpn) : f - 1;
  }

  /** True if `vpn` maps a frame. */
  has(vpn: number): boolean {
    const key = Math.floor(vpn / SLOTS);
    const p = this.page(key);
    if (p < 0) return false;
    const f: number | undefined = this.slabs[this.slabOf[p]][this.offOf[p] + vpn - key * SLOTS]; // undefined at a non-integer index
    return f !== undefined && f !== 0;
  }

  /** Maps `vpn` to `pfn` (set_pte). Throws RangeError for a `vpn` that is not a safe integer or a NaN `pfn`. */
  set(vpn: number, pfn: number): this {
    if (!Number.isSafeInteger(vpn)) throw new RangeError(`vpn must be a safe integer, got ${vpn}`);
    checkPfn(pfn);
    const key = Math.floor(vpn / SLOTS);
    const p = this.pageFor(key);
    const frames = this.slabs[this.slabOf[p]];
    const i = this.offOf[p] + vpn - key * SLOTS;
    const old = frames[i];
    if (old === 0) {
      this.countOf[p]++;
      this.n++;
    }
    if (fits(pfn, 1)) {
      if (old === BIG) this.big.delete(vpn);
      frames[i] = pfn + 1;
    } else {
      this.big.set(vpn, pfn);
      frames[i] = BIG;
    }
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
    if (f === undefined || f === 0) return false;
    if (f === BIG) this.big.delete(vpn);
    frames[i] = 0;
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
    // The plain loop while no frame needs the side Map and no slot is BIG (else the slot's entry must leave it).
    const plain = this.big.size === 0 && fits(pfn, pages);
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
      if (plain) {
        for (let i = v + off, f = pfn + 1 + (v - vpn); i < stop; i++, f++) {
          if (frames[i] === 0) added++;
          frames[i] = f;
        }
      } else added = this.setSlots(frames, v + off, stop, off, pfn + (v - vpn));
      this.countOf[p] += added;
      this.n += added;
      v = stop - off;
    }
  }

  /** setRange's slots [i, stop) of one page from frame `f` on (f++ per slot, as the plain loop), any frame. */
  private setSlots(frames: Uint32Array, i: number, stop: number, off: number, f: number): number {
    let added = 0;
    for (; i < stop; i++, f++) {
      const old = frames[i];
      if (old === 0) added++;
      if (fits(f, 1)) {
        if (old === BIG) this.big.delete(i - off);
        frames[i] = f + 1;
      } else {
        this.big.set(i - off, f);
        frames[i] = BIG;
      }
    }
    return added;
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
          const f = frames[i];
          if (f !== 0) {
            removed++;
            if (f === BIG) this.big.delete(i - off);
            frames[i] = 0;
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
    this.big.clear();
    this.n = 0;
  }
}

function grow(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
