// The lazy designs: 2.6.28's vmap_area rbtree + list under vmap_area_lock ('lazy', and under the per-CPU front
// end 'percpu'), the 2019 augmented free tree ('rb2019') and the 2024 per-node pools ('pools2024').
// Free unmaps the PTEs at once but keeps the address busy and adds its pages to vmap_lazy_nr; once that exceeds
// lazy_max_pages = fls(CPUs) × 32 MB worth of pages, a purge takes every lazy area, does ONE flush of
// [min, max) and only then returns them to the free space, so no address is reused before the flush that covers
// it. Purges triggered by a free trylock the purge lock and give up if it is held; forced ones (allocation
// failure, vm_unmap_aliases, set_iounmap_nonlazy) wait for it.
import { fls, type RwLock, type Spinlock, type Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { VmapBase } from './base.js';
import { VmapBlocks } from './blocks.js';
import { LazyList } from './lazy-list.js';
import type { MechanismParams } from './params.js';
import { VmapNodes } from './pools.js';
import { purgeLazy } from './purge.js';
import { IntervalSet } from './treap.js';
import type { Gen, VmArea, VmapFaults } from './types.js';

export type LazyImpl = 'lazy' | 'percpu' | 'rb2019' | 'pools2024';

const log2 = (n: number): number => Math.max(1, Math.ceil(Math.log2(n + 1)));

export class LazyVmap extends VmapBase {
  readonly era: 2008 | 2019 | 2024;
  /** vmap_area_lock (2008, 2019) / free_vmap_area_lock (2024). */
  readonly areaLock: Spinlock;
  /** 2.6.28 still linked every vm_struct into vmlist under vmlist_lock (for /proc/vmallocinfo). */
  readonly vmlist: RwLock | null;
  readonly vmlistAreas = new IntervalSet();
  readonly purgeLock: Spinlock;
  readonly lazyMaxPages: number;
  readonly blocks: VmapBlocks;
  readonly nodes: VmapNodes | null;
  readonly lazy = new LazyList();
  private nonlazy = false;
  /** 2024: the node whose CPU allocated an area; its pool gets the area back after a purge. [U] */
  readonly homeOf = new Map<number, number>();
  private lazyNrCpu = -1;
  readonly k: { purges: number; skipped: number; lazyFrees: number; poolHits: number };

  constructor(
    m: Machine,
    p: MechanismParams,
    readonly impl: LazyImpl,
    faults: VmapFaults = {},
  ) {
    super(m, p, faults);
    this.era = impl === 'rb2019' ? 2019 : impl === 'pools2024' ? 2024 : 2008;
    this.areaLock = m.spinlock(this.era === 2024 ? 'free_vmap_area_lock' : 'vmap_area_lock');
    this.vmlist = this.era === 2008 ? m.rwlock('vmlist_lock') : null;
    // 2.6.28: the purge_lock spinlock; 5.x: the vmap_purge_lock mutex (modelled spinning, charged to mutex_lock).
    this.purgeLock = this.era === 2008 ? m.spinlock('purge_lock') : m.spinlock('vmap_purge_lock', 'mutex_lock');
    this.lazyMaxPages = fls(m.cpus) * Math.floor(p.lazyMaxBytesPerFlsCpu / m.arch.pageBytes);
    this.blocks = new VmapBlocks(this);
    this.nodes = this.era === 2024 ? new VmapNodes(m, p) : null;
    const c = m.engine.counters;
    this.k = {
      purges: c.id('vmap.purges', 'lazy purges that flushed'),
      skipped: c.id('vmap.purge_trylock_failed', 'opportunistic purges that found the purge lock held'),
      lazyFrees: c.id('vmap.lazy_frees', 'areas freed lazily (flush deferred)'),
      poolHits: c.id('vmap.pool_hits', 'allocations served from a per-node pool'),
    };
  }

  // ---- the interface ----

  *alloc(t: Thread, pages: number, align = 1): Gen<VmArea> {
    if (this.impl === 'percpu') {
      if (pages <= this.blocks.maxAlloc) return yield* this.blocks.alloc(t, pages);
      return yield* this.ramAlloc(t, pages);
    }
    t.spend(this.s.kmalloc, this.p.vmStructCycles);
    // reserve() inline (one generator level less on the hot path): on failure, a forced purge and one retry.
    let at = yield* this.reserveOnce(t, pages + this.guard, align);
    if (at < 0) {
      yield* this.purge(t);
      at = yield* this.reserveOnce(t, pages + this.guard, align);
    }
    if (at < 0) throw this.failed(pages, align);
    if (this.vmlist !== null) {
      yield this.vmlist.writeLock(t);
      const visited = this.vmlistAreas.rank(at) + 1;
      this.walked(visited);
      t.spend(this.s.insertVm, visited * this.p.listWalkCyclesPerArea);
      this.vmlistAreas.insert(at, at + pages + this.guard);
      this.vmlist.writeUnlock(t);
    }
    return this.issue(at, pages, pages + this.guard);
  }

  *free(t: Thread, a: VmArea): Gen {
    if (a.block !== null) {
      yield* this.blocks.free(t, a);
      return;
    }
    this.retire(a);
    if (this.nodes === null) {
      // find_vmap_area, inline on the hot path
      yield this.areaLock.lock(t);
      t.spend(this.s.findVa, log2(this.space.busy.size) * this.p.rbLevelCycles);
      this.areaLock.unlock(t);
    } else yield* this.findArea(t, a.vpn);
    if (this.vmlist !== null && this.vmlistAreas.get(a.vpn) !== null) {
      yield this.vmlist.writeLock(t);
      const visited = this.vmlistAreas.rank(a.vpn) + 1;
      this.walked(visited);
      t.spend(this.s.removeVm, visited * this.p.listWalkCyclesPerArea);
      this.vmlistAreas.remove(a.vpn);
      this.vmlist.writeUnlock(t);
    }
    this.unmapPtes(t, a);
    if (this.nodes === null && !this.faults.reuseBeforeFlush) {
      t.spend(this.s.lazy, this.p.lazyMarkCycles);
      if (this.noteLazy(t, a.vpn, a.reserved)) yield* this.purgeIfDue(t);
    } else yield* this.lazyFree(t, a.vpn, a.reserved);
  }

  *mapRam(t: Thread, pfn: number, pages: number): Gen<VmArea> {
    const a = yield* this.ramAlloc(t, pages);
    this.map(t, a, pfn);
    return a;
  }

  *unmapRam(t: Thread, a: VmArea): Gen {
    yield* this.free(t, a);
  }

  *unmapAliases(t: Thread): Gen {
    if (this.faults.skipAliasFlush) return;
    const r = yield* this.blocks.flushDirty(t);
    yield* purgeLazy(this, t, true, r.any, r.min, r.max);
  }

  setIounmapNonlazy(): void {
    this.nonlazy = true;
  }

  *purge(t: Thread): Gen {
    yield* purgeLazy(this, t, true, false, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
  }

  check(): string[] {
    const out = this.checkSpace();
    out.push(...this.lazy.check((v) => this.space.isBusy(v)));
    if (this.ledger.lazyPages !== this.lazy.pages) out.push('ledger lazy pages disagree with vmap_lazy_nr');
    out.push(...this.blocks.check());
    return out;
  }

  // ---- for the block front end ----

  issueBlockArea(vpn: number, pages: number, reserved: number, vb: VmArea['block']): VmArea {
    return this.issue(vpn, pages, reserved, vb);
  }

  retireArea(a: VmArea): void {
    this.retire(a);
  }

  unmapArea(t: Thread, a: VmArea): void {
    this.unmapPtes(t, a);
  }

  // ---- vm_map_ram: per-CPU blocks for small requests, else an area without guard or vm_struct ----

  *ramAlloc(t: Thread, pages: number): Gen<VmArea> {
    if (pages <= this.blocks.maxAlloc) return yield* this.blocks.alloc(t, pages);
    const at = yield* this.reserve(t, pages, 1);
    if (at < 0) throw this.failed(pages, 1);
    return this.issue(at, pages, pages);
  }

  // ---- alloc_vmap_area and friends ----

  /** Reserves `size` pages; on failure purges (forced) and retries once. Returns the start or −1. */
  *reserve(t: Thread, size: number, align: number): Gen<number> {
    for (let attempt = 0; ; attempt++) {
      const at = yield* this.reserveOnce(t, size, align);
      if (at >= 0 || attempt === 1) return at;
      yield* this.purge(t);
    }
  }

  *reserveOnce(t: Thread, size: number, align: number): Gen<number> {
    const p = this.p;
    const nodes = this.nodes;
    const home = nodes === null ? -1 : nodes.home(t.cpu);
    if (nodes !== null && nodes.count > 1 && size <= p.poolMaxPages) {
      const lock = nodes.poolLock(home);
      yield lock.lock(t);
      const at = nodes.take(home, size, align);
      t.spend(this.s.pool, p.poolLookupCycles);
      lock.unlock(t);
      if (at >= 0) {
        this.m.engine.counters.add(this.k.poolHits);
        this.homeOf.set(at, home);
        yield* this.insertBusy(t, at);
        return at;
      }
    }
    t.spend(this.s.kmalloc, p.vmapAreaCycles);
    yield this.areaLock.lock(t);
    const at = this.space.reserve(size, align);
    if (this.era === 2008) {
      // rbtree descent to vstart, then rb_next over every area (busy or lazy) below the hole found.
      const passed = at < 0 ? this.space.busy.size : this.space.busyBelow(at);
      this.walked(passed);
      t.spend(this.s.allocVa, log2(this.space.busy.size) * p.rbLevelCycles + passed * p.rbNextCycles);
    } else {
      const d = log2(this.space.free.size);
      const extra = at >= 0 && this.space.lastSplit === 'no-edge' ? p.vmapAreaCycles : 0;
      t.spend(this.s.allocVa, d * (p.rbLevelCycles + p.augmentLevelCycles) + extra);
      if (nodes === null) t.spend(this.s.allocVa, log2(this.space.busy.size) * p.rbLevelCycles);
    }
    this.areaLock.unlock(t);
    if (at < 0) return -1;
    if (nodes !== null) {
      this.homeOf.set(at, home);
      yield* this.insertBusy(t, at);
    }
    return at;
  }

  /** 2024: insert into the busy tree of the address's node. */
  private *insertBusy(t: Thread, at: number): Gen {
    const nodes = this.nodes;
    if (nodes === null) return;
    const n = nodes.of(at);
    const lock = nodes.busyLock(n);
    yield lock.lock(t);
    t.spend(this.s.allocVa, log2(nodes.busy[n]) * this.p.rbLevelCycles);
    nodes.busy[n]++;
    lock.unlock(t);
  }

  /** find_vmap_area: an rbtree lookup under the area lock (2024: the address's node lock). */
  private *findArea(t: Thread, vpn: number): Gen {
    const nodes = this.nodes;
    if (nodes !== null) {
      const n = nodes.of(vpn);
      const lock = nodes.busyLock(n);
      yield lock.lock(t);
      t.spend(this.s.findVa, log2(nodes.busy[n]) * this.p.rbLevelCycles);
      nodes.busy[n]--;
      lock.unlock(t);
      return;
    }
    yield this.areaLock.lock(t);
    t.spend(this.s.findVa, log2(this.space.busy.size) * this.p.rbLevelCycles);
    this.areaLock.unlock(t);
  }

  /** free_vmap_area_noflush: the area stays busy until a purge has flushed it. */
  *lazyFree(t: Thread, vpn: number, pages: number): Gen {
    if (this.faults.reuseBeforeFlush) {
      yield this.areaLock.lock(t);
      this.space.release(vpn);
      this.areaLock.unlock(t);
      return;
    }
    const nodes = this.nodes;
    if (nodes !== null) {
      const lock = nodes.lazyLock(nodes.of(vpn));
      yield lock.lock(t);
      t.spend(this.s.lazy, this.p.lazyMarkCycles);
      lock.unlock(t);
    } else t.spend(this.s.lazy, this.p.lazyMarkCycles);
    if (this.noteLazy(t, vpn, pages)) yield* this.purgeIfDue(t);
  }

  /** Adds a lazy area to vmap_lazy_nr; true if a purge is due (over the limit, or set_iounmap_nonlazy). */
  private noteLazy(t: Thread, vpn: number, pages: number): boolean {
    // atomic_add on vmap_lazy_nr: its cache line moves if another CPU touched it last.
    if (this.lazyNrCpu !== t.cpu) {
      if (this.lazyNrCpu !== -1) t.spend(this.s.lazy, this.m.arch.costs.cacheLineTransferCycles);
      this.lazyNrCpu = t.cpu;
    }
    this.lazy.push(vpn, pages);
    this.ledger.lazyPages += pages;
    this.m.engine.counters.add(this.k.lazyFrees);
    return this.nonlazy || this.lazy.pages > this.lazyMaxPages;
  }

  private *purgeIfDue(t: Thread): Gen {
    if (this.nonlazy) {
      this.nonlazy = false;
      yield* this.purge(t);
    } else if (this.lazy.pages > this.lazyMaxPages) {
      yield* purgeLazy(this, t, false, false, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    }
  }

  /** vmap_lazy_nr. */
  get lazyNr(): number {
    return this.lazy.pages;
  }

  /** Pages held in per-node pools (2024), reserved but reusable without a flush. */
  get pooledPages(): number {
    return this.nodes?.pooledPages() ?? 0;
  }
}
