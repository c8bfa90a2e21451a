// kmap_atomic: per-CPU fixmap slots, idx = type + KM_TYPE_NR × cpu, used LIFO with preemption off. Since about
// 2.6.20 [U] kunmap_atomic clears the PTE and does a local invlpg (kpte_clear_flush); before that the invlpg
// came at map time and unmap left the PTE. Never an IPI. Under kvm-shadow each invlpg is a VM exit.
import { SimulationError, type SymbolId, type Thread } from '@kmemsim/core';
import type { GuestPageTable, Machine } from '@kmemsim/mmu';
import { chargePairs } from './bulk.js';
import { type HighmemEra, LAYOUT, type MechanismParams } from './params.js';

/**
 * kmap_atomic: per-CPU fixmap slots (idx = type + KM_TYPE_NR × cpu) used LIFO with preemption off; kunmap_atomic
 * clears the PTE and flushes one address locally (kpte_clear_flush), never an IPI. Under kvm-shadow each invlpg exits.
 */
export class KmapAtomic {
  /** KM_TYPE_NR: fixmap slots per CPU (the arch's `highmem.kmTypeNr`). */
  readonly typesPerCpu: number;
  /** Virtual page of slot 0 of CPU 0 (FIX_KMAP_BEGIN). */
  readonly baseVpn = LAYOUT.fixmapBaseVpn;
  /** Per CPU: the stack of km types in use, innermost last. */
  private readonly stack: Int32Array;
  private readonly depth: Int32Array;
  /** Per slot: set by a map, cleared by the first access. */
  readonly fresh: Uint8Array;

  constructor(
    readonly m: Machine,
    readonly era: HighmemEra,
    readonly p: MechanismParams,
    readonly sMap: SymbolId,
    readonly sUnmap: SymbolId,
    /** The fixmap page-table page holding every CPU's kmap_atomic slots. */
    readonly pt: GuestPageTable,
  ) {
    this.typesPerCpu = m.arch.highmem?.kmTypeNr ?? 0;
    this.stack = new Int32Array(m.cpus * this.typesPerCpu);
    this.depth = new Int32Array(m.cpus);
    this.fresh = new Uint8Array(m.cpus * this.typesPerCpu);
  }

  /** Nesting depth on a CPU. */
  depthOf(cpu: number): number {
    return this.depth[cpu];
  }

  /** The slot's virtual page for a km type on a CPU. */
  vpn(cpu: number, type: number): number {
    return this.baseVpn + type + this.typesPerCpu * cpu;
  }

  /** kmap_atomic(page, type): `type` defaults to the next free level (the 2.6.37+ stack discipline). */
  map(t: Thread, pfn: number, type = this.depth[t.cpu]): number {
    const cpu = t.cpu;
    const d = this.depth[cpu];
    if (!Number.isInteger(type) || type < 0 || type >= this.typesPerCpu) {
      throw new SimulationError(`kmap_atomic type ${type} out of range 0..${this.typesPerCpu - 1}`);
    }
    for (let i = 0; i < d; i++) {
      if (this.stack[cpu * this.typesPerCpu + i] === type) {
        throw new SimulationError(`kmap_atomic type ${type} already in use on cpu ${cpu} (nested reuse)`);
      }
    }
    if (d >= this.typesPerCpu) throw new SimulationError(`kmap_atomic nesting deeper than KM_TYPE_NR on cpu ${cpu}`);
    const vpn = this.vpn(cpu, type);
    t.spend(this.sMap, this.p.kmapAtomicCallCycles + this.m.cost.refillCyclesPerCall);
    this.m.setPte(t, vpn, pfn, this.sMap, this.pt);
    if (this.era.atomicInvlpg === 'map') this.m.invlpg(t, vpn, this.sMap, this.pt);
    this.stack[cpu * this.typesPerCpu + d] = type;
    this.depth[cpu] = d + 1;
    this.fresh[type + this.typesPerCpu * cpu] = 1;
    return vpn;
  }

  /** kunmap_atomic(vaddr): must be the innermost mapping of this CPU (LIFO). */
  unmap(t: Thread, vpn: number): void {
    const cpu = t.cpu;
    const d = this.depth[cpu];
    if (d === 0) throw new SimulationError(`kunmap_atomic on cpu ${cpu} with nothing mapped`);
    const top = this.stack[cpu * this.typesPerCpu + d - 1];
    if (this.vpn(cpu, top) !== vpn) {
      throw new SimulationError(
        `kunmap_atomic out of LIFO order on cpu ${cpu}: unmapping vpn ${vpn}, innermost is ${this.vpn(cpu, top)}`,
      );
    }
    t.spend(this.sUnmap, this.p.kunmapAtomicCallCycles + this.m.cost.refillCyclesPerCall);
    if (this.era.atomicInvlpg === 'unmap') {
      this.m.clearPte(t, vpn, this.sUnmap, this.pt);
      this.m.invlpg(t, vpn, this.sUnmap, this.pt);
    }
    this.depth[cpu] = d - 1;
  }

  /**
   * `n` map + unmap pairs on the caller's CPU, charged at once: the same cycles and counters as n map()/unmap()
   * calls. With `accessSym`, each mapping is touched once (TLB walk, shadow fault), charged to that symbol.
   */
  pairs(t: Thread, n: number, accessSym?: SymbolId): void {
    if (n <= 0) return;
    chargePairs(
      this.m,
      t,
      n,
      {
        pt: this.pt,
        mapSym: this.sMap,
        mapCycles: this.p.kmapAtomicCallCycles,
        unmapSym: this.sUnmap,
        unmapCycles: this.p.kunmapAtomicCallCycles,
        invlpgAt: this.era.atomicInvlpg,
      },
      accessSym,
    );
  }
}
