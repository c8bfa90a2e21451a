// Where the synthetic kernel keeps what makedumpfile reads besides page data: the 4-level page tables rooted at
// init_top_pgt, the utsname of init_uts_ns, the `mem_map` pointer (flat), or the mem_section root array and
// section arrays (SPARSEMEM_EXTREME, as x86_64 kernels have it), and the mem_map array mapped at VMEMMAP_START
// with 2 MiB pages (as vmemmap_populate does; with sparse memory only the sections that have RAM are mapped).
// Page numbers are relative to the kernel data block.
import { type ElfImageSource, maxPfnOf } from './source.js';
import {
  NR_SECTION_ROOTS,
  PAGE_OFFSET,
  PAGE_SIZE,
  PAGES_PER_SECTION,
  PMD_PAGES,
  SECTIONS_PER_ROOT,
  START_KERNEL_MAP,
  STRUCT_PAGE_SIZE,
} from './x86.js';

export type MemoryModel = 'flat' | 'sparse';

/** Where the synthetic x86_64 kernel keeps what makedumpfile reads: page tables, utsname, mem_map and its pointer. */
export interface KernelLayout {
  /** One past the highest pfn of RAM (the mem_map's length, flat model). */
  maxPfn: number;
  /** First pfn of the kernel data block (the page numbers below are relative to it). */
  kernelDataPfn: number;
  /** First pfn of the mem_map array (2 MiB aligned). */
  memMapPfn: number;
  /** Pages of the mem_map array, rounded up to whole 2 MiB vmemmap mappings. */
  memMapPages: number;
  /** Page of init_top_pgt (the PGD). */
  pgd: number;
  /** Page of the PUD of the direct map (PAGE_OFFSET). */
  pudDirect: number;
  /** Page of the PUD of the kernel-text mapping (__START_KERNEL_map). */
  pudText: number;
  /** Page of the PMD of the kernel-text mapping. */
  pmdText: number;
  /** Page of the PTE table of the kernel-text mapping (the data block's 4 KiB pages). */
  pteText: number;
  /** The data page: init_uts_ns at UTS_OFFSET, the mem_map pointer at MEM_MAP_PTR_OFFSET. */
  data: number;
  /** Page of the PUD of the vmemmap (VMEMMAP_START). */
  pudVmemmap: number;
  /** First vmemmap PMD page; one per GiB of vmemmap. */
  pmdVmemmap: number;
  /** vmemmap PMD pages (one per GiB of mem_map). */
  pmdVmemmapCount: number;
  /** Pages of the kernel data block. */
  pages: number;
  /** Kernel virtual addresses of the symbols VMCOREINFO names. */
  initTopPgt: bigint;
  /** SYMBOL(init_uts_ns): kernel virtual address of the utsname. */
  initUtsNs: bigint;
  /** SYMBOL(mem_map): kernel virtual address of the mem_map pointer (flat model). */
  memMapSymbol: bigint;
  /** FLATMEM or SPARSEMEM: how mem_map is found (VMCOREINFO SYMBOL(mem_map) or SYMBOL(mem_section)). */
  memoryModel: MemoryModel;
  /** Sparse: first page of the mem_section root array (NR_SECTION_ROOTS pointers), and its direct-map address. */
  memSectionRoot: number;
  /** Sparse: pages of the mem_section root array. */
  memSectionRootPages: number;
  /** Sparse: kernel virtual address of the mem_section symbol. */
  memSectionSymbol: bigint;
  /** Sparse: first section-array page (one per root that has a present section, in root order). */
  sectionPages: number;
  /** Sparse: number of section-array pages. */
  sectionPageCount: number;
  /** Sparse: sections below maxPfn, and whether each has RAM (its mem_map is mapped and encoded). */
  sections: number;
  /** Sparse: whether a section has RAM. */
  present: (section: number) => boolean;
  /** Sparse: the root has a present section (its pointer is set; a NULL root is never read through). */
  rootUsed: (root: number) => boolean;
}

/** Offsets inside the data page. */
export const UTS_OFFSET = 0;
export const MEM_MAP_PTR_OFFSET = 512;

const pmdVmemmapPages = (maxPfn: number) =>
  Math.max(1, Math.ceil((maxPfn * STRUCT_PAGE_SIZE) / (PAGE_SIZE * PMD_PAGES * 512)));
const ROOT_PAGES = (NR_SECTION_ROOTS * 8) / PAGE_SIZE;

export function kernelDataPages(maxPfn: number, model: MemoryModel = 'flat'): number {
  const flat = 7 + pmdVmemmapPages(maxPfn);
  if (model === 'flat') return flat;
  const sections = Math.ceil(maxPfn / PAGES_PER_SECTION);
  return flat + ROOT_PAGES + Math.ceil(sections / SECTIONS_PER_ROOT);
}

export function memMapPagesFor(maxPfn: number): number {
  const bytes = maxPfn * STRUCT_PAGE_SIZE;
  return Math.ceil(bytes / (PAGE_SIZE * PMD_PAGES)) * PMD_PAGES;
}

/** The kernel layout of an ELF source; throws when the mem_map is not 2 MiB aligned or the data block is past 1 GiB. */
export function kernelLayout(
  src: Pick<ElfImageSource, 'loads' | 'memMapPfn' | 'kernelDataPfn' | 'memoryModel'>,
): KernelLayout {
  const maxPfn = maxPfnOf(src);
  const kd = src.kernelDataPfn;
  const model = src.memoryModel ?? 'flat';
  if (src.memMapPfn % PMD_PAGES !== 0) throw new Error(`mem_map pfn ${src.memMapPfn} is not 2 MiB aligned`);
  // The kernel-text mapping covers the first GiB of physical memory (phys_base 0): the block must lie there.
  if (kd + kernelDataPages(maxPfn, model) > 512 * 512) throw new Error(`kernel data pfn ${kd} is not in the first GiB`);
  const text = (pfn: number, off = 0) => START_KERNEL_MAP + BigInt(pfn * PAGE_SIZE + off);
  const pmdVmemmapCount = pmdVmemmapPages(maxPfn);
  const sections = Math.ceil(maxPfn / PAGES_PER_SECTION);
  // A section has a mem_map when RAM (a PT_LOAD) overlaps it (sparse_init / memory_present).
  const has = new Uint8Array(sections);
  for (const l of src.loads) {
    for (let s = Math.floor(l.startPfn / PAGES_PER_SECTION); s * PAGES_PER_SECTION < l.startPfn + l.pages; s++)
      has[s] = 1;
  }
  const rootHas = new Uint8Array(Math.ceil(sections / SECTIONS_PER_ROOT));
  for (let x = 0; x < sections; x++) if (has[x]) rootHas[Math.floor(x / SECTIONS_PER_ROOT)] = 1;
  const flatPages = 7 + pmdVmemmapCount;
  const sparse = model === 'sparse';
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
    pages: kernelDataPages(maxPfn, model),
    initTopPgt: text(kd),
    initUtsNs: text(kd + 5, UTS_OFFSET),
    memMapSymbol: text(kd + 5, MEM_MAP_PTR_OFFSET),
    memoryModel: model,
    memSectionRoot: sparse ? flatPages : -1,
    memSectionRootPages: sparse ? ROOT_PAGES : 0,
    // The root array is memblock memory: the kernel reaches it through the direct map.
    memSectionSymbol: sparse ? PAGE_OFFSET + BigInt((kd + flatPages) * PAGE_SIZE) : 0n,
    sectionPages: sparse ? flatPages + ROOT_PAGES : -1,
    sectionPageCount: sparse ? Math.ceil(sections / SECTIONS_PER_ROOT) : 0,
    sections,
    present: (s) => s >= 0 && s < sections && has[s] === 1,
    rootUsed: (r) => r >= 0 && r < rootHas.length && rootHas[r] === 1,
  };
}
