// __purge_vmap_area_lazy of the lazy designs: take every lazily freed area, (2.6.28–2.6.36: clear their PTEs,)
// ONE flush over the range they span, then return them to the free space — so no address is reused before the
// flush that covers it. Opportunistic purges trylock the purge lock and give up; forced ones wait for it.
import type { Spinlock, Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { VmapDesign } from '../designs/design.js';
import type { Gen } from '../types.js';
import type { HoleFinder } from './hole.js';
import { Descent } from './hole.js';
import type { LazyBatch, LazyQueue } from './lazy-queue.js';
import { archMemory, chaseCycles } from './memory.js';
import type { VmapNodes } from './nodes.js';
import type { MechanismParams } from './params.js';
import type { VmSpace } from './space.js';
import type { VmapCounters, VmapSymbols } from './symbols.js';

/** What the purge needs from the allocator. */
export interface PurgeHost {
  readonly m: Machine;
  readonly p: MechanismParams;
  readonly s: VmapSymbols;
  readonly k: VmapCounters;
  readonly design: VmapDesign;
  readonly space: VmSpace;
  readonly lazy: LazyQueue;
  readonly hole: HoleFinder;
  readonly nodes: VmapNodes | null;
  /** vmap_area_lock (free_vmap_area_lock in 6.9). */
  readonly areaLock: Spinlock;
  /** vmap_lazy_nr, the kernel's counter (set_iounmap_nonlazy may leave it above the real lazy pages). */
  lazyNr: number;
}

export class Purger {
  /** purge_lock (2.6.28) or vmap_purge_lock (5.x, a mutex modelled spinning: its waits are forced purges only). */
  readonly lock: Spinlock;
  private readonly descent: Descent;
  private readonly mem;

  constructor(private readonly h: PurgeHost) {
    const m = h.m;
    this.lock = h.design.purgeLock === 'mutex' ? m.spinlock('vmap_purge_lock', 'mutex_lock') : m.spinlock('purge_lock');
    this.descent = new Descent(m, h.p.walkStepCycles, h.design.vmapAreaBytes, h.p.fallbackMemory);
    this.mem = archMemory(m, h.p.fallbackMemory);
  }

  /**
   * The over-limit trigger of a lazy free, after a bare `yield` (the attempt in time order): trylock the purge
   * lock, or count the purge as skipped (6.9: drain_vmap_work, same CPU). True if the caller now runs `purge`.
   */
  tryStart(t: Thread): boolean {
    if (this.lock.tryLock(t)) return true;
    this.h.m.engine.counters.add(this.h.k.skipped);
    return false;
  }

  /** A purge: `force` waits for the lock; `flush` flushes [min, max) even if nothing is lazy. */
  *run(t: Thread, force: boolean, flush: boolean, min: number, max: number): Gen {
    yield undefined;
    if (!force) {
      if (!this.tryStart(t)) return;
    } else yield this.lock.lock(t);
    yield* this.purge(t, force, flush, min, max);
  }

  /** __purge_vmap_area_lazy with the purge lock held (released at the end). */
  *purge(t: Thread, force: boolean, flush: boolean, min: number, max: number): Gen {
    const h = this.h;
    const sym = h.design.purgeTrigger === 'workqueue' && !force ? h.s.drain : h.s.purge;
    const b = h.lazy.take();
    if (b.min < min) min = b.min;
    if (b.max > max) max = b.max;
    yield* this.collect(t, b, sym);
    h.lazyNr -= b.pages;
    if (b.count > 0 || flush) {
      h.m.engine.counters.add(h.k.purges);
      if (max > min) yield* h.m.flushKernelRange(t, min, max - min);
    }
    if (b.count > 0 || h.nodes !== null) yield* this.release(t, b);
    this.lock.unlock(t);
  }

  /** Finding the lazy areas (and, 2.6.28–2.6.36, unmapping them). */
  private *collect(t: Thread, b: LazyBatch, sym: number): Gen {
    const h = this.h;
    const bytes = h.design.vmapAreaBytes;
    if (h.design.purgeScan === 'area-list') {
      // 2.6.28 walks the whole vmap_area_list checking each area's VM_LAZY_FREE flag.
      const n = h.space.busy.size;
      t.spend(sym, n * (h.p.walkStepCycles + chaseCycles(this.mem, n * bytes)));
    } else {
      t.spend(sym, b.count * (h.p.walkStepCycles + chaseCycles(this.mem, b.count * bytes)));
    }
    const nodes = h.nodes;
    if (nodes !== null && b.count > 0) {
      // 6.9: each node's lazy tree is detached under its lazy lock.
      const seen = new Uint8Array(nodes.count);
      for (let i = 0; i < b.count; i++) {
        const n = b.home[i] >= 0 ? b.home[i] : nodes.of(b.vpn[i]);
        if (seen[n]) continue;
        seen[n] = 1;
        const lock = nodes.lazyLock(n);
        yield lock.lock(t);
        lock.unlock(t);
      }
    }
    for (let i = 0; i < b.count; i++) {
      const n = b.ptes[i];
      if (n > 0) {
        h.m.clearPtes(t, b.vpn[i], n, h.s.unmap);
        t.spend(h.s.unmap, h.p.pageTableWalkCycles);
      }
    }
  }

  /** Purged areas back to the free space (6.9: pool-sized ones to their node's pool; pools decay first). */
  private *release(t: Thread, b: LazyBatch): Gen {
    const h = this.h;
    const p = h.p;
    const nodes = h.nodes;
    const back: number[] = [];
    if (nodes !== null) {
      nodes.decay(false, (vpn) => back.push(vpn));
      for (let i = 0; i < b.count; i++) {
        const home = b.home[i];
        if (home >= 0 && nodes.pooled(b.len[i])) {
          const lock = nodes.poolLock(home);
          yield lock.lock(t);
          nodes.put(home, b.len[i], b.vpn[i]);
          t.spend(h.s.pool, p.poolLookupCycles);
          lock.unlock(t);
        } else back.push(b.vpn[i]);
      }
    } else for (let i = 0; i < b.count; i++) back.push(b.vpn[i]);
    if (back.length === 0) return;
    yield h.areaLock.lock(t);
    let per = p.freeVmapAreaCycles;
    if (h.design.freeTree) {
      const n = h.space.free.size;
      per += this.descent.cycles(n) + this.descent.depth(n) * p.augmentLevelCycles;
    }
    t.spend(h.s.freeVa, back.length * per);
    for (const vpn of back) {
      const end = h.space.release(vpn);
      h.hole.released(vpn, end);
    }
    h.areaLock.unlock(t);
  }
}
