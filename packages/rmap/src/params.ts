// Instruction work of the rmap paths, in cycles, besides what the cache model charges for each memory access and
// each LOCKed operation (those come from the machine's profile: cache.*, costs.*). Counts of accesses and locked
// operations follow the code; these are the few ALU-level constants left, each "[U lo..hi]" with its reasoning.
// No value here is fitted: the one fitted parameter of seed 003 lives in experiments/seed003.ts.
import { sourced } from '@kmemsim/mmu';

/** The rmap paths' instruction work in cycles (besides cache and lock costs from the arch), each with its [U] range. */
export const COSTS = sourced({
  copyPteCycles: [
    20,
    '[U 10..40] copy_page_range per present PTE besides its accesses: pte_present, pfn_valid, pte_mkold, rss++',
  ],
  zapPteCycles: [
    20,
    '[U 10..40] zap_pte_range per present PTE besides its accesses: pte_none/present tests, tlb batching',
  ],
  addRmapCycles: [15, '[U 8..30] page_add_rmap body besides its accesses and locks: checks, branches, call'],
  removeRmapCycles: [15, '[U 8..30] page_remove_rmap body besides its accesses and locks'],
  slotCompareCycles: [2, '[U 1..3] compare one pte_chain slot with the PTE address and advance'],
  freelistCycles: [6, '[U 3..12] pte_chain_alloc / pte_chain_free of the freelist era besides lock and line accesses'],
  irqSaveCycles: [20, '[U 10..40] local_irq_save + local_irq_restore (pushfl/cli, popfl) around a slab fast path'],
  slabObjectCycles: [8, '[U 4..15] kmem_cache_alloc / kmem_cache_free fast path: pop or push one array entry'],
  slabRefillPerObjectCycles: [
    25,
    '[U 10..50] cache_alloc_refill / cache_flusharray per object moved between the per-CPU array and a slab',
  ],
  slabLimit: [120, '[U 54..120] per-CPU array limit of the 2.5 slab for objects ≤ 256 bytes (enable_cpucache)'],
  slabBatch: [60, '[U 27..60] batchcount = limit / 2 (enable_cpucache)'],
  slabBufctlBytes: [4, 'kmem_bufctl_t: one unsigned int per object of an on-slab cache (mm/slab.c)'],
  slabHeaderBytes: [24, '[U 20..32] struct slab at the head of an on-slab page (list, colouroff, s_mem, inuse, free)'],
  findPageCycles: [100, "[U 50..200] do_no_page: find_get_page in the file's page-cache radix tree under its lock"],
  pageAllocCycles: [500, '[U 300..1000] __alloc_pages fast path of one order-0 page (zone lock, free list, prep)'],
  pageFreeCycles: [300, '[U 150..600] __free_pages of one order-0 page'],
  batchSize: [16, 'Phillips "Rmap speedup": copy_page_range allocates 16 pte_chains per batch into a local list'],
  forkFixedCycles: [
    30_000,
    '[U 15_000..60_000] do_fork besides the page tables: task_struct, dup_mmap of the vmas, wake-up',
  ],
  exitFixedCycles: [20_000, '[U 10_000..40_000] do_exit + exit_mmap besides zap_pte_range, and the parent reaping it'],
  execFixedCycles: [60_000, "[U 30_000..120_000] do_execve besides the old mm's teardown: ELF load, new mm, mmaps"],
  mapcountCycles: [5, '[U 2..10] objrmap page_dup_rmap / page_remove_rmap body besides the atomic on _mapcount'],
  anonVmaLinkCycles: [300, '[U 100..600] objrmap fork: anon_vma_link of a private vma / i_mmap insert of a shared one'],
  ptWalkCycles: [40, '[U 20..80] objrmap vma_address + pgd/pmd walk to the PTE, besides the pgd and PTE lines'],
  referencedPerPteCycles: [10, '[U 5..20] page_referenced per PTE besides ptep_test_and_clear_young'],
  unmapPerPteCycles: [40, '[U 20..80] try_to_unmap_one besides its accesses: swap entry, set_pte, page_cache_release'],
  ptScanPerPteCycles: [8, '[U 4..15] 2.4 swap_out: one PTE of the sequential page-table scan, besides its line'],
});

type Widen<T> = { -readonly [K in keyof T]: T[K] extends number ? number : T[K] };
/** COSTS's values without their sources (what an experiment overrides). */
export type RmapCosts = Widen<Omit<typeof COSTS, 'sources'>>;

/** A fresh copy of COSTS's values. */
export function defaultCosts(): RmapCosts {
  const { sources: _s, ...c } = COSTS;
  return { ...c };
}

/** Function sizes in bytes for readprofile's load column ([U] orders of magnitude of 2.5 i386 System.map). */
export const SYMBOL_BYTES: Record<string, number> = {
  copy_page_range: 700,
  zap_pte_range: 500,
  page_add_rmap: 300,
  page_remove_rmap: 400,
  pte_chain_alloc: 120,
  pte_chain_free: 100,
  kmem_cache_alloc: 150,
  kmem_cache_free: 150,
  cache_alloc_refill: 400,
  cache_flusharray: 300,
  kmem_cache_grow: 600,
  lock_rmap: 80,
  do_fork: 1500,
  do_exit: 1200,
  do_execve: 1200,
  pte_alloc_one: 120,
  pte_free: 60,
  try_to_unmap: 600,
  page_referenced: 300,
  swap_out: 800,
  flush_tlb_page: 120,
  page_dup_rmap: 40,
  anon_vma_link: 120,
  do_page_fault: 600,
  do_anonymous_page: 300,
  do_no_page: 400,
  clear_page: 60,
  __free_pages: 200,
  do_mmap_pgoff: 800,
};
