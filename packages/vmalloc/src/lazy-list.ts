// The lazily freed areas and vmap_lazy_nr: areas whose PTEs are cleared but whose TLB entries may survive until
// a purge flushes them; they stay busy in the address space meanwhile. Plain arrays of starts and lengths.
export class LazyList {
  /** vmap_lazy_nr: pages in lazily freed areas. */
  pages = 0;
  private vpns: number[] = [];
  private lens: number[] = [];

  get length(): number {
    return this.vpns.length;
  }

  push(vpn: number, pages: number): void {
    this.vpns.push(vpn);
    this.lens.push(pages);
    this.pages += pages;
  }

  /** Takes every area (a purge): their starts, lengths, total pages and the [min, max) they span. */
  takeAll(): { vpns: number[]; lens: number[]; pages: number; min: number; max: number } {
    const vpns = this.vpns;
    const lens = this.lens;
    this.vpns = [];
    this.lens = [];
    let pages = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < vpns.length; i++) {
      pages += lens[i];
      if (vpns[i] < min) min = vpns[i];
      if (vpns[i] + lens[i] > max) max = vpns[i] + lens[i];
    }
    this.pages -= pages;
    return { vpns, lens, pages, min, max };
  }

  /** Accounting problems: vmap_lazy_nr against the areas, and areas that are not busy. */
  check(isBusy: (vpn: number) => boolean): string[] {
    const out: string[] = [];
    let sum = 0;
    for (const n of this.lens) sum += n;
    if (sum !== this.pages) out.push(`vmap_lazy_nr ${this.pages} ≠ ${sum} pages in lazy areas`);
    for (const v of this.vpns) if (!isBusy(v)) out.push(`lazy area ${v} is not busy`);
    return out;
  }
}
