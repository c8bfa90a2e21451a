// A simulated machine: an arch profile + a virtualization mode + a CPU count, assembled into an engine with
// the arch's costs, per-CPU TLBs over a kernel page table, locks costed like the arch's, and TLB flushes that go
// out the way the arch does them (IPI shootdown or hardware broadcast).
import {
  BitSpinlocks,
  Engine,
  Ipi,
  Mutex,
  type Op,
  RwLock,
  Spinlock,
  type SymbolId,
  type Thread,
  WaitQueue,
} from '@kmemsim/core';
import type { ArchProfile, VirtModeName, VirtOverride } from './schema.js';
import { Tlb } from './tlb.js';
import { type EffectiveCosts, effectiveCosts, virtOverride } from './virt.js';

export interface MachineOptions {
  arch: ArchProfile;
  virt?: VirtModeName;
  /** Default: the arch's defaultCpus. */
  cpus?: number;
  seed?: number;
  /** i386: PAE changes LAST_PKMAP (512 instead of 1024) and the PTE size. */
  pae?: boolean;
  /** Override the arch's clock rate. */
  clockHz?: number;
}

export class MachineError extends Error {
  override name = 'MachineError';
}

export interface MachineSymbols {
  spinlock: string;
  readLock: string;
  writeLock: string;
  ipiSend: SymbolId;
  ipiSendPerTarget: SymbolId | undefined;
  flushHandler: SymbolId;
  globalFlush: SymbolId;
  tlbMiss: SymbolId;
}

export class Machine {
  readonly arch: ArchProfile;
  readonly virt: VirtModeName;
  readonly virtMode: VirtOverride | null;
  readonly cpus: number;
  readonly pae: boolean;
  readonly engine: Engine;
  readonly tlb: Tlb;
  readonly cost: EffectiveCosts;
  readonly ipi: Ipi;
  readonly syms: MachineSymbols;
  /** LAST_PKMAP in effect (0 without highmem). */
  readonly pkmapEntries: number;
  private readonly callLock: Spinlock | null;
  private readonly c: {
    flushGlobal: number;
    flushLocal: number;
    invlpg: number;
    flushRange: number;
    vmExit: number;
    tlbMiss: number;
  };

  constructor(o: MachineOptions) {
    const arch = o.arch;
    this.arch = arch;
    this.virt = o.virt ?? 'none';
    this.virtMode = virtOverride(arch, this.virt);
    this.cpus = o.cpus ?? arch.defaultCpus;
    if (!Number.isInteger(this.cpus) || this.cpus < 1 || this.cpus > arch.maxCpus) {
      throw new MachineError(`cpus ${o.cpus} out of range for arch ${arch.name} (1..${arch.maxCpus})`);
    }
    this.pae = o.pae ?? false;
    if (this.pae && !(arch.highmem && arch.highmem.pkmapEntriesPae > 0)) {
      throw new MachineError(`arch ${arch.name} has no PAE mode`);
    }
    this.pkmapEntries = arch.highmem ? (this.pae ? arch.highmem.pkmapEntriesPae : arch.highmem.pkmapEntries) : 0;
    this.engine = new Engine({ cpus: this.cpus, clockHz: o.clockHz ?? arch.clockHz, seed: o.seed ?? 1 });
    this.tlb = new Tlb(this.cpus, arch.tlb.entries);
    this.cost = effectiveCosts(arch, this.virtMode);
    const e = this.engine;
    this.ipi = new Ipi(e, {
      sendCycles: this.cost.ipiSendCycles,
      broadcastShorthand: arch.ipi.broadcastShorthand,
      deliveryCycles: arch.ipi.deliveryCycles,
      handlerEntryCycles: this.cost.ipiHandlerEntryCycles,
      ackCycles: arch.ipi.ackCycles,
    });
    const s = arch.symbols;
    this.syms = {
      spinlock: s.spinlock,
      readLock: s.readLock,
      writeLock: s.writeLock,
      ipiSend: e.sym(s.ipiSend),
      ipiSendPerTarget: s.ipiSendPerTarget ? e.sym(s.ipiSendPerTarget) : undefined,
      flushHandler: e.sym(s.flushHandler),
      globalFlush: e.sym(s.globalFlush),
      tlbMiss: e.sym('tlb_miss_walk'),
    };
    this.callLock = arch.ipi.callLock ? this.spinlock('call_lock') : null;
    const k = e.counters;
    this.c = {
      flushGlobal: k.id('tlb_flush_global', 'global TLB flushes (every CPU)'),
      flushLocal: k.id('tlb_flush_local', 'local full TLB flushes'),
      invlpg: k.id('invlpg', 'single-address TLB invalidations'),
      flushRange: k.id('tlb_flush_range', 'kernel range flushes done page by page'),
      vmExit: k.id('vm_exits', 'guest exits to the hypervisor'),
      tlbMiss: k.id('tlb_miss', 'TLB misses (page walks)'),
    };
  }

  get clockHz(): number {
    return this.engine.clockHz;
  }

  spinlock(name: string, symbol = this.arch.symbols.spinlock): Spinlock {
    return new Spinlock(this.engine, name, this.lockCosts(symbol));
  }

  rwlock(name: string, writeSymbol = this.arch.symbols.writeLock): RwLock {
    return new RwLock(this.engine, name, this.lockCosts(writeSymbol));
  }

  bitLocks(name: string, symbol = 'bit_spin_lock'): BitSpinlocks {
    return new BitSpinlocks(this.engine, name, this.lockCosts(symbol));
  }

  mutex(name: string, symbol = 'mutex_lock'): Mutex {
    return new Mutex(this.engine, name, {
      ...this.lockCosts(symbol),
      wakeupCycles: this.arch.costs.contextSwitchCycles,
      sleepSymbol: 'schedule',
    });
  }

  waitQueue(name: string, sleepSymbol = 'schedule'): WaitQueue {
    return new WaitQueue(this.engine, name, sleepSymbol, this.arch.costs.contextSwitchCycles);
  }

  private lockCosts(symbol: string) {
    return {
      symbol,
      acquireCycles: this.arch.costs.lockUncontendedCycles,
      handoffCycles: this.arch.costs.cacheLineTransferCycles,
    };
  }

  // ---- page table and TLB operations (local: no yield) ----

  /** Writes a kernel PTE (set_pte). Traps under xen-pv / shadow paging when the mode says so. */
  setPte(t: Thread, vpn: number, pfn: number, sym: SymbolId | string): void {
    this.tlb.pte.set(vpn, pfn);
    this.trapCount(this.virtMode?.exits.pteWrite);
    t.spend(sym, this.cost.pteSetCycles);
  }

  /** Clears a kernel PTE (pte_clear). The TLBs keep their entries until flushed. */
  clearPte(t: Thread, vpn: number, sym: SymbolId | string): void {
    this.tlb.pte.delete(vpn);
    this.trapCount(this.virtMode?.exits.pteWrite);
    t.spend(sym, this.cost.pteClearCycles);
  }

  /** Sets `pages` PTEs from `vpn` to consecutive frames from `pfn`, costing them as one charge. */
  setPtes(t: Thread, vpn: number, pfn: number, pages: number, sym: SymbolId | string): void {
    for (let i = 0; i < pages; i++) this.tlb.pte.set(vpn + i, pfn + i);
    this.trapCount(this.virtMode?.exits.pteWrite, pages);
    t.spend(sym, this.cost.pteSetCycles * pages);
  }

  clearPtes(t: Thread, vpn: number, pages: number, sym: SymbolId | string): void {
    for (let i = 0; i < pages; i++) this.tlb.pte.delete(vpn + i);
    this.trapCount(this.virtMode?.exits.pteWrite, pages);
    t.spend(sym, this.cost.pteClearCycles * pages);
  }

  /** The CPU touches a kernel virtual page: TLB hit, or a page walk (charged to `sym`); stale use is reported. */
  touch(t: Thread, vpn: number, sym: SymbolId | string): boolean {
    const hit = this.tlb.access(t.cpu, vpn, t.clock);
    if (!hit) {
      this.engine.counters.add(this.c.tlbMiss);
      t.spend(sym, this.cost.tlbMissCycles);
    }
    return hit;
  }

  /** Single-address local invalidation (invlpg). Under kvm-shadow: a VM exit + shadow-PTE invalidate. */
  invlpg(t: Thread, vpn: number, sym: SymbolId | string): void {
    this.tlb.invalidate(t.cpu, vpn);
    this.engine.counters.add(this.c.invlpg);
    this.trapCount(this.virtMode?.exits.invlpg);
    t.spend(sym, this.cost.invlpgCycles);
  }

  /** Local full flush (CR3 reload). */
  flushLocal(t: Thread, sym: SymbolId | string): void {
    this.tlb.flushLocal(t.cpu);
    this.engine.counters.add(this.c.flushLocal);
    this.trapCount(this.virtMode?.exits.cr3Write);
    t.spend(sym, this.cost.localFlushCycles);
  }

  /**
   * flush_tlb_all / on_each_cpu(do_flush_tlb_all): every CPU's TLB is flushed. With IPI shootdown the caller
   * (serialized on call_lock where the arch had one) interrupts every other CPU and waits for the slowest ack;
   * with hardware broadcast (s390 CSP/IDTE) one instruction does it and no CPU is interrupted.
   * Use as `yield* machine.flushAll(t)`.
   */
  *flushAll(t: Thread): Generator<Op | undefined, void, void> {
    yield undefined;
    this.engine.counters.add(this.c.flushGlobal);
    this.engine.onInstant?.(t.cpu, 'tlb_flush_global', t.clock);
    if (this.arch.tlb.globalFlush === 'broadcast') {
      const k = this.arch.costs;
      t.spend(this.syms.globalFlush, k.broadcastFlushCycles + k.broadcastFlushPerCpuCycles * this.cpus);
      this.tlb.flushAll();
      return;
    }
    if (this.callLock) yield this.callLock.lock(t);
    const perCpu = this.cost.globalFlushPerCpuCycles;
    this.ipi.perform(t, {
      targets: 'allbutself',
      handlerSym: this.syms.flushHandler,
      handlerCycles: perCpu,
      senderSym: this.syms.ipiSend,
      sendSym: this.syms.ipiSendPerTarget,
    });
    this.trapCount(this.virtMode?.exits.ipiSend, this.arch.ipi.broadcastShorthand ? 1 : this.cpus - 1);
    this.trapCount(this.virtMode?.exits.cr4Write, this.cpus);
    t.spend(this.syms.globalFlush, perCpu);
    if (this.callLock) this.callLock.unlock(t);
    this.tlb.flushAll();
  }

  /**
   * flush_tlb_kernel_range: page by page on every CPU when the range is within the arch's ceiling, else a full
   * global flush (2.6-era x86 always did flush_tlb_all: ceiling 0). `yield* machine.flushKernelRange(t, v, n)`.
   */
  *flushKernelRange(t: Thread, vpn: number, pages: number): Generator<Op | undefined, void, void> {
    const ceiling = this.arch.tlb.rangeFlushCeilingPages;
    if (pages === 0) return;
    if (ceiling === 0 || pages > ceiling || this.arch.tlb.globalFlush === 'broadcast') {
      yield* this.flushAll(t);
      return;
    }
    yield undefined;
    this.engine.counters.add(this.c.flushRange);
    this.engine.onInstant?.(t.cpu, 'tlb_flush_range', t.clock, { pages });
    const work = pages * this.cost.invlpgCycles;
    this.ipi.perform(t, {
      targets: 'allbutself',
      handlerSym: this.syms.flushHandler,
      handlerCycles: work,
      senderSym: this.syms.ipiSend,
      sendSym: this.syms.ipiSendPerTarget,
    });
    this.trapCount(this.virtMode?.exits.invlpg, pages * this.cpus);
    t.spend(this.syms.globalFlush, work);
    this.tlb.invalidateRangeAll(vpn, pages);
  }

  private trapCount(on: boolean | undefined, n = 1): void {
    if (on) this.engine.counters.add(this.c.vmExit, n);
  }
}

export function createMachine(o: MachineOptions): Machine {
  return new Machine(o);
}
