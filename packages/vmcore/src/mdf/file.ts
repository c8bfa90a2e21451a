// How makedumpfile reaches /proc/vmcore, per version, counting every system call it makes on the file:
// readmem()'s 8-entry cache (cache.c) and the read layer under it (readpage_elf / read_from_vmcore /
// mappage_elf / update_mmap_range). Source: shared/reference/sources-vmcore.md §2, read from makedumpfile
// 7ed803c (1.5.7), 1eb3c62 (1.5.8) and 9fefc68 (1.7.2). Pages are physical frame numbers; a PT_LOAD is page
// aligned in the file (/proc/vmcore since 3.11), anything else takes the read() path (page_is_fractional).
import type { LoadSeg, MdfVersion } from './types.js';

/** CACHE_SIZE in cache.h: 8 entries in every version. */
export const CACHE_ENTRIES = 8;
/** MAP_REGION in makedumpfile.h: 4 MiB. */
export const MAP_REGION_BYTES = 4 * 2 ** 20;

/** The system calls makedumpfile makes on /proc/vmcore, counted. */
export interface FileCalls {
  /** read calls. */
  read: number;
  /** lseek calls. */
  lseek: number;
  /** mmap calls (a failed first try included). */
  mmap: number;
  /** munmap calls that unmapped a live mapping of the file (what strace attributes to it). */
  munmap: number;
  /** Every munmap call, including 1.5.7's munmap(MAP_FAILED, 0) and repeated discards (perf stat counts them). */
  munmapCalls: number;
  /** Pages mapped by all mmap calls together. */
  mmapPages: number;
  /** Pages unmapped by the live munmaps together. */
  munmapPages: number;
  /** munmap calls of a live mapping by its size in pages (the kernel's TLB flush depends on the size). */
  munmapSizes: Record<number, number>;
  /** Bytes read with read() (header, notes, pages). */
  readBytes: number;
}

export function emptyCalls(): FileCalls {
  return {
    read: 0,
    lseek: 0,
    mmap: 0,
    munmap: 0,
    munmapCalls: 0,
    mmapPages: 0,
    munmapPages: 0,
    munmapSizes: {},
    readBytes: 0,
  };
}

interface Mapping {
  startPfn: number;
  endPfn: number;
  /** The PT_LOAD it maps (pfns of overlapping PT_LOADs are at other file offsets). */
  li: number;
  live: boolean;
}

/**
 * makedumpfile's access to /proc/vmcore for one version: readmem's page cache over mmap windows (MAP_REGION) or
 * read(), counting every call it makes on the file.
 */
export class DumpFile {
  /** The calls made so far. */
  readonly c: FileCalls = emptyCalls();
  /** Optional call trace: "R<bytes>@p<pfn>" / "R<bytes>@o<offset>", "M<pages>@p<pfn>", "U@p<pfn>". */
  trace: string[] | null = null;
  private mmapOn = false;
  // The LRU: entry i covers pfns [start[i], end[i]); order[0] is the most recently used.
  private readonly start = new Float64Array(CACHE_ENTRIES);
  private readonly end = new Float64Array(CACHE_ENTRIES);
  private readonly map: (Mapping | null)[] = new Array(CACHE_ENTRIES).fill(null);
  private readonly order: number[] = [];
  /** info->mmap_*: the latest window (1.5.8+), or the one window (1.5.7). */
  private latest: Mapping | null = null;
  /** Pages per mmap window: MAP_REGION (4 MiB) / page size. */
  readonly windowPages: number;
  /** Every PT_LOAD's file offset is off page alignment (e.g. makedumpfile -E output): nothing can be mapped. */
  private readonly allFractional: boolean;
  /** Bumped by every lookup or state change: a caller's memo of a fixed point holds while it is unchanged. */
  accesses = 0;

  /**
   * `callByCall`: pageRun looks up every page (the reference the shortcuts are tested against); otherwise hits on
   * one entry are skipped to its end and stretches that can only miss into page entries are counted at once.
   */
  constructor(
    readonly version: MdfVersion,
    readonly loads: readonly LoadSeg[],
    readonly pageBytes: number,
    readonly callByCall = false,
  ) {
    this.windowPages = Math.max(1, Math.floor(MAP_REGION_BYTES / pageBytes));
    this.allFractional = loads.every((l) => l.offset % pageBytes !== 0);
  }

  /** mmap mode is on (initialize_mmap mapped its first window). */
  get mmapEnabled(): boolean {
    return this.mmapOn;
  }

  /** paddr_to_offset: the first PT_LOAD (phdr order) holding pfn, or −1 (0 in makedumpfile: "not found"). */
  loadOf(pfn: number): number {
    const L = this.loads;
    for (let i = 0; i < L.length; i++) if (pfn >= L[i].startPfn && pfn < L[i].startPfn + L[i].pages) return i;
    return -1;
  }

  /** A plain lseek + read() outside the cache (headers, notes, -E page data). */
  rawRead(offset: number, bytes: number, lseek = true): void {
    this.c.read++;
    this.c.readBytes += bytes;
    if (lseek) this.c.lseek++;
    this.trace?.push(`R${bytes}@o${offset}`);
  }

  /** -E write_elf_load_segment: one lseek, then read() page by page, outside readmem and its cache. */
  plainRead(startPfn: number, pages: number): void {
    this.c.lseek++;
    this.c.read += pages;
    this.c.readBytes += pages * this.pageBytes;
    if (this.trace)
      for (let x = 0; x < pages; x++) this.trace.push(`${x === 0 ? '' : '+'}R${this.pageBytes}@p${startPfn + x}`);
  }

  /** A page read with lseek + read() (readpage_elf): counted, traced by pfn. */
  private readPage(pfn: number): void {
    this.c.read++;
    this.c.lseek++;
    this.c.readBytes += this.pageBytes;
    this.trace?.push(`R${this.pageBytes}@p${pfn}`);
  }

  /**
   * initialize_mmap(), the last step of initial(). 1.5.8+: one window at PT_LOAD[0]'s file offset, kept in
   * info->mmap_* but not in the cache, never unmapped. 1.5.7: update_mmap_range() at PT_LOAD[0]'s *physical
   * start* used as a file offset — munmap(MAP_FAILED, 0) first, and it fails unless that number is a file offset
   * inside some PT_LOAD (stock 1.5.7 on s390, phys_start 0: always fails; `fixedInitMmap` is commit f822608).
   */
  initializeMmap(fixedInitMmap157 = true, vmcoreMmap = true): void {
    this.accesses++;
    const l0 = this.loads[0];
    if (!l0) return;
    if (!vmcoreMmap) {
      // /proc/vmcore before 3.11 has no .mmap: the call fails (ENODEV) and MMAP_DISABLE holds for the run.
      if (this.version === '1.5.7') this.c.munmapCalls++;
      this.c.mmap++;
      this.trace?.push('M0@fail');
      return;
    }
    if (this.version === '1.5.7') {
      this.c.munmapCalls++; // munmap(info->mmap_buf = MAP_FAILED, 0): EINVAL
      let pfn = l0.startPfn;
      if (!fixedInitMmap157) {
        // The physical start taken as a file offset: which page of which PT_LOAD is there, if any.
        const off = l0.startPfn * this.pageBytes;
        const li = this.loads.findIndex((l) => off >= l.offset && off < l.offset + l.pages * this.pageBytes);
        if (li < 0 || (off - this.loads[li].offset) % this.pageBytes !== 0) return; // mmap fails: read() for good
        pfn = this.loads[li].startPfn + (off - this.loads[li].offset) / this.pageBytes;
      }
      this.mmapOn = true;
      this.newWindow(pfn, this.loadOf(pfn));
      return;
    }
    this.mmapOn = true;
    this.newWindow(l0.startPfn, 0);
  }

  private newWindow(pfn: number, li: number): Mapping {
    const l = this.loads[li];
    const end = Math.min(pfn + this.windowPages, l.startPfn + l.pages);
    const m: Mapping = { startPfn: pfn, endPfn: end, li, live: true };
    this.c.mmap++;
    this.c.mmapPages += end - pfn;
    this.trace?.push(`M${end - pfn}@p${pfn}`);
    this.latest = m;
    return m;
  }

  private unmap(m: Mapping): void {
    this.c.munmapCalls++;
    if (!m.live) return;
    m.live = false;
    this.c.munmap++;
    const pages = m.endPfn - m.startPfn;
    this.c.munmapPages += pages;
    this.c.munmapSizes[pages] = (this.c.munmapSizes[pages] ?? 0) + 1;
    this.trace?.push(`U@p${m.startPfn}`);
  }

  /** cache_search: linear from the most recent entry, range match; a hit moves to the front. */
  private search(pfn: number): number {
    const o = this.order;
    const n = o.length;
    for (let k = 0; k < n; k++) {
      const i = o[k];
      if (pfn >= this.start[i] && pfn < this.end[i]) {
        for (let j = k; j > 0; j--) o[j] = o[j - 1];
        o[0] = i;
        return i;
      }
    }
    return -1;
  }

  /** cache_alloc: a free slot, else the least recently used entry, its window discarded (munmap, 1.5.8+). */
  private alloc(): number {
    const o = this.order;
    if (o.length < CACHE_ENTRIES) {
      const i = o.length;
      o.unshift(i);
      return i;
    }
    const i = o.pop() as number;
    const m = this.map[i];
    if (m) this.unmap(m);
    this.map[i] = null;
    o.unshift(i);
    return i;
  }

  /** Start of the entry the last page() call hit or made. */
  lastStart = 0;

  /** The cache entry covering pfn after readmem(PADDR) of that page; returns the entry's end pfn. */
  page(pfn: number): number {
    this.accesses++;
    let i = this.search(pfn);
    if (i >= 0) {
      this.lastStart = this.start[i];
      return this.end[i];
    }
    this.lastStart = pfn;
    const li = this.loadOf(pfn);
    if (li < 0) return pfn + 1; // readmem fails: "Can't convert a physical address" (no I/O)
    i = this.alloc();
    this.start[i] = pfn;
    this.end[i] = pfn + 1;
    if (this.version === '1.5.7') this.miss157(pfn, li);
    else this.miss158(pfn, li, i);
    return this.end[i];
  }

  /** page_is_fractional: the page's file offset is not page aligned (e.g. an ELF dump written by makedumpfile -E). */
  private fractional(li: number): boolean {
    return this.loads[li].offset % this.pageBytes !== 0;
  }

  /** 1.5.7 readpage_elf → read_from_vmcore → read_with_mmap: one window, munmap before every mmap. */
  private miss157(pfn: number, li: number): void {
    if (!this.mmapOn || this.fractional(li)) {
      this.readPage(pfn);
      return;
    }
    const w = this.latest;
    if (w && w.li === li && pfn >= w.startPfn && pfn < w.endPfn) return; // memcpy from the window
    // update_mmap_range: munmap(old window), mmap at the missed page's offset, cut at its PT_LOAD's end.
    if (w) this.unmap(w);
    else this.c.munmapCalls++; // munmap(MAP_FAILED, 0) before the first mmap
    this.newWindow(pfn, li);
  }

  /** 1.5.8+ mappage_elf: the cache entry becomes the window; the last page of a PT_LOAD is read(). */
  private miss158(pfn: number, li: number, i: number): void {
    if (!this.mmapOn || this.fractional(li)) {
      this.readPage(pfn);
      return;
    }
    // off2 = paddr_to_offset(p + page) must exist and follow off in the file.
    const l = this.loads[li];
    let next = pfn + 1 < l.startPfn + l.pages;
    if (!next) {
      const lj = this.loadOf(pfn + 1);
      next =
        lj >= 0 &&
        this.loads[lj].offset + (pfn + 1 - this.loads[lj].startPfn) * this.pageBytes ===
          l.offset + (pfn + 1 - l.startPfn) * this.pageBytes;
    }
    if (!next) {
      this.readPage(pfn);
      return;
    }
    let w = this.latest;
    if (!(w && w.li === li && pfn >= w.startPfn && pfn < w.endPfn)) w = this.newWindow(pfn, li);
    // readmem: cached->paddr = pgaddr − (mapbuf − mmap_buf), buflen = the window's length: the entry is the whole
    // window, from its first page (observed 1.7.2: a table page that hits initialize_mmap's window makes its
    // earlier pages hits too).
    this.start[i] = w.startPfn;
    this.lastStart = w.startPfn;
    this.end[i] = w.endPfn;
    this.map[i] = w;
  }

  /**
   * readmem(PADDR) of pages [a, b) in order. Consecutive hits on one entry leave the LRU as it was, so a hit skips
   * to the entry's end; where pages can only miss into page entries (read(), or 1.5.7's page cache over its one
   * window) a stretch with no cached page is done at once: its last 8 pages end up as the cache.
   */
  pageRun(a: number, b: number): void {
    if (this.callByCall) {
      for (let p = a; p < b; p++) this.page(p);
      return;
    }
    this.accesses++;
    let p = a;
    const pageOnly = !this.mmapOn || this.version === '1.5.7' || this.allFractional;
    while (p < b) {
      if (pageOnly && this.search(p) < 0 && this.loadOf(p) >= 0) {
        let q = b;
        for (const i of this.order) if (this.start[i] > p && this.start[i] < q) q = this.start[i];
        const li = this.loadOf(p);
        const l = this.loads[li];
        q = Math.min(q, l.startPfn + l.pages); // one PT_LOAD at a time
        this.bulkMiss(p, q, li);
        p = q;
        continue;
      }
      const e = this.page(p);
      p = Math.max(p + 1, Math.min(e, b));
    }
  }

  private bulkMiss(p: number, q: number, li: number): void {
    const n = q - p;
    if (!this.mmapOn) {
      this.c.read += n;
      this.c.lseek += n;
      this.c.readBytes += n * this.pageBytes;
      if (this.trace) for (let x = p; x < q; x++) this.trace.push(`R${this.pageBytes}@p${x}`);
    } else if (this.fractional(li)) {
      for (let x = p; x < q; x++) this.readPage(x);
    } else {
      // 1.5.7: read_with_mmap copies from the window; a page outside it remaps (munmap + mmap).
      let x = p;
      while (x < q) {
        const w = this.latest;
        if (w && w.li === li && x >= w.startPfn && x < w.endPfn) x = Math.min(q, w.endPfn);
        else this.miss157(x, li);
      }
    }
    for (let x = Math.max(p, q - CACHE_ENTRIES); x < q; x++) {
      const i = this.alloc();
      this.start[i] = x;
      this.end[i] = x + 1;
      this.map[i] = null;
    }
  }

  /** Windows still mapped (cache entries plus the initial one). */
  liveWindows(): number {
    const set = new Set<Mapping>();
    for (const m of this.map) if (m?.live) set.add(m);
    if (this.latest?.live) set.add(this.latest);
    return set.size;
  }
}
