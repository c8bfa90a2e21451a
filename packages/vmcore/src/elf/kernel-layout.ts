// Where the synthetic kernel keeps what makedumpfile reads besides page data: the 4-level page tables rooted at
// init_top_pgt, the utsname of init_uts_ns, the `mem_map` pointer, and the mem_map array mapped at VMEMMAP_START
// with 2 MiB pages (as vmemmap_populate does). Page numbers are relative to the kernel data block.
import { type ElfImageSource, maxPfnOf } from './source.js';
import { PAGE_SIZE, PMD_PAGES, START_KERNEL_MAP, STRUCT_PAGE_SIZE } from './x86.js';

export interface KernelLayout {
  maxPfn: number;
  kernelDataPfn: number;
  memMapPfn: number;
  /** Pages of the mem_map array, rounded up to whole 2 MiB vmemmap mappings. */
  memMapPages: number;
  pgd: number;
  pudDirect: number;
  pudText: number;
  pmdText: number;
  pteText: number;
  data: number;
  pudVmemmap: number;
  /** First vmemmap PMD page; one per GiB of vmemmap. */
  pmdVmemmap: number;
  pmdVmemmapCount: number;
  /** Pages of the kernel data block. */
  pages: number;
  /** Kernel virtual addresses of the symbols VMCOREINFO names. */
  initTopPgt: bigint;
  initUtsNs: bigint;
  memMapSymbol: bigint;
}

/** Offsets inside the data page. */
export const UTS_OFFSET = 0;
export const MEM_MAP_PTR_OFFSET = 512;

export function kernelDataPages(maxPfn: number): number {
  return 7 + Math.max(1, Math.ceil((maxPfn * STRUCT_PAGE_SIZE) / (PAGE_SIZE * PMD_PAGES * 512)));
}

export function memMapPagesFor(maxPfn: number): number {
  const bytes = maxPfn * STRUCT_PAGE_SIZE;
  return Math.ceil(bytes / (PAGE_SIZE * PMD_PAGES)) * PMD_PAGES;
}

export function kernelLayout(src: Pick<ElfImageSource, 'loads' | 'memMapPfn' | 'kernelDataPfn'>): KernelLayout {
  const maxPfn = maxPfnOf(src);
  const kd = src.kernelDataPfn;
  if (src.memMapPfn % PMD_PAGES !== 0) throw new Error(`mem_map pfn ${src.memMapPfn} is not 2 MiB aligned`);
  // The kernel-text mapping covers the first GiB of physical memory (phys_base 0): the block must lie there.
  if (kd + kernelDataPages(maxPfn) > 512 * 512) throw new Error(`kernel data pfn ${kd} is not in the first GiB`);
  const text = (pfn: number, off = 0) => START_KERNEL_MAP + BigInt(pfn * PAGE_SIZE + off);
  const pmdVmemmapCount = kernelDataPages(maxPfn) - 7;
  return {
    maxPfn,
    kernelDataPfn: kd,
    memMapPfn: src.memMapPfn,
    memMapPages: memMapPagesFor(maxPfn),
    pgd: 0,
    pudDirect: 1,
    pudText: 2,
    pmdText: 3,
    pteText: 4,
    data: 5,
    pudVmemmap: 6,
    pmdVmemmap: 7,
    pmdVmemmapCount,
    pages: 7 + pmdVmemmapCount,
    initTopPgt: text(kd),
    initUtsNs: text(kd + 5, UTS_OFFSET),
    memMapSymbol: text(kd + 5, MEM_MAP_PTR_OFFSET),
  };
}
