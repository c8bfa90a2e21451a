// One machine's reverse-mapping state and its costed operations: fault-in, fork (copy_page_range of one PTE page
// at a time), exit (zap_pte_range), munmap of a page, and reclaim (page_referenced + try_to_unmap). Work is done
// on the real data structures page by page and its cycles are summed into a Tally per kernel symbol.
import type { ArchProfile } from '@kmemsim/mmu';
import { ChainStore } from './chains.js';
import { type Geometry, geometry, type RmapKind } from './geometry.js';
import { type LockKind, RmapLocks } from './locks.js';
import { defaultCosts, type RmapCosts } from './params.js';
import { Space } from './space.js';
import { S, Tally } from './tally.js';

export interface RmapConfig {
  kind: RmapKind;
  /** PageDirect for singly mapped pages (pte_chain and multi). */
  direct: boolean;
  lock: LockKind;
  /** Batched pte_chain allocation in copy_page_range. */
  batch: boolean;
  pae: boolean;
  /** Page tables in highmem (i386): every PTE-page visit is a kmap_atomic. */
  highpte: boolean;
}

export interface RmapSystemOptions {
  arch: ArchProfile;
  config: RmapConfig;
  /** Virtual pages per process (the layout every mm shares). */
  vpnSpace: number;
  /** Of those, private anonymous pages (the rest map a shared file). */
  anonPages: number;
  costs?: Partial<RmapCosts>;
}

export class RmapSystem {
  readonly g: Geometry;
  readonly cfg: RmapConfig;
  readonly c: RmapCosts;
  readonly space: Space;
  readonly chains: ChainStore | null;
  readonly locks: RmapLocks | null;
  readonly tally = new Tally();
  /** CPU doing the current operation (lock line ownership). */
  cpu = 0;
  readonly lockCycles: number;
  private readonly transferCycles: number;
  private readonly pteSet: number;
  private readonly pteClear: number;
  readonly invlpg: number;
  /** A DRAM miss in this arch's cycles. */
  readonly miss: number;
  private readonly clearPage: number;
  private heldLock = -1;

  constructor(o: RmapSystemOptions) {
    this.cfg = o.config;
    this.g = geometry(o.arch, { kind: o.config.kind, pae: o.config.pae, highpte: o.config.highpte });
    this.c = { ...defaultCosts(), ...o.costs };
    this.space = new Space(o.vpnSpace, o.anonPages);
    const chained = o.config.kind === 'pte_chain' || o.config.kind === 'multi';
    const cap = this.space.pageCapacity;
    this.chains = chained
      ? new ChainStore(this.g.slotsPerNode, this.g.nodeBytes, this.g.pageBytes, o.config.direct, cap)
      : null;
    this.locks = chained ? new RmapLocks(o.config.lock, this.c.numRmapLocks, this.c.rmapLockShift, cap) : null;
    const k = o.arch.costs;
    this.lockCycles = k.lockUncontendedCycles;
    this.transferCycles = k.cacheLineTransferCycles;
    this.pteSet = k.pteSetCycles;
    this.pteClear = k.pteClearCycles;
    this.invlpg = k.invlpgCycles;
    this.miss = Math.round((this.c.structPageMissNs * o.arch.clockHz) / 1e9);
    this.clearPage = this.c.ptePageAllocCycles + o.arch.pageBytes * k.memcpyCyclesPerByte;
  }

  /** Cycles to read a chain node's line: an L2 hit while the chains fit the cache, else its share of a miss. */
  nodeTouchCycles(): number {
    const ch = this.chains as ChainStore;
    if (ch.slab.bytes <= this.c.l2CacheBytes) return this.c.lineHitCycles;
    return this.miss * Math.min(1, this.g.nodeBytes / this.g.cacheLineBytes);
  }

  private syncCapacity(): void {
    const cap = this.space.pageCapacity;
    this.chains?.ensurePages(cap);
    this.locks?.ensurePages(cap);
  }

  // ---- locking: bit lock per page, or a hashed lock kept across pages that share it ----

  private lock(pfn: number, sym: number): void {
    const l = this.locks as RmapLocks;
    const k = l.lockOf(pfn, this.space.index[pfn]);
    if (l.kind === 'bit') {
      l.acquire(k, this.cpu);
      this.tally.add(sym, this.lockCycles);
      return;
    }
    if (this.heldLock === k) return;
    this.unlockHeld();
    const moved = l.acquire(k, this.cpu);
    this.heldLock = k;
    this.tally.add(S.lock_rmap, this.lockCycles + this.c.rmapRecheckCycles + (moved ? this.transferCycles : 0));
  }

  private unlock(pfn: number): void {
    const l = this.locks as RmapLocks;
    if (l.kind === 'bit') l.release(pfn, this.cpu);
  }

  /** Drops a hashed lock kept across pages (end of a PTE page, or before a different lock). */
  unlockHeld(): void {
    if (this.heldLock === -1) return;
    (this.locks as RmapLocks).release(this.heldLock, this.cpu);
    this.heldLock = -1;
  }

  // ---- page_add_rmap / page_remove_rmap ----

  private addRmap(pfn: number, pte: number, fork: boolean): void {
    const sp = this.space;
    sp.mapcount[pfn]++;
    const kind = this.cfg.kind;
    if (kind === 'none') return;
    if (kind === 'objrmap') {
      this.tally.add(fork ? S.page_dup_rmap : S.page_add_rmap, this.c.mapcountCycles);
      return;
    }
    const ch = this.chains as ChainStore;
    const w = ch.work;
    w.reset();
    this.lock(pfn, S.page_add_rmap);
    ch.insert(pfn, pte);
    this.unlock(pfn);
    const t = this.tally;
    t.add(S.page_add_rmap, w.nodeTouches * this.nodeTouchCycles() + this.c.slotCompareCycles);
    if (w.nodeAllocs > 0) {
      const per = this.cfg.batch && fork ? this.c.slabBulkPerObjectCycles : this.c.slabAllocCycles;
      t.add(S.pte_chain_alloc, w.nodeAllocs * per);
    }
    if (w.slabGrows > 0) t.add(S.kmem_cache_grow, w.slabGrows * this.c.slabGrowCycles);
  }

  /** page_remove_rmap (with its lock) and the mapcount; frees an anonymous page left unmapped. */
  removeRmap(pfn: number, pte: number): void {
    const sp = this.space;
    sp.mapcount[pfn]--;
    const kind = this.cfg.kind;
    if (kind === 'objrmap') this.tally.add(S.page_remove_rmap, this.c.mapcountCycles);
    if (kind === 'pte_chain' || kind === 'multi') {
      const ch = this.chains as ChainStore;
      const w = ch.work;
      w.reset();
      this.lock(pfn, S.page_remove_rmap);
      if (!ch.remove(pfn, pte)) throw new Error(`page_remove_rmap: page ${pfn} has no entry for pte ${pte}`);
      this.unlock(pfn);
      const t = this.tally;
      t.add(S.page_remove_rmap, w.nodeTouches * this.nodeTouchCycles() + w.slotsScanned * this.c.slotCompareCycles);
      if (w.nodeFrees > 0) t.add(S.pte_chain_free, w.nodeFrees * this.c.slabFreeCycles);
    }
    sp.releaseIfUnmapped(pfn);
  }

  // ---- process-level operations ----

  /** A page fault maps the page for `vpn` in `mm` (no-op if present). */
  faultIn(mm: number, vpn: number): void {
    const sp = this.space;
    const pt = sp.ptes[mm] as Int32Array;
    if (pt[vpn] !== 0) return;
    const pfn = sp.pageFor(mm, vpn);
    this.syncCapacity();
    pt[vpn] = pfn + 1;
    sp.present[mm]++;
    this.addRmap(pfn, sp.pteAddr(mm, vpn), false);
    this.unlockHeld();
  }

  /** Faults in [from, to) of mm. */
  populate(mm: number, from: number, to: number): void {
    for (let v = from; v < to; v++) this.faultIn(mm, v);
  }

  /** New mm for a child of `parent` (same anon_vma family), with its fork bookkeeping charged. */
  forkMm(parent: number): number {
    const child = this.space.newMm(this.space.family[parent]);
    this.tally.add(S.do_fork, this.c.forkFixedCycles);
    if (this.cfg.kind === 'objrmap') this.tally.add(S.anon_vma_link, 2 * this.c.anonVmaLinkCycles);
    return child;
  }

  /** copy_page_range over [from, to) (one PTE page): copy every present PTE and add its reverse mapping. */
  forkRange(parent: number, child: number, from: number, to: number): number {
    const sp = this.space;
    const src = sp.ptes[parent] as Int32Array;
    const dst = sp.ptes[child] as Int32Array;
    let n = 0;
    for (let v = from; v < to; v++) {
      const e = src[v];
      if (e === 0) continue;
      dst[v] = e;
      n++;
      this.addRmap(e - 1, sp.pteAddr(child, v), true);
    }
    this.unlockHeld();
    sp.present[child] += n;
    const t = this.tally;
    t.add(S.copy_page_range, n * (this.c.copyPteCycles + this.miss + this.pteSet));
    if (n > 0) {
      t.add(S.pte_alloc_one, this.clearPage);
      if (this.cfg.batch && this.chains) t.add(S.pte_chain_alloc, this.c.slabAllocCycles);
      if (this.g.highpte) t.kmapPairs += 2;
    }
    return n;
  }

  /** zap_pte_range over [from, to): clear every present PTE and remove its reverse mapping. */
  exitRange(mm: number, from: number, to: number): number {
    const sp = this.space;
    const pt = sp.ptes[mm] as Int32Array;
    let n = 0;
    for (let v = from; v < to; v++) {
      const e = pt[v];
      if (e === 0) continue;
      pt[v] = 0;
      n++;
      this.removeRmap(e - 1, sp.pteAddr(mm, v));
    }
    this.unlockHeld();
    sp.present[mm] -= n;
    const t = this.tally;
    t.add(S.zap_pte_range, n * (this.c.zapPteCycles + this.miss + this.pteClear));
    if (n > 0) {
      t.add(S.pte_free, this.c.ptePageFreeCycles);
      if (this.g.highpte) t.kmapPairs += 1;
    }
    return n;
  }

  /** The rest of exit once the page tables are empty. */
  exitMm(mm: number): void {
    this.tally.add(S.do_exit, this.c.exitFixedCycles);
    this.space.dropMm(mm);
  }

  /** munmap of one page (or its COW break): the PTE goes away with its reverse mapping. */
  unmapPage(mm: number, vpn: number): void {
    const pt = this.space.ptes[mm] as Int32Array;
    const e = pt[vpn];
    if (e === 0) return;
    pt[vpn] = 0;
    this.space.present[mm]--;
    this.removeRmap(e - 1, this.space.pteAddr(mm, vpn));
    this.unlockHeld();
  }
}
