// readmem(VADDR) as makedumpfile does it: the request is split at page boundaries and each piece is translated
// (vaddr_to_paddr: every table entry a readmem(PADDR, 8) through the cache) and then looked up itself.
// Shortcut (exact): once a page's walk and data have been looked up, the next page with the same tables whose
// frame lies in the same cache entry repeats the same hits on the same entries, which leaves the LRU as it was:
// such pages are skipped without work.
import type { DumpFile } from './file.js';
import type { KernelView, MdfVersion, Translation } from './types.js';

export class Readmem {
  /** Pieces translated and pages delivered (for the user-time model). */
  translations = 0;
  pieces = 0;
  tableLookups = 0;

  constructor(
    private readonly file: DumpFile,
    private readonly kernel: KernelView,
    private readonly version: MdfVersion,
    private readonly pageBytes: number,
  ) {}

  /** readmem(VADDR) of bytes [off, off + bytes) of the mem_map at `base`, by the kernel's fast path if any. */
  memMap(base: bigint, off: number, bytes: number): boolean {
    const fast = this.kernel.translateMemMap;
    if (!fast || base !== this.kernel.memMap[0].vaddr) return this.vaddr(base + BigInt(off), bytes);
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

  /** Looks up up to `left0` pages of translation t (within its span); returns how many were done. */
  private span(t: Translation, left0: number): number {
    let left = left0;
    let k = 0;
    while (k < t.span && left > 0) {
      const pfn = t.pfn + k;
      // A table entry that starts after pfn but before the data entry's end would be found first for a
      // later page (the search runs from the most recent entry): the shortcut stops there.
      let guard = Number.POSITIVE_INFINITY;
      for (const tp of t.tables) {
        this.file.page(tp);
        if (this.file.lastStart > pfn) guard = Math.min(guard, this.file.lastStart);
      }
      const entryEnd = Math.min(this.file.page(pfn), guard);
      // Pages up to the entry's end (within the span) repeat the same hits: no state change.
      const same = Math.max(1, Math.min(t.span - k, entryEnd - pfn, left));
      this.pieces += same;
      this.translations += same;
      this.tableLookups += same * t.tables.length;
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
