// get_vm_area and vunmap as resumable steps: plain functions between the real scheduling points. A step returns
// the lock op to yield, DELEGATE for a rare path that is a generator of its own (the alloc-failure purge, an
// opportunistic purge, 2.6.27's flush IPIs: the caller runs `yield* flow.delegated()`), or DONE. The vmap-bench
// thread body drives a flow itself, so a lock wait on its hot path resumes one generator, not one per call level
// (with 1,024 threads those resumes were a fifth of the run); VmapCore's allocArea, freeArea and reserve drive
// the same steps for every other caller (`drive`).
import type { Op, RwLock, Spinlock, Thread } from '@kmemsim/core';
import type { Gen } from '../types.js';
import { VmapError } from '../types.js';
import { AREA_BLOCK, type AreaTable } from './areas.js';
import { type LazyHost, lazyFree, lazyLock, lazyQueue, startPurge } from './lazy-free.js';
import type { VmapNodes } from './nodes.js';
import type { VmlistMirror } from './vmlist.js';

/** The flow has finished: its `result` is set. */
export const DONE: unique symbol = Symbol('done');
/** The caller runs `yield* flow.delegated()`, then `flow.next()`. */
export const DELEGATE: unique symbol = Symbol('delegate');
/** What a step asks of its caller: yield an op (or a bare yield), delegate, or nothing more. */
export type Step = Op | undefined | typeof DONE | typeof DELEGATE;

/** What the flows need from the allocator (VmapCore). */
export interface FlowHost extends LazyHost {
  readonly areas: AreaTable;
  /** Pages of guard after every vmalloc / vmap area. */
  readonly guard: number;
  /** 2.6.27: vmlist_lock, the allocator's own lock. */
  readonly vmlistLock: RwLock | null;
  readonly mirror: VmlistMirror | null;
  /** A new area's handle (counted as an allocation). */
  issue(vpn: number, pages: number, reserved: number, block: number, home?: number): number;
  /** The area's handle is dropped (counted as a free). */
  retire(id: number): void;
  /** 6.9 node_alloc: the node a pool-sized request of this CPU is tied to, −1 otherwise. */
  homeOf(cpu: number, size: number): number;
  /** Throws VmapError unless the handle is live. */
  checkLive(id: number, what: string): void;
  /** vunmap_page_range: PTEs cleared, TLB entries kept until a flush. */
  unmapPages(t: Thread, vpn: number, pages: number): void;
  /** 2.6.27 remove_vm_area's vmlist walk. */
  legacyUnlinkCost(t: Thread, vpn: number): void;
}

// Where a flow resumes after its caller yielded (or delegated).
const LISTED_FIND = 1;
const POOL = 2;
const BUSY_INSERT = 3;
const HOLE = 4;
const PURGED = 5;
const MIRROR_INSERT = 6;
const LEGACY_UNLINK = 7;
const LEGACY_FLUSHED = 8;
const UNLINK = 9;
const TRIP = 10;
const QUEUE = 11;
const TRY_PURGE = 12;
const LAZY_DONE = 13;
const MIRROR_REMOVE = 14;

/**
 * One thread's get_vm_area / alloc_vmap_area or vunmap in progress. Reusable: each entry point (alloc, reserve,
 * free) starts afresh, so a thread may keep one, as long as it does not start another while one runs.
 */
export class AreaFlow {
  /** alloc's handle or −1; reserve's first page or −1 (for reserve with `area` ≥ 0: the handle or −1). */
  result = -1;
  private st = 0;
  private gen: Gen | null = null;
  private pages = 0;
  private size = 0;
  private align = 1;
  private area = -1;
  /** A percpu chunk (no node id); `skipPools`: reserve's own chunk flag, which allocListed leaves false. */
  private chunk = false;
  private skipPools = false;
  /** On a vmlist (2.6.27 under its lock, 2.6.28–3.9 mirrored after the area). */
  private listed = false;
  private attempt = 0;
  private at = -1;
  private node = -1;
  private vpn = 0;
  private home = -1;
  private ptes = 0;
  private ram = false;
  private lock: Spinlock | null = null;
  /** 6.9: the thread's node (node_alloc's cpu % nr_vmap_nodes; −1 until first needed) and its pool_lock. */
  private cpuNode = -1;
  private poolLock: Spinlock | null = null;

  constructor(
    private readonly h: FlowHost,
    private readonly t: Thread,
  ) {}

  /**
   * __get_vm_area_node: a vm_struct + alloc_vmap_area (+ guard page), linked on vmlist where the design has it.
   * `chunk`: pcpu_get_vm_areas (6.12:4710–4903): exactly `pages`, no guard, no node id, pools skipped.
   */
  alloc(pages: number, align: number, chunk = false): Step {
    checkRequest(pages, align);
    const h = this.h;
    this.t.spend(h.s.kmalloc, h.p.vmStructCycles);
    const size = chunk ? pages : pages + h.guard;
    this.pages = pages;
    this.chunk = chunk;
    this.listed = h.vmlistLock !== null || h.mirror !== null;
    if (h.vmlistLock !== null) {
      this.size = size;
      this.align = align;
      this.st = LISTED_FIND;
      return h.vmlistLock.writeLock(this.t);
    }
    return this.listed ? this.reserve(size, align) : this.reserve(size, align, pages, chunk);
  }

  /**
   * alloc_vmap_area: a node pool (6.9), else the design's hole search; on failure one purge and a retry. The first
   * page, or −1; with `area` ≥ 0 (alloc) the id of the area of that many pages issued there, or −1 counted.
   * `chunk`: pcpu_get_vm_areas' search, which skips the pools and leaves the area without a node id.
   */
  reserve(size: number, align: number, area = -1, chunk = false): Step {
    this.size = size;
    this.align = align;
    this.area = area;
    this.skipPools = chunk;
    const nodes = this.h.nodes;
    // node_alloc → node_pool_del_va: an empty pool is seen without pool_lock (6.12:1933–1935).
    if (!chunk && nodes?.pooled(size)) {
      // The thread's node and its pool_lock, found once: the thread never changes CPU.
      if (this.cpuNode < 0) this.cpuNode = nodes.home(this.t.cpu);
      if (nodes.has(this.cpuNode, size)) {
        this.node = this.cpuNode;
        this.poolLock ??= nodes.poolLock(this.cpuNode);
        this.lock = this.poolLock;
        this.st = POOL;
        return this.lock.lock(this.t);
      }
    }
    return this.search();
  }

  /** vunmap / vfree: remove_vm_area and the unmap, flushed at once (2.6.27) or lazily. `ram`: vm_unmap_ram's. */
  free(id: number, ram = false): Step {
    const h = this.h;
    const a = h.areas;
    if (!ram) {
      h.checkLive(id, 'vunmap');
      // AREA_BLOCK is set exactly when `block` ≥ 0 (AreaTable.add), on the cache line checkLive just read.
      if ((a.flags[id] & AREA_BLOCK) !== 0) throw new VmapError(`vunmap of area ${id}, a vm_map_ram block allocation`);
    }
    this.ram = ram;
    const vpn = a.vpn[id];
    this.vpn = vpn;
    this.size = a.reserved[id];
    this.home = a.home[id];
    h.retire(id);
    if (h.vmlistLock !== null) {
      this.st = LEGACY_UNLINK;
      return h.vmlistLock.writeLock(this.t);
    }
    const nodes = h.nodes;
    if (nodes !== null) {
      // 6.9 find_unlink_vmap_area in the address's node.
      this.lock = nodes.busyLock(nodes.of(vpn));
      this.st = UNLINK;
      return this.lock.lock(this.t);
    }
    this.attempt = 0;
    return this.trip();
  }

  /** The generator a DELEGATE step handed over. */
  delegated(): Gen {
    const g = this.gen as Gen;
    this.gen = null;
    return g;
  }

  /** Resumes after the yield (or the delegation) the last step asked for. */
  next(): Step {
    const h = this.h;
    const t = this.t;
    switch (this.st) {
      case LISTED_FIND: {
        const at = h.hole.find(t, this.size, this.align);
        (h.vmlistLock as RwLock).writeUnlock(t);
        return this.listedAt(at);
      }
      case POOL: {
        const nodes = h.nodes as VmapNodes;
        const at = nodes.take(this.node, this.size, this.align);
        t.spend(h.s.pool, h.p.poolLookupCycles);
        (this.lock as Spinlock).unlock(t);
        if (at < 0) return this.search();
        h.m.engine.counters.add(h.k.poolHits);
        return this.lockBusy(at);
      }
      case BUSY_INSERT: {
        // 6.9: insert into the busy tree of the address's node (its busy lock held).
        const nodes = h.nodes as VmapNodes;
        const n = nodes.of(this.at);
        t.spend(h.s.allocVa, h.busyDescent.cycles(nodes.busy[n]));
        nodes.busy[n]++;
        (this.lock as Spinlock).unlock(t);
        return this.reserved(this.at);
      }
      case HOLE:
        return this.hole();
      case PURGED:
        this.attempt++;
        return this.tryHole();
      case MIRROR_INSERT:
        (h.mirror as VmlistMirror).insertLocked(t, this.at);
        return this.issue(this.at);
      case LEGACY_UNLINK:
        h.legacyUnlinkCost(t, this.vpn);
        h.unmapPages(t, this.vpn, this.size);
        if (h.faults.skipFlush) return this.legacyEnd();
        return this.delegate(h.m.flushKernelRange(t, this.vpn, this.size), LEGACY_FLUSHED);
      case LEGACY_FLUSHED:
        return this.legacyEnd();
      case UNLINK: {
        const nodes = h.nodes as VmapNodes;
        const n = nodes.of(this.vpn);
        t.spend(h.s.findVa, h.busyDescent.cycles(nodes.busy[n]));
        nodes.busy[n]--;
        (this.lock as Spinlock).unlock(t);
        return this.unmap();
      }
      case TRIP:
        t.spend(h.s.findVa, this.attempt === 0 ? h.busyDescent.cycles(h.space.busy.size) : h.p.lazyMarkCycles);
        h.areaLock.unlock(t);
        this.attempt++;
        return this.trip();
      case QUEUE:
        return this.queue();
      case TRY_PURGE: {
        const g = startPurge(h.purger as NonNullable<typeof h.purger>, t);
        return g === null ? this.lazyDone() : this.delegate(g, LAZY_DONE);
      }
      case LAZY_DONE:
        return this.lazyDone();
      case MIRROR_REMOVE:
        (h.mirror as VmlistMirror).removeLocked(t, this.vpn);
        return DONE;
      default:
        throw new VmapError(`area flow resumed in state ${this.st}`);
    }
  }

  // ---- alloc_vmap_area ----

  private search(): Step {
    this.t.spend(this.h.s.kmalloc, this.h.p.vmapAreaCycles);
    this.attempt = 0;
    return this.tryHole();
  }

  private tryHole(): Step {
    this.h.hole.preload(this.t);
    this.st = HOLE;
    return this.h.areaLock.lock(this.t);
  }

  /** The search under vmap_area_lock; on failure one purge, then a retry (6.1:1719–1724, 6.12:2099–2104). */
  private hole(): Step {
    const h = this.h;
    const t = this.t;
    const at = h.hole.find(t, this.size, this.align);
    // 5.2: insert_vmap_area into the busy tree, under the same lock.
    if (at >= 0 && h.design.freeTree && h.nodes === null) {
      t.spend(h.s.allocVa, h.busyDescent.cycles(h.space.busy.size));
    }
    h.areaLock.unlock(t);
    if (at >= 0) return h.nodes !== null ? this.lockBusy(at) : this.reserved(at);
    if (this.attempt === 1 || h.purger === null) return this.reserved(-1);
    return this.delegate(h.purger.runFailure(t, h.design.failurePurge === 'wait'), PURGED);
  }

  /** 6.9: the busy lock of the found address's node, for the insert. */
  private lockBusy(at: number): Step {
    const nodes = this.h.nodes as VmapNodes;
    this.at = at;
    this.lock = nodes.busyLock(nodes.of(at));
    this.st = BUSY_INSERT;
    return this.lock.lock(this.t);
  }

  /** reserve's result: `at`, or for alloc (`area` ≥ 0 pages) the area issued there, or −1 with the failure counted. */
  private reserved(at: number): Step {
    if (this.listed) return this.listedAt(at);
    if (this.area < 0) {
      this.result = at;
      return DONE;
    }
    if (at < 0) return this.fail();
    const h = this.h;
    this.result = h.issue(at, this.area, this.size, -1, this.skipPools ? -1 : h.homeOf(this.t.cpu, this.size));
    return DONE;
  }

  /** A vmlist design's area found (or not): 2.6.28–3.9 link it on vmlist after the area. */
  private listedAt(at: number): Step {
    if (at < 0) return this.fail();
    this.home = this.chunk ? -1 : this.h.homeOf(this.t.cpu, this.size);
    const mirror = this.h.mirror;
    if (mirror === null) return this.issue(at);
    this.at = at;
    this.st = MIRROR_INSERT;
    return mirror.lock.writeLock(this.t);
  }

  private issue(at: number): Step {
    this.result = this.h.issue(at, this.pages, this.size, -1, this.home);
    return DONE;
  }

  private fail(): Step {
    this.h.m.engine.counters.add(this.h.k.fail);
    this.result = -1;
    return DONE;
  }

  // ---- remove_vm_area / free_unmap_vmap_area ----

  private legacyEnd(): Step {
    this.h.space.release(this.vpn);
    (this.h.vmlistLock as RwLock).writeUnlock(this.t);
    return DONE;
  }

  /** find_vmap_area and 5.2's further locked steps of the free path: one vmap_area_lock trip each. */
  private trip(): Step {
    if (this.attempt >= this.h.design.vfreeLockTrips) return this.unmap();
    this.st = TRIP;
    return this.h.areaLock.lock(this.t);
  }

  /** PTEs cleared now (2.6.37+) or left to the purge (2.6.28); then free_vmap_area_noflush. */
  private unmap(): Step {
    const h = this.h;
    let ptes = this.size;
    if (h.design.pteClear !== 'at-purge') {
      h.unmapPages(this.t, this.vpn, this.size);
      ptes = 0;
    }
    if (h.faults.reuseBeforeFlush) {
      return this.delegate(lazyFree(h, this.t, this.vpn, this.size, ptes, this.home), LAZY_DONE);
    }
    this.ptes = ptes;
    this.lock = lazyLock(h.nodes, this.vpn, this.home);
    if (this.lock === null) return this.queue();
    this.st = QUEUE;
    return this.lock.lock(this.t);
  }

  /** free_vmap_area_noflush's steps (lazy-free.ts); over the limit, a bare yield puts the trylock in time order. */
  private queue(): Step {
    if (!lazyQueue(this.h, this.t, this.vpn, this.size, this.ptes, this.home, this.lock)) return this.lazyDone();
    this.st = TRY_PURGE;
    return undefined;
  }

  /** 2.6.28 remove_vm_area: free_unmap_vmap_area(va) first, then unlink the vm_struct from vmlist. */
  private lazyDone(): Step {
    const mirror = this.h.mirror;
    if (this.ram || mirror === null || !mirror.has(this.vpn)) return DONE;
    this.st = MIRROR_REMOVE;
    return mirror.lock.writeLock(this.t);
  }

  private delegate(g: Gen, then: number): Step {
    this.gen = g;
    this.st = then;
    return DELEGATE;
  }
}

/** Runs a flow from its first step to DONE inside a generator; `end` reads what it returns (alloc: `result`). */
export function* drive<T>(f: AreaFlow, s: Step, end: (f: AreaFlow) => T): Gen<T> {
  while (s !== DONE) {
    if (s === DELEGATE) yield* f.delegated();
    else yield s;
    s = f.next();
  }
  return end(f);
}

/** drive's `end` for alloc and reserve: the handle or first page, or −1. */
export const resultOf = (f: AreaFlow): number => f.result;
/** drive's `end` for free: nothing. */
export const noResult = (): void => {};

/** Throws VmapError unless `pages` is an integer ≥ 1 and `align` a power of two. */
export function checkRequest(pages: number, align: number): void {
  if (!Number.isInteger(pages) || pages < 1) throw new VmapError(`vmap of ${pages} pages: expected an integer ≥ 1`);
  if (align !== 1 && !(align >= 1 && Number.isInteger(Math.log2(align)))) {
    throw new VmapError(`alignment of ${align} pages: expected a power of two`);
  }
}
