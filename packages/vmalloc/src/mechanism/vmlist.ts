// 2.6.28–3.9 kept every vm_struct (vmalloc / vmap / ioremap areas, not vm_map_ram or vmap blocks) on the
// address-sorted vmlist as well, for /proc/vmallocinfo: insert_vmalloc_vm and remove_vm_area walk it under
// vmlist_lock taken for write. Only the starts matter, so the list is an IntervalSet of one-page stubs.
import type { RwLock, SymbolId, Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { IntervalSet } from './intervals.js';
import { archMemory, chaseCycles } from './memory.js';
import type { MechanismParams } from './params.js';
import { vmapCounters } from './symbols.js';

export class VmlistMirror {
  readonly lock: RwLock;
  private readonly starts = new IntervalSet();
  private readonly mem;
  walked = 0;
  private readonly walkedId: number;
  /** Per-walk tally for the sampler's arrangement bound (workloads/walk-tally.ts): rank, list size, cycles. */
  tally: { add(cpu: number, rank: number, size: number, cycles: number): void } | null = null;

  constructor(
    readonly m: Machine,
    readonly p: MechanismParams,
    private readonly insertSym: SymbolId,
    private readonly removeSym: SymbolId,
  ) {
    this.lock = m.rwlock('vmlist_lock');
    this.mem = archMemory(m, p.fallbackMemory);
    this.walkedId = vmapCounters(m.engine).walked;
  }

  get size(): number {
    return this.starts.size;
  }

  has(vpn: number): boolean {
    return this.starts.get(vpn) >= 0;
  }

  /** A vm_struct present before the workload (no cost). */
  seed(vpn: number): void {
    this.starts.insert(vpn, vpn + 1);
  }

  /** A vm_struct gone without cost (functional fast-forward). */
  drop(vpn: number): void {
    this.starts.remove(vpn);
  }

  /** insert_vmalloc_vm, `lock` taken for write (`yield lock.writeLock(t)`): walk to the sorted position, link, unlock. */
  insertLocked(t: Thread, vpn: number): void {
    this.charge(t, this.insertSym, this.starts.rank(vpn) + 1);
    this.starts.insert(vpn, vpn + 1);
    this.lock.writeUnlock(t);
  }

  /** remove_vm_area's unlink, `lock` taken for write: walk to the vm_struct, unlink, unlock. */
  removeLocked(t: Thread, vpn: number): void {
    this.charge(t, this.removeSym, this.starts.rank(vpn) + 1);
    this.starts.remove(vpn);
    this.lock.writeUnlock(t);
  }

  private charge(t: Thread, sym: SymbolId, n: number): void {
    this.walked += n;
    this.m.engine.counters.add(this.walkedId, n);
    const step = this.p.walkStepCycles + chaseCycles(this.mem, this.starts.size * this.p.vmStructBytes);
    t.spend(sym, n * step);
    this.tally?.add(t.cpu, n - 1, this.starts.size, n * step);
  }
}
