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
  type RwLockFairness,
  Spinlock,
  type SymbolId,
  type Thread,
  WaitQueue,
} from '@kmemsim/core';
import { DEFAULT_KVM, kvmRules } from './kvm-era.js';
import { MachineError, type MachineOptions, type MachineSymbols, withVirtCosts } from './machine-options.js';
import type { ArchProfile, VirtModeName, VirtOverride } from './schema.js';
import { shootdownAll } from './shootdown.js';
import { Tlb } from './tlb.js';
import { type EffectiveCosts, effectiveCosts, virtOverride } from './virt.js';
import { EXIT_KINDS, type ExitKind, GuestPageTable, mechanismOf, VirtOps } from './virt-ops.js';

// The options, error and symbols live in machine-options.ts; importers of './machine.js' keep working.
export { MachineError, type MachineOptions, type MachineSymbols } from './machine-options.js';

/**
 * A simulated machine: the engine with one clock per CPU, per-CPU TLBs with the stale-translation detector, IPIs and
 * TLB flushes priced by the arch plugin, and the virt mode's exits. Mechanisms (kmap, vmap, rmap, /proc/vmcore)
 * run on it.
 * @example
 * ```ts
 * import { x86_64 } from '@kmemsim/arch-x86_64';
 * import { Machine } from '@kmemsim/mmu';
 * const m = new Machine({ arch: x86_64, virt: 'kvm-shadow', cpus: 8 });
 * m.engine.spawn(0, 'demo', function* (t) {
 *   m.setPte(t, 0x1000, 42, 'vmap_page_range');
 *   m.touch(t, 0x1000, 'demo_touch'); // TLB miss: a page walk
 *   yield* m.flushAll(t); // IPI shootdown to the 7 other CPUs
 * });
 * m.engine.run();
 * m.engine.counters.toJSON(); // { ipi: 7, tlb_flush_global: 1, vm_exits: …, … }
 * ```
 */
export class Machine {
  /** The arch profile the machine was built from (costs, TLB, IPI, symbols). */
  readonly arch: ArchProfile;
  /** The virtualization mode (`none` on bare metal). */
  readonly virt: VirtModeName;
  /** The virt mode's exits and costs after any `virtCosts` overrides (null on bare metal). */
  readonly virtMode: VirtOverride | null;
  /** CPUs (vCPUs when virtualized), 1..arch.maxCpus. */
  readonly cpus: number;
  /** i386 PAE on: 8-byte PTEs, LAST_PKMAP from `highmem.pkmapEntriesPae`. */
  readonly pae: boolean;
  /** The discrete-event engine: one clock per CPU, counters, profiler. */
  readonly engine: Engine;
  /** Per-CPU TLBs and the kernel PTEs they cache, with the stale-translation detector. */
  readonly tlb: Tlb;
  /** PTE write/clear and TLB-miss cycles with the virt mode's exits folded in. */
  readonly cost: EffectiveCosts;
  /** Inter-processor interrupts priced by the arch (send, delivery, handler entry, ack). */
  readonly ipi: Ipi;
  /** The profile symbols the machine charges its own work to. */
  readonly syms: MachineSymbols;
  /** The virt mechanism: which guest operations exit and what the host does (virt-ops.ts). */
  readonly vops: VirtOps;
  /** Guest page-table pages the workload declared (resynced at root reloads under kvm-shadow). */
  readonly pageTables: GuestPageTable[] = [];
  /** LAST_PKMAP in effect (0 without highmem). */
  readonly pkmapEntries: number;
  private readonly callLock: Spinlock | null;
  private readonly c: {
    flushGlobal: number;
    flushLocal: number;
    invlpg: number;
    flushRange: number;
    tlbMiss: number;
    ipi: number;
    ipiCalls: number;
  };

  constructor(o: MachineOptions) {
    const arch = o.arch;
    this.arch = arch;
    this.virt = o.virt ?? 'none';
    this.virtMode = withVirtCosts(virtOverride(arch, this.virt), o.virtCosts, arch.maxCpus);
    this.cpus = o.cpus ?? arch.defaultCpus;
    const mech = this.virtMode ? mechanismOf(this.virtMode, arch.maxCpus) : null;
    const maxCpus = Math.min(arch.maxCpus, mech?.maxVcpus ?? arch.maxCpus);
    if (!Number.isInteger(this.cpus) || this.cpus < 1 || this.cpus > maxCpus) {
      const why = maxCpus < arch.maxCpus ? `, ${maxCpus} vCPUs under ${this.virt}` : '';
      throw new MachineError(`cpus ${o.cpus} out of range for arch ${arch.name} (1..${maxCpus}${why})`);
    }
    this.pae = o.pae ?? false;
    if (this.pae && !(arch.highmem && arch.highmem.pkmapEntriesPae > 0)) {
      throw new MachineError(`arch ${arch.name} has no PAE mode`);
    }
    this.pkmapEntries = arch.highmem ? (this.pae ? arch.highmem.pkmapEntriesPae : arch.highmem.pkmapEntries) : 0;
    this.engine = new Engine({ cpus: this.cpus, clockHz: o.clockHz ?? arch.clockHz, seed: o.seed ?? 1, tick: o.tick });
    this.tlb = new Tlb(this.cpus, arch.tlb.entries);
    this.cost = effectiveCosts(arch, this.virtMode);
    const e = this.engine;
    const kExit = e.counters.id('vm_exits', 'guest exits to the hypervisor');
    // Per-kind exit counters only where something can exit (bare-metal documents keep their counters as they were).
    const kKind = Object.fromEntries(
      Object.entries(EXIT_KINDS).map(([k, d]) => [k, this.virt === 'none' ? -1 : e.counters.id(`vm_exit.${k}`, d)]),
    ) as Record<ExitKind, number>;
    this.vops = new VirtOps(this.virt, this.virtMode, mech, this.cpus, kvmRules(o.kvm ?? DEFAULT_KVM), (kind, n) => {
      e.counters.add(kExit, n);
      if (kKind[kind] >= 0) e.counters.add(kKind[kind], n);
    });
    // A 32-bit PAE guest writes each 8-byte PTE as two 4-byte stores (asm/pgtable-3level.h).
    if (this.pae && arch.wordBits === 32) this.vops.storesPerPte = 2;
    this.ipi = new Ipi(e, {
      sendCycles: this.cost.ipiSendCycles,
      broadcastShorthand: this.oneSendReachesAll,
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
    // The flush IPI handlers run with IF = 0 from entry to iret, so a timer tick (readprofile's profile_tick) due in
    // one is taken after it, in the code it interrupted (core's Profiler.sampled):
    // - x86: smp_invalidate_interrupt, smp_call_function_interrupt and smp_call_function_single_interrupt (and
    //   do_flush_tlb_all / flush_tlb_func run from them) are entered through interrupt gates (set_intr_gate,
    //   arch/x86/kernel/irqinit_{32,64}.c, 2.6.2x) and never set IF;
    // - other arches: an IPI's irqaction ran with IRQF_DISABLED (ia64 handle_IPI, arch/ia64/kernel/irq_ia64.c;
    //   s390 do_extint under the external-interrupt new PSW, which masks external interrupts and so the clock
    //   comparator's tick), and from 2.6.35 every hard-irq handler runs with interrupts off ("genirq: Run irq
    //   handlers with interrupts disabled", kernel/irq/handle.c).
    // (ia64 names the sender's local flush as its handler, local_flush_tlb_all: on_each_cpu runs it with irqs off
    // too, so its tick lands in the sending task as well.)
    e.profiler.markIrqOff(s.flushHandler);
    if (s.flushHandlerMany) e.profiler.markIrqOff(s.flushHandlerMany);
    this.callLock = arch.ipi.callLock ? this.spinlock('call_lock') : null;
    const k = e.counters;
    this.c = {
      flushGlobal: k.id('tlb_flush_global', 'global TLB flushes (every CPU)'),
      flushLocal: k.id('tlb_flush_local', 'local full TLB flushes'),
      invlpg: k.id('invlpg', 'single-address TLB invalidations'),
      flushRange: k.id('tlb_flush_range', 'kernel range flushes done page by page'),
      tlbMiss: k.id('tlb_miss', 'TLB misses (page walks)'),
      ipi: k.id('ipi'),
      ipiCalls: k.id('ipi_calls'),
    };
  }

  /** CPU clock, Hz (the arch's, or `MachineOptions.clockHz`). */
  get clockHz(): number {
    return this.engine.clockHz;
  }

  /** One IPI send reaches every target: the all-but-self shorthand, or a flat logical-mode mask (≤ 8 CPUs). */
  get oneSendReachesAll(): boolean {
    const flat = this.arch.ipi.flatMaxCpus;
    return this.arch.ipi.broadcastShorthand || (flat !== undefined && this.cpus <= flat);
  }

  /** Declares a guest page-table page the workload writes (kvm-shadow tracks its shadow page's state). */
  pageTable(name: string, entries: number): GuestPageTable {
    const pt = new GuestPageTable(name, entries);
    this.pageTables.push(pt);
    return pt;
  }

  /** A spinlock priced by the arch (uncontended acquire, cache-line handoff); acquire cycles go to `symbol`. */
  spinlock(name: string, symbol = this.arch.symbols.spinlock): Spinlock {
    return new Spinlock(this.engine, name, this.lockCosts(symbol));
  }

  /**
   * A reader-writer spinlock priced like {@link Machine.spinlock}; write-acquire cycles go to `writeSymbol`. `fairness`
   * is the kernel era's rwlock: `queued` (qrwlock, 3.16+, FIFO) or `biased` (RW_LOCK_BIAS counter before it: unfair,
   * reader preference; core rwlock-biased.ts).
   */
  rwlock(name: string, writeSymbol = this.arch.symbols.writeLock, fairness: RwLockFairness = 'queued'): RwLock {
    return new RwLock(this.engine, name, this.lockCosts(writeSymbol), fairness);
  }

  /** A family of bit spinlocks (one bit per page: `bit_spin_lock` on page flags), priced like a spinlock. */
  bitLocks(name: string, symbol = 'bit_spin_lock'): BitSpinlocks {
    return new BitSpinlocks(this.engine, name, this.lockCosts(symbol));
  }

  /** A sleeping mutex: a waiter sleeps in `schedule` and is woken at the arch's context-switch cost. */
  mutex(name: string, symbol = 'mutex_lock'): Mutex {
    return new Mutex(this.engine, name, {
      ...this.lockCosts(symbol),
      wakeupCycles: this.arch.costs.contextSwitchCycles,
      sleepSymbol: 'schedule',
    });
  }

  /** A wait queue (sleep until woken), each wakeup costing the arch's context switch. */
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
  setPte(t: Thread, vpn: number, pfn: number, sym: SymbolId | string, pt?: GuestPageTable): void {
    this.tlb.pte.set(vpn, pfn);
    if (pt) t.spend(sym, this.arch.costs.pteSetCycles + this.vops.ptWrite(pt, 1, true));
    else {
      this.trapCount(this.virtMode?.exits.pteWrite);
      t.spend(sym, this.cost.pteSetCycles);
    }
  }

  /** Clears a kernel PTE (pte_clear). The TLBs keep their entries until flushed. */
  clearPte(t: Thread, vpn: number, sym: SymbolId | string, pt?: GuestPageTable): void {
    this.tlb.pte.delete(vpn);
    if (pt) t.spend(sym, this.arch.costs.pteClearCycles + this.vops.ptWrite(pt, 1, false));
    else {
      this.trapCount(this.virtMode?.exits.pteWrite);
      t.spend(sym, this.cost.pteClearCycles);
    }
  }

  /** `n` PTE writes to `pt` charged at once, without tracking translations (bulk paths). */
  ptWrites(t: Thread, pt: GuestPageTable, n: number, set: boolean, sym: SymbolId | string): void {
    if (n <= 0) return;
    const c = this.arch.costs;
    t.spend(sym, n * (set ? c.pteSetCycles : c.pteClearCycles) + this.vops.ptWrite(pt, n, set));
  }

  /** `n` first accesses through new mappings in `pt`: TLB walks, and shadow page faults under kvm-shadow. */
  firstAccesses(t: Thread, pt: GuestPageTable, n: number, sym: SymbolId | string): void {
    if (n <= 0) return;
    this.engine.counters.add(this.c.tlbMiss, n);
    t.spend(sym, n * this.cost.tlbMissCycles + this.vops.firstAccess(pt, n));
  }

  /** `n` invlpg of addresses mapped through `pt`, charged at once (bulk paths; TLB state not tracked). */
  invlpgs(t: Thread, pt: GuestPageTable | null, n: number, sym: SymbolId | string, guestPresent = false): void {
    if (n <= 0) return;
    this.engine.counters.add(this.c.invlpg, n);
    t.spend(sym, n * this.arch.costs.invlpgCycles + this.vops.invlpg(pt, n, guestPresent));
  }

  /** `n` port I/O instructions of `bareCycles` each to a device (an exit to the device model when virtualized). */
  portIo(t: Thread, n: number, bareCycles: number, sym: SymbolId | string): void {
    if (n <= 0) return;
    t.spend(sym, n * bareCycles + this.vops.pio(n));
  }

  /** Sets `pages` PTEs from `vpn` to consecutive frames from `pfn`, costing them as one charge. */
  setPtes(t: Thread, vpn: number, pfn: number, pages: number, sym: SymbolId | string): void {
    this.tlb.pte.setRange(vpn, pfn, pages);
    this.trapCount(this.virtMode?.exits.pteWrite, pages);
    t.spend(sym, this.cost.pteSetCycles * pages);
  }

  /** Clears `pages` PTEs from `vpn`, costing them as one charge; the TLBs keep their entries until flushed. */
  clearPtes(t: Thread, vpn: number, pages: number, sym: SymbolId | string): void {
    this.tlb.pte.clearRange(vpn, pages);
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
  invlpg(t: Thread, vpn: number, sym: SymbolId | string, pt?: GuestPageTable): void {
    this.tlb.invalidate(t.cpu, vpn);
    this.engine.counters.add(this.c.invlpg);
    const present = pt !== undefined && this.tlb.pte.has(vpn);
    t.spend(sym, this.arch.costs.invlpgCycles + this.vops.invlpg(pt ?? null, 1, present));
  }

  /** Local full flush (CR3 reload): under kvm-shadow a root reload that resyncs unsync shadow pages. */
  flushLocal(t: Thread, sym: SymbolId | string): void {
    this.tlb.flushLocal(t.cpu);
    this.engine.counters.add(this.c.flushLocal);
    t.spend(sym, this.arch.costs.localFlushCycles + this.vops.cr3Write(this.pageTables));
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
    if (this.cpus > 1) shootdownAll(this, t, perCpu, this.c);
    // The local flush, irqs off: readprofile's tick lands where they are re-enabled (the arch's globalFlush symbol).
    t.spend(this.syms.globalFlush, perCpu + this.vops.globalFlushCpu(this.pageTables, false));
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
    this.vops.invlpg(null, pages * this.cpus);
    t.spend(this.syms.globalFlush, work);
    this.tlb.invalidateRangeAll(vpn, pages);
  }

  private trapCount(on: boolean | undefined, n = 1): void {
    if (on) this.vops.count('pt_write', n);
  }
}

/** Same as `new Machine(o)`. */
export function createMachine(o: MachineOptions): Machine {
  return new Machine(o);
}
