// One allocator for every design: the design record (designs/) says which pieces it is made of — how a hole is
// found (hole.ts), whether vm_structs sit on vmlist (vmlist.ts), per-CPU blocks for vm_map_ram (blocks.ts),
// global or per-node bookkeeping and pools (nodes.ts), when PTEs are cleared, the lazy free (lazy-free.ts) and how
// the lazy purge runs (purge.ts). The get_vm_area and vunmap paths are resumable steps (area-flow.ts). Areas are
// integer handles into an AreaTable; api.ts adds the VmArea object API.
import { fls, type RwLock, type Spinlock, type Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { VmapDesign } from '../designs/design.js';
import type { Gen, Ledger, VmapFaults } from '../types.js';
import { VmapError } from '../types.js';
import { AreaFlow, checkRequest, drive, type FlowHost, noResult, resultOf } from './area-flow.js';
import { AreaTable } from './areas.js';
import { type BlockHost, VmapBlocks } from './blocks.js';
import { Descent, type HoleFinder, holeFinder } from './hole.js';
import { type LazyHost, lazyFree } from './lazy-free.js';
import { LazyQueue } from './lazy-queue.js';
import { archMemory, type ChaseLevels, chaseCycles } from './memory.js';
import { VmapNodes } from './nodes.js';
import { LAYOUT, type MechanismParams } from './params.js';
import { Purger } from './purge.js';
import { VmSpace } from './space.js';
import { type VmapCounters, type VmapSymbols, vmapCounters, vmapSymbols } from './symbols.js';
import { VmlistMirror, type VmlistWalkTally } from './vmlist.js';
import { LegacyVmlistWatch } from './vmlist-legacy.js';

export class VmapCore implements BlockHost, LazyHost, FlowHost {
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
  /** 2.6.27: the sampler's watch of vmlist's walks (null: not watched; see watchVmlist). */
  legacyList: LegacyVmlistWatch | null = null;
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
    this.vmlistLock = design.vmlist === 'allocator' ? m.rwlock('vmlist_lock', undefined, design.rwlock) : null;
    this.mirror =
      design.vmlist === 'mirror' ? new VmlistMirror(m, p, this.s.insertVm, this.s.removeVm, design.rwlock) : null;
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

  /**
   * Tells `tally` of each vmlist walk from now on, with the walker's own areas below it (`cpus` owners at most):
   * 2.6.27's first fit and unlink, the mirror designs' insert and unlink; nothing where vm_structs are on no list.
   */
  watchVmlist(tally: VmlistWalkTally, cpus: number): void {
    if (this.mirror !== null) this.mirror.watch(tally, cpus);
    else if (this.vmlistLock !== null) {
      this.legacyList = new LegacyVmlistWatch(tally, cpus);
      this.hole.watch?.(this.legacyList);
    }
  }

  /** Areas passed by linear list walks (vmlist, rb_next, the cached-hole walk). */
  get walked(): number {
    return this.hole.walked + (this.mirror?.walked ?? 0) + this.ownWalks;
  }

  // ---- get_vm_area / vunmap ----

  /** __get_vm_area_node (area-flow.ts). Not a generator: its checks and the vm_struct's kmalloc run at the call. */
  allocArea(t: Thread, pages: number, align = 1): Gen<number> {
    const f = new AreaFlow(this, t);
    return drive(f, f.alloc(pages, align), resultOf);
  }

  /**
   * pcpu_get_vm_areas (6.12:4710–4903, 6.1:3862): a percpu chunk's area of exactly `pages` — no guard page, and no
   * node_alloc, so its vn_id is 0 (invalid): a purge returns it to the global tree, never to a pool
   * (6.12:2286–2292). The vm_struct and vmap_area are allocated before free_vmap_area_lock; a failure purges once
   * and retries (6.12:4894–4897), as reserve does. [U] the kernel places chunks from the top of the range
   * (pvm_determine_end_from_reverse); the model takes the lowest fit.
   */
  allocChunkArea(t: Thread, pages: number): Gen<number> {
    const f = new AreaFlow(this, t);
    return drive(f, f.alloc(pages, 1, true), resultOf);
  }

  /** vunmap / vfree: remove_vm_area and the unmap, flushed at once (2.6.27) or lazily (area-flow.ts). */
  freeArea(t: Thread, id: number): Gen {
    const f = new AreaFlow(this, t);
    return drive(f, f.free(id), noResult);
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
    const f = new AreaFlow(this, t);
    yield* drive(f, f.free(id, true), noResult);
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

  /** alloc_vmap_area (area-flow.ts): the first page, or −1; with `area` ≥ 0 the id of an area issued there, or −1. */
  reserve(t: Thread, size: number, align: number, area = -1, chunk = false): Gen<number> {
    const f = new AreaFlow(this, t);
    return drive(f, f.reserve(size, align, area, chunk), resultOf);
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

  retire(id: number): void {
    this.areas.remove(id);
    this.ledger.frees++;
    this.m.engine.counters.add(this.k.frees);
  }

  checkLive(id: number, what: string): void {
    if (!this.areas.isLive(id)) throw new VmapError(`${what} of area ${id}, which is not live`);
  }

  /** 2.6.27 remove_vm_area: walk vmlist to the vm_struct (every area below it, and it). */
  legacyUnlinkCost(t: Thread, vpn: number): void {
    const n = this.space.busy.size;
    const steps = this.space.busyBelow(vpn) + 1;
    this.ownWalks += steps;
    this.m.engine.counters.add(this.k.walked, steps);
    const cycles = steps * (this.p.walkStepCycles + chaseCycles(this.mem, n * this.p.vmStructBytes));
    t.spend(this.s.removeVm, cycles);
    this.legacyList?.removed(t.cpu, vpn, steps - 1, cycles, n);
  }
}
