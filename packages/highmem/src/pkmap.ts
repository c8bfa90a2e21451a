// The permanent kmap pool of mm/highmem.c (2.6.2x): LAST_PKMAP slots, pkmap_count per slot (0 free and
// flushed, 1 unused but maybe still in a TLB, n ≥ 2 n−1 users), last_pkmap_nr advancing modulo LAST_PKMAP, and
// on wrap flush_all_zero_pkmaps: every count-1 slot to 0 (clear PTE, drop page->virtual), then ONE flush of
// the pkmap range — flush_tlb_all on i386 of that era, an IPI to every CPU. No free slot after a full pass:
// the caller sleeps on pkmap_map_wait. Everything runs under the one global kmap_lock.
//
// Two paths charge the same cycles and counters: per-operation kmap()/kunmap() (tracked in the machine's page
// table, so the TLB's stale detector sees every mapping), and bulkPairs() for a run of map+unmap pairs of fresh
// pages by the pool's only user, which keeps per-slot state in typed arrays and does one flush per wrap.
import { type Op, SimulationError, type Spinlock, type SymbolId, type Thread, type WaitQueue } from '@kmemsim/core';
import type { GuestPageTable, Machine } from '@kmemsim/mmu';
import { type HighmemEra, type HighmemFaults, LAYOUT, type MechanismParams } from './params.js';

type Gen<T = void> = Generator<Op | undefined, T, void>;

export interface PkmapSymbols {
  kmap: SymbolId;
  kunmap: SymbolId;
  kmapHigh: SymbolId;
  kunmapHigh: SymbolId;
  pageAddress: SymbolId;
  setPageAddress: SymbolId;
  flushZero: SymbolId;
}

/**
 * The permanent kmap pool of mm/highmem.c: LAST_PKMAP slots with pkmap_count, last_pkmap_nr advancing modulo
 * LAST_PKMAP, flush_all_zero_pkmaps on wrap (one global flush), sleepers on pkmap_map_wait, all under kmap_lock.
 */
export class PkmapPool {
  /** LAST_PKMAP: slots in the pool (512 with PAE, 1024 without, on i386). */
  readonly entries: number;
  /** Virtual page of slot 0 (PKMAP_BASE). */
  readonly baseVpn = LAYOUT.pkmapBaseVpn;
  /** pkmap_count[]. */
  readonly count: Int32Array;
  /** Frame mapped by a slot that per-operation kmap() tracks (−1: none, or a bulk mapping). */
  readonly slotPfn: Float64Array;
  /** Set when a slot gets a new mapping; cleared by the first access (a shadow fault under kvm-shadow). */
  readonly fresh: Uint8Array;
  /** last_pkmap_nr: where the next free-slot search starts. */
  last = 0;
  /** Slots with count ≥ 2 (in use), count == 1, and tracked in slotPfn. */
  held = 0;
  /** Slots with count == 1 (unmapped, waiting for the next wrap's flush). */
  ones = 0;
  /** Slots whose frame is tracked in `slotPfn`. */
  tracked = 0;
  /** kmap_lock. */
  readonly lock: Spinlock;
  /** pkmap_map_wait: kmap callers sleeping until a slot frees up. */
  readonly wait: WaitQueue;
  /** The pkmap page-table page (one PT page: LAST_PKMAP entries), as the virt mechanism sees it. */
  readonly pt: GuestPageTable;
  /** Refill cycles a function pays after an exit flushed the TLB (0 on bare metal). */
  private readonly refill: number;
  /** page->virtual for tracked pages: pfn → slot (the page_address hash). */
  private readonly addr = new Map<number, number>();
  private readonly mask: number;
  private readonly cSleep: number;
  private readonly cWrap: number;

  constructor(
    readonly m: Machine,
    readonly era: HighmemEra,
    readonly p: MechanismParams,
    readonly s: PkmapSymbols,
    readonly faults: HighmemFaults = {},
  ) {
    this.entries = m.pkmapEntries;
    if ((this.entries & (this.entries - 1)) !== 0) throw new SimulationError('LAST_PKMAP must be a power of two');
    this.mask = this.entries - 1;
    this.count = new Int32Array(this.entries);
    this.slotPfn = new Float64Array(this.entries).fill(-1);
    this.fresh = new Uint8Array(this.entries);
    // readprofile on i386 SMP charges a tick in a lock function to its caller (profile_pc: in_lock_functions →
    // the return address), so kmap_lock's acquire and spin never show as _spin_lock: kmap_high's acquire is
    // charged to kmap_high (the lock's symbol), kunmap_high's to kunmap_high (named at its acquire).
    this.lock = m.spinlock('kmap_lock', m.engine.profiler.info(s.kmapHigh).name);
    this.wait = m.waitQueue('pkmap_map_wait');
    this.pt = m.pageTable('pkmap', this.entries);
    this.refill = m.cost.refillCyclesPerCall;
    const k = m.engine.counters;
    this.cSleep = k.id('pkmap.sleeps', 'kmap callers that slept on pkmap_map_wait (no free slot)');
    this.cWrap = k.id('pkmap.wraps', 'last_pkmap_nr wraps (flush_all_zero_pkmaps calls)');
  }

  /** page_address() of a page kmapped through the pool, or −1. */
  vpnOf(pfn: number): number {
    const slot = this.addr.get(pfn);
    return slot === undefined ? -1 : this.baseVpn + slot;
  }

  /** kmap(page): `const vpn = yield* pool.kmap(t, pfn)`. May sleep when every slot is in use. */
  *kmap(t: Thread, pfn: number): Gen<number> {
    const r = this.refill;
    t.spend(this.s.kmap, this.p.kmapCallCycles + r);
    t.spend(this.s.kmapHigh, this.p.kmapHighCallCycles + r);
    yield this.lock.lock(t);
    // page_address pays the refill once per page, at its first call (kmap_high's), as every write-path function
    // does (write.ts): the refill is a per-function, per-page cost, fitted from radix_tree_lookup_slot's row.
    t.spend(this.s.pageAddress, this.p.pageAddressCycles + r);
    const slot = this.addr.get(pfn) ?? (yield* this.mapNewVirtual(t, pfn));
    this.inc(slot);
    this.lock.unlock(t);
    return this.baseVpn + slot;
  }

  /** kunmap(page): drops one use; the slot stays mapped (count 1) until the next wrap. */
  *kunmap(t: Thread, pfn: number): Gen {
    const r = this.refill;
    t.spend(this.s.kunmap, this.p.kmapCallCycles + r);
    t.spend(this.s.kunmapHigh, this.p.kmapHighCallCycles + r);
    yield this.lock.lock(t, this.s.kunmapHigh);
    t.spend(this.s.pageAddress, this.p.pageAddressCycles); // its refill was paid at kmap_high's call
    const slot = this.addr.get(pfn);
    if (slot === undefined) {
      this.lock.unlock(t);
      throw new SimulationError(`kunmap of pfn ${pfn}, which is not kmapped`);
    }
    this.dec(slot);
    const wake = this.count[slot] === 1 && this.wait.length > 0;
    this.lock.unlock(t);
    if (wake) this.wait.wakeAll(t);
  }

  /**
   * `n` kmap + kunmap pairs of fresh pages (never mapped in the pool) by the pool's only user: the same
   * cycles and counters as `n` kmap()/access/kunmap() calls, one lock hold, one flush per wrap. With
   * `accessSym`, each page is also touched once through its new address (TLB walk, shadow fault).
   * Work is charged per stretch between wraps, so each flush happens at its time.
   */
  *bulkPairs(t: Thread, n: number, accessSym?: SymbolId): Gen {
    if (n <= 0) return;
    yield this.lock.lock(t);
    if (this.wait.length > 0) throw new SimulationError('bulk kmap while others sleep on pkmap_map_wait');
    // The first acquisition was real; the other 2n − 1 are uncontended on this CPU.
    this.lock.acquisitions += 2 * n - 1;
    let lockCredit = 1;
    const count = this.count;
    let left = n;
    let pages = 0; // mapped since the last charge
    let examined = 0;
    let budget = this.entries;
    let clean = false;
    while (left > 0) {
      if (clean) {
        const k = Math.min(left, this.mask - this.last);
        if (k > 0) {
          count.fill(1, this.last + 1, this.last + 1 + k);
          this.last += k;
          this.ones += k;
          examined += k;
          pages += k;
          left -= k;
          continue;
        }
      }
      this.last = (this.last + 1) & this.mask;
      examined++;
      if (this.last === 0) {
        this.chargePairs(t, pages, examined, accessSym, lockCredit);
        if (pages > 0) lockCredit = 0;
        pages = examined = 0;
        yield* this.flushAllZero(t);
        clean = this.held === 0 && this.tracked === 0;
        budget = this.entries;
      }
      if (count[this.last] !== 0) {
        if (--budget === 0) throw new SimulationError('bulk kmap found no free pkmap slot: others hold the pool');
        continue;
      }
      count[this.last] = 1;
      this.ones++;
      pages++;
      left--;
    }
    this.chargePairs(t, pages, examined, accessSym, lockCredit);
    this.lock.unlock(t);
  }

  /**
   * Charges `k` kmap + (access) + kunmap pairs and `examined` slot scans, as the per-call path would;
   * `lockCredit` acquisitions of kmap_lock were already charged by a real acquire.
   */
  private chargePairs(
    t: Thread,
    k: number,
    examined: number,
    accessSym: SymbolId | undefined,
    lockCredit: number,
  ): void {
    const p = this.p;
    const m = this.m;
    const r = this.refill;
    t.spend(this.s.kmapHigh, examined * p.pkmapScanCyclesPerSlot);
    if (k === 0) return;
    // kmap_high's acquires to kmap_lock's symbol (kmap_high), kunmap_high's to kunmap_high (profile_pc).
    t.spend(this.lock.sym, (k - lockCredit) * m.arch.costs.lockUncontendedCycles);
    t.spend(this.s.kunmapHigh, k * m.arch.costs.lockUncontendedCycles);
    t.spend(this.s.kmap, k * (p.kmapCallCycles + r));
    t.spend(this.s.kunmap, k * (p.kmapCallCycles + r));
    t.spend(this.s.kmapHigh, k * (p.kmapHighCallCycles + r));
    t.spend(this.s.kunmapHigh, k * (p.kmapHighCallCycles + r));
    t.spend(this.s.pageAddress, k * (2 * p.pageAddressCycles + r));
    t.spend(this.s.setPageAddress, k * (p.setPageAddressCycles + r));
    let left = k;
    if (m.vops.shadow) {
      // Page by page while the table's shadow state still changes (built, then unsynced); ≤ 2.6.27 emulates each
      // write and detects write floods, so there the write/access order matters throughout.
      while (left > 0 && (!m.vops.kvm.unsync || !(this.pt.shadowed && this.pt.unsync))) {
        m.ptWrites(t, this.pt, 1, true, this.s.kmapHigh);
        if (accessSym !== undefined) m.firstAccesses(t, this.pt, 1, accessSym);
        left--;
      }
    }
    if (left === 0) return;
    m.ptWrites(t, this.pt, left, true, this.s.kmapHigh);
    if (accessSym !== undefined) m.firstAccesses(t, this.pt, left, accessSym);
  }

  /** map_new_virtual with kmap_lock held (dropped and retaken around a sleep): the page's slot. */
  private *mapNewVirtual(t: Thread, pfn: number): Gen<number> {
    let budget = this.entries;
    for (;;) {
      this.last = (this.last + 1) & this.mask;
      t.spend(this.s.kmapHigh, this.p.pkmapScanCyclesPerSlot);
      if (this.last === 0) {
        yield* this.flushAllZero(t);
        budget = this.entries;
      }
      if (this.count[this.last] === 0) break;
      if (--budget > 0) continue;
      // Every slot in use: sleep on pkmap_map_wait, dropping kmap_lock atomically with queueing.
      this.m.engine.counters.add(this.cSleep);
      yield this.sleepUnlocked();
      yield this.lock.lock(t);
      const slot = this.addr.get(pfn);
      if (slot !== undefined) return slot; // somebody else mapped it meanwhile
      budget = this.entries; // `goto start`
    }
    const slot = this.last;
    this.m.setPte(t, this.baseVpn + slot, pfn, this.s.kmapHigh, this.pt);
    this.count[slot] = 1;
    this.ones++;
    this.slotPfn[slot] = pfn;
    this.tracked++;
    this.addr.set(pfn, slot);
    this.fresh[slot] = 1;
    t.spend(this.s.setPageAddress, this.p.setPageAddressCycles + this.refill);
    return slot;
  }

  private sleepUnlocked(): Op {
    return {
      perform: (t) => {
        this.lock.unlock(t);
        return this.wait.perform(t);
      },
    };
  }

  /** flush_all_zero_pkmaps, with kmap_lock held. */
  private *flushAllZero(t: Thread): Gen {
    const m = this.m;
    m.engine.counters.add(this.cWrap);
    t.spend(this.s.flushZero, this.entries * this.p.pkmapScanCyclesPerSlot + this.refill);
    let reclaimed = 0;
    if (this.held === 0 && this.tracked === 0) {
      reclaimed = this.ones;
      this.count.fill(0);
    } else {
      const count = this.count;
      for (let i = 0; i < this.entries; i++) {
        if (count[i] !== 1) continue;
        count[i] = 0;
        reclaimed++;
        const pfn = this.slotPfn[i];
        if (pfn >= 0) {
          m.tlb.pte.delete(this.baseVpn + i);
          this.addr.delete(pfn);
          this.slotPfn[i] = -1;
          this.tracked--;
        }
      }
    }
    this.ones -= reclaimed;
    // pte_clear of each reclaimed slot, then set_page_address(page, NULL): one cold call, the rest warm.
    m.ptWrites(t, this.pt, reclaimed, false, this.s.flushZero);
    if (reclaimed > 0) t.spend(this.s.setPageAddress, reclaimed * this.p.setPageAddressCycles + this.refill);
    if (this.faults.skipWrapFlush) return;
    if (this.era.pkmapFlush === 'always' || reclaimed > 0) {
      yield* m.flushKernelRange(t, this.baseVpn, this.entries);
    }
  }

  private inc(slot: number): void {
    const c = ++this.count[slot];
    if (c === 2) {
      this.ones--;
      this.held++;
    }
  }

  private dec(slot: number): void {
    const c = --this.count[slot];
    if (c === 0) throw new SimulationError(`pkmap_count[${slot}] dropped to 0 on kunmap (BUG in kunmap_high)`);
    if (c === 1) {
      this.held--;
      this.ones++;
    }
  }
}
