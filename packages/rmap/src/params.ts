// Costs of the rmap mechanism and of the fork/exit/reclaim paths around it, each next to its source.
// [U] = an assumption (hardware fact not in shared/reference); "calibrated:" names the one reference figure used.
// Arch-wide costs (lock, PTE set/clear, invlpg, memcpy bandwidth) come from the Machine's arch profile instead.
import { sourced } from '@kmemsim/mmu';

export const COSTS = sourced({
  structPageMissNs: [
    175,
    'calibrated: seed 003 "about 20% bottom line" of pte_chain vs none on the fork-heavy test (420 cycles on the ' +
      'i386 profile at 2.4 GHz). The one DRAM miss per PTE visit on the struct page (get_page/put_page), the ' +
      'dominant cost of the 2.4 baseline; also every other cold line (chain nodes beyond the cache, PTE lines found ' +
      'through a reverse map). In ns: a memory latency, turned into cycles with each arch clock',
  ],
  copyPteCycles: [
    60,
    '[U] copy_page_range per PTE besides the struct page miss: ptep_set_wrprotect and get_page (two LOCKed ' +
      'RMWs, ~20 cycles each on Core 2) + pte_mkold + set_pte',
  ],
  zapPteCycles: [
    60,
    '[U] zap_pte_range per PTE besides the struct page miss: ptep_get_and_clear (xchg) + put_page (LOCKed dec) ' +
      '+ dirty/accessed transfer',
  ],
  ptePageAllocCycles: [600, '[U] __get_free_page for a child PTE page, before clear_page (arch memcpy bandwidth)'],
  ptePageFreeCycles: [300, '[U] pte_free: __free_page of a PTE page at exit'],
  forkFixedCycles: [
    60_000,
    '[U] do_fork besides the page tables: copy task_struct, dup_mm, copy vmas, wake the child (~25 µs)',
  ],
  exitFixedCycles: [40_000, '[U] do_exit + exit_mmap besides zap_pte_range, then the parent wait4 reaping (~17 µs)'],
  slabAllocCycles: [
    40,
    '[U] kmem_cache_alloc fast path: irq save, per-CPU array pop (2.4.19 slab with cpucache), irq restore',
  ],
  slabFreeCycles: [40, '[U] kmem_cache_free fast path: per-CPU array push'],
  slabGrowCycles: [2500, '[U] kmem_cache_grow: one page from the buddy allocator + slab descriptor set-up'],
  slabBulkPerObjectCycles: [
    10,
    '[U] --batch on: pte_chains for a whole PTE page taken in one allocation call; per object only the list ' +
      'unlink remains',
  ],
  slotCompareCycles: [2, '[U] compare one pte_chain slot with the PTE address (L1-resident line)'],
  lineHitCycles: [14, '[U] Core 2 L2 hit latency (~14 cycles), for a chain node line still in cache'],
  l2CacheBytes: [4 * 2 ** 20, '[U] 4 MiB shared L2 (Core 2 Duo E6600 class): chains beyond it miss'],
  mapcountCycles: [20, '[U] objrmap: atomic_inc/dec of page->mapcount on the struct page line already fetched'],
  anonVmaLinkCycles: [300, '[U] objrmap fork: anon_vma_link of a private vma / i_mmap insert of a shared one'],
  numRmapLocks: [64, '[U] num_rmap_locks of lock_rmap (seed 003 variant); power of two'],
  rmapLockShift: [
    4,
    '[U] lock_rmap hashes page->index >> 4: 16 consecutive pages share a lock, so copy_page_range and ' +
      'zap_pte_range keep it across them ("taking pte_chain_lock less often", seed 003 text)',
  ],
  rmapRecheckCycles: [4, '[U] lock_rmap re-check: reread page->index after acquiring and compare'],
  ptScanPerPteCycles: [
    8,
    '[U] 2.4 swap_out: sequential PTE scan of every mm (prefetched page-table lines), pte_present + page test',
  ],
  ptWalkMisses: [
    2,
    '[U] objrmap vma_address + pgd/pmd/pte walk: two cold lines (pmd and pte pages; the pgd line stays hot)',
  ],
  referencedPerPteCycles: [20, '[U] ptep_test_and_clear_young: one LOCKed bit op on the PTE'],
  unmapPerPteCycles: [80, '[U] try_to_unmap_one besides the flush: ptep_get_and_clear, swap entry, put_page'],
});

type Widen<T> = { -readonly [K in keyof T]: T[K] extends number ? number : T[K] };
export type RmapCosts = Widen<Omit<typeof COSTS, 'sources'>>;

export function defaultCosts(): RmapCosts {
  const { sources: _s, ...c } = COSTS;
  return { ...c };
}

/** Function sizes in bytes for readprofile's load column (2.4/2.5 i386 System.map orders of magnitude [U]). */
export const SYMBOL_BYTES: Record<string, number> = {
  copy_page_range: 700,
  zap_pte_range: 500,
  page_add_rmap: 300,
  page_remove_rmap: 400,
  pte_chain_alloc: 120,
  pte_chain_free: 100,
  kmem_cache_grow: 600,
  pte_chain_lock: 40,
  lock_rmap: 80,
  do_fork: 1500,
  do_exit: 1200,
  pte_alloc_one: 120,
  pte_free: 60,
  try_to_unmap: 600,
  page_referenced: 300,
  swap_out: 800,
  flush_tlb_page: 120,
  page_dup_rmap: 40,
  anon_vma_link: 120,
};
