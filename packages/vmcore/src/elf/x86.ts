// Linux 6.0 x86_64 facts the synthetic vmcore reproduces: virtual address map (4-level paging), page-table
// entry bits, and the struct page layout. Sources: arch/x86/include/asm/page_64_types.h, pgtable_64_types.h,
// pgtable_types.h, include/linux/mm_types.h and include/linux/page-flags.h of v6.0.

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

/** Direct map of all physical memory (PAGE_OFFSET without KASLR, 4-level paging). */
export const PAGE_OFFSET = 0xffff888000000000n;
/** Kernel text and data mapping; phys_base is 0 here (kernel image not relocated). */
export const START_KERNEL_MAP = 0xffffffff80000000n;
/** SPARSEMEM_VMEMMAP base: struct page of pfn N lives at VMEMMAP_START + N * 64. */
export const VMEMMAP_START = 0xffffea0000000000n;

// Page-table entry bits (pgtable_types.h).
export const PTE_PRESENT = 0x1n;
export const PTE_RW = 0x2n;
export const PTE_ACCESSED = 0x20n;
export const PTE_DIRTY = 0x40n;
export const PTE_PSE = 0x80n;
/** A kernel data mapping: present, writable, accessed, dirty (no NX, no global: makedumpfile ignores both). */
export const KERNEL_PTE = PTE_PRESENT | PTE_RW | PTE_ACCESSED | PTE_DIRTY;
export const KERNEL_LARGE = KERNEL_PTE | PTE_PSE;

export const PGD_SHIFT = 39n;
export const PUD_SHIFT = 30n;
export const PMD_SHIFT = 21n;
/** Pages one PMD entry (2 MiB) and one PUD entry (1 GiB) cover. */
export const PMD_PAGES = 512;
export const PUD_PAGES = 512 * 512;

/** 9-bit table index of `vaddr` at the level whose shift is `shift`. */
export function tableIndex(vaddr: bigint, shift: bigint): number {
  return Number((vaddr >> shift) & 511n);
}

// SPARSEMEM_EXTREME on x86_64 (arch/x86/include/asm/sparsemem.h, include/linux/mmzone.h): 128 MiB sections,
// 46 physical address bits with 4-level paging, 16-byte struct mem_section, a page of them per root.
export const SECTION_SIZE_BITS = 27;
export const MAX_PHYSMEM_BITS = 46;
export const PAGES_PER_SECTION = 2 ** (SECTION_SIZE_BITS - PAGE_SHIFT);
export const MEM_SECTION_SIZE = 16;
export const SECTIONS_PER_ROOT = PAGE_SIZE / MEM_SECTION_SIZE;
export const NR_SECTION_ROOTS = 2 ** (MAX_PHYSMEM_BITS - SECTION_SIZE_BITS) / SECTIONS_PER_ROOT;
/** section_mem_map flags (mmzone.h): SECTION_MARKED_PRESENT, SECTION_HAS_MEM_MAP, SECTION_IS_ONLINE, _IS_EARLY. */
export const SECTION_MARKED_PRESENT = 1n;
export const SECTION_HAS_MEM_MAP = 2n;
export const SECTION_IS_ONLINE = 4n;
export const SECTION_IS_EARLY = 8n;

// struct page of Linux 6.0 on x86_64 without debug options: 64 bytes.
export const STRUCT_PAGE_SIZE = 64;
export const OFF_FLAGS = 0;
export const OFF_LRU = 8;
export const OFF_MAPPING = 24;
export const OFF_INDEX = 32;
export const OFF_PRIVATE = 40;
/** `_mapcount`, aliased by `page_type` (PageBuddy is a page type since 4.18). */
export const OFF_MAPCOUNT = 48;
export const OFF_REFCOUNT = 52;

// enum pageflags bit numbers of v6.0.
export const PG_referenced = 1;
export const PG_uptodate = 2;
export const PG_lru = 4;
export const PG_slab = 9;
/** PG_swapcache is PG_owner_priv_1. */
export const PG_swapcache = 10;
export const PG_reserved = 12;
export const PG_private = 13;
export const PG_head = 16;
export const PG_swapbacked = 19;
/** With CONFIG_MEMORY_FAILURE (after PG_mlocked 21 and x86's PG_uncached 22). */
export const PG_hwpoison = 23;

/** page_type of a free buddy block's head: PAGE_TYPE_BASE with PG_buddy (0x80) cleared, read as an int. */
export const PAGE_BUDDY_MAPCOUNT_VALUE = -129;
/** PG_offline page type value (0x100 cleared); exported so makedumpfile's offline check has its number. */
export const PAGE_OFFLINE_MAPCOUNT_VALUE = -257;
/** PAGE_MAPPING_ANON: the low bit of page->mapping marks an anon_vma pointer. */
export const PAGE_MAPPING_ANON = 1n;

export const OSRELEASE = '6.0.0-kmemsim';
