// The kernel side of /proc/vmcore on the simulated machine, as the capture kernel of one era does it
// (kernel-era.ts; facts: sources-vmcore.md §7). read() goes through copy_oldmem_page, per arch:
//   x86_64 — ioremap_cache of one page (a vmap area from @kmemsim/vmalloc's allocator of that era + its PTE),
//            copy_to_user, then iounmap: with set_iounmap_nonlazy (2.6.37 … 5.18) every iounmap purges and
//            flush_tlb_kernel_range flushes the area (flush_tlb_all ≤ 3.5, INVLPG by the era's rule after: the
//            machine's arch is built with archForKernel); from 5.19 the free is lazy and purges in batches;
//   s390   — memcpy_real with DAT off into a bounce page, then copy_to_user (two copies); ~6.0 the bounce buffer
//            is static under memcpy_real_mutex; later memcpy_real_iter maps each page into one PTE (one copy);
//   i386   — kmap_atomic_pfn (fixmap slot, invlpg at unmap) + copy into a bounce page, then copy_to_user;
//   ia64   — __va(): no mapping, one copy_to_user.
// The path is chosen from the arch's data (highmem, bounce copy cost, ioremap cost), not from its name.
// mmap() is remap_pfn_range over the window; munmap() zaps it page by page (unmap_single_vma → vm_normal_page)
// and flushes as the era does: x86 flush_tlb_mm_range (INVLPG up to the ceiling, else a full flush of the
// process's TLB), s390 IPTE per PTE (3.6) or ptep_flush_lazy + one mm-wide flush (later; one thread).
import type { Op, SymbolId, Thread } from '@kmemsim/core';
import { createHighmem, type Highmem } from '@kmemsim/highmem';
import type { Machine } from '@kmemsim/mmu';
import { createVmap, type Vmap } from '@kmemsim/vmalloc';
import { archForKernel, DEFAULT_KERNEL, type VmcoreKernel, vmcoreKernel } from './kernel-era.js';
import { KERNEL_COSTS, type KernelCosts } from './params.js';

/**
 * How copy_oldmem_page reaches an old-kernel page: ioremap_cache per page (x86_64), a bounce copy through
 * memcpy_real (s390), kmap_atomic (i386 highmem), or a direct copy.
 */
export type CopyOldmemPath = 'ioremap' | 'bounce' | 'kmap_atomic' | 'direct';

/** The copy path the machine's arch takes (from its highmem section and its copy costs). */
export function copyPathOf(m: Machine): CopyOldmemPath {
  const k = m.arch.costs;
  if (m.arch.highmem) return 'kmap_atomic';
  if (k.bounceCopyCyclesPerByte > 0) return 'bounce';
  if (k.ioremapCycles > 0) return 'ioremap';
  return 'direct';
}

/** Options of {@link ProcVmcore}: the capture kernel's era. */
export interface ProcVmcoreOptions {
  /** The capture kernel (default DEFAULT_KERNEL). */
  kernel?: VmcoreKernel;
  /** x86_64: override the era's set_iounmap_nonlazy before each iounmap. */
  iounmapNonlazy?: boolean;
  /** The kernel-side costs (default KERNEL_COSTS). */
  costs?: KernelCosts;
}

const SYMBOLS = [
  'read_vmcore',
  'copy_oldmem_page',
  'ioremap_cache',
  'iounmap',
  'copy_user_generic_string',
  'memcpy_real',
  'mutex_lock',
  '__ptep_ipte',
  '__copy_to_user',
  'memcpy',
  '__copy_to_user_ll',
  '__copy_user',
  'mmap_region',
  'remap_pfn_range',
  'do_munmap',
  'unmap_single_vma',
  'flush_tlb_mm_range',
  'ptep_flush_lazy',
  '__tlb_flush_mm_lazy',
] as const;

/** A batch of munmap() calls on /proc/vmcore windows (see `ProcVmcore.munmap`). */
export interface MunmapCalls {
  /** Calls on live windows. */
  n: number;
  /** Pages unmapped by those calls in all. */
  pages: number;
  /** Calls whose window is within the x86 range-flush ceiling (flushed page by page). */
  small?: number;
  /** Pages of the `small` calls. */
  smallPages?: number;
  /** Calls above the ceiling (a full flush); default `n − small`. */
  full?: number;
  /** Further calls that unmap nothing (1.5.7's munmap(MAP_FAILED, 0)). */
  failed?: number;
}

/**
 * /proc/vmcore of the capture kernel on a simulated machine: read() through copy_oldmem_page, mmap() through
 * remap_pfn_range, munmap with its TLB flushes, each charged to its kernel function.
 */
export class ProcVmcore {
  /** How copy_oldmem_page reaches old-kernel pages on this machine. */
  readonly path: CopyOldmemPath;
  /** The capture kernel's rules this file follows. */
  readonly kernel: VmcoreKernel;
  /** x86_64: every iounmap purges the lazy vmap areas (set_iounmap_nonlazy, 2.6.37–5.18, or the override). */
  readonly nonlazy: boolean;
  private readonly vmap: Vmap | null;
  private readonly highmem: Highmem | null;
  private readonly page: number;
  private readonly s: Record<(typeof SYMBOLS)[number], SymbolId>;
  private readonly K: KernelCosts;

  constructor(
    readonly machine: Machine,
    o: ProcVmcoreOptions = {},
  ) {
    this.path = copyPathOf(machine);
    this.kernel = o.kernel ?? vmcoreKernel(DEFAULT_KERNEL);
    this.nonlazy = o.iounmapNonlazy ?? this.kernel.iounmapNonlazy;
    this.page = machine.arch.pageBytes;
    this.K = o.costs ?? KERNEL_COSTS;
    if (this.path === 'ioremap') {
      // Era differences are records, never a mixture: the machine must flush kernel ranges as this kernel does.
      const want = archForKernel(machine.arch, this.kernel).tlb.rangeFlushCeilingPages;
      const have = machine.arch.tlb.rangeFlushCeilingPages;
      if (this.kernel.x86RangeFlush !== 'flushall-shift' && want !== have) {
        throw new RangeError(
          `kernel ${this.kernel.version} flushes kernel ranges up to ${want} pages by INVLPG; the machine's arch ` +
            `says ${have}: build it with archForKernel(arch, kernel)`,
        );
      }
    }
    this.vmap = this.path === 'ioremap' ? createVmap(machine, { impl: this.kernel.vmapImpl }) : null;
    this.highmem = this.path === 'kmap_atomic' ? createHighmem(machine) : null;
    const e = machine.engine;
    this.s = Object.fromEntries(SYMBOLS.map((n) => [n, e.sym(n, 'sys')])) as ProcVmcore['s'];
  }

  /** `n` read() calls of one page each from pfn `pfn` onwards (consecutive frames, for the mapping paths). */
  *read(t: Thread, n: number, pfn = 0): Generator<Op | undefined, void, void> {
    if (n <= 0) return;
    const m = this.machine;
    const a = m.arch.costs;
    const s = this.s;
    const bytes = this.page;
    t.spend(s.read_vmcore, n * this.K.readVmcoreCallCycles);
    switch (this.path) {
      case 'bounce': {
        const copy = this.kernel.s390Copy;
        // memcpy_real_mutex (~6.0 on): uncontended, one thread.
        if (copy !== 'bounce-page') t.spend(s.mutex_lock, n * a.lockUncontendedCycles);
        if (copy === 'iter-ipte') {
          // memcpy_real_iter: IPTE the reserved PTE, set_pte to the page, one copy through it.
          t.spend(s.__ptep_ipte, n * m.cost.pteClearCycles);
          t.spend(s.memcpy_real, n * m.cost.pteSetCycles);
          t.spend(s.__copy_to_user, n * bytes * a.copyUserCyclesPerByte);
          m.engine.counters.bump('ipte', n, 'IPTE instructions');
          return;
        }
        t.spend(s.memcpy_real, n * bytes * a.bounceCopyCyclesPerByte);
        t.spend(s.__copy_to_user, n * bytes * a.copyUserCyclesPerByte);
        return;
      }
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
          m.touch(t, area.vpn, s.copy_oldmem_page);
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
    t.spend(this.s.mmap_region, n * this.K.mmapRegionCycles);
    t.spend(this.s.remap_pfn_range, pages * this.machine.cost.pteSetCycles);
  }

  /**
   * munmap() calls: `n` of live windows, `pages` in all, of which `small` (`smallPages` pages) within the x86
   * range-flush ceiling and `full` above it; `failed` more that unmapped nothing (1.5.7's munmap(MAP_FAILED, 0)).
   */
  munmap(t: Thread, u: MunmapCalls): void {
    const { n, pages, small = 0, smallPages = 0, failed = 0 } = u;
    const full = u.full ?? n - small;
    const m = this.machine;
    const c = m.engine.counters;
    const s = this.s;
    t.spend(s.do_munmap, (n + failed) * this.K.munmapCallCycles);
    t.spend(s.unmap_single_vma, pages * this.K.vmNormalPageCycles);
    if (m.arch.tlb.globalFlush === 'broadcast') {
      if (this.kernel.s390MunmapFlush === 'ipte-per-pte') {
        // ptep_get_and_clear_full(full = 0): an IPTE per present PTE, which purges the TLBs as it clears.
        t.spend(s.__ptep_ipte, pages * m.cost.pteClearCycles);
        if (pages > 0) c.bump('ipte', pages, 'IPTE instructions');
      } else {
        // ptep_flush_lazy: the PTE marked invalid (a store); __tlb_flush_mm_lazy: one IDTE/CSP per munmap.
        const k = m.arch.costs;
        t.spend(s.ptep_flush_lazy, pages * m.cost.pteSetCycles);
        t.spend(s.__tlb_flush_mm_lazy, n * (k.broadcastFlushCycles + k.broadcastFlushPerCpuCycles * m.cpus));
        if (n > 0) c.bump('tlb_flush_mm', n, 'mm-wide TLB flushes (s390 IDTE/CSP)');
      }
      return;
    }
    t.spend(s.unmap_single_vma, pages * m.cost.pteClearCycles);
    // flush_tlb_mm_range: INVLPG per page up to the ceiling, else the process's whole TLB (one thread: local).
    if (small > 0) {
      t.spend(s.flush_tlb_mm_range, smallPages * m.cost.invlpgCycles);
      c.bump('invlpg', smallPages);
    }
    if (full > 0) {
      m.flushLocal(t, s.flush_tlb_mm_range);
      if (full > 1) {
        // The remaining flushes, charged at once with the same cost and counted (identical local work).
        t.spend(s.flush_tlb_mm_range, (full - 1) * m.cost.localFlushCycles);
        c.bump('tlb_flush_local', full - 1);
        if (m.virtMode?.exits.cr3Write) c.bump('vm_exits', full - 1);
      }
    }
  }
}
