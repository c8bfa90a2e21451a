// The lazily freed areas: their TLB entries may survive until a purge flushes them (and, in 2.6.28–2.6.36, their
// PTEs too), so they stay busy in the address space meanwhile. Typed arrays, double-buffered: a purge takes the
// whole batch (it holds the purge lock while it works through it) and new lazy frees fill the other buffer.

export class LazyBatch {
  count = 0;
  /** Pages in the batch. */
  pages = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  vpn = new Float64Array(16);
  len = new Int32Array(16);
  /** Pages from vpn whose PTEs are still set (cleared by the purge in 2.6.28–2.6.36; 0 afterwards). */
  ptes = new Int32Array(16);
  /** 6.9: the vmap node whose pool the area returns to (−1: the global free tree). */
  home = new Int16Array(16);

  /**
   * A nonzero `ptes` was ever stored. Until then the array is all zeros (new arrays are), so a zero needs no store:
   * 2.6.37+ never leave PTEs to the purge, and a batch of millions of areas wrote a fourth stream for nothing.
   */
  private ptesSet = false;

  push(vpn: number, len: number, ptes: number, home: number): void {
    const i = this.count++;
    if (i === this.vpn.length) this.grow();
    this.vpn[i] = vpn;
    this.len[i] = len;
    if (ptes !== 0 || this.ptesSet) {
      this.ptes[i] = ptes;
      this.ptesSet = true;
    }
    this.home[i] = home;
    this.pages += len;
    if (vpn < this.min) this.min = vpn;
    if (vpn + len > this.max) this.max = vpn + len;
  }

  clear(): void {
    this.count = 0;
    this.pages = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
  }

  // ×4: a 6.9 batch at 64 CPUs reaches millions of areas, and each growth copies what is there. Room not yet
  // written costs little: large arrays come as fresh zero pages, mapped when first touched.
  private grow(): void {
    const n = this.vpn.length * 4;
    const f = new Float64Array(n);
    f.set(this.vpn);
    this.vpn = f;
    const l = new Int32Array(n);
    l.set(this.len);
    this.len = l;
    const p = new Int32Array(n);
    if (this.ptesSet) p.set(this.ptes);
    this.ptes = p;
    const h = new Int16Array(n);
    h.set(this.home);
    this.home = h;
  }
}

export class LazyQueue {
  private cur = new LazyBatch();
  private spare = new LazyBatch();
  /** Batches taken so far (6.9: a purge detaching every node's lazy tree). */
  taken = 0;

  /** Pages in lazily freed areas not yet taken by a purge. */
  get pages(): number {
    return this.cur.pages;
  }

  get length(): number {
    return this.cur.count;
  }

  push(vpn: number, len: number, ptes: number, home: number): void {
    this.cur.push(vpn, len, ptes, home);
  }

  /** Takes every queued area (the caller holds the purge lock until it is done with the batch). */
  take(): LazyBatch {
    const b = this.cur;
    this.taken++;
    this.spare.clear();
    this.cur = this.spare;
    this.spare = b;
    return b;
  }

  /** Every queued area (checks). */
  forEach(f: (vpn: number, len: number, ptes: number) => void): void {
    const b = this.cur;
    for (let i = 0; i < b.count; i++) f(b.vpn[i], b.len[i], b.ptes[i]);
  }
}
