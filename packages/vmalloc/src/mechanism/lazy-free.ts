// free_vmap_area_noflush and what it starts: a freed area goes on the lazy list (6.9: its node's, under that list's
// lock) and counts in vmap_lazy_nr; past lazy_max_pages a purge is tried (trylock, in time order) or, in 6.9, the
// drain work is scheduled. Plain functions over the allocator, so its hot path (freeArea) can yield the lazy-list
// lock itself, one generator level higher.
import type { Spinlock, Thread } from '@kmemsim/core';
import type { Gen, VmapFaults } from '../types.js';
import type { Descent } from './hole.js';
import type { VmapNodes } from './nodes.js';
import type { PurgeHost, Purger } from './purge.js';

/** What the lazy free needs from the allocator. */
export interface LazyHost extends PurgeHost {
  readonly faults: VmapFaults;
  readonly purger: Purger | null;
  /** Cycles of a vmap_area rb-tree descent by its size. */
  readonly busyDescent: Descent;
  /** The CPU that last touched vmap_lazy_nr's cache line (−1: none yet). */
  lazyNrCpu: number;
}

/** free_vmap_area_noflush: the area stays busy until a purge has flushed it. */
export function* lazyFree(h: LazyHost, t: Thread, vpn: number, pages: number, ptes: number, home = -1): Gen {
  if (h.faults.reuseBeforeFlush) {
    if (ptes > 0) h.m.clearPtes(t, vpn, ptes, h.s.unmap);
    yield h.areaLock.lock(t);
    const end = h.space.release(vpn);
    h.hole.released(vpn, end);
    h.areaLock.unlock(t);
    return;
  }
  const lock = lazyLock(h.nodes, vpn, home);
  if (lock !== null) yield lock.lock(t);
  if (lazyQueue(h, t, vpn, pages, ptes, home, lock)) yield* lazyPurge(h.purger as Purger, t);
}

/** 6.9: the lock of the per-node lazy list an area goes to (its home node's, else its address's); null before. */
export function lazyLock(nodes: VmapNodes | null, vpn: number, home: number): Spinlock | null {
  return nodes === null ? null : nodes.lazyLock(home >= 0 ? home : nodes.of(vpn));
}

/**
 * free_vmap_area_noflush's plain steps, `lock` (from lazyLock) held: queue the area, count vmap_lazy_nr, and start
 * a purge over lazy_max_pages. True when an opportunistic purge must still sync in time order (lazyPurge).
 */
export function lazyQueue(
  h: LazyHost,
  t: Thread,
  vpn: number,
  pages: number,
  ptes: number,
  home: number,
  lock: Spinlock | null,
): boolean {
  // 6.9 inserts the area into its node's lazy rb-tree (insert_vmap_area, 6.12:2433), a descent as in the busy trees.
  const nodes = h.nodes;
  const insert =
    nodes === null ? 0 : h.busyDescent.cycles(nodes.lazyInsert(home >= 0 ? home : nodes.of(vpn), h.lazy.taken));
  t.spend(h.s.lazy, h.p.lazyMarkCycles + insert);
  lock?.unlock(t);
  h.lazy.push(vpn, pages, ptes, home);
  // atomic_add on vmap_lazy_nr: its cache line moves if another CPU touched it last.
  if (h.lazyNrCpu !== t.cpu) {
    if (h.lazyNrCpu !== -1) t.spend(h.s.lazy, h.m.arch.costs.cacheLineTransferCycles);
    h.lazyNrCpu = t.cpu;
  }
  h.lazyNr += pages;
  h.m.engine.counters.add(h.k.lazyFrees);
  const purger = h.purger;
  if (h.lazyNr <= h.lazyMaxPages || purger === null) return false;
  if (h.design.purgeHelpers) {
    purger.scheduleDrain(t);
    return false;
  }
  // Held by a thread already past this time, the purge lock cannot be free at it: the trylock fails in any
  // order, so no sync point is needed (6.9 at 1,024 CPUs spends most of its run inside one purge).
  const holder = purger.lock.holder;
  if (holder !== null && holder.clock > t.clock) {
    purger.tryStart(t);
    return false;
  }
  return true;
}

/** Over lazy_max_pages: the opportunistic purge (a bare yield first, so the trylock happens in time order). */
export function* lazyPurge(purger: Purger, t: Thread): Gen {
  yield undefined;
  const purge = startPurge(purger, t);
  if (purge !== null) yield* purge;
}

/** After lazyPurge's bare yield: trylock the purge lock; the purge to run, or null when another holds it. */
export function startPurge(purger: Purger, t: Thread): Gen | null {
  if (!purger.tryStart(t)) return null;
  return purger.purge(t, false, false, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
}
