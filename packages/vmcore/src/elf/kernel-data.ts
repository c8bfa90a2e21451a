// Contents of the kernel data block: the page tables makedumpfile walks (it translates every kernel virtual
// address through init_top_pgt), init_uts_ns's utsname, and the `mem_map` pointer variable.
import type { KernelLayout } from './kernel-layout.js';
import { MEM_MAP_PTR_OFFSET, UTS_OFFSET } from './kernel-layout.js';
import {
  KERNEL_LARGE,
  KERNEL_PTE,
  MEM_SECTION_SIZE,
  OSRELEASE,
  PAGE_OFFSET,
  PAGE_SIZE,
  PAGES_PER_SECTION,
  PGD_SHIFT,
  PMD_PAGES,
  PMD_SHIFT,
  PUD_PAGES,
  PUD_SHIFT,
  SECTION_HAS_MEM_MAP,
  SECTION_IS_EARLY,
  SECTION_IS_ONLINE,
  SECTION_MARKED_PRESENT,
  SECTIONS_PER_ROOT,
  START_KERNEL_MAP,
  STRUCT_PAGE_SIZE,
  tableIndex,
  VMEMMAP_START,
} from './x86.js';

const UTS_FIELD = 65;

function entry(view: DataView, index: number, value: bigint): void {
  view.setBigUint64(index * 8, value, true);
}

function physOf(l: KernelLayout, page: number): bigint {
  return BigInt((l.kernelDataPfn + page) * PAGE_SIZE);
}

/** Fills `buf` (one page, zeroed by the caller) with page `page` of the kernel data block. */
export function fillKernelDataPage(l: KernelLayout, page: number, buf: Uint8Array): void {
  const view = new DataView(buf.buffer, buf.byteOffset, PAGE_SIZE);
  if (page === l.pgd) {
    entry(view, tableIndex(PAGE_OFFSET, PGD_SHIFT), physOf(l, l.pudDirect) | KERNEL_PTE);
    entry(view, tableIndex(VMEMMAP_START, PGD_SHIFT), physOf(l, l.pudVmemmap) | KERNEL_PTE);
    entry(view, tableIndex(START_KERNEL_MAP, PGD_SHIFT), physOf(l, l.pudText) | KERNEL_PTE);
  } else if (page === l.pudDirect) {
    // Direct map with 1 GiB pages (X86_FEATURE_GBPAGES), as far as RAM reaches.
    const gib = Math.ceil(l.maxPfn / PUD_PAGES);
    for (let i = 0; i < gib && i < 512; i++) entry(view, i, (BigInt(i) << PUD_SHIFT) | KERNEL_LARGE);
  } else if (page === l.pudText) {
    entry(view, tableIndex(START_KERNEL_MAP, PUD_SHIFT), physOf(l, l.pmdText) | KERNEL_PTE);
  } else if (page === l.pmdText) {
    // The first GiB of physical memory at __START_KERNEL_map in 2 MiB pages; the 2 MiB holding the kernel
    // data block goes through a PTE page so that a symbol lookup takes all four levels.
    const kdPmd = Math.floor(l.kernelDataPfn / PMD_PAGES);
    const last = Math.min(512, Math.ceil(l.maxPfn / PMD_PAGES));
    for (let i = 0; i < last; i++) {
      entry(view, i, i === kdPmd ? physOf(l, l.pteText) | KERNEL_PTE : (BigInt(i) << PMD_SHIFT) | KERNEL_LARGE);
    }
  } else if (page === l.pteText) {
    const base = Math.floor(l.kernelDataPfn / PMD_PAGES) * PMD_PAGES;
    for (let i = 0; i < 512 && base + i < l.maxPfn; i++) entry(view, i, BigInt((base + i) * PAGE_SIZE) | KERNEL_PTE);
  } else if (page === l.data) {
    const uts = ['Linux', 'kmemsim', OSRELEASE, '#1 SMP PREEMPT_DYNAMIC', 'x86_64', '(none)'];
    uts.forEach((s, i) => {
      buf.set(new TextEncoder().encode(s), UTS_OFFSET + i * UTS_FIELD);
    });
    view.setBigUint64(MEM_MAP_PTR_OFFSET, VMEMMAP_START, true);
  } else if (page === l.pudVmemmap) {
    for (let i = 0; i < l.pmdVmemmapCount; i++)
      entry(view, tableIndex(VMEMMAP_START, PUD_SHIFT) + i, physOf(l, l.pmdVmemmap + i) | KERNEL_PTE);
  } else if (page >= l.pmdVmemmap && page < l.pmdVmemmap + l.pmdVmemmapCount) {
    // vmemmap in 2 MiB pages onto the physically contiguous mem_map array; with sparse memory only the sections
    // that have RAM are populated (vmemmap_populate per present section).
    const first = (page - l.pmdVmemmap) * 512;
    const total = l.memMapPages / PMD_PAGES;
    const pmdsPerSection = (PAGES_PER_SECTION * STRUCT_PAGE_SIZE) / (PMD_PAGES * PAGE_SIZE);
    for (let i = 0; i < 512 && first + i < total; i++) {
      if (l.memoryModel === 'sparse' && !l.present(Math.floor((first + i) / pmdsPerSection))) continue;
      entry(view, i, BigInt((l.memMapPfn + (first + i) * PMD_PAGES) * PAGE_SIZE) | KERNEL_LARGE);
    }
  } else if (page >= l.memSectionRoot && page < l.memSectionRoot + l.memSectionRootPages) {
    // mem_section: NR_SECTION_ROOTS pointers to the section arrays of roots that have a present section.
    const firstRoot = ((page - l.memSectionRoot) * PAGE_SIZE) / 8;
    for (let i = 0; i < PAGE_SIZE / 8; i++) {
      const root = firstRoot + i;
      if (root >= l.sectionPageCount) break;
      if (l.rootUsed(root)) entry(view, i, PAGE_OFFSET + physOf(l, l.sectionPages + root));
    }
  } else if (page >= l.sectionPages && page < l.sectionPages + l.sectionPageCount) {
    // struct mem_section { section_mem_map, usage }: the mem_map encoded as sparse_encode_mem_map does
    // (mem_map − section_nr_to_pfn(nr) × sizeof(struct page): with vmemmap, VMEMMAP_START) plus the flags.
    const root = page - l.sectionPages;
    const flags = SECTION_MARKED_PRESENT | SECTION_HAS_MEM_MAP | SECTION_IS_ONLINE | SECTION_IS_EARLY;
    for (let i = 0; i < SECTIONS_PER_ROOT; i++) {
      if (!l.present(root * SECTIONS_PER_ROOT + i)) continue;
      view.setBigUint64(i * MEM_SECTION_SIZE, VMEMMAP_START | flags, true);
    }
  } else throw new Error(`page ${page} is outside the kernel data block`);
}
