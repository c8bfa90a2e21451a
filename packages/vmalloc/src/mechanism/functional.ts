// The allocator's state changes without time (functional fast-forward, as SMARTS warms a simulator between
// samples): when the sampler skips loops that build state — test_vmalloc's set-ups allocating thousands of areas,
// their tear-downs — the areas must still exist (or be gone) afterwards, though the time those loops took comes
// from the measured rate. Same placement, lazy queue, purge, pools and search-cache rules as the timed paths;
// no cycles, no locks, no counters (the sampler replays those), and no PTE writes for areas nobody touches.
import { activeUnplaced } from './functional-defer.js';
import { drainOf } from './functional-drain.js';
import type { LazyBatch } from './lazy-queue.js';
import { NOBODY } from './nobody.js';
import type { VmapCore } from './vmap.js';

/** get_vm_area (+ guard page) without time: a handle, or −1. */
export function fastAlloc(v: VmapCore, cpu: number, pages: number, align = 1): number {
  const size = pages + v.guard;
  let at = -1;
  // Inside a lay-down with steady areas placed virtually (functional-defer.ts): the lowest fit around them, reserved
  // there; it is the left end of its block as the kernel sees it, so no no-edge split (no preload taken).
  const u = activeUnplaced(v);
  if (u !== null && align === 1) {
    at = u.fit(size);
    if (at >= 0) u.reserveAt(at, size);
  }
  if (at < 0) {
    u?.settle();
    at = reserve(v, cpu, size, align);
  }
  // alloc_vmap_area's overflow: one purge (the failure purge, below) and a retry.
  if (at < 0 && v.purger !== null && fastPurgeFailure(v)) at = reserve(v, cpu, size, align);
  if (at < 0) return -1;
  v.mirror?.seed(at, cpu);
  v.legacyList?.seed(at, cpu);
  const id = v.areas.add(at, pages, size, -1, v.homeOf(cpu, size));
  v.areas.pfn[id] = 0;
  v.ledger.allocs++;
  return id;
}

/**
 * vfree without time: the area goes lazy (and a purge runs when due) or, in 2.6.27, back at once. `mapped` false:
 * the area was never mapped (a steady loop's fastAlloc just before), so its pages hold no PTE and the unmap
 * (vunmap_page_range) would clear nothing: its scan of every page is skipped (~2 % of the 5.2 must-show).
 */
export function fastFree(v: VmapCore, id: number, mapped = true): void {
  const a = v.areas;
  const vpn = a.vpn[id];
  const size = a.reserved[id];
  const home = a.home[id];
  a.remove(id);
  v.ledger.frees++;
  if (mapped) clearPtes(v, vpn, size);
  v.mirror?.drop(vpn);
  v.legacyList?.drop(vpn);
  if (v.purger === null) {
    v.space.release(vpn);
    v.m.tlb.flushAll();
    return;
  }
  if (v.nodes !== null) v.nodes.busy[v.nodes.of(vpn)]--;
  // 6.9 schedules drain_vmap_work, which detaches the lists later (functional-drain.ts).
  if (v.design.purgeTrigger === 'workqueue') {
    drainOf(v).free(vpn, size, home);
    return;
  }
  v.lazy.push(vpn, size, 0, home);
  v.lazyNr += size;
  // The over-limit purge is a trylock (try_purge_vmap_area_lazy, 2.6.28; purge_vmap_area_lazy's mutex_trylock,
  // 5.2): while a thread simulated in detail holds the purge lock with its batch, that purge is the one that runs.
  if (v.lazyNr > v.lazyMaxPages && !purging(v)) fastPurge(v);
}

/** A purge simulated in detail is in progress (its thread holds the purge lock and the batch it took). */
export function purging(v: VmapCore): boolean {
  return v.purger !== null && v.purger.lock.holder !== null;
}

function reserve(v: VmapCore, cpu: number, size: number, align: number): number {
  const nodes = v.nodes;
  if (nodes?.pooled(size)) {
    const home = nodes.home(cpu);
    const at = nodes.take(home, size, align);
    if (at >= 0) {
      nodes.busy[nodes.of(at)]++;
      return at;
    }
  }
  const at = v.hole.find(NOBODY, size, align);
  if (at >= 0 && nodes !== null) nodes.busy[nodes.of(at)]++;
  return at;
}

/**
 * __purge_vmap_area_lazy without time: every lazy area back (6.9: to its pool, after the decay). `full`: the
 * alloc-failure purge's full_pool_decay, every pool back whole and no purged area into a pool (Purger.runFailure).
 */
export function fastPurge(v: VmapCore, full = false): void {
  const u = activeUnplaced(v);
  u?.beforePurge();
  const b = v.lazy.take();
  purgeBatch(v, b, full);
  u?.afterPurge(b.count);
}

/** __purge_vmap_area_lazy without time over the detached batch `b` (fastPurge: the lazy queue's). */
export function purgeBatch(v: VmapCore, b: LazyBatch, full = false): void {
  v.lazyNr -= b.pages;
  const nodes = v.nodes;
  const back: number[] = [];
  for (let i = 0; i < b.count; i++) if (b.ptes[i] > 0) clearPtes(v, b.vpn[i], b.ptes[i]);
  if (nodes !== null) {
    nodes.decay(full, (vpn) => back.push(vpn));
    for (let i = 0; i < b.count; i++) {
      if (!full && b.home[i] >= 0 && nodes.pooled(b.len[i])) nodes.put(b.home[i], b.len[i], b.vpn[i]);
      else back.push(b.vpn[i]);
    }
  } else for (let i = 0; i < b.count; i++) back.push(b.vpn[i]);
  // As the detailed purge's reclaim (purge.ts): one by one only where the hole search watches releases
  // (free_vmap_cache), else the batch at once — the same busy and free sets in any order.
  if (v.hole.watchesReleases)
    for (const vpn of back) {
      const end = v.space.release(vpn);
      v.hole.released(vpn, end);
    }
  else v.space.releaseAll(back);
  if (b.count > 0) v.m.tlb.flushAll();
}

/**
 * The alloc-failure purge without time, as Purger.runFailure: __purge_vmap_area_lazy with full_pool_decay (6.12
 * reclaim_and_purge_vmap_areas, 6.12:2390–2397: every pool decays whole, no purged area refills one). False when
 * a purge simulated in detail holds the lock: a trylock (2.6.28) gives up, and a waiter (2.6.37+) would only run
 * after that purge, which returns its areas itself.
 */
function fastPurgeFailure(v: VmapCore): boolean {
  if (purging(v)) return false;
  fastPurge(v, true);
  return true;
}

/**
 * What a purge cycle is for the sampler's steady fast-forward (workloads/sampler-ff.ts): the lazy pages a cycle
 * starts from and the limit past which a lazy free purges, or null where there is no lazy queue (2.6.27: every
 * vunmap flushes, so each loop returns the allocator to where it began) or where a purge does not return it to
 * the same state (6.9: the pools decay by a quarter per purge, a state that spans many cycles).
 */
export interface PurgeCycle {
  /** vmap_lazy_nr now. */
  lazy(): number;
  /**
   * lazy_max_pages(): free_unmap_vmap_area_noflush (2.6.28–2.6.39) and free_vmap_area_noflush (5.2) purge when
   * vmap_lazy_nr exceeds it (try_purge_vmap_area_lazy / purge_vmap_area_lazy), taking every lazy area. 0: no lazy
   * queue (a cycle of one loop).
   */
  readonly limit: number;
  /** A purge simulated in detail holds the purge lock (fastPurge must not take the queue under it). */
  busy(): boolean;
  /** The purge, without time: the regeneration point (every lazy area back, nothing queued). */
  purge(): void;
  /** What the purges have taken so far (the sampler's fast-forward measures the detailed purges' batches). */
  tally(): PurgeTally;
}

/** Purges and lazy frees so far: the vmap.purges and vmap.lazy_frees counters (detailed ones only), the queue. */
export interface PurgeTally {
  /** Purges that flushed (vmap.purges). */
  readonly purges: number;
  /** Areas freed lazily (vmap.lazy_frees). */
  readonly frees: number;
  /** Areas queued now. */
  readonly queued: number;
  /** Batches taken from the queue, by detailed and functional purges alike (LazyQueue.taken). */
  readonly taken: number;
}

/** The allocator's purge cycle (see PurgeCycle), or null where purges do not regenerate its state (6.9's pools). */
export function purgeCycle(v: VmapCore): PurgeCycle | null {
  if (v.nodes !== null || v.design.purgeTrigger === 'workqueue') return null;
  return {
    lazy: () => v.lazyNr,
    limit: v.purger === null ? 0 : v.lazyMaxPages,
    busy: () => purging(v),
    purge: () => {
      if (v.purger !== null && !purging(v)) fastPurge(v);
    },
    tally: () => {
      const c = v.m.engine.counters.values;
      return { purges: c[v.k.purges] ?? 0, frees: c[v.k.lazyFrees] ?? 0, queued: v.lazy.length, taken: v.lazy.taken };
    },
  };
}

function clearPtes(v: VmapCore, vpn: number, pages: number): void {
  v.m.tlb.pte.clearRange(vpn, pages);
}
