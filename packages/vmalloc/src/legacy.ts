// Before 2.6.28: struct vm_struct areas in the address-sorted singly linked vmlist under vmlist_lock, an rwlock
// both get_vm_area and remove_vm_area take for write. Alloc is a linear first fit from VMALLOC_START with one
// guard page; free walks the list to find the area, unmaps it and — still under the lock — flushes every CPU's
// TLB (flush_tlb_kernel_range = flush_tlb_all on x86: an IPI to every CPU; s390 broadcasts in hardware).
// The walk is found in O(log n) wall time and charged as the O(n) it was.
import type { RwLock, Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { VmapBase } from './base.js';
import type { MechanismParams } from './params.js';
import type { Gen, VmArea, VmapFaults } from './types.js';

export class LegacyVmap extends VmapBase {
  readonly impl = 'legacy' as const;
  readonly vmlist: RwLock;

  constructor(m: Machine, p: MechanismParams, faults: VmapFaults = {}) {
    super(m, p, faults);
    this.vmlist = m.rwlock('vmlist_lock');
  }

  *alloc(t: Thread, pages: number, align = 1): Gen<VmArea> {
    t.spend(this.s.kmalloc, this.p.vmStructCycles);
    yield this.vmlist.writeLock(t);
    const at = this.space.reserve(pages + this.guard, align);
    const visited = (at < 0 ? this.space.busy.size : this.space.busyBelow(at)) + 1;
    this.walked(visited);
    t.spend(this.s.getArea, visited * this.p.listWalkCyclesPerArea);
    this.vmlist.writeUnlock(t);
    if (at < 0) throw this.failed(pages, align);
    return this.issue(at, pages, pages + this.guard);
  }

  *free(t: Thread, a: VmArea): Gen {
    this.retire(a);
    yield this.vmlist.writeLock(t);
    const visited = this.space.busyBelow(a.vpn) + 1;
    this.walked(visited);
    t.spend(this.s.removeVm, visited * this.p.listWalkCyclesPerArea);
    this.unmapPtes(t, a);
    if (!this.faults.skipFlush) yield* this.m.flushKernelRange(t, a.vpn, a.reserved);
    this.space.release(a.vpn);
    this.vmlist.writeUnlock(t);
  }

  *mapRam(t: Thread, pfn: number, pages: number): Gen<VmArea> {
    return yield* this.vmap(t, pfn, pages);
  }

  *unmapRam(t: Thread, a: VmArea): Gen {
    yield* this.free(t, a);
  }

  /** Nothing to do: every vunmap already flushed, so no alias survives. */
  *unmapAliases(_t: Thread): Gen {}

  setIounmapNonlazy(): void {}

  *purge(_t: Thread): Gen {}

  check(): string[] {
    return this.checkSpace();
  }
}
