// The kernel side of /proc/vmcore on the simulated machine. read() goes through copy_oldmem_page, per arch:
//   x86_64 — ioremap of one page (a vmap area from the lazy vmap allocator + its PTE), copy_to_user, iounmap
//            (a lazy vunmap; with set_iounmap_nonlazy every iounmap purges, i.e. flushes every CPU's TLB);
//   s390   — memcpy_real with DAT off into a bounce page, then copy_to_user: two copies;
//   i386   — kmap_atomic_pfn (fixmap slot, invlpg at unmap) + copy into a bounce page, then copy_to_user;
//   ia64   — __va(): no mapping, one copy_to_user.
// The path is chosen from the arch's data (highmem, bounce copy cost, ioremap cost), not from its name.
// mmap() is remap_pfn_range over the window; munmap tears it down page by page (unmap_single_vma →
// vm_normal_page) and flushes the process's TLB (one CPU: the dump tool is single-threaded).
import type { Op, SymbolId, Thread } from '@kmemsim/core';
import { createHighmem, type Highmem } from '@kmemsim/highmem';
import type { Machine } from '@kmemsim/mmu';
import { createVmap, type Vmap } from '@kmemsim/vmalloc';
import { KERNEL_COSTS } from './params.js';

export type CopyOldmemPath = 'ioremap' | 'bounce' | 'kmap_atomic' | 'direct';

export function copyPathOf(m: Machine): CopyOldmemPath {
  const k = m.arch.costs;
  if (m.arch.highmem) return 'kmap_atomic';
  if (k.bounceCopyCyclesPerByte > 0) return 'bounce';
  if (k.ioremapCycles > 0) return 'ioremap';
  return 'direct';
}

export interface ProcVmcoreOptions {
  /** x86_64: copy_oldmem_page calls set_iounmap_nonlazy() before iounmap (default true, as since 2.6.37 [U]). */
  iounmapNonlazy?: boolean;
}

export class ProcVmcore {
  readonly path: CopyOldmemPath;
  private readonly vmap: Vmap | null;
  private readonly highmem: Highmem | null;
  private readonly nonlazy: boolean;
  private readonly page: number;
  private readonly s: Record<string, SymbolId>;

  constructor(
    readonly machine: Machine,
    o: ProcVmcoreOptions = {},
  ) {
    this.path = copyPathOf(machine);
    this.nonlazy = o.iounmapNonlazy ?? true;
    this.page = machine.arch.pageBytes;
    this.vmap = this.path === 'ioremap' ? createVmap(machine, { impl: 'lazy' }) : null;
    this.highmem = this.path === 'kmap_atomic' ? createHighmem(machine) : null;
    const e = machine.engine;
    const names = [
      'read_vmcore',
      'copy_oldmem_page',
      'ioremap_cache',
      'iounmap',
      'copy_user_generic_string',
      'memcpy_real',
      '__copy_to_user',
      'memcpy',
      '__copy_to_user_ll',
      '__copy_user',
      'mmap_region',
      'remap_pfn_range',
      'do_munmap',
      'unmap_single_vma',
      'flush_tlb_mm',
    ];
    this.s = Object.fromEntries(names.map((n) => [n, e.sym(n, 'sys')]));
  }

  /** `n` read() calls of one page each from pfn `pfn` onwards (consecutive frames, for the mapping paths). */
  *read(t: Thread, n: number, pfn = 0): Generator<Op | undefined, void, void> {
    if (n <= 0) return;
    const _k = this.machine.cost;
    const a = this.machine.arch.costs;
    const s = this.s;
    const bytes = this.page;
    t.spend(s.read_vmcore, n * KERNEL_COSTS.readVmcoreCallCycles);
    switch (this.path) {
      case 'bounce':
        t.spend(s.memcpy_real, n * bytes * a.bounceCopyCyclesPerByte);
        t.spend(s.__copy_to_user, n * bytes * a.copyUserCyclesPerByte);
        return;
      case 'direct':
        t.spend(s.__copy_user, n * bytes * a.copyUserCyclesPerByte);
        return;
      case 'kmap_atomic':
        this.highmem?.atomicPairs(t, n, s.copy_oldmem_page);
        t.spend(s.memcpy, n * bytes * a.memcpyCyclesPerByte);
        t.spend(s.__copy_to_user_ll, n * bytes * a.copyUserCyclesPerByte);
        return;
      case 'ioremap': {
        const vm = this.vmap as Vmap;
        for (let i = 0; i < n; i++) {
          const area = yield* vm.vmap(t, pfn + i, 1);
          t.spend(s.ioremap_cache, a.ioremapCycles);
          this.machine.touch(t, area.vpn, s.copy_oldmem_page);
          t.spend(s.copy_user_generic_string, bytes * a.copyUserCyclesPerByte);
          if (this.nonlazy) vm.setIounmapNonlazy();
          t.spend(s.iounmap, a.iounmapCycles);
          yield* vm.free(t, area);
        }
        return;
      }
    }
  }

  /** `n` mmap() calls mapping `pages` in all (remap_pfn_range: one PTE per page). */
  mmap(t: Thread, n: number, pages: number): void {
    t.spend(this.s.mmap_region, n * KERNEL_COSTS.mmapRegionCycles);
    t.spend(this.s.remap_pfn_range, pages * this.machine.cost.pteSetCycles);
  }

  /** `n` munmap() calls unmapping `pages` in all, each ending in a flush of the process's TLB. */
  munmap(t: Thread, n: number, pages: number): void {
    t.spend(this.s.do_munmap, n * KERNEL_COSTS.munmapCallCycles);
    t.spend(this.s.unmap_single_vma, pages * (KERNEL_COSTS.vmNormalPageCycles + this.machine.cost.pteClearCycles));
    for (let i = 0; i < Math.min(n, 1); i++) this.machine.flushLocal(t, this.s.flush_tlb_mm);
    if (n > 1) {
      // The remaining flushes, charged at once with the same cost and counted (identical local work).
      t.spend(this.s.flush_tlb_mm, (n - 1) * this.machine.cost.localFlushCycles);
      this.machine.engine.counters.bump('tlb_flush_local', n - 1);
      if (this.machine.virtMode?.exits.cr3Write) this.machine.engine.counters.bump('vm_exits', n - 1);
    }
  }
}
