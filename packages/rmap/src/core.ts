// One machine's reverse-mapping state and its costed primitives: every line the code touches (struct page fields,
// PTEs, chain nodes, locks, allocator state) goes through the machine's cache model, and the cycles are summed per
// kernel symbol (Tally). The process-level paths built on them are in rmap.ts.
import { type ArchProfile, type CacheModel, createCacheModel } from '@kmemsim/mmu';
import { type AllocCtx, createAllocator, type NodeAllocator } from './alloc.js';
import { ChainStore } from './chains.js';
import {
  type AllocKind,
  CHAIN_ERAS,
  type Geometry,
  geometry,
  type KernelEra,
  LOCK_ERAS,
  type LockEra,
  type LockKind,
  type RmapKind,
  type StructPageLayout,
  structPageLayout,
} from './eras.js';
import { RmapLocks } from './locks.js';
import { KernelMemory } from './memory.js';
import { defaultCosts, type RmapCosts } from './params.js';
import { Space } from './space.js';
import { S, SYMBOLS, Tally } from './tally.js';

/** The records one RmapSystem follows: design, lock, allocator, kernel era, PAE and HIGHPTE. */
export interface RmapConfig {
  /** The design: none, pte_chain, multi or objrmap. */
  kind: RmapKind;
  /** PageDirect for singly mapped pages (pte_chain and multi). */
  direct: boolean;
  /** The rmap lock (LOCK_ERAS). */
  lock: LockKind;
  /** Phillips' batched pte_chain allocation in copy_page_range. */
  batch: boolean;
  /** pte_chain allocation (ALLOC_SOURCES). */
  alloc: AllocKind;
  /** Whose fork/exit/fault paths and struct page (2.4 or 2.5). */
  kernel: KernelEra;
  /** i386 PAE: 8-byte PTEs. */
  pae: boolean;
  /** Page tables in highmem (i386): every PTE-page visit is a kmap_atomic. */
  highpte: boolean;
}

/** A configuration the model cannot run (an arch without a `cache` section). */
export class RmapConfigError extends Error {
  override name = 'RmapConfigError';
}

/** Options of {@link RmapSystem}. */
export interface RmapSystemOptions {
  /** The arch profile (it needs a `cache` section: the model follows lines through the caches). */
  arch: ArchProfile;
  /** CPUs (each with its caches). */
  cpus: number;
  /** The records to follow. */
  config: RmapConfig;
  /** Largest layout any mm will have, in pages. */
  maxVpns: number;
  /** Overrides of the rmap costs (an experiment's fitted values). */
  costs?: Partial<RmapCosts>;
}

/** The state and the costed rmap primitives (accesses, nodes, locks, page_add_rmap / page_remove_rmap). */
export class RmapCore implements AllocCtx {
  readonly g: Geometry;
  readonly cfg: RmapConfig;
  readonly c: RmapCosts;
  readonly cpus: number;
  readonly arch: ArchProfile;
  readonly cache: CacheModel;
  readonly mem: KernelMemory;
  readonly sp: StructPageLayout;
  readonly space: Space;
  readonly chains: ChainStore | null;
  readonly locks: RmapLocks | null;
  readonly lockEra: LockEra;
  readonly alloc: NodeAllocator | null;
  readonly tally = new Tally();
  /** CPU running the current path. */
  cpu = 0;
  /** Symbol the chain code's accesses are charged to. */
  protected sym = 0;
  protected readonly lockArray: number;
  protected heldLock = -1;
  protected holding = false;
  protected prealloc = 0;
  protected readonly batchList: number[] = [];
  protected batching = false;
  protected readonly clearPageCycles: number;
  protected readonly atomicCycles: number;
  protected readonly l1Shift: number;
  protected readonly l1Hit: number;
  readonly invlpg: number;

  constructor(o: RmapSystemOptions) {
    const a = o.arch;
    if (!a.cache) {
      throw new RmapConfigError(
        `arch ${a.name} has no cache geometry (a cache section): the rmap model follows lines through the caches`,
      );
    }
    this.arch = a;
    this.cfg = o.config;
    this.cpus = o.cpus;
    this.c = { ...defaultCosts(), ...o.costs };
    const cfg = o.config;
    this.g = geometry(a, { kind: cfg.kind, pae: cfg.pae, highpte: cfg.highpte });
    this.sp = structPageLayout(cfg.kernel, this.g.pteAddrBytes);
    this.cache = createCacheModel(a, o.cpus) as CacheModel;
    this.mem = new KernelMemory(this.cache, a.pageBytes, this.sp.bytes, o.maxVpns);
    const chained = cfg.kind === 'pte_chain' || cfg.kind === 'multi';
    this.lockEra = LOCK_ERAS[cfg.lock];
    this.space = new Space(
      this.mem,
      o.maxVpns,
      this.g.ptesPerTable,
      this.g.pteBytes,
      chained && this.lockEra.anonIndexCounter,
    );
    if (chained) {
      const era = CHAIN_ERAS[cfg.kind as 'pte_chain' | 'multi'];
      const src = { alloc: () => this.nodeAlloc(), free: (x: number) => (this.alloc as NodeAllocator).give(x) };
      const mem = { rd: (x: number) => this.rd(this.sym, x), wr: (x: number) => this.wr(this.sym, x) };
      this.chains = new ChainStore(
        this.g.slotsPerNode,
        era.multi,
        cfg.direct,
        era.collapseOnRemove,
        this.g.wordBytes,
        this.g.pteAddrBytes,
        mem,
        src,
        this.space.pageCapacity,
      );
      this.alloc = createAllocator(cfg.alloc, this, this.g.nodeBytes);
      const e = this.lockEra;
      this.locks = new RmapLocks(e.hashed ? 'hashed' : 'bit', e.hashed ? e.locks : 1, e.shift);
    } else {
      this.chains = null;
      this.alloc = null;
      this.locks = null;
    }
    this.lockArray = this.mem.frame(0);
    this.cycles = this.tally.cycles;
    this.atomicCycles = this.cache.atomicCycles;
    this.l1Shift = this.cache.l1Shift;
    this.l1Hit = this.cache.l1HitCycles;
    this.clearPageCycles = a.pageBytes * a.costs.memcpyCyclesPerByte;
    this.invlpg = a.costs.invlpgCycles;
  }

  // ---- costed accesses (AllocCtx) ----

  /** False while setting up a workload: accesses are not followed (caches start cold when it is measured). */
  tracking = true;

  private readonly cycles: Float64Array;

  // The last line this CPU touched, and whether that touch was a store: repeating it (a load, or a store after a
  // store) is an L1 hit that changes nothing, so it is counted here without asking the cache model.
  protected memoLine = -1;
  protected memoOwned = false;
  protected memoCpu = -1;
  protected memoHits = 0;

  private touch(addr: number, write: boolean): number {
    const line = addr >>> this.l1Shift;
    if (line === this.memoLine && this.cpu === this.memoCpu && (!write || this.memoOwned)) {
      this.memoHits++;
      return this.l1Hit;
    }
    this.memoLine = line;
    this.memoCpu = this.cpu;
    this.memoOwned = write;
    return this.cache.access(this.cpu, addr, write);
  }

  /**
   * Sampled fidelity (sample.ts): while set, an access's cache cycles go to `accCycles` (tracked) or nowhere
   * (tracking off: the PTE page is estimated) and every access is counted per symbol in `accN`; a LOCKed
   * operation's own cost stays exact in the tally. Off, the exact path below is unchanged.
   */
  sampling = false;
  /** Sampled fidelity: cache cycles of the tracked accesses of the current PTE page, per symbol. */
  readonly accCycles = new Float64Array(SYMBOLS.length);
  /** Sampled fidelity: accesses (tracked or not) of the current PTE page, per symbol. */
  readonly accN = new Float64Array(SYMBOLS.length);

  rd(sym: number, addr: number): void {
    if (this.sampling) this.sampled(sym, addr, false, 0);
    else if (this.tracking) this.cycles[sym] += this.touch(addr, false);
  }

  wr(sym: number, addr: number): void {
    if (this.sampling) this.sampled(sym, addr, true, 0);
    else if (this.tracking) this.cycles[sym] += this.touch(addr, true);
  }

  at(sym: number, addr: number): void {
    if (this.sampling) this.sampled(sym, addr, true, this.atomicCycles);
    else if (this.tracking) this.cycles[sym] += this.touch(addr, true) + this.atomicCycles;
  }

  private sampled(sym: number, addr: number, write: boolean, atomic: number): void {
    this.accN[sym]++;
    this.cycles[sym] += atomic;
    if (this.tracking) this.accCycles[sym] += this.touch(addr, write);
  }

  /** Forgets the last-touched line (its memo must not outlive a stretch the cache model did not see). */
  forgetLine(): void {
    this.memoLine = -1;
  }

  /** Hands the repeated-line hits counted here to the cache model's statistics. */
  flushHits(): void {
    if (this.memoHits > 0) this.cache.repeatHits(this.memoHits);
    this.memoHits = 0;
  }

  add(sym: number, cycles: number): void {
    this.cycles[sym] += cycles;
  }

  /** The function the chain code's node accesses are charged to. */
  setSymbol(sym: number): void {
    this.sym = sym;
  }

  get node(): number {
    return this.cache.nodeOf(this.cpu);
  }

  protected page(pfn: number): number {
    return this.mem.structPage[pfn];
  }

  protected syncCapacity(): void {
    this.chains?.ensurePages(this.space.pageCapacity);
    this.locks?.ensurePages(this.space.pageCapacity);
  }

  // ---- pte_chain nodes: the era's allocator, Phillips' batch list, or 2.5.55's preallocated chain ----

  protected nodeAlloc(): number {
    const al = this.alloc as NodeAllocator;
    if (this.prealloc !== 0) {
      const x = this.prealloc;
      this.prealloc = 0;
      return x;
    }
    if (this.batching) {
      if (this.batchList.length === 0) al.takeBatch(this.c.batchSize, this.batchList);
      return this.batchList.pop() as number;
    }
    return al.take();
  }

  /** Start of a path that maps pages: 2.5.55+ preallocates one chain outside the locks. */
  protected beginMapping(batch: boolean): void {
    if (!this.chains) return;
    this.batching = batch && this.cfg.batch;
    if (this.cfg.alloc === 'percpu' && !this.batching) this.prealloc = (this.alloc as NodeAllocator).take();
  }

  /** After page_add_rmap consumed the preallocated chain, the next one is taken (GFP_ATOMIC in copy_page_range). */
  protected refillPrealloc(): void {
    if (this.cfg.alloc === 'percpu' && !this.batching && this.prealloc === 0) {
      this.prealloc = (this.alloc as NodeAllocator).take();
    }
  }

  protected endMapping(): void {
    if (!this.chains) return;
    const al = this.alloc as NodeAllocator;
    if (this.prealloc !== 0) al.give(this.prealloc);
    this.prealloc = 0;
    if (this.batchList.length > 0) al.giveBatch(this.batchList.splice(0));
    this.batching = false;
  }

  // ---- the rmap lock: per-page bit lock, or a posting's hashed lock (kept across pages where the era did) ----

  protected lock(pfn: number, sym: number): void {
    const l = this.locks as RmapLocks;
    const sp = this.page(pfn);
    if (l.kind === 'bit') {
      l.acquire(pfn, this.cpu);
      this.at(sym, sp + this.sp.flags); // test_and_set_bit(PG_chainlock)
      return;
    }
    this.rd(S.lock_rmap, sp + this.sp.index);
    const k = l.lockOf(pfn, this.space.index[pfn]);
    if (this.holding && this.heldLock === k) return;
    this.unlockHeld();
    l.acquire(k, this.cpu);
    this.at(S.lock_rmap, this.lockArray + 4 * k); // spin_lock
    this.rd(S.lock_rmap, sp + this.sp.index); // lock_rmap: index still the same?
    this.heldLock = k;
  }

  protected unlock(pfn: number, sym: number): void {
    const l = this.locks as RmapLocks;
    if (l.kind === 'bit') {
      l.release(pfn, this.cpu);
      this.at(sym, this.page(pfn) + this.sp.flags); // clear_bit(PG_chainlock)
      return;
    }
    if (!this.holding) this.unlockHeld();
  }

  /** Drops a hashed lock (end of a PTE page, or before a different lock): spin_unlock is a plain store. */
  unlockHeld(): void {
    if (this.heldLock === -1) return;
    (this.locks as RmapLocks).release(this.heldLock, this.cpu);
    this.wr(S.lock_rmap, this.lockArray + 4 * this.heldLock);
    this.heldLock = -1;
  }

  // ---- page_add_rmap / page_remove_rmap ----

  protected addRmap(pfn: number, pte: number, sym: number): void {
    const sp = this.space;
    sp.mapcount[pfn]++;
    const kind = this.cfg.kind;
    if (kind === 'none') return;
    if (kind === 'objrmap') {
      this.at(sym, this.page(pfn) + this.sp.count + 4); // atomic_inc(&page->_mapcount)
      this.add(sym, this.c.mapcountCycles);
      return;
    }
    const ch = this.chains as ChainStore;
    this.sym = S.page_add_rmap;
    this.add(S.page_add_rmap, this.c.addRmapCycles);
    this.lock(pfn, S.page_add_rmap);
    const spa = this.page(pfn);
    this.rd(S.page_add_rmap, spa + this.sp.pte);
    const head = ch.head[pfn];
    const direct = ch.direct[pfn];
    ch.insert(pfn, pte);
    if (ch.direct[pfn] !== direct) this.at(S.page_add_rmap, spa + this.sp.flags); // Set/ClearPageDirect
    if (ch.head[pfn] !== head || ch.direct[pfn] !== direct) this.wr(S.page_add_rmap, spa + this.sp.pte);
    this.unlock(pfn, S.page_add_rmap);
    this.refillPrealloc();
  }

  /** page_remove_rmap (with its lock) and the mapcount; frees an anonymous page left unmapped. */
  removeRmap(pfn: number, pte: number): void {
    const sp = this.space;
    sp.mapcount[pfn]--;
    const kind = this.cfg.kind;
    if (kind === 'objrmap') {
      this.at(S.page_remove_rmap, this.page(pfn) + this.sp.count + 4);
      this.add(S.page_remove_rmap, this.c.mapcountCycles);
    }
    if (kind === 'pte_chain' || kind === 'multi') {
      const ch = this.chains as ChainStore;
      this.sym = S.page_remove_rmap;
      this.add(S.page_remove_rmap, this.c.removeRmapCycles);
      this.lock(pfn, S.page_remove_rmap);
      const spa = this.page(pfn);
      this.rd(S.page_remove_rmap, spa + this.sp.pte);
      const head = ch.head[pfn];
      const direct = ch.direct[pfn];
      ch.work.reset();
      if (!ch.remove(pfn, pte)) throw new Error(`page_remove_rmap: page ${pfn} has no entry for pte ${pte}`);
      this.add(S.page_remove_rmap, ch.work.slotsScanned * this.c.slotCompareCycles);
      if (ch.direct[pfn] !== direct) this.at(S.page_remove_rmap, spa + this.sp.flags);
      if (ch.head[pfn] !== head || ch.direct[pfn] !== direct) this.wr(S.page_remove_rmap, spa + this.sp.pte);
      this.unlock(pfn, S.page_remove_rmap);
    }
    if (sp.releaseIfUnmapped(pfn)) {
      this.wr(S.__free_pages, this.page(pfn) + this.sp.flags);
      this.add(S.__free_pages, this.c.pageFreeCycles);
    }
  }
}
