// Processes and pages in typed arrays: each mm is a page table (vpn → pfn + 1, 0 = not present) over one shared
// layout (private anonymous pages below `anonPages`, a shared file mapping above), pages carry page->index,
// anon/file, mapcount and the anon_vma family they were faulted in. A PTE's address is mm × vpnSpace + vpn.
export class Space {
  ptes: (Int32Array | null)[] = [];
  present: number[] = [];
  family: number[] = [];
  private freeMms: number[] = [];
  /** Per page. */
  index: Int32Array;
  anon: Uint8Array;
  mapcount: Int32Array;
  pageFamily: Int32Array;
  private freePfns: number[] = [];
  private nextAnonPfn: number;
  /** Live mms per anon_vma family. */
  private familySize = new Map<number, number>();

  constructor(
    readonly vpnSpace: number,
    readonly anonPages: number,
  ) {
    // File pages are pfn = file index (page cache); anonymous pages come after the file.
    this.nextAnonPfn = vpnSpace - anonPages;
    const cap = Math.max(16, vpnSpace * 2);
    this.index = new Int32Array(cap);
    this.anon = new Uint8Array(cap);
    this.mapcount = new Int32Array(cap);
    this.pageFamily = new Int32Array(cap).fill(-1);
  }

  get pageCapacity(): number {
    return this.index.length;
  }

  newMm(family?: number): number {
    const id = this.freeMms.length > 0 ? (this.freeMms.pop() as number) : this.ptes.length;
    const fam = family ?? id;
    this.ptes[id] = new Int32Array(this.vpnSpace);
    this.present[id] = 0;
    this.family[id] = fam;
    this.familySize.set(fam, (this.familySize.get(fam) ?? 0) + 1);
    return id;
  }

  /** Forgets an mm whose page table is empty. */
  dropMm(mm: number): void {
    if (this.present[mm] !== 0) throw new Error(`mm ${mm} dropped with ${this.present[mm]} PTEs present`);
    this.ptes[mm] = null;
    const fam = this.family[mm];
    this.familySize.set(fam, (this.familySize.get(fam) ?? 1) - 1);
    this.freeMms.push(mm);
  }

  alive(mm: number): boolean {
    return this.ptes[mm] != null;
  }

  aliveMms(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.ptes.length; i++) if (this.ptes[i]) out.push(i);
    return out;
  }

  /** Live mms sharing an anon_vma family (the length of its vma list). */
  familyMembers(fam: number): number {
    return this.familySize.get(fam) ?? 0;
  }

  isAnonVpn(vpn: number): boolean {
    return vpn < this.anonPages;
  }

  pteAddr(mm: number, vpn: number): number {
    return mm * this.vpnSpace + vpn;
  }

  mmOf(pte: number): number {
    return Math.floor(pte / this.vpnSpace);
  }

  vpnOf(pte: number): number {
    return pte % this.vpnSpace;
  }

  /** The page a fault at `vpn` maps: a fresh anonymous page, or the page-cache page of the file offset. */
  pageFor(mm: number, vpn: number): number {
    if (!this.isAnonVpn(vpn)) {
      const pfn = vpn - this.anonPages;
      this.index[pfn] = pfn;
      return pfn;
    }
    const pfn = this.freePfns.length > 0 ? (this.freePfns.pop() as number) : this.nextAnonPfn++;
    if (pfn >= this.index.length) this.grow(pfn + 1);
    this.index[pfn] = vpn;
    this.anon[pfn] = 1;
    this.pageFamily[pfn] = this.family[mm];
    return pfn;
  }

  /** An anonymous page whose last mapping went away returns to the free pool. */
  releaseIfUnmapped(pfn: number): void {
    if (this.anon[pfn] === 1 && this.mapcount[pfn] === 0) {
      this.anon[pfn] = 0;
      this.pageFamily[pfn] = -1;
      this.freePfns.push(pfn);
    }
  }

  private grow(min: number): void {
    const n = Math.max(min, this.index.length * 2);
    const i = new Int32Array(n);
    i.set(this.index);
    this.index = i;
    const a = new Uint8Array(n);
    a.set(this.anon);
    this.anon = a;
    const m = new Int32Array(n);
    m.set(this.mapcount);
    this.mapcount = m;
    const f = new Int32Array(n).fill(-1);
    f.set(this.pageFamily);
    this.pageFamily = f;
  }
}
