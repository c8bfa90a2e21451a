// The caller-visible areas (vm_struct / vm_map_ram allocations) as integer handles into typed arrays: a
// workload holding millions of areas (test_vmalloc's full_fit at 64 CPUs keeps 7.3 M) costs ~30 bytes each,
// not an object each. A handle's generation changes when its slot is reused, so a stale VmArea is caught.

import { grow } from './typed-grow.js';

/** Area flags. */
export const AREA_LIVE = 1;
/** Came from a per-CPU vmap block (vm_map_ram). */
export const AREA_BLOCK = 2;

/** Every caller-visible area of an allocator by integer handle, in typed arrays indexed by the handle. */
export class AreaTable {
  /** First virtual page of the area. */
  vpn = new Float64Array(16);
  /** Pages the caller may map. */
  pages = new Int32Array(16);
  /** Pages reserved in the address space (pages + guard, or the block order's power of two). */
  reserved = new Int32Array(16);
  /** First frame mapped, or −1 while unmapped. */
  pfn = new Float64Array(16);
  /** Per-CPU vmap block index (AREA_BLOCK), else −1. */
  block = new Int32Array(16);
  /** 6.9: the vmap node whose pool the area returns to after its purge (−1: the global free tree). */
  home = new Int16Array(16);
  /** Generation of the slot: bumped when the area is removed, so a stale handle is caught. */
  gen = new Int32Array(16);
  /** AREA_LIVE | AREA_BLOCK bits (0: a free slot). */
  flags = new Uint8Array(16);
  /** Live areas. */
  live = 0;
  private top = 0;
  private freeIds = new Int32Array(16);
  private nFree = 0;

  /** A new live area; returns its handle. */
  add(vpn: number, pages: number, reserved: number, block: number, home = -1): number {
    let id: number;
    if (this.nFree > 0) id = this.freeIds[--this.nFree];
    else {
      id = this.top++;
      if (id === this.vpn.length) this.grow();
    }
    this.vpn[id] = vpn;
    this.pages[id] = pages;
    this.reserved[id] = reserved;
    this.pfn[id] = -1;
    this.block[id] = block;
    this.home[id] = home;
    this.flags[id] = AREA_LIVE | (block >= 0 ? AREA_BLOCK : 0);
    this.live++;
    return id;
  }

  /** The handle names a live area. */
  isLive(id: number): boolean {
    return id >= 0 && id < this.top && (this.flags[id] & AREA_LIVE) !== 0;
  }

  /** Retires a live area; its slot may be reused (with a new generation). */
  remove(id: number): void {
    this.flags[id] = 0;
    this.gen[id]++;
    this.live--;
    if (this.nFree === this.freeIds.length) this.freeIds = grow(this.freeIds, this.freeIds.length * 2);
    this.freeIds[this.nFree++] = id;
  }

  /** Every live handle (checks and tests; O(slots)). */
  *liveIds(): IterableIterator<number> {
    for (let id = 0; id < this.top; id++) if (this.flags[id] & AREA_LIVE) yield id;
  }

  /**
   * Room for `n` areas (and `n` free slots) at once, for a workload that knows it will hold that many (test_vmalloc's
   * full_fit: 7.3 M at 64 CPUs): no doubling copies on the way there. Handles and contents are unchanged.
   */
  reserve(n: number): void {
    if (n > this.vpn.length) this.resize(n);
    if (n > this.freeIds.length) this.freeIds = grow(this.freeIds, n);
  }

  private grow(): void {
    this.resize(this.vpn.length * 2);
  }

  private resize(n: number): void {
    this.vpn = grow(this.vpn, n);
    this.pages = grow(this.pages, n);
    this.reserved = grow(this.reserved, n);
    this.pfn = grow(this.pfn, n);
    this.block = grow(this.block, n);
    this.home = grow(this.home, n);
    this.gen = grow(this.gen, n);
    this.flags = grow(this.flags, n);
  }
}
