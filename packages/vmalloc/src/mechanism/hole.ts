// How each design finds a hole for a new area, and what that search costs. The answer always comes from VmSpace
// in O(log n) wall time; the cycles charged are those of the design's own search: a list or rb_next walk over
// every area it passes (each step a dependent load over a working set of all areas), a tree descent, or a walk
// from the cached position. Called with the design's allocation lock held.
import type { SymbolId, Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { HoleSearch, VmapDesign } from '../designs/design.js';
import { alignUp } from './intervals.js';
import { archMemory, type ChaseLevels, chaseCycles } from './memory.js';
import { NOBODY } from './nobody.js';
import type { MechanismParams } from './params.js';
import type { VmSpace } from './space.js';
import { vmapCounters } from './symbols.js';
import type { LegacyVmlistWatch } from './vmlist-legacy.js';

export interface HoleFinder {
  /** Reserves `size` pages aligned to `align`; returns the start or −1, having charged the search to `t`. */
  find(t: Thread, size: number, align: number): number;
  /** __free_vmap_area of [vpn, end): the search state may move (free_vmap_cache). */
  released(vpn: number, end: number): void;
  /** `released` reads or moves search state: areas must be released one by one, in the kernel's order. */
  readonly watchesReleases: boolean;
  /** Areas passed by linear walks so far (the vmap.areas_walked counter's source). */
  walked: number;
  /**
   * Before the search's lock: 5.2+ preload_this_cpu_lock refills this CPU's spare vmap_area for a no-edge split
   * (6.12:1885–1892, 6.1 the same); nothing for the older designs.
   */
  preload(t: Thread): void;
  /** 2.6.27's first fit: tell `w` of each walk from now on (the sampler's arrangement bound); absent elsewhere. */
  watch?(w: LegacyVmlistWatch): void;
}

/** Cycles of a balanced-tree descent over `n` nodes of `bytes`: the top levels hot, the lowest as cold as n is big. */
export class Descent {
  private readonly table: number[] = [];

  constructor(
    private readonly m: Machine,
    private readonly step: number,
    private readonly bytes: number,
    private readonly fallback?: ChaseLevels,
  ) {}

  /** ⌈log2(n + 1)⌉ levels (at least 1): for an integer n below 2^31 that is n's bit length, without Math.log2. */
  depth(n: number): number {
    if (n <= 1) return 1;
    return n < 0x80000000 && Number.isInteger(n) ? 32 - Math.clz32(n) : Math.ceil(Math.log2(n + 1));
  }

  cycles(n: number): number {
    const d = this.depth(n);
    while (this.table.length <= d) {
      const k = this.table.length;
      const prev = k === 0 ? 0 : this.table[k - 1];
      const ws = 2 ** k * this.bytes;
      this.table.push(k === 0 ? 0 : prev + this.step + chaseCycles(archMemory(this.m, this.fallback), ws));
    }
    return this.table[d];
  }
}

interface Ctx {
  m: Machine;
  design: VmapDesign;
  p: MechanismParams;
  space: VmSpace;
  sym: SymbolId;
  /** Where a preload's kmem_cache_alloc is charged. */
  kmalloc: SymbolId;
}

abstract class Finder implements HoleFinder {
  walked = 0;
  protected readonly mem;
  private readonly walkedId: number;
  constructor(protected readonly c: Ctx) {
    this.mem = archMemory(c.m, c.p.fallbackMemory);
    this.walkedId = vmapCounters(c.m.engine).walked;
  }
  abstract find(t: Thread, size: number, align: number): number;
  preload(_t: Thread): void {}
  released(_vpn: number, _end: number): void {}
  get watchesReleases(): boolean {
    return false;
  }

  /** `n` steps of a walk over a structure of `total` objects of `bytes` each; returns the cycles charged. */
  protected walk(t: Thread, n: number, total: number, bytes: number): number {
    this.walked += n;
    this.c.m.engine.counters.add(this.walkedId, n);
    const cycles = n * (this.c.p.walkStepCycles + chaseCycles(this.mem, total * bytes));
    t.spend(this.c.sym, cycles);
    return cycles;
  }
}

/** ≤ 2.6.27 __get_vm_area_node: walk vmlist from the start; stop at the first area the request fits before. */
class VmlistFirstFit extends Finder {
  private list: LegacyVmlistWatch | null = null;
  watch(w: LegacyVmlistWatch): void {
    this.list = w;
  }
  find(t: Thread, size: number, align: number): number {
    const s = this.c.space;
    const at = s.reserve(size, align);
    const n = s.busy.size;
    const rank = at < 0 ? n : s.busyBelow(at);
    const cycles = this.walk(t, rank + 1, n, this.c.p.vmStructBytes);
    // Only a worker's walk is told: functional.ts's fast path passes NOBODY, which pays nothing (its area's owner
    // comes from fastAlloc's seed). The list's length before this area, as the mirror's insert tells it.
    if (this.list !== null && t !== NOBODY) {
      this.list.inserted(t.cpu, at < 0 ? s.end : at, rank, cycles, at < 0 ? n : n - 1, at >= 0);
    }
    return at;
  }
}

/** 2.6.28 alloc_vmap_area: rbtree descent to vstart, then rb_next over every area up to the hole. */
class RbtreeWalk extends Finder {
  private readonly descent: Descent;
  constructor(c: Ctx) {
    super(c);
    this.descent = new Descent(c.m, c.p.walkStepCycles, c.design.vmapAreaBytes, c.p.fallbackMemory);
  }
  find(t: Thread, size: number, align: number): number {
    const s = this.c.space;
    const at = s.reserve(size, align, s.base, s.end, this.c.design.gapPages);
    const n = s.busy.size;
    t.spend(this.c.sym, this.descent.cycles(n));
    this.walk(t, at < 0 ? n : s.busyBelow(at) + 1, n, this.c.design.vmapAreaBytes);
    return at;
  }
}

/**
 * 2.6.39–5.1 free_vmap_cache: the walk starts after the area last allocated unless the request could use a hole
 * seen below it (size < cached_hole_size) or asks for a smaller alignment (then from VMALLOC_START, as 2.6.28).
 * Freeing an area at or below the cached one moves the cache to the area before it (rb_prev).
 */
class CachedHole extends Finder {
  private readonly descent: Descent;
  /** Start of the vmap_area in free_vmap_cache, or −1 (NULL). */
  private cache = -1;
  private holeSize = 0;
  private cachedAlign = 0;
  constructor(c: Ctx) {
    super(c);
    this.descent = new Descent(c.m, c.p.walkStepCycles, c.design.vmapAreaBytes, c.p.fallbackMemory);
  }
  find(t: Thread, size: number, align: number): number {
    const s = this.c.space;
    if (this.cache < 0 || size < this.holeSize || align < this.cachedAlign) {
      this.cache = -1;
      this.holeSize = 0;
    }
    this.cachedAlign = align;
    let lo = s.base;
    if (this.cache >= 0) {
      lo = alignUp(s.endOf(this.cache), align);
    } else t.spend(this.c.sym, this.descent.cycles(s.busy.size));
    const at = s.reserve(size, align, lo, s.end);
    const stop = at < 0 ? s.end : at;
    const n = s.busy.size;
    this.walk(t, s.busyBelow(stop) - s.busyBelow(lo) + (at < 0 ? 0 : 1), n, this.c.design.vmapAreaBytes);
    // cached_hole_size: the largest hole the walk passed below the area it placed.
    const hole = s.free.maxLenIn(lo, stop);
    if (hole > this.holeSize) this.holeSize = hole;
    if (at >= 0) this.cache = at;
    return at;
  }
  override get watchesReleases(): boolean {
    return true;
  }
  override released(vpn: number, end: number): void {
    if (this.cache < 0) return;
    if (end < this.c.space.base) this.cache = -1;
    else if (vpn <= this.cache) {
      const prev = this.c.space.busy.floor(vpn - 1);
      this.cache = prev < 0 ? -1 : this.c.space.busy.startAt(prev);
    }
  }
}

/** 5.2+ find_vmap_lowest_match: descent of the free tree by subtree_max_size, then the split's augment updates. */
class AugmentedFreeTree extends Finder {
  private readonly descent: Descent;
  /** ne_fit_preload_node: 1 while the CPU holds a preloaded spare vmap_area (none at boot). */
  private readonly preloaded: Uint8Array;
  constructor(c: Ctx) {
    super(c);
    this.descent = new Descent(c.m, c.p.walkStepCycles, c.design.vmapAreaBytes, c.p.fallbackMemory);
    this.preloaded = new Uint8Array(c.m.cpus);
  }
  /** preload_this_cpu_lock (6.12:1885–1892): kmem_cache_alloc_node outside the lock if this CPU has no spare. */
  override preload(t: Thread): void {
    if (this.preloaded[t.cpu]) return;
    t.spend(this.c.kmalloc, this.c.p.vmapAreaCycles);
    this.preloaded[t.cpu] = 1;
  }
  find(t: Thread, size: number, align: number): number {
    const s = this.c.space;
    const n = s.free.size;
    const at = s.reserve(size, align);
    const d = this.descent.depth(n);
    // The no-edge split takes the CPU's preloaded vmap_area (__this_cpu_xchg(ne_fit_preload_node, NULL),
    // 6.12:1728); only without one a GFP_NOWAIT kmem_cache_alloc under the lock (6.12:1755).
    let extra = 0;
    if (at >= 0 && s.lastSplit === 'no-edge') {
      if (this.preloaded[t.cpu]) this.preloaded[t.cpu] = 0;
      else extra = this.c.p.vmapAreaCycles;
    }
    t.spend(this.c.sym, this.descent.cycles(n) + d * this.c.p.augmentLevelCycles + extra);
    return at;
  }
}

const FINDERS: Record<HoleSearch, new (c: Ctx) => HoleFinder> = {
  'vmlist-first-fit': VmlistFirstFit,
  'rbtree-walk': RbtreeWalk,
  'cached-hole': CachedHole,
  'augmented-free-tree': AugmentedFreeTree,
};

export function holeFinder(
  m: Machine,
  design: VmapDesign,
  p: MechanismParams,
  space: VmSpace,
  sym: SymbolId,
  kmalloc: SymbolId,
) {
  return new FINDERS[design.holeSearch]({ m, design, p, space, sym, kmalloc });
}
