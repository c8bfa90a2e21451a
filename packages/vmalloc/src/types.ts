// The one allocator interface every design implements, and the area it hands out.
import type { Op, Thread } from '@kmemsim/core';

export type Gen<T = void> = Generator<Op | undefined, T, void>;

export const IMPLS = ['legacy', 'lazy', 'percpu', 'rb2019', 'pools2024'] as const;
export type ImplName = (typeof IMPLS)[number];

/** A reservation of vmalloc address space, optionally mapped to consecutive frames. */
export class VmArea {
  /** Frame mapped at `vpn` (the rest follow consecutively), or −1 while unmapped. */
  pfn = -1;
  /** Index in the ledger's live list (−1 once freed). */
  slot = -1;
  constructor(
    /** Ledger id: allocation number, from 1. */
    readonly id: number,
    /** First virtual page. */
    readonly vpn: number,
    /** Pages the caller may map. */
    readonly pages: number,
    /** Pages reserved in the address space: `pages` + the guard page where the design has one. */
    readonly reserved: number,
    /** Per-CPU vmap block this came from (vm_map_ram), or null. */
    readonly block: VmapBlockRef | null = null,
  ) {}

  get mapped(): boolean {
    return this.pfn >= 0;
  }
}

/** What an area needs to know of its vmap block (see blocks.ts). */
export interface VmapBlockRef {
  readonly vpn: number;
  readonly cpu: number;
}

/** Testing only: deliberately broken behaviour the invariant tests must catch. */
export interface VmapFaults {
  /** Lazy designs: return a freed area to the free space at once, before any flush covers it. */
  reuseBeforeFlush?: boolean;
  /** Legacy: skip the TLB flush in vunmap. */
  skipFlush?: boolean;
  /** Lazy designs: vm_unmap_aliases does nothing. */
  skipAliasFlush?: boolean;
}

export class VmapError extends Error {
  override name = 'VmapError';
}

/**
 * The allocator interface. Generator methods are used as `yield*` inside a simulated thread (they take locks and
 * may flush), so another package's thread can compose them the way the kernel does.
 */
export interface Vmap {
  readonly impl: ImplName;
  /** Reserve `pages` (plus a guard page where the design has one), aligned to `align` pages. Throws VmapError. */
  alloc(t: Thread, pages: number, align?: number): Gen<VmArea>;
  /** As alloc, but returns null when no space fits (after a forced purge in lazy designs). */
  tryAlloc(t: Thread, pages: number, align?: number): Gen<VmArea | null>;
  /** Map the area's pages to consecutive frames from `pfn` (set_pte per page). Local: no yield. */
  map(t: Thread, area: VmArea, pfn: number): void;
  /** Unmap (if mapped) and free: at once with a flush (legacy) or lazily (the others). */
  free(t: Thread, area: VmArea): Gen;
  /** alloc + map: vmap(). */
  vmap(t: Thread, pfn: number, pages: number, align?: number): Gen<VmArea>;
  /** vm_map_ram(): per-CPU blocks for small requests where the design has them, else vmap without guard. */
  mapRam(t: Thread, pfn: number, pages: number): Gen<VmArea>;
  /** vm_unmap_ram(). */
  unmapRam(t: Thread, area: VmArea): Gen;
  /** vm_unmap_aliases(): after it, no CPU holds a translation of a freed vmap address. */
  unmapAliases(t: Thread): Gen;
  /** set_iounmap_nonlazy(): the next free purges (flushes) at once. */
  setIounmapNonlazy(): void;
  /** Forced purge of every lazily freed area (the ledger's drain). */
  purge(t: Thread): Gen;
  /** Invariant violations found now (empty when consistent). */
  check(): string[];
  readonly ledger: Ledger;
}

/** The caller-visible areas not yet freed: O(1) add and delete without hashing (swap with the last). */
export class LiveAreas {
  private readonly items: VmArea[] = [];

  get size(): number {
    return this.items.length;
  }

  add(a: VmArea): void {
    a.slot = this.items.length;
    this.items.push(a);
  }

  delete(a: VmArea): boolean {
    const i = a.slot;
    if (i < 0 || this.items[i] !== a) return false;
    const last = this.items.pop() as VmArea;
    if (last !== a) {
      this.items[i] = last;
      last.slot = i;
    }
    a.slot = -1;
    return true;
  }

  values(): IterableIterator<VmArea> {
    return this.items.values();
  }
}

export interface Ledger {
  allocs: number;
  frees: number;
  /** Caller-visible areas not yet freed. */
  live: LiveAreas;
  /** Pages freed lazily and not yet purged. */
  lazyPages: number;
}
