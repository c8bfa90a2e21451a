// A process's memory as extents of present pages (VMAs with holes between them): no object per page.
// Each extent's pages live in consecutive frames of a highmem frame range, so every page has a distinct pfn.
/** A run of present pages of a process (a VMA, or the part of one between holes). */
export interface Extent {
  /** First user virtual page number. */
  vpn: number;
  /** Pages in the extent. */
  pages: number;
}

/** A run of consecutive user pages in consecutive frames, as the checkpoint workload dumps them. */
export interface PageRun {
  /** First user virtual page number. */
  vpn: number;
  /** Frame of the first page; the run's frames are consecutive. */
  pfn: number;
  /** Pages in the run. */
  pages: number;
}

/** First frame of the dumped process's pages: above the ~896 MB lowmem boundary (pfn 0x38000). */
export const USER_PFN_BASE = 0x40000;

/**
 * A process's memory as extents of present pages with holes between them (no object per page); every page has a
 * distinct highmem frame.
 */
export class AddressSpace {
  /** The present ranges of pages, ascending, as given. */
  readonly extents: readonly Extent[];
  /** Present pages in all extents (what the checkpoint dumps). */
  readonly pages: number;

  constructor(extents: readonly Extent[]) {
    const sorted = [...extents].sort((a, b) => a.vpn - b.vpn);
    let pages = 0;
    for (let i = 0; i < sorted.length; i++) {
      const e = sorted[i];
      if (!Number.isSafeInteger(e.vpn) || e.vpn < 0 || !Number.isSafeInteger(e.pages) || e.pages <= 0) {
        throw new RangeError(`extent ${i}: vpn ${e.vpn}, pages ${e.pages}: expected integers, pages > 0`);
      }
      if (i > 0 && sorted[i - 1].vpn + sorted[i - 1].pages > e.vpn) {
        throw new RangeError(`extents overlap at vpn ${e.vpn}`);
      }
      pages += e.pages;
    }
    this.extents = sorted;
    this.pages = pages;
  }

  /** One extent of `bytes` (rounded up to whole pages) from a typical i386 heap start (0x08048000). */
  static contiguous(bytes: number, pageBytes = 4096): AddressSpace {
    return new AddressSpace([{ vpn: 0x08048, pages: Math.max(1, Math.ceil(bytes / pageBytes)) }]);
  }

  /** The present pages in runs of at most `chunk` pages, in address order, each page exactly once. */
  *runs(chunk: number): Generator<PageRun, void, void> {
    let pfn = USER_PFN_BASE;
    for (const e of this.extents) {
      for (let off = 0; off < e.pages; off += chunk) {
        const pages = Math.min(chunk, e.pages - off);
        yield { vpn: e.vpn + off, pfn: pfn + off, pages };
      }
      pfn += e.pages;
    }
  }
}
