// How makedumpfile reaches the vmcore file, counting the system calls it makes:
// - 'read': readmem's cache of 8 pages (LRU); a miss is one lseek + one page-sized read() (observed 1.7.2).
// - 'window': 1.5.7's mmap mode — one MAP_REGION window outside any cache, remapped whenever an access misses
//   it (munmap of the old, mmap of the new).
// - 'lru': 1.5.8+ — windows are entries of the 8-entry LRU cache, unmapped only on eviction.
// A window starts at the page that missed and is cut at the end of its PT_LOAD. Accesses come as runs of
// consecutive pages inside one PT_LOAD, so the work is per window or per miss, never per page.

export type AccessKind = 'read' | 'window' | 'lru';

export interface FileCounts {
  mmap: number;
  munmap: number;
  read: number;
  lseek: number;
  /** Pages mapped by all mmaps (remap_pfn_range) and unmapped by all munmaps (unmap_single_vma). */
  mmapPages: number;
  munmapPages: number;
}

export function emptyFileCounts(): FileCounts {
  return { mmap: 0, munmap: 0, read: 0, lseek: 0, mmapPages: 0, munmapPages: 0 };
}

export class VmcoreAccess {
  readonly c: FileCounts = emptyFileCounts();
  // Cache entries: [start, end) in pfns, last-use stamp. A page entry is one pfn; a window up to windowPages.
  private readonly start: Float64Array;
  private readonly end: Float64Array;
  private readonly used: Float64Array;
  private n = 0;
  private clock = 0;

  constructor(
    readonly kind: AccessKind,
    readonly entries: number,
    readonly windowPages: number,
  ) {
    const size = kind === 'window' ? 1 : entries;
    this.start = new Float64Array(size);
    this.end = new Float64Array(size);
    this.used = new Float64Array(size);
  }

  /** Accesses pages [pfn, pfn + pages) in order; all lie in the PT_LOAD that ends at loadEnd. */
  access(pfn: number, pages: number, loadEnd: number): void {
    if (this.kind === 'read') this.readPages(pfn, pages);
    else this.mapPages(pfn, pfn + pages, loadEnd);
  }

  /**
   * Reads [pfn, pfn + pages) of the mem_map, each page after a page-table walk through the `pinned` table pages
   * at [pinFrom, pinFrom + pinPages) (vaddr_to_paddr per page, as readmem translates page by page).
   */
  accessTranslated(
    pfn: number,
    pages: number,
    loadEnd: number,
    pinFrom: number,
    pinPages: number,
    pinEnd: number,
  ): void {
    if (pages <= 0) return;
    if (this.kind === 'window') {
      // One window outside any cache: each page's walk and the page itself fight over it.
      for (let q = pfn; q < pfn + pages; q++) {
        this.mapPages(pinFrom, pinFrom + pinPages, pinEnd);
        this.mapPages(q, q + 1, loadEnd);
      }
      return;
    }
    if (this.kind === 'lru') {
      // Window by window: the walk's table pages, then as many mem_map pages as the window holds.
      let p = pfn;
      const to = pfn + pages;
      while (p < to) {
        this.mapPages(pinFrom, pinFrom + pinPages, pinEnd);
        this.mapPages(p, p + 1, loadEnd);
        const i = this.find(p);
        p = Math.min(to, this.end[i]);
      }
      return;
    }
    // 'read': page by page (the table pages stay cached; the mem_map pages mostly miss).
    for (let q = pfn; q < pfn + pages; q++) {
      this.readPages(pinFrom, pinPages);
      this.readPages(q, 1);
    }
  }

  /** Header and note reads: plain lseek + read() of the file, outside the cache. */
  fileReads(n: number, lseeks = n): void {
    this.c.read += n;
    this.c.lseek += lseeks;
  }

  /** The most recently used entry holding pfn (cache.c searches from the most recent), or −1. */
  private find(pfn: number): number {
    let best = -1;
    for (let i = 0; i < this.n; i++) {
      if (pfn >= this.start[i] && pfn < this.end[i] && (best < 0 || this.used[i] > this.used[best])) best = i;
    }
    return best;
  }

  private victim(): number {
    if (this.n < this.start.length) return this.n++;
    let v = 0;
    for (let i = 1; i < this.n; i++) if (this.used[i] < this.used[v]) v = i;
    return v;
  }

  private mapPages(from: number, to: number, loadEnd: number): void {
    const c = this.c;
    let p = from;
    while (p < to) {
      let i = this.find(p);
      if (i < 0) {
        const full = this.n === this.start.length;
        i = this.victim();
        if (full) {
          c.munmap++;
          c.munmapPages += this.end[i] - this.start[i];
        }
        const wEnd = Math.min(p + this.windowPages, loadEnd);
        this.start[i] = p;
        this.end[i] = wEnd;
        c.mmap++;
        c.mmapPages += wEnd - p;
      }
      this.used[i] = ++this.clock;
      p = Math.min(to, this.end[i]);
    }
  }

  private readPages(from: number, to0: number): void {
    const to = from + to0;
    const c = this.c;
    let p = from;
    while (p < to) {
      // Next cached page in [p, to), if any: everything before it misses.
      let next = to;
      let hit = -1;
      for (let i = 0; i < this.n; i++) {
        const s = this.start[i];
        if (s >= p && s < next) {
          next = s;
          hit = i;
        }
      }
      const miss = next - p;
      if (miss > 0) {
        c.read += miss;
        c.lseek += miss;
        // The last min(miss, entries) missed pages replace the least recently used entries.
        const keep = Math.min(miss, this.start.length);
        for (let q = next - keep; q < next; q++) {
          const v = this.victim();
          this.start[v] = q;
          this.end[v] = q + 1;
          this.used[v] = ++this.clock;
        }
        // A cached page ahead may have been evicted by these misses.
        if (hit >= 0 && this.start[hit] !== next) hit = this.find(next);
      }
      if (next >= to) break;
      if (hit >= 0) {
        this.used[hit] = ++this.clock;
        p = next + 1;
      } else p = next; // evicted: it misses on the next round
    }
  }
}
