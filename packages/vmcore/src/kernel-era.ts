// The capture kernel's /proc/vmcore by era (`--kernel <version>`): which code one run follows, never a mixture.
// Facts: shared/reference/sources-vmcore.md §7 (fs/proc/vmcore.c, arch/x86/kernel/crash_dump_64.c,
// arch/s390/kernel/crash_dump.c, arch/s390/include/asm/pgtable.h) and sources-mm.md §3 (mm/vmalloc.c,
// arch/x86/mm/tlb.c). Boundaries the sheets leave unpinned are marked [U] with the range they could move in.
import type { ArchProfile } from '@kmemsim/mmu';

/** 2.6.N counts N (the release); from 3.0 the third number is a stable update and rules ignore it. */
export interface KernelVersion {
  /** First number (2 or 3 and later). */
  major: number;
  /** Second number (6 in 2.6.N). */
  minor: number;
  /** Third number: the 2.6 release N, or a stable update from 3.0 (ignored by the rules). */
  patch: number;
}

/** x86 flush_tlb_kernel_range / flush_tlb_mm_range of the era. */
export type X86RangeFlush = 'flush-all' | 'flushall-shift' | 'ceiling-33';
/** s390 munmap of a single-threaded mm: IPTE per present PTE, or ptep_flush_lazy with one mm-wide flush. */
export type S390MunmapFlush = 'ipte-per-pte' | 'lazy-mm';
/** s390 copy_oldmem_page: bounce page (two copies), static bounce under a mutex (~6.0), or memcpy_real_iter. */
export type S390Copy = 'bounce-page' | 'bounce-mutex' | 'iter-ipte';
export type VmapImplOfEra = 'lazy' | 'rb2019' | 'pools2024';

/** The /proc/vmcore rules of one capture-kernel version (`vmcoreKernel('3.12')`), each with its source. */
export interface VmcoreKernel {
  /** The version the rules were read for, as given (e.g. '2.6.37', '5.19'). */
  version: string;
  /** /proc/vmcore has .mmap and page-aligned segments (3.11, HATAYAMA's series); before, mmap fails. */
  mmap: boolean;
  /** copy_oldmem_page calls set_iounmap_nonlazy() before iounmap: every iounmap purges. */
  iounmapNonlazy: boolean;
  /** How x86 flushes a kernel or user range of this era (whole TLB, tlb_flushall_shift, 33-page ceiling). */
  x86RangeFlush: X86RangeFlush;
  /** The vmap allocator behind ioremap in this era (a `@kmemsim/vmalloc` design). */
  vmapImpl: VmapImplOfEra;
  /** How s390 flushes a munmap'ed window of a single-threaded mm. */
  s390MunmapFlush: S390MunmapFlush;
  /** How s390 copy_oldmem_page copies a page of the old memory. */
  s390Copy: S390Copy;
  /** The rule of each field, with its source. */
  sources: Record<string, string>;
}

/** tlb_single_page_flush_ceiling (arch/x86/mm/tlb.c, 3.17+). */
export const TLB_SINGLE_PAGE_FLUSH_CEILING = 33;

const cmp = (v: KernelVersion, major: number, minor: number, patch = 0) =>
  v.major - major || v.minor - minor || (v.major === 2 ? v.patch - patch : 0);

/** "3.10", "2.6.32", "4.19.0-26-amd64", "6.0.0-kmemsim" → its numbers; undefined if not Linux 2.6 … 6.x. */
export function parseKernelVersion(text: string): KernelVersion | undefined {
  const m = /^(\d{1,2})\.(\d{1,3})(?:\.(\d{1,3}))?(?:[-+~_][\w.+~-]*)?$/.exec(text.trim());
  if (!m) return undefined;
  const v = { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
  if (v.major < 2 || v.major > 6 || (v.major === 2 && v.minor !== 6)) return undefined;
  return v;
}

/** The /proc/vmcore record of kernel `version` (throws RangeError if it is not a 2.6 … 6.x version). */
export function vmcoreKernel(version: string): VmcoreKernel {
  const v = parseKernelVersion(version);
  if (!v) throw new RangeError(`kernel "${version}" is not a Linux version from 2.6 to 6.x (e.g. 3.10, 5.15, 6.1)`);
  const at = (major: number, minor: number, patch = 0) => cmp(v, major, minor, patch) >= 0;
  const sources: Record<string, string> = {};
  const rule = <T>(name: string, value: T, source: string): T => {
    sources[name] = source;
    return value;
  };
  const mmap = rule(
    'mmap',
    at(3, 11),
    'fs/proc/vmcore.c mmap_vmcore and page-aligned PT_LOADs since 3.11 (HATAYAMA); before, no .mmap: makedumpfile ' +
      'falls back to read() (sources-vmcore.md §7)',
  );
  const iounmapNonlazy = rule(
    'iounmapNonlazy',
    at(2, 6, 37) && !at(5, 19),
    '[U 2.6.37..3.0 from; 5.16..5.19 to] copy_oldmem_page: set_iounmap_nonlazy() before iounmap, "mm, x86: Saving ' +
      'vmcore with non-lazy freeing of vmas" (2.6.37, not re-verified); present in 3.x–5.15, absent by 5.19',
  );
  const x86RangeFlush = rule<X86RangeFlush>(
    'x86RangeFlush',
    at(3, 17) ? 'ceiling-33' : at(3, 6) ? 'flushall-shift' : 'flush-all',
    'arch/x86/mm/tlb.c flush_tlb_kernel_range: ≤ 3.5 flush_tlb_all; 3.6–3.16 INVLPG per page unless ' +
      'tlb_flushall_shift = −1 or pages > tlb_lld_4k >> shift; 3.17+ INVLPG up to tlb_single_page_flush_ceiling = 33',
  );
  const vmapImpl = rule<VmapImplOfEra>(
    'vmapImpl',
    at(6, 9) ? 'pools2024' : at(5, 2) ? 'rb2019' : 'lazy',
    'mm/vmalloc.c: the 2.6.28 lazy vmap (rbtree + list) until 5.1, the augmented free tree from 5.2, per-node ' +
      'pools from 6.9 (sources-mm.md §3)',
  );
  const s390MunmapFlush = rule<S390MunmapFlush>(
    's390MunmapFlush',
    at(3, 12) ? 'lazy-mm' : 'ipte-per-pte',
    '[U 3.7..3.12] arch/s390/include/asm/pgtable.h: 3.6 ptep_get_and_clear_full(full = 0) does IPTE per present ' +
      'PTE; later ptep_flush_lazy (posted July 2012, in 3.12-era code) marks the PTE invalid and __tlb_flush_mm_lazy ' +
      'does one mm-wide flush when only this CPU has the mm attached (makedumpfile is single-threaded)',
  );
  const s390Copy = rule<S390Copy>(
    's390Copy',
    at(6, 2) ? 'iter-ipte' : at(6, 0) ? 'bounce-mutex' : 'bounce-page',
    '[U 6.0..6.2] arch/s390/kernel/crash_dump.c: 3.x–5.x copy_to_user_real (bounce page, memcpy_real with DAT ' +
      'off, then copy_to_user); ~6.0 a static bounce buffer under memcpy_real_mutex; later memcpy_real_iter maps ' +
      'each page into one PTE (IPTE + set_pte when the page changes), one copy',
  );
  return { version, mmap, iounmapNonlazy, x86RangeFlush, vmapImpl, s390MunmapFlush, s390Copy, sources };
}

/** Default capture kernel: Debian 12's 6.1, where the interop tests run makedumpfile 1.7.2. */
export const DEFAULT_KERNEL = '6.1';

/**
 * The arch profile as this kernel flushes kernel ranges on x86 (flush_tlb_kernel_range's ceiling in pages;
 * 0 = always a full flush). `flushallShift` is the CPU's tlb_flushall_shift for 3.6–3.16 (−1: always full).
 * Other arches are returned as they are.
 */
export function archForKernel(arch: ArchProfile, k: VmcoreKernel, flushallShift = -1): ArchProfile {
  if (arch.tlb.globalFlush !== 'ipi' || arch.name !== 'x86_64') return arch;
  const ceiling = rangeFlushCeiling(arch.tlb.entries, k, flushallShift);
  return { ...arch, tlb: { ...arch.tlb, rangeFlushCeilingPages: ceiling } };
}

/** Pages up to which x86 flushes a range page by page (flush_tlb_kernel_range and flush_tlb_mm_range). */
export function rangeFlushCeiling(tlbEntries: number, k: VmcoreKernel, flushallShift: number): number {
  switch (k.x86RangeFlush) {
    case 'flush-all':
      return 0;
    case 'flushall-shift':
      // tlb_lld_4k[ENTRIES] >> tlb_flushall_shift; a shift of −1 or a TLB size reported as 0 forces a full flush.
      return flushallShift < 0 || tlbEntries === 0 ? 0 : Math.floor(tlbEntries / 2 ** flushallShift);
    case 'ceiling-33':
      return TLB_SINGLE_PAGE_FLUSH_CEILING;
  }
}
