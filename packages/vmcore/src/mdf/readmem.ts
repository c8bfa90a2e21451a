// readmem(VADDR) as makedumpfile does it: the request is split at page boundaries and each piece is translated
// (vaddr_to_paddr: every table entry a readmem(PADDR, 8) through the cache) and then looked up itself.
// Shortcut (exact): once a page's walk and data have been looked up, the cache is at a fixed point for that
// sequence of lookups (move-to-front of hits is idempotent): the next page with the same tables whose frame lies in
// the same cache entry repeats the same hits on the same entries and leaves the LRU as it was, so it is skipped
// without work. The fixed point is remembered across calls while the cache sees no other lookup (DumpFile.accesses),
// which makes a strided series of reads inside one window (the mem_map walk over long free stretches) O(1).
import type { DumpFile } from './file.js';
import type { KernelView, MdfVersion, Translation } from './types.js';

function sameTables(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Offsets from memMapBase that stay exact as doubles. */
const MAX_FAST_OFFSET = 2n ** 52n;

export class Readmem {
  /** Pieces translated and pages delivered (for the user-time model). */
  translations = 0;
  pieces = 0;
  tableLookups = 0;
  // The fixed point: valid while file.accesses === memoAt, for frames [memoLo, memoHi) under memoTables.
  private memoAt = -1;
  private memoTables: readonly number[] = [];
  private memoLo = 0;
  private memoHi = 0;

  /** `callByCall`: every page looked up (the reference); otherwise the fixed-point shortcut above. */
  constructor(
    private readonly file: DumpFile,
    private readonly kernel: KernelView,
    private readonly version: MdfVersion,
    private readonly pageBytes: number,
    private readonly callByCall = false,
  ) {}

  // fastBase's last answer: the walk asks for the same region's base once per chunk (BigInt work each time).
  private baseAsked: bigint | undefined;
  private baseRel: number | undefined;

  /** Offset of `base` from the kernel's memMapBase, if the fast translation applies there. */
  private fastBase(base: bigint): number | undefined {
    if (base === this.baseAsked) return this.baseRel;
    this.baseAsked = base;
    this.baseRel = undefined;
    if (this.callByCall || !this.kernel.translateMemMap) return undefined;
    const mb = this.kernel.memMapBase ?? this.kernel.memMap[0]?.vaddr;
    if (mb === undefined || base < mb || base - mb > MAX_FAST_OFFSET) return undefined;
    this.baseRel = Number(base - mb);
    return this.baseRel;
  }

  /** readmem(VADDR) of bytes [off, off + bytes) of the mem_map at `base`, by the kernel's fast path if any. */
  memMap(base: bigint, off0: number, bytes: number): boolean {
    const fast = this.kernel.translateMemMap;
    const rel = this.fastBase(base);
    if (!fast || rel === undefined) return this.vaddr(base + BigInt(off0), bytes);
    const off = rel + off0;
    const P = this.pageBytes;
    let v = off - (off % P);
    const end = off + bytes;
    while (v < end) {
      const t = fast.call(this.kernel, v, this.version);
      if (!t) return false;
      v += this.span(t, Math.ceil((end - v) / P)) * P;
    }
    return true;
  }

  /**
   * `count` reads of `bytes` each at mem_map offsets off0, off0 + stride, … (the walk over a stretch of free
   * blocks larger than PGMM_CACHED: one chunk per block head). Reads that fall wholly inside the remembered fixed
   * point are counted without lookups; the others are done one by one.
   */
  memMapStrided(base: bigint, off0: number, bytes: number, stride: number, count: number): void {
    const fast = this.kernel.translateMemMap;
    const P = this.pageBytes;
    const rel = this.fastBase(base);
    if (!fast || rel === undefined || (rel + off0) % P !== 0 || stride % P !== 0) {
      for (let i = 0; i < count; i++) this.memMap(base, off0 + i * stride, bytes);
      return;
    }
    const per = Math.ceil(bytes / P);
    const step = stride / P;
    let i = 0;
    while (i < count) {
      const off = off0 + i * stride;
      const t = fast.call(this.kernel, rel + off, this.version);
      if (t && this.holds(t, t.pfn)) {
        // Reads j = i … i + k − 1 lie in [t.pfn, t.pfn + limit): same tables, same cache entry.
        const limit = Math.min(t.span, this.memoHi - t.pfn);
        const k = Math.min(count - i, Math.floor((limit - per) / step) + 1);
        if (k >= 1) {
          this.count(k * per, t.tables.length);
          i += k;
          continue;
        }
      }
      this.memMap(base, off, bytes);
      i++;
    }
  }

  private holds(t: Translation, pfn: number): boolean {
    return (
      this.memoAt === this.file.accesses &&
      pfn >= this.memoLo &&
      pfn < this.memoHi &&
      sameTables(t.tables, this.memoTables)
    );
  }

  private count(pages: number, tables: number): void {
    this.pieces += pages;
    this.translations += pages;
    this.tableLookups += pages * tables;
  }

  /** Looks up up to `left0` pages of translation t (within its span); returns how many were done. */
  private span(t: Translation, left0: number): number {
    let left = left0;
    let k = 0;
    while (k < t.span && left > 0) {
      const pfn = t.pfn + k;
      if (!this.callByCall && this.holds(t, pfn)) {
        const same = Math.min(t.span - k, this.memoHi - pfn, left);
        this.count(same, t.tables.length);
        k += same;
        left -= same;
        continue;
      }
      // A table entry that starts after pfn but before the data entry's end would be found first for a
      // later page (the search runs from the most recent entry): the shortcut stops there.
      let guard = Number.POSITIVE_INFINITY;
      for (const tp of t.tables) {
        this.file.page(tp);
        if (this.file.lastStart > pfn) guard = Math.min(guard, this.file.lastStart);
      }
      const entryEnd = Math.min(this.file.page(pfn), guard);
      this.memoAt = this.file.accesses;
      this.memoTables = t.tables;
      this.memoLo = pfn;
      this.memoHi = entryEnd;
      // Pages up to the entry's end (within the span) repeat the same hits: no state change.
      const same = this.callByCall ? 1 : Math.max(1, Math.min(t.span - k, entryEnd - pfn, left));
      this.count(same, t.tables.length);
      k += same;
      left -= same;
    }
    return k;
  }

  /** readmem(VADDR, vaddr, bytes). Returns false if an address does not translate (makedumpfile errors). */
  vaddr(vaddr: bigint, bytes: number): boolean {
    const P = BigInt(this.pageBytes);
    let v = vaddr - (vaddr % P);
    const end = vaddr + BigInt(bytes);
    while (v < end) {
      const t = this.kernel.translate(v, this.version);
      if (!t) return false;
      const k = this.span(t, Number((end - v + P - 1n) / P));
      v += BigInt(k) * P;
    }
    return true;
  }
}
