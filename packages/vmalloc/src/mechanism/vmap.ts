// One allocator for every design: the design record (designs/) says which pieces it is made of — how a hole is
// found (hole.ts), whether vm_structs sit on vmlist (vmlist.ts), per-CPU blocks for vm_map_ram (blocks.ts),
// global or per-node bookkeeping and pools (nodes.ts), when PTEs are cleared, the lazy free (lazy-free.ts) and how
// the lazy purge runs (purge.ts). Areas are integer handles into an AreaTable; api.ts adds the VmArea object API.
import { fls, type RwLock, type Spinlock, type Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { VmapDesign } from '../designs/design.js';
import type { Gen, Ledger, VmapFaults } from '../types.js';
import { VmapError } from '../types.js';
import { AreaTable } from './areas.js';
import { type BlockHost, VmapBlocks } from './blocks.js';
import { Descent, type HoleFinder, holeFinder } from './hole.js';
import { type LazyHost, lazyFree, lazyLock, lazyPurge, lazyQueue } from './lazy-free.js';
import { LazyQueue } from './lazy-queue.js';
import { archMemory, type ChaseLevels, chaseCycles } from './memory.js';
import { VmapNodes } from './nodes.js';
import { LAYOUT, type MechanismParams } from './params.js';
import { Purger } from './purge.js';
import { VmSpace } from './space.js';
import { type VmapCounters, type VmapSymbols, vmapCounters, vmapSymbols } from './symbols.js';
import { VmlistMirror } from './vmlist.js';

export class VmapCore implements BlockHost, LazyHost {
  readonly space: VmSpace;
  readonly areas = new AreaTable();
  readonly s: VmapSymbols;
  readonly k: VmapCounters;
  readonly hole: HoleFinder;
  readonly lazy = new LazyQueue();
  readonly lazyMaxPages: number;
  lazyNr = 0;
  /** The CPU that last touched vmap_lazy_nr's cache line (−1: none yet). */
  lazyNrCpu = -1;
  /** vmap_area_lock (free_vmap_area_lock in 6.9); 2.6.27 has only vmlist_lock. */
  readonly areaLock: Spinlock;
  /** 2.6.27: vmlist_lock, the allocator's own lock. */
  readonly vmlistLock: RwLock | null;
  readonly mirror: VmlistMirror | null;
  readonly blocks: VmapBlocks | null;
  readonly nodes: VmapNodes | null;
  readonly purger: Purger | null;
  /** Pages of guard after every vmalloc / vmap area. */
  readonly guard = 1;
  readonly ledger: Ledger;
  /** Cycles of a descent of a vmap_area rb-tree (busy, or 6.9's per-node lazy ones). */
  readonly busyDescent: Descent;
  private ownWalks = 0;
  private readonly mem: ChaseLevels;

  constructor(
    readonly m: Machine,
    readonly design: VmapDesign,
    readonly p: MechanismParams,
    readonly faults: VmapFaults = {},
    /** CONFIG_NR_CPUS (sizes the vmap blocks). */
    readonly nrCpus: number = Math.max(p.nrCpusDefault, m.cpus),
  ) {
    const pages = Math.floor(m.arch.vmallocBytes / m.arch.pageBytes);
    this.space = new VmSpace(m.arch.wordBits === 64 ? LAYOUT.base64Vpn : LAYOUT.base32Vpn, pages);
    const e = m.engine;
    this.s = vmapSymbols(e);
    this.k = vmapCounters(e);
    const holeSym = design.vmlist === 'allocator' ? this.s.getArea : this.s.allocVa;
    this.hole = holeFinder(m, design, p, this.space, holeSym, this.s.kmalloc);
    this.lazyMaxPages = fls(m.cpus) * Math.floor(p.lazyMaxBytesPerFlsCpu / m.arch.pageBytes);
    this.areaLock = m.spinlock(design.bookkeeping === 'per-node' ? 'free_vmap_area_lock' : 'vmap_area_lock');
    this.vmlistLock = design.vmlist === 'allocator' ? m.rwlock('vmlist_lock') : null;
    this.mirror = design.vmlist === 'mirror' ? new VmlistMirror(m, p, this.s.insertVm, this.s.removeVm) : null;
    this.nodes = design.bookkeeping === 'per-node' ? new VmapNodes(m, p) : null;
    this.purger = design.purgeLock === 'none' ? null : new Purger(this);
    this.blocks =
      design.perCpuBlocks === null ? null : new VmapBlocks(this, design.perCpuBlocks, nrCpus, faults.misalignBlocks);
    this.mem = archMemory(m, p.fallbackMemory);
    this.busyDescent = new Descent(
      m,
      p.walkStepCycles,
      Math.max(design.vmapAreaBytes, p.vmStructBytes),
      p.fallbackMemory,
    );
    const areas = this.areas;
    const lazy = this.lazy;
    this.ledger = {
      allocs: 0,
      frees: 0,
      get live() {
        return areas.live;
      },
      get lazyPages() {
        return lazy.pages;
      },
    };
    // Areas present before the workload: at the bottom of the range, reserved without cost.
    for (let i = 0; i < p.bootAreas; i++) {
      const at = this.space.reserve(p.bootAreaPages + this.guard);
      this.mirror?.seed(at);
    }
  }

  /** Areas passed by linear list walks (vmlist, rb_next, the cached-hole walk). */
  get walked(): number {
    return this.hole.walked + (this.mirror?.walked ?? 0) + this.ownWalks;
  }

  // ---- get_vm_area / vunmap ----

  /**
   * __get_vm_area_node: a vm_struct + alloc_vmap_area (+ guard page), linked on vmlist where the design has it. Not a
   * generator itself: it returns the one that runs, one generator level less on the hot path. Its checks and the
   * vm_struct's kmalloc run at the call, which `yield*` makes the moment the generator starts.
   */
  allocArea(t: Thread, pages: number, align = 1): Gen<number> {
    checkRequest(pages, align);
    t.spend(this.s.kmalloc, this.p.vmStructCycles);
    const size = pages + this.guard;
    if (this.vmlistLock !== null || this.mirror !== null) return this.allocListed(t, pages, size, align);
    return this.reserve(t, size, align, pages);
  }

  /**
   * pcpu_get_vm_areas (6.12:4710–4903, 6.1:3862): a percpu chunk's area of exactly `pages` — no guard page, and no
   * node_alloc, so its vn_id is 0 (invalid): a purge returns it to the global tree, never to a pool
   * (6.12:2286–2292). The vm_struct and vmap_area are allocated before free_vmap_area_lock; a failure purges once
   * and retries (6.12:4894–4897), as reserve does. [U] the kernel places chunks from the top of the range
   * (pvm_determine_end_from_reverse); the model takes the lowest fit.
   */
  allocChunkArea(t: Thread, pages: number): Gen<number> {
    checkRequest(pages, 1);
    t.spend(this.s.kmalloc, this.p.vmStructCycles);
    if (this.vmlistLock !== null || this.mirror !== null) return this.allocListed(t, pages, pages, 1, true);
    return this.reserve(t, pages, 1, pages, true);
  }

  /** allocArea of a design with vmlist: under vmlist_lock (2.6.27), or mirrored onto it after the area (2.6.28). */
  private *allocListed(t: Thread, pages: number, size: number, align: number, chunk = false): Gen<number> {
    let at: number;
    if (this.vmlistLock !== null) {
      yield this.vmlistLock.writeLock(t);
      at = this.hole.find(t, size, align);
      this.vmlistLock.writeUnlock(t);
    } else at = yield* this.reserve(t, size, align);
    if (at < 0) {
      this.m.engine.counters.add(this.k.fail);
      return -1;
    }
    const home = chunk ? -1 : this.homeOf(t.cpu, size);
    if (this.mirror !== null) yield* this.mirror.insert(t, at);
    return this.issue(at, pages, size, -1, home);
  }

  /** vunmap / vfree: remove_vm_area and the unmap, flushed at once (2.6.27) or lazily. */
  *freeArea(t: Thread, id: number): Gen {
    const a = this.areas;
    this.checkLive(id, 'vunmap');
    if (a.block[id] >= 0) throw new VmapError(`vunmap of area ${id}, a vm_map_ram block allocation`);
    const vpn = a.vpn[id];
    const size = a.reserved[id];
    const home = a.home[id];
    this.retire(id);
    if (this.vmlistLock !== null) {
      yield this.vmlistLock.writeLock(t);
      this.legacyUnlinkCost(t, vpn);
      this.unmapPages(t, vpn, size);
      if (!this.faults.skipFlush) yield* this.m.flushKernelRange(t, vpn, size);
      this.space.release(vpn);
      this.vmlistLock.writeUnlock(t);
      return;
    }
    // findVa's 6.9 branch written out here: one generator level less on the hottest path of the 1,024-CPU runs.
    const nodes = this.nodes;
    if (nodes !== null) {
      const busy = nodes.busyLock(nodes.of(vpn));
      yield busy.lock(t);
      this.unlinkBusy(t, vpn);
      busy.unlock(t);
    } else yield* this.findVa(t, vpn);
    const ptes = this.unmapLazily(t, vpn, size);
    if (this.faults.reuseBeforeFlush) yield* this.lazyFree(t, vpn, size, ptes, home);
    else {
      // lazyFree written out here, as findVa above: its lock is yielded one generator level higher.
      const lock = lazyLock(nodes, vpn, home);
      if (lock !== null) yield lock.lock(t);
      if (lazyQueue(this, t, vpn, size, ptes, home, lock)) yield* lazyPurge(this.purger as Purger, t);
    }
    // 2.6.28 remove_vm_area: free_unmap_vmap_area(va) first, then unlink the vm_struct from vmlist.
    if (this.mirror?.has(vpn)) yield* this.mirror.remove(t, vpn);
  }

  /** vm_map_ram: per-CPU blocks for ≤ VMAP_MAX_ALLOC pages, else an area without guard page or vm_struct. */
  *mapRamArea(t: Thread, pfn: number, pages: number): Gen<number> {
    checkRequest(pages, 1);
    let id: number;
    if (this.blocks === null) {
      id = yield* this.allocArea(t, pages);
    } else if (pages <= this.blocks.maxAlloc) {
      id = yield* this.blocks.alloc(t, pages);
    } else {
      const at = yield* this.reserve(t, pages, 1);
      id = at < 0 ? -1 : this.issue(at, pages, pages, -1, this.homeOf(t.cpu, pages));
    }
    if (id < 0) {
      this.m.engine.counters.add(this.k.fail);
      return -1;
    }
    this.mapArea(t, id, pfn);
    return id;
  }

  /** vm_unmap_ram. */
  *unmapRamArea(t: Thread, id: number): Gen {
    const a = this.areas;
    this.checkLive(id, 'vm_unmap_ram');
    if (this.blocks === null) return yield* this.freeArea(t, id);
    if (a.block[id] >= 0) {
      yield* this.blocks.free(t, id);
      this.retire(id);
      return;
    }
    const vpn = a.vpn[id];
    const size = a.reserved[id];
    const home = a.home[id];
    this.retire(id);
    yield* this.findVa(t, vpn);
    yield* this.lazyFree(t, vpn, size, this.unmapLazily(t, vpn, size), home);
  }

  mapArea(t: Thread, id: number, pfn: number): void {
    const a = this.areas;
    this.checkLive(id, 'map');
    if (a.pfn[id] >= 0) throw new VmapError(`area ${id} is already mapped`);
    this.m.setPtes(t, a.vpn[id], pfn, a.pages[id], this.s.map);
    t.spend(this.s.map, this.p.pageTableWalkCycles);
    a.pfn[id] = pfn;
  }

  // ---- alloc_vmap_area and the lazy free ----

  /**
   * alloc_vmap_area: a node pool (6.9), else the design's hole search; on failure one purge and a retry. The first
   * page, or −1; with `area` ≥ 0 (allocArea) the id of the area of that many pages issued there, or −1 counted.
   * `chunk`: pcpu_get_vm_areas' search, which skips the pools and leaves the area without a node id.
   */
  *reserve(t: Thread, size: number, align: number, area = -1, chunk = false): Gen<number> {
    const nodes = this.nodes;
    // node_alloc → node_pool_del_va: an empty pool is seen without pool_lock (6.12:1933–1935).
    if (!chunk && nodes?.pooled(size) && nodes.has(nodes.home(t.cpu), size)) {
      const home = nodes.home(t.cpu);
      const lock = nodes.poolLock(home);
      yield lock.lock(t);
      const at = nodes.take(home, size, align);
      t.spend(this.s.pool, this.p.poolLookupCycles);
      lock.unlock(t);
      if (at >= 0) {
        this.m.engine.counters.add(this.k.poolHits);
        const busy = nodes.busyLock(nodes.of(at));
        yield busy.lock(t);
        this.insertBusy(t, at);
        busy.unlock(t);
        return this.reserved(t, at, size, area, false);
      }
    }
    t.spend(this.s.kmalloc, this.p.vmapAreaCycles);
    for (let attempt = 0; ; attempt++) {
      this.hole.preload(t);
      yield this.areaLock.lock(t);
      const at = this.hole.find(t, size, align);
      // 5.2: insert_vmap_area into the busy tree, under the same lock.
      if (at >= 0 && this.design.freeTree && nodes === null) {
        t.spend(this.s.allocVa, this.busyDescent.cycles(this.space.busy.size));
      }
      this.areaLock.unlock(t);
      if (at >= 0) {
        if (nodes !== null) {
          const busy = nodes.busyLock(nodes.of(at));
          yield busy.lock(t);
          this.insertBusy(t, at);
          busy.unlock(t);
        }
        return this.reserved(t, at, size, area, chunk);
      }
      if (attempt === 1 || this.purger === null) return this.reserved(t, -1, size, area, chunk);
      // alloc_vmap_area's overflow: one purge, then a retry (6.1:1719–1724, 6.12:2099–2104).
      yield* this.purger.runFailure(t, this.design.failurePurge === 'wait');
    }
  }

  /** reserve's result: `at`, or for allocArea (`area` ≥ 0 pages) the area issued there, or −1 with the failure counted. */
  private reserved(t: Thread, at: number, size: number, area: number, chunk: boolean): number {
    if (area < 0) return at;
    if (at < 0) {
      this.m.engine.counters.add(this.k.fail);
      return -1;
    }
    return this.issue(at, area, size, -1, chunk ? -1 : this.homeOf(t.cpu, size));
  }

  // 6.9's busy-tree steps are plain calls under the node's busy lock, taken by the caller: one generator level
  // less on the hottest path (the lock order and its time are the same).

  /** 6.9: insert into the busy tree of the address's node (its busy lock held). */
  private insertBusy(t: Thread, at: number): void {
    const nodes = this.nodes as VmapNodes;
    const n = nodes.of(at);
    t.spend(this.s.allocVa, this.busyDescent.cycles(nodes.busy[n]));
    nodes.busy[n]++;
  }

  /** 6.9: find_unlink_vmap_area in the address's node (its busy lock held). */
  private unlinkBusy(t: Thread, vpn: number): void {
    const nodes = this.nodes as VmapNodes;
    const n = nodes.of(vpn);
    t.spend(this.s.findVa, this.busyDescent.cycles(nodes.busy[n]));
    nodes.busy[n]--;
  }

  /** find_vmap_area (and 5.2's further locked steps of the free path), or 6.9's find_unlink_vmap_area. */
  private *findVa(t: Thread, vpn: number): Gen {
    const nodes = this.nodes;
    if (nodes !== null) {
      const busy = nodes.busyLock(nodes.of(vpn));
      yield busy.lock(t);
      this.unlinkBusy(t, vpn);
      busy.unlock(t);
      return;
    }
    for (let i = 0; i < this.design.vfreeLockTrips; i++) {
      yield this.areaLock.lock(t);
      t.spend(this.s.findVa, i === 0 ? this.busyDescent.cycles(this.space.busy.size) : this.p.lazyMarkCycles);
      this.areaLock.unlock(t);
    }
  }

  /**
   * free_unmap_vmap_area, before its lazy free: PTEs cleared now (2.6.37+) or left to the purge (2.6.28). The PTEs
   * the purge must still clear.
   */
  private unmapLazily(t: Thread, vpn: number, size: number): number {
    if (this.design.pteClear === 'at-purge') return size;
    this.unmapPages(t, vpn, size);
    return 0;
  }

  /** free_vmap_area_noflush (lazy-free.ts); blocks.ts and vm_unmap_ram call it. */
  lazyFree(t: Thread, vpn: number, pages: number, ptes: number, home = -1): Gen {
    return lazyFree(this, t, vpn, pages, ptes, home);
  }

  /** vunmap_page_range over [vpn, vpn + pages): PTEs cleared, TLB entries kept until a flush. */
  unmapPages(t: Thread, vpn: number, pages: number): void {
    this.m.clearPtes(t, vpn, pages, this.s.unmap);
    t.spend(this.s.unmap, this.p.pageTableWalkCycles);
  }

  *purgeForced(t: Thread, flush: boolean, min: number, max: number): Gen {
    if (this.purger !== null) yield* this.purger.run(t, true, flush, min, max);
  }

  *lockPurge(t: Thread): Gen {
    if (this.purger !== null) yield* this.purger.acquire(t, true);
  }

  *purgeLocked(t: Thread, flush: boolean, min: number, max: number): Gen {
    if (this.purger !== null) yield* this.purger.purge(t, true, flush, min, max);
  }

  // ---- helpers ----

  /**
   * 6.9 node_alloc: the node a pool-sized request of this CPU is tied to (encoded in va->flags even when the pool
   * missed), −1 otherwise. A function of the request, not state left by the search: other threads search in between.
   */
  homeOf(cpu: number, size: number): number {
    const nodes = this.nodes;
    return nodes?.pooled(size) ? nodes.home(cpu) : -1;
  }

  issue(vpn: number, pages: number, reserved: number, block: number, home = -1): number {
    const id = this.areas.add(vpn, pages, reserved, block, home);
    this.ledger.allocs++;
    this.m.engine.counters.add(this.k.allocs);
    return id;
  }

  private retire(id: number): void {
    this.areas.remove(id);
    this.ledger.frees++;
    this.m.engine.counters.add(this.k.frees);
  }

  checkLive(id: number, what: string): void {
    if (!this.areas.isLive(id)) throw new VmapError(`${what} of area ${id}, which is not live`);
  }

  /** 2.6.27 remove_vm_area: walk vmlist to the vm_struct (every area below it, and it). */
  private legacyUnlinkCost(t: Thread, vpn: number): void {
    const n = this.space.busy.size;
    const steps = this.space.busyBelow(vpn) + 1;
    this.ownWalks += steps;
    this.m.engine.counters.add(this.k.walked, steps);
    t.spend(this.s.removeVm, steps * (this.p.walkStepCycles + chaseCycles(this.mem, n * this.p.vmStructBytes)));
  }
}

function checkRequest(pages: number, align: number): void {
  if (!Number.isInteger(pages) || pages < 1) throw new VmapError(`vmap of ${pages} pages: expected an integer ≥ 1`);
  if (!(align >= 1) || !Number.isInteger(Math.log2(align))) {
    throw new VmapError(`alignment of ${align} pages: expected a power of two`);
  }
}
