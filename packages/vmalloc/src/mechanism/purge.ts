// __purge_vmap_area_lazy of the lazy designs: take every lazily freed area, (2.6.28–2.6.36: clear their PTEs,)
// ONE flush over the range they span, then return them to the free space — so no address is reused before the
// flush that covers it. Opportunistic purges trylock the purge lock and give up; forced ones wait for it.
import type { Spinlock, Thread, Work } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { VmapDesign } from '../designs/design.js';
import type { Gen } from '../types.js';
import type { HoleFinder } from './hole.js';
import { Descent } from './hole.js';
import type { LazyBatch, LazyQueue } from './lazy-queue.js';
import { archMemory, chaseCycles } from './memory.js';
import type { VmapNodes } from './nodes.js';
import type { MechanismParams } from './params.js';
import { Driver, HANDOFF, PoolFill } from './pool-fill.js';
import { DecayedList, NodeLists, VpnList } from './purge-lists.js';
import { PurgeLock } from './purge-lock.js';
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
  /** lazy_max_pages(). */
  readonly lazyMaxPages: number;
  /** The per-CPU vmap blocks, whose fragmented ones the alloc-failure purge releases first (where it does). */
  readonly blocks: { purgeFragmentedAll(t: Thread): Gen } | null;
}

export class Purger {
  /** purge_lock or vmap_purge_lock (purge-lock.ts). */
  readonly lock: Spinlock;
  private readonly purgeLock: PurgeLock;
  private readonly descent: Descent;
  private readonly mem;
  /** drain_vmap_work (6.9): idle, queued on a CPU's kworker, or running (and queued again while it runs). */
  private drainState: 'idle' | 'queued' | 'running' | 'requeued' = 'idle';
  private helperCounter = -1;
  /** The purge's lists, kept between purges (purge-lists.ts): the areas by node, those back to the free tree. */
  private lists: NodeLists | null = null;
  /** One node's decayed pool entries at a time (reclaimDecayed). */
  private readonly decayed = new DecayedList();
  private readonly back = new VpnList();
  /** Per node: the areas of its purge list going back to the free tree (helpers run at once, each its own). */
  private readonly backs: VpnList[] = [];
  private readonly pushBack = (vpn: number): void => this.back.push(vpn);
  private readonly reclaimOf = (t: Thread, back: VpnList): Gen => this.reclaim(t, back);
  /** The drain kworker running now and its body, which runs a PoolFill handed to it directly (pool-fill.ts). */
  private drainThread: Thread | null = null;
  private driver: Driver | null = null;

  constructor(private readonly h: PurgeHost) {
    const m = h.m;
    this.purgeLock = new PurgeLock(m, h.design);
    this.lock = this.purgeLock.lock;
    this.descent = new Descent(m, h.p.walkStepCycles, h.design.vmapAreaBytes, h.p.fallbackMemory);
    this.mem = archMemory(m, h.p.fallbackMemory);
    // The era's fair scheduler shares a CPU between its test thread and the kworker running this design's works
    // (a sweep's copied record in `p.scheduler` when one of its [U] values is moved).
    if (h.design.scheduler !== null) m.engine.sched = h.p.scheduler ?? h.design.scheduler;
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

  /**
   * 6.9 free_vmap_area_noflush over the limit: schedule_work(&drain_vmap_work) on this CPU — a no-op while it is
   * pending (counted as skipped); while it runs, it is queued again and runs once more after (workqueue
   * non-reentrancy: on the same kworker). No yield: the freeing thread goes on.
   */
  scheduleDrain(t: Thread): void {
    const st = this.drainState;
    if (st === 'queued' || st === 'requeued') {
      this.h.m.engine.counters.add(this.h.k.skipped);
      return;
    }
    if (st === 'running') {
      this.drainState = 'requeued';
      return;
    }
    this.drainState = 'queued';
    this.h.m.engine.queueWork(t.cpu, `kworker/${t.cpu}`, (w) => {
      this.drainThread = w;
      this.driver = new Driver(this.drain(w));
      return this.driver;
    });
  }

  /**
   * drain_vmap_area_work: mutex_lock(&vmap_purge_lock), __purge_vmap_area_lazy(ULONG_MAX, 0, false). Queued again
   * while it ran, it runs again on the same worker after process_one_work's cond_resched() (6.12 workqueue.c:3299):
   * where the CPU's test thread has waited out the kworker's slice, it runs first.
   */
  private *drain(w: Thread): Gen {
    for (;;) {
      this.drainState = 'running';
      // A mutex: while a forced purge holds it, the kworker sleeps and its CPU runs other work (a purge helper).
      yield* this.purgeLock.lockSleeping(w);
      yield* this.purge(w, false, false, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
      if ((this.drainState as string) !== 'requeued') break;
      // Pending again, not running, while the worker waits its turn (a free meanwhile finds it queued).
      this.drainState = 'queued';
      const rs = w.engine.condResched(w);
      if (rs !== undefined) yield rs;
    }
    this.drainState = 'idle';
  }

  /** A purge: `force` waits for the lock; `flush` flushes [min, max) even if nothing is lazy. */
  *run(t: Thread, force: boolean, flush: boolean, min: number, max: number): Gen {
    if (!(yield* this.acquire(t, force))) return;
    yield* this.purge(t, force, flush, min, max);
  }

  /**
   * The purge of an allocation that found no space: 6.12 reclaim_and_purge_vmap_areas (6.12:2390–2397) =
   * purge_fragmented_blocks_allcpus, then __purge_vmap_area_lazy(ULONG_MAX, 0, true): every pool decays whole and
   * no purged area refills a pool (vn->skip_populate = full_pool_decay, 6.12:2325–2326, 2289); 6.1's
   * purge_vmap_area_lazy (6.1:1853–1860) purges the blocks first too. `wait`: for the lock, else a trylock.
   */
  *runFailure(t: Thread, wait: boolean): Gen {
    if (!(yield* this.acquire(t, wait))) return;
    const blocks = this.h.blocks;
    if (blocks !== null && this.h.design.perCpuBlocks?.purgeOnFailure) yield* blocks.purgeFragmentedAll(t);
    yield* this.purge(t, true, false, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, true);
  }

  /** The purge lock in time order: waited for (`force`), or tried; false if the try failed. */
  *acquire(t: Thread, force: boolean): Gen<boolean> {
    yield undefined;
    if (!force) return this.tryStart(t);
    // 6.9: the holder may be waiting in flush_work for a helper queued on this CPU; a mutex waiter sleeps.
    if (this.h.design.purgeHelpers) yield* this.purgeLock.lockSleeping(t);
    else yield this.lock.lock(t);
    return true;
  }

  /**
   * __purge_vmap_area_lazy with the purge lock held (released at the end). `full`: 6.9's full_pool_decay (the
   * alloc-failure purge): pools decay whole and are not refilled.
   */
  *purge(t: Thread, force: boolean, flush: boolean, min: number, max: number, full = false): Gen {
    const h = this.h;
    if (h.design.purgeHelpers && h.nodes !== null && h.nodes.count > 1) {
      yield* this.purgeNodes(t, h.nodes, force, flush, min, max, full);
      return;
    }
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
    this.purgeLock.unlock(t);
  }

  /**
   * 6.9 __purge_vmap_area_lazy: every pool decays by a quarter (decay_va_pool_node, back to the global tree; whole
   * with `full`), each node's lazy list is detached under its lazy lock, ONE flush over them all; then
   * purge_vmap_node per node: the first clamp(vmap_lazy_nr / lazy_max_pages, 1, nodes) − 1 by helper works on the
   * nodes' CPUs (schedule_work_on(i, &vn->purge_work)), the rest here, and flush_work of each helper.
   */
  private *purgeNodes(
    t: Thread,
    nodes: VmapNodes,
    force: boolean,
    flush: boolean,
    min: number,
    max: number,
    full: boolean,
  ): Gen {
    const h = this.h;
    const e = h.m.engine;
    const sym = h.design.purgeTrigger === 'workqueue' && !force ? h.s.drain : h.s.purge;
    // decay_va_pool_node per node (6.12:2327), each ending in its own reclaim_list_global: one free_vmap_area_lock
    // hold per node, with other CPUs' pool misses queued between them (until s23 one hold took every node's).
    // The kernel detaches node n's lazy list right after node n's decay; here every list after every decay, so
    // areas freed during the decays of nodes already passed join this purge instead of the next.
    const decayed = this.decayed;
    for (let n = 0; n < nodes.count; n++) {
      decayed.clear();
      nodes.decayNode(n, full, decayed.push);
      if (decayed.vpn.n > 0) yield* this.reclaimDecayed(t, decayed, sym);
    }
    const b = h.lazy.take();
    if (b.min < min) min = b.min;
    if (b.max > max) max = b.max;
    // The purge list of each node (its lazy areas, in queue order), nodes in id order (for_each_cpu).
    this.lists ??= new NodeLists(nodes.count);
    const lists = this.lists;
    lists.split(b, nodes);
    let listed = 0;
    for (let n = 0; n < nodes.count; n++) {
      if (lists.size(n) === 0) continue;
      listed++;
      const lock = nodes.lazyLock(n);
      yield lock.lock(t);
      lock.unlock(t);
    }
    this.clearPtes(t, b);
    if (b.count > 0 || flush) {
      e.counters.add(h.k.purges);
      if (max > min) yield* h.m.flushKernelRange(t, min, max - min);
    }
    let helpers = Math.min(Math.max(Math.floor(h.lazyNr / h.lazyMaxPages), 1), listed) - 1;
    const works: Work[] = [];
    for (let n = 0; n < nodes.count; n++) {
      if (lists.size(n) === 0) continue;
      if (helpers > 0) {
        helpers--;
        if (this.helperCounter < 0)
          this.helperCounter = e.counters.id('vmap.purge_helpers', 'purge_vmap_node works handed to helper CPUs');
        e.counters.add(this.helperCounter);
        // Node i's helper runs on CPU i (nodes ≤ CPUs).
        works.push(e.queueWork(n, `kworker/${n}`, (w) => this.purgeNode(w, nodes, n, sym, !full)));
      } else {
        const fill = this.purgeNode(t, nodes, n, sym, !full);
        if (t === this.drainThread) {
          (this.driver as Driver).active = fill;
          yield HANDOFF;
        } else yield* fill;
      }
    }
    for (const w of works) {
      const op = w.flush(t);
      if (op !== undefined) yield op;
    }
    this.purgeLock.unlock(t);
  }

  /**
   * purge_vmap_node: each area of the node's purge list to the node's pool (pool-sized, with a node id, and
   * `populate`: not vn->skip_populate, 6.12:2289) or to a local list; vmap_lazy_nr drops by the node's pages;
   * reclaim_list_global returns the local list. Not a generator itself: it returns a PoolFill (pool-fill.ts),
   * which the drain's Driver, a helper's kworker or `yield*` runs (its walk cost is spent at the call, which each
   * of them makes the moment the fill starts).
   */
  private purgeNode(t: Thread, nodes: VmapNodes, n: number, sym: number, populate: boolean): PoolFill {
    const h = this.h;
    const bytes = h.design.vmapAreaBytes;
    const lists = this.lists as NodeLists;
    const from = lists.from[n];
    const to = lists.from[n + 1];
    const k = to - from;
    t.spend(sym, k * (h.p.walkStepCycles + chaseCycles(this.mem, k * bytes)));
    let pages = 0;
    for (let j = from; j < to; j++) pages += lists.len[j];
    this.backs[n] ??= new VpnList();
    const back = this.backs[n];
    back.n = 0;
    return this.fill(t, nodes, lists.vpn, lists.len, lists.home, from, to, back, pages, populate);
  }

  /**
   * The end of one node's decay_va_pool_node: its decayed areas go into a local rb-tree with
   * merge_or_add_vmap_area (6.12:2214), outside any lock, so address-adjacent ones merge; reclaim_list_global
   * (6.12:2173–2185) then adds each merged extent to the global free tree under free_vmap_area_lock.
   */
  private *reclaimDecayed(t: Thread, decayed: DecayedList, sym: number): Gen {
    const k = decayed.vpn.n;
    t.spend(sym, k * (this.h.p.freeVmapAreaCycles + this.descent.cycles(k)));
    yield* this.reclaim(t, decayed.vpn, decayed.extents());
  }

  /**
   * reclaim_list_global: areas back to the global free tree under free_vmap_area_lock, `inserts` merge_or_add
   * calls (default one per area; fewer where a node's decayed areas merged first).
   */
  private *reclaim(t: Thread, back: VpnList, inserts = back.n): Gen {
    const h = this.h;
    const p = h.p;
    yield h.areaLock.lock(t);
    let per = p.freeVmapAreaCycles;
    if (h.design.freeTree) {
      const n = h.space.free.size;
      per += this.descent.cycles(n) + this.descent.depth(n) * p.augmentLevelCycles;
    }
    t.spend(h.s.freeVa, inserts * per);
    if (h.hole.watchesReleases) {
      for (let i = 0; i < back.n; i++) {
        const vpn = back.a[i];
        const end = h.space.release(vpn);
        h.hole.released(vpn, end);
      }
    } else h.space.releaseAll(back.a, back.n);
    h.areaLock.unlock(t);
  }

  /** 2.6.28–2.6.36: the PTEs of the batch's areas, left set by the lazy free, cleared now. */
  private clearPtes(t: Thread, b: LazyBatch): void {
    const h = this.h;
    for (let i = 0; i < b.count; i++) {
      const n = b.ptes[i];
      if (n > 0) {
        h.m.clearPtes(t, b.vpn[i], n, h.s.unmap);
        t.spend(h.s.unmap, h.p.pageTableWalkCycles);
      }
    }
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
    this.clearPtes(t, b);
  }

  /** Purged areas back to the free space (6.9: pool-sized ones to their node's pool; pools decay first). */
  private *release(t: Thread, b: LazyBatch): Gen {
    const nodes = this.h.nodes;
    const back = this.back;
    back.n = 0;
    if (nodes !== null) {
      nodes.decay(false, this.pushBack);
      yield* this.fill(t, nodes, b.vpn, b.len, b.home, 0, b.count, back, 0, true);
      return;
    }
    for (let i = 0; i < b.count; i++) back.push(b.vpn[i]);
    if (back.n > 0) yield* this.reclaim(t, back);
  }

  /** The pool fill of the areas `from` … `to − 1` of (`vpn`, `len`, `home`): pool-fill.ts PoolFill. */
  private fill(
    t: Thread,
    nodes: VmapNodes,
    vpn: Float64Array,
    len: Int32Array,
    home: Int16Array,
    from: number,
    to: number,
    back: VpnList,
    pages: number,
    populate: boolean,
  ): PoolFill {
    return new PoolFill(this.h, this.reclaimOf, t, nodes, vpn, len, home, from, to, back, pages, populate);
  }
}
