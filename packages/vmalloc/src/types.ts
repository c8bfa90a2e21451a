// The one allocator interface every design implements, and the area it hands out.
import type { Op, Thread } from '@kmemsim/core';
import type { VmapDesign } from './designs/design.js';
import type { AreaTable } from './mechanism/areas.js';

/** A simulated thread's body (or part of one, used with `yield*`) that returns `T`. */
export type Gen<T = void> = Generator<Op | undefined, T, void>;

/**
 * A reservation of vmalloc address space as an object (the convenient API; workloads holding millions of areas
 * use the integer handles of `Vmap.allocArea` instead). The fields are fixed at allocation; `pfn` follows the
 * area while it is live.
 */
export class VmArea {
  constructor(
    private readonly table: AreaTable,
    /** Handle in the allocator's area table. */
    readonly id: number,
    /** Generation of the handle (a freed slot is reused with a new one). */
    readonly gen: number,
    /** First virtual page. */
    readonly vpn: number,
    /** Pages the caller may map. */
    readonly pages: number,
    /** Pages reserved in the address space: `pages` + the guard page where the design has one. */
    readonly reserved: number,
    /** Per-CPU vmap block this came from (vm_map_ram), or −1. */
    readonly block: number,
  ) {}

  /** Still allocated (not freed through this or another handle). */
  get live(): boolean {
    return this.table.gen[this.id] === this.gen && this.table.isLive(this.id);
  }

  /** Frame mapped at `vpn` (the rest follow consecutively), or −1 while unmapped or freed. */
  get pfn(): number {
    return this.live ? this.table.pfn[this.id] : -1;
  }

  /** Live and mapped to frames. */
  get mapped(): boolean {
    return this.pfn >= 0;
  }
}

/** Testing only: deliberately broken behaviour the invariant tests must catch. */
export interface VmapFaults {
  /** Lazy designs: return a freed area to the free space at once, before any flush covers it. */
  reuseBeforeFlush?: boolean;
  /** 2.6.27: skip the TLB flush in vunmap. */
  skipFlush?: boolean;
  /** Lazy designs: vm_unmap_aliases does nothing. */
  skipAliasFlush?: boolean;
  /** Per-CPU blocks: ignore the requested size's order alignment (hand out any free run). */
  misalignBlocks?: boolean;
}

/** An allocator call the design cannot serve (no space left) or a misuse (freeing an area twice). */
export class VmapError extends Error {
  override name = 'VmapError';
}

/** Running totals of an allocator (`vmap.ledger`). */
export interface Ledger {
  /** Areas allocated so far (vmap, vmalloc, vm_map_ram). */
  allocs: number;
  /** Areas freed so far by their callers (lazily freed ones included). */
  frees: number;
  /** Caller-visible areas not yet freed. */
  readonly live: number;
  /** Pages in lazily freed areas not yet purged. */
  readonly lazyPages: number;
}

/**
 * The allocator interface. Generator methods are used as `yield*` inside a simulated thread (they take locks and
 * may flush), so another package's thread can compose them the way the kernel does.
 */
export interface Vmap {
  /** The design this allocator follows. */
  readonly design: VmapDesign;
  /** Every area by handle (typed arrays: vpn, pages, frame, generation, flags). */
  readonly areas: AreaTable;
  /** Running totals: allocations, frees, live areas, lazy pages. */
  readonly ledger: Ledger;

  // ---- handles (no object per area) ----
  /** get_vm_area + guard page, aligned to `align` pages: a handle, or −1 when no space fits (after a purge). */
  allocArea(t: Thread, pages: number, align?: number): Gen<number>;
  /** Map the area's pages to consecutive frames from `pfn` (set_pte per page). Local: no yield. */
  mapArea(t: Thread, id: number, pfn: number): void;
  /** vunmap / vfree: unmap and free, at once with a flush (2.6.27) or lazily. */
  freeArea(t: Thread, id: number): Gen;
  /** vm_map_ram: per-CPU blocks for small requests where the design has them, else an area without guard. */
  mapRamArea(t: Thread, pfn: number, pages: number): Gen<number>;
  /** vm_unmap_ram. */
  unmapRamArea(t: Thread, id: number): Gen;

  // ---- objects ----
  /** As allocArea, throwing VmapError when nothing fits. */
  alloc(t: Thread, pages: number, align?: number): Gen<VmArea>;
  /** As allocArea: the area, or null when nothing fits. */
  tryAlloc(t: Thread, pages: number, align?: number): Gen<VmArea | null>;
  /** Maps the area's pages to consecutive frames from `pfn` (set_pte per page). Local: no yield. */
  map(t: Thread, area: VmArea, pfn: number): void;
  /** vunmap / vfree of the area (vm_unmap_ram for an area from mapRam). */
  free(t: Thread, area: VmArea): Gen;
  /** alloc + map: vmap(). */
  vmap(t: Thread, pfn: number, pages: number, align?: number): Gen<VmArea>;
  /** vm_map_ram: maps `pages` frames from `pfn`; throws VmapError when nothing fits. */
  mapRam(t: Thread, pfn: number, pages: number): Gen<VmArea>;
  /** vm_unmap_ram of an area from mapRam. */
  unmapRam(t: Thread, area: VmArea): Gen;

  /** vm_unmap_aliases(): unmap and flush every lazily freed range the design's walk reaches. */
  unmapAliases(t: Thread): Gen;
  /** set_iounmap_nonlazy(): vmap_lazy_nr = lazy_max_pages + 1, so the next free purges. */
  setIounmapNonlazy(): void;
  /** Forced purge of every lazily freed area (the ledger's drain). */
  purge(t: Thread): Gen;
  /** Virtual pages of freed areas whose PTE still maps `pfn` (an alias Xen and PAT cannot tolerate). */
  pteAliases(pfn: number): number[];
  /** Invariant violations found now (empty when consistent). */
  check(): string[];
}
