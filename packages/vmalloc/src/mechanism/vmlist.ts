// 2.6.28–3.9 kept every vm_struct (vmalloc / vmap / ioremap areas, not vm_map_ram or vmap blocks) on the
// address-sorted vmlist as well, for /proc/vmallocinfo: insert_vmalloc_vm and remove_vm_area walk it under
// vmlist_lock taken for write. Only the starts matter, so the list is their counts (vmlist-starts.ts).
import type { RwLock, RwLockFairness, SymbolId, Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { archMemory, chaseCycles } from './memory.js';
import type { MechanismParams } from './params.js';
import { vmapCounters } from './symbols.js';
import { VmlistOwners } from './vmlist-owners.js';
import { VmlistStarts } from './vmlist-starts.js';

/**
 * Told of each walk (workloads/walk-tally.ts): the walker, areas below it (all, and the walker's own), cycles, and
 * the list's length.
 */
export interface VmlistWalkTally {
  add(cpu: number, rank: number, own: number, cycles: number, size: number): void;
}

export class VmlistMirror {
  readonly lock: RwLock;
  private readonly starts = new VmlistStarts();
  private readonly mem;
  walked = 0;
  private readonly walkedId: number;
  /** Per-walk tally for the sampler's arrangement bound, and the areas' owners it needs (null: not kept). */
  private tally: VmlistWalkTally | null = null;
  private owners: VmlistOwners | null = null;

  constructor(
    readonly m: Machine,
    readonly p: MechanismParams,
    private readonly insertSym: SymbolId,
    private readonly removeSym: SymbolId,
    fairness: RwLockFairness = 'queued',
  ) {
    // The era's x86 rwlock (VmapDesign.rwlock: biased before 3.16).
    this.lock = m.rwlock('vmlist_lock', undefined, fairness);
    this.mem = archMemory(m, p.fallbackMemory);
    this.walkedId = vmapCounters(m.engine).walked;
  }

  /** Tells `tally` of each walk from now on, with the walker's own areas below it (`cpus` owners at most). */
  watch(tally: VmlistWalkTally, cpus: number): void {
    this.tally = tally;
    this.owners = new VmlistOwners(cpus);
  }

  get size(): number {
    return this.starts.size;
  }

  has(vpn: number): boolean {
    return this.starts.has(vpn);
  }

  /** A vm_struct present before the workload or laid down without cost, of CPU `owner` (−1: boot, none). */
  seed(vpn: number, owner = -1): void {
    this.starts.insert(vpn);
    this.owners?.add(vpn, owner);
  }

  /** A vm_struct gone without cost (functional fast-forward). */
  drop(vpn: number): void {
    this.starts.remove(vpn);
    this.owners?.remove(vpn);
  }

  /** insert_vmalloc_vm, `lock` taken for write (`yield lock.writeLock(t)`): walk to the sorted position, link, unlock. */
  insertLocked(t: Thread, vpn: number): void {
    this.charge(t, this.insertSym, vpn, this.starts.rank(vpn) + 1);
    this.starts.insert(vpn);
    this.owners?.add(vpn, t.cpu);
    this.lock.writeUnlock(t);
  }

  /** remove_vm_area's unlink, `lock` taken for write: walk to the vm_struct, unlink, unlock. */
  removeLocked(t: Thread, vpn: number): void {
    this.charge(t, this.removeSym, vpn, this.starts.rank(vpn) + 1);
    this.starts.remove(vpn);
    this.owners?.remove(vpn);
    this.lock.writeUnlock(t);
  }

  private charge(t: Thread, sym: SymbolId, vpn: number, n: number): void {
    this.walked += n;
    this.m.engine.counters.add(this.walkedId, n);
    const step = this.p.walkStepCycles + chaseCycles(this.mem, this.starts.size * this.p.vmStructBytes);
    t.spend(sym, n * step);
    if (this.tally !== null) {
      const own = (this.owners as VmlistOwners).below(t.cpu, vpn);
      this.tally.add(t.cpu, n - 1, own, n * step, this.starts.size);
    }
  }
}
