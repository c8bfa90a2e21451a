// Processes and pages in typed arrays. Each mm is a page table (vpn → pfn + 1, 0 = not present) over a layout of
// vmas (anonymous, or a window of a file); files are page-cache pfns filled on first fault; user pages carry
// page->index, anon/file, mapcount and their anon_vma family. A PTE is named by mm × maxVpns + vpn; its physical
// address comes from the mm's page-table pages (kernel frames, allocated on first use).
import type { KernelMemory } from './memory.js';

/** A vma of a process layout, in virtual pages. */
export interface Vma {
  /** First virtual page. */
  start: number;
  /** One past the last virtual page. */
  end: number;
  /** File id, or -1 for anonymous memory. */
  file: number;
  /** File page offset of `start`. */
  pgoff: number;
  /** Private writable (COW on fork: wrprotected in parent and child). */
  cow: boolean;
}

/** A process's address space layout: its vmas and, per virtual page, which vma holds it. */
export class Layout {
  /** Virtual pages the layout spans (the highest vma end). */
  readonly vpns: number;
  /** Per vpn: index of its vma in `vmas` (-1: unmapped). */
  readonly vmaAt: Int16Array;

  constructor(readonly vmas: readonly Vma[]) {
    this.vpns = vmas.reduce((m, v) => Math.max(m, v.end), 0);
    this.vmaAt = new Int16Array(this.vpns).fill(-1);
    for (let i = 0; i < vmas.length; i++) this.vmaAt.fill(i, (vmas[i] as Vma).start, (vmas[i] as Vma).end);
  }
}

/** Every process (mm) and user page of a system, in typed arrays: page tables, layouts, page->index, mapcounts. */
export class Space {
  /** Per mm: its page table, vpn → pfn + 1 (0: not present); null once dropped. */
  ptes: (Int32Array | null)[] = [];
  /** Per mm: addresses of its PTE pages (0 = none yet). */
  tables: (Float64Array | null)[] = [];
  /** Per mm: address of its page directory (pgd) frame. */
  pgd: number[] = [];
  /** Per mm: its layout (null once dropped). */
  layouts: (Layout | null)[] = [];
  /** Per mm: PTEs present. */
  present: number[] = [];
  /** Per mm: its family (the mm it was forked from, transitively; its own id for a new process). */
  family: number[] = [];
  private freeMms: number[] = [];
  /** Per page. */
  index = new Int32Array(1024);
  /** Per page: 1 for an anonymous page. */
  anon = new Uint8Array(1024);
  /** Per page: PTEs mapping it. */
  mapcount = new Int32Array(1024);
  /** Per anonymous page: its anon_vma family (that of the mm that faulted it in; −1: none). */
  pageFamily = new Int32Array(1024).fill(-1);
  /** Per page: the file it caches (-1 anonymous) and, for anonymous pages, the vpn it was faulted at. */
  pageFile = new Int32Array(1024).fill(-1);
  /** Per anonymous page: the vpn it was faulted at. */
  pageVpn = new Int32Array(1024);
  private readonly files: Int32Array[] = [];
  private familySize = new Map<number, number>();
  /** The global allocation counter that gives anonymous pages their page->index under hashed rmap locks. */
  private anonSeq = 0;

  constructor(
    readonly mem: KernelMemory,
    readonly maxVpns: number,
    readonly ptesPerTable: number,
    readonly pteBytes: number,
    /** Anonymous page->index from a global counter (hashed lock postings) instead of the linear offset. */
    readonly anonIndexCounter: boolean,
  ) {
    // Sized for the largest layout at once: growing by doubling copies every per-page array ~log2(n) times.
    if (maxVpns > this.index.length) this.grow(maxVpns);
  }

  /** A file of `pages` pages (its page cache starts empty); returns its id. */
  addFile(pages: number): number {
    this.files.push(new Int32Array(pages).fill(-1));
    return this.files.length - 1;
  }

  /** A new mm with an empty page table over `layout` (its pgd frame on `node`), in `family`; returns its id. */
  newMm(layout: Layout, family?: number, node = 0): number {
    if (layout.vpns > this.maxVpns) throw new RangeError(`layout of ${layout.vpns} pages exceeds ${this.maxVpns}`);
    const id = this.freeMms.length > 0 ? (this.freeMms.pop() as number) : this.ptes.length;
    const fam = family ?? id;
    this.ptes[id] = new Int32Array(layout.vpns);
    this.tables[id] = new Float64Array(Math.ceil(layout.vpns / this.ptesPerTable));
    this.layouts[id] = layout;
    this.pgd[id] = this.mem.frame(node);
    this.present[id] = 0;
    this.family[id] = fam;
    this.familySize.set(fam, (this.familySize.get(fam) ?? 0) + 1);
    return id;
  }

  /** Forgets an mm whose page table is empty (its PTE pages already freed). */
  dropMm(mm: number): void {
    if (this.present[mm] !== 0) throw new Error(`mm ${mm} dropped with ${this.present[mm]} PTEs present`);
    this.ptes[mm] = null;
    this.tables[mm] = null;
    this.layouts[mm] = null;
    this.mem.freeFrame(this.pgd[mm] as number);
    const fam = this.family[mm];
    this.familySize.set(fam, (this.familySize.get(fam) ?? 1) - 1);
    this.freeMms.push(mm);
  }

  /** The mm exists (not dropped). */
  alive(mm: number): boolean {
    return this.ptes[mm] != null;
  }

  /** Ids of the mms that exist, ascending. */
  aliveMms(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.ptes.length; i++) if (this.ptes[i]) out.push(i);
    return out;
  }

  /** Mms alive in family `fam`. */
  familyMembers(fam: number): number {
    return this.familySize.get(fam) ?? 0;
  }

  /** The vma of `mm` holding `vpn`, or null. */
  vmaOf(mm: number, vpn: number): Vma | null {
    const l = this.layouts[mm] as Layout;
    const i = l.vmaAt[vpn];
    return i < 0 ? null : (l.vmas[i] as Vma);
  }

  /** The id of the PTE of (mm, vpn): mm × maxVpns + vpn. */
  pteId(mm: number, vpn: number): number {
    return mm * this.maxVpns + vpn;
  }

  /** The mm of a PTE id. */
  mmOf(pte: number): number {
    return Math.floor(pte / this.maxVpns);
  }

  /** The vpn of a PTE id. */
  vpnOf(pte: number): number {
    return pte % this.maxVpns;
  }

  /** Physical address of the PTE of (mm, vpn); 0 if its PTE page does not exist. */
  pteAddr(mm: number, vpn: number): number {
    const t = (this.tables[mm] as Float64Array)[Math.floor(vpn / this.ptesPerTable)];
    return t === 0 ? 0 : t + (vpn % this.ptesPerTable) * this.pteBytes;
  }

  /** Address of the pgd entry covering (mm, vpn) (two-level i386 paging: the pmd is folded). */
  pgdEntry(mm: number, vpn: number): number {
    return (this.pgd[mm] as number) + Math.floor(vpn / this.ptesPerTable) * 4;
  }

  /**
   * The page a fault at `vpn` maps: the file's page-cache page, or a fresh anonymous page on `node`. `v`: the
   * vma of `vpn` if the caller has it already.
   */
  pageFor(mm: number, vpn: number, node: number, v: Vma | null = this.vmaOf(mm, vpn)): number {
    if (!v) throw new RangeError(`mm ${mm}: vpn ${vpn} is not in a vma`);
    const off = v.pgoff + vpn - v.start;
    if (v.file >= 0) {
      const f = this.files[v.file] as Int32Array;
      if (f[off] >= 0) return f[off];
      const pfn = this.newPage(node);
      f[off] = pfn;
      this.index[pfn] = off;
      this.pageFile[pfn] = v.file;
      return pfn;
    }
    const pfn = this.newPage(node);
    this.index[pfn] = this.anonIndexCounter ? this.anonSeq++ : off;
    this.anon[pfn] = 1;
    this.pageFamily[pfn] = this.family[mm];
    this.pageVpn[pfn] = vpn;
    return pfn;
  }

  private newPage(node: number): number {
    const pfn = this.mem.allocPfn(node);
    if (pfn >= this.index.length) this.grow(pfn + 1);
    return pfn;
  }

  /** Private copy of a page for a COW write fault in `mm` at `vpn` (the new page is anonymous). */
  cowPage(mm: number, vpn: number, node: number): number {
    const pfn = this.newPage(node);
    this.index[pfn] = this.anonIndexCounter ? this.anonSeq++ : vpn;
    this.anon[pfn] = 1;
    this.pageFamily[pfn] = this.family[mm];
    this.pageVpn[pfn] = vpn;
    return pfn;
  }

  /** An anonymous page whose last mapping went away returns to the free pages. */
  releaseIfUnmapped(pfn: number): boolean {
    if (this.anon[pfn] === 1 && this.mapcount[pfn] === 0) {
      this.anon[pfn] = 0;
      this.pageFamily[pfn] = -1;
      this.mem.freePfn(pfn);
      return true;
    }
    return false;
  }

  /** Page-cache pages of a file, for checks. */
  filePages(file: number): Int32Array {
    return this.files[file] as Int32Array;
  }

  /** Files added so far. */
  get fileCount(): number {
    return this.files.length;
  }

  /** Pages the per-page arrays hold now (they grow on demand). */
  get pageCapacity(): number {
    return this.index.length;
  }

  private grow(min: number): void {
    const n = Math.max(min, this.index.length * 2);
    const i32 = (a: Int32Array, fill = 0) => {
      const b = new Int32Array(n).fill(fill);
      b.set(a);
      return b;
    };
    this.index = i32(this.index);
    this.mapcount = i32(this.mapcount);
    this.pageFamily = i32(this.pageFamily, -1);
    this.pageFile = i32(this.pageFile, -1);
    this.pageVpn = i32(this.pageVpn);
    const a = new Uint8Array(n);
    a.set(this.anon);
    this.anon = a;
  }
}
