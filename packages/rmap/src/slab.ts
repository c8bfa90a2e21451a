// A slab cache model for pte_chain objects: objects per slab page, slabs grown on demand and kept (2.4/2.5 caches
// return empty slabs only when reaped). Memory is whole slab pages, so a half-used slab still costs a page.
export class SlabCache {
  readonly objectsPerSlab: number;
  inUse = 0;
  slabs = 0;
  peakSlabs = 0;
  allocs = 0;
  frees = 0;
  grows = 0;

  constructor(
    readonly objectBytes: number,
    readonly pageBytes: number,
  ) {
    this.objectsPerSlab = Math.max(1, Math.floor(pageBytes / objectBytes));
  }

  /** Takes one object; returns true if a new slab page had to be grown for it. */
  alloc(): boolean {
    this.allocs++;
    this.inUse++;
    if (this.inUse > this.slabs * this.objectsPerSlab) {
      this.slabs++;
      this.grows++;
      if (this.slabs > this.peakSlabs) this.peakSlabs = this.slabs;
      return true;
    }
    return false;
  }

  free(): void {
    if (this.inUse === 0) throw new Error('slab free with no object in use');
    this.frees++;
    this.inUse--;
  }

  get bytes(): number {
    return this.slabs * this.pageBytes;
  }

  get peakBytes(): number {
    return this.peakSlabs * this.pageBytes;
  }
}
