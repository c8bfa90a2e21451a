// kmap_local_page (5.11): a per-task stack of up to KM_MAX_IDX (16) slots. The task only disables migration,
// so it can be preempted: on a context switch its mappings are torn down (clear PTE + one-address flush each)
// and the next task's are restored from its saved PTE values. Unmap flushes one address (invlpg).
import { SimulationError, type SymbolId, type Thread } from '@kmemsim/core';
import type { GuestPageTable, Machine } from '@kmemsim/mmu';
import { chargePairs } from './bulk.js';
import { LAYOUT, type MechanismParams } from './params.js';

/** One task's kmap_local state: the saved frames of its stack (task_struct.kmap_ctrl). */
export class LocalTask {
  /** Slots in use (kmap_ctrl.idx). */
  depth = 0;
  /** Frame mapped by each slot in use, innermost last (restored on a switch back to the task). */
  readonly pfns: Float64Array;
  constructor(
    readonly name: string,
    readonly bound: number,
  ) {
    this.pfns = new Float64Array(bound);
  }
}

export interface LocalSymbols {
  map: SymbolId;
  unmap: SymbolId;
  schedOut: SymbolId;
  schedIn: SymbolId;
}

/**
 * kmap_local_page (5.11): a per-task stack of up to KM_MAX_IDX slots; mappings are torn down and restored on a
 * context switch, and unmap flushes one address.
 */
export class KmapLocal {
  /** KM_MAX_IDX: slots per task and per CPU (the arch's `highmem.kmapLocalSlots`, 16 by default). */
  readonly bound: number;
  /** Virtual page of slot 0 of CPU 0. */
  readonly baseVpn = LAYOUT.localBaseVpn;
  /** Per slot (cpu × bound + idx): set by a map or restore, cleared by the first access. */
  readonly fresh: Uint8Array;

  constructor(
    readonly m: Machine,
    readonly p: MechanismParams,
    readonly s: LocalSymbols,
    /** kmap_local slots are fixmap entries too (5.11 reuses the kmap_atomic fixmap range). */
    readonly pt: GuestPageTable,
  ) {
    this.bound = m.arch.highmem?.kmapLocalSlots ?? 16;
    this.fresh = new Uint8Array(m.cpus * this.bound);
  }

  /** A new task with an empty kmap_local stack. */
  task(name: string): LocalTask {
    return new LocalTask(name, this.bound);
  }

  /** Virtual page of slot `idx` on `cpu`. */
  vpn(cpu: number, idx: number): number {
    return this.baseVpn + cpu * this.bound + idx;
  }

  /** kmap_local_page(page) by `task` running on t's CPU. */
  map(t: Thread, task: LocalTask, pfn: number): number {
    const idx = task.depth;
    if (idx >= this.bound) throw new SimulationError(`kmap_local stack of ${task.name} exceeds ${this.bound} slots`);
    const vpn = this.vpn(t.cpu, idx);
    t.spend(this.s.map, this.p.kmapLocalCallCycles + this.m.cost.refillCyclesPerCall);
    this.m.setPte(t, vpn, pfn, this.s.map, this.pt);
    task.pfns[idx] = pfn;
    task.depth = idx + 1;
    this.fresh[t.cpu * this.bound + idx] = 1;
    return vpn;
  }

  /** kunmap_local(vaddr): the innermost mapping of the task (LIFO). */
  unmap(t: Thread, task: LocalTask, vpn: number): void {
    const idx = task.depth - 1;
    if (idx < 0) throw new SimulationError(`kunmap_local by ${task.name} with nothing mapped`);
    if (this.vpn(t.cpu, idx) !== vpn) {
      throw new SimulationError(`kunmap_local out of LIFO order by ${task.name}: vpn ${vpn}, innermost is ${idx}`);
    }
    t.spend(this.s.unmap, this.p.kunmapLocalCallCycles + this.m.cost.refillCyclesPerCall);
    this.m.clearPte(t, vpn, this.s.unmap, this.pt);
    this.m.invlpg(t, vpn, this.s.unmap, this.pt);
    task.pfns[idx] = 0;
    task.depth = idx;
  }

  /** Context switch on t's CPU from `prev` to `next`: tear down prev's slots, restore next's. */
  switchTasks(t: Thread, prev: LocalTask, next: LocalTask): void {
    for (let i = 0; i < prev.depth; i++) {
      const vpn = this.vpn(t.cpu, i);
      this.m.clearPte(t, vpn, this.s.schedOut, this.pt);
      this.m.invlpg(t, vpn, this.s.schedOut, this.pt);
    }
    for (let i = 0; i < next.depth; i++) {
      this.m.setPte(t, this.vpn(t.cpu, i), next.pfns[i], this.s.schedIn, this.pt);
      this.fresh[t.cpu * this.bound + i] = 1;
    }
  }

  /** `n` map + unmap pairs at the current depth, charged at once (same cycles and counters as n calls). */
  pairs(t: Thread, task: LocalTask, n: number, accessSym?: SymbolId): void {
    if (n <= 0) return;
    if (task.depth >= this.bound) throw new SimulationError(`kmap_local stack of ${task.name} is full`);
    chargePairs(
      this.m,
      t,
      n,
      {
        pt: this.pt,
        mapSym: this.s.map,
        mapCycles: this.p.kmapLocalCallCycles,
        unmapSym: this.s.unmap,
        unmapCycles: this.p.kunmapLocalCallCycles,
        invlpgAt: 'unmap',
      },
      accessSym,
    );
  }
}
