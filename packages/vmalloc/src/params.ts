// The vmalloc mechanism's own costs in cycles, each next to its source. Arch-dependent numbers (PTE writes, TLB
// misses, flush and IPI costs, lock and cache-line costs) come from the Machine's arch profile.
// "calibrated: seed 002 …" names the published figure a value was set from (shared/reference/seed-figures.md);
// [U] marks a documented assumption (an instruction-count estimate for a 2008 Opteron unless said otherwise).
import { sourced } from '@kmemsim/mmu';

export const MECHANISM = sourced({
  vmStructCycles: [250, '[U] kmalloc + kfree of a struct vm_struct (SLAB fast paths, ~120 cycles each)'],
  listWalkCyclesPerArea: [
    12,
    '[U] one vm_struct visited by the vmlist walk: pointer chase + two compares, line mostly in L2',
  ],
  vmapAreaCycles: [300, '[U] kmalloc of a struct vmap_area + rb_insert_color + list_add_rcu'],
  freeVmapAreaCycles: [250, '[U] __free_vmap_area: rb_erase + list_del_rcu + call_rcu(kfree)'],
  rbLevelCycles: [15, '[U] one rbtree level of a descent: load node, compare, branch'],
  rbNextCycles: [12, '[U] rb_next from one vmap_area to the next in the 2.6.28 first-fit walk'],
  augmentLevelCycles: [10, '[U] 2019 allocator: subtree_max_size update of one ancestor after a split/merge'],
  pageTableWalkCycles: [
    120,
    '[U] vmap_page_range / vunmap_page_range descent pgd → pud → pmd for one call, tables cached',
  ],
  lazyMarkCycles: [40, '[U] free_vmap_area_noflush: set VM_LAZY_FREE + atomic_add on vmap_lazy_nr'],
  purgeScanCyclesPerArea: [10, '[U] __purge_vmap_area_lazy walks the whole vmap_area_list checking each flag (2.6.28)'],
  lazyMaxBytesPerFlsCpu: [
    32 * 2 ** 20,
    'mm/vmalloc.c lazy_max_pages(): fls(num_online_cpus()) × (32 MB >> PAGE_SHIFT) (kernel-mechanisms.md)',
  ],
  vbAllocCallCycles: [120, '[U] vb_alloc: get_cpu_var(vmap_block_queue), rcu list walk to the first block, get_order'],
  bitmapRegionCheckCycles: [
    6,
    '[U] bitmap_find_free_region: one __reg_op(REG_OP_ISFREE) of an aligned region, scanning from bit 0',
  ],
  vbFreeCycles: [150, '[U] vb_free: radix_tree_lookup (3 levels) + bitmap_allocate_region on the dirty map'],
  newBlockCycles: [
    900,
    '[U] new_vmap_block: kmalloc vmap_block, clear two 1024-bit maps, radix_tree_preload + insert, list_add_rcu',
  ],
  freeBlockCycles: [400, '[U] free_vmap_block: radix_tree_delete + call_rcu(kfree)'],
  aliasScanCyclesPerBlock: [60, '[U] vm_unmap_aliases: rcu list step + vb->lock check of one block'],
  aliasScanCyclesPerWord: [3, '[U] find_first_bit / find_next_bit over the dirty map, per 64-bit word'],
  poolNodesMax: [128, 'mm/vmalloc.c (6.9 [U]): vmap nodes = online CPUs capped at 128 (kernel-mechanisms.md)'],
  poolHashPages: [16, 'addr_to_node: (addr / 16 pages) mod nodes (kernel-mechanisms.md)'],
  poolMaxPages: [256, 'per-size pools for areas up to 256 pages (kernel-mechanisms.md)'],
  poolLookupCycles: [60, '[U] size_to_va_pool + list_first_entry + list_del under the node pool_lock'],
  poolDecayShift: [2, '[U] decay_va_pool_node returns a quarter (len >> 2) of each pool to the free tree per purge'],
  bootAreas: [
    48,
    '[U] vmalloc areas present before the workload starts (modules, ioremaps, percpu): /proc/vmallocinfo of a ' +
      '2008 server holds a few dozen',
  ],
  bootAreaPages: [8, '[U] typical size of those areas (plus guard page)'],
});

/** Numbers widened from the literal types sourced() infers. */
type Widen<T> = { [K in keyof T]: T[K] extends number ? number : T[K] };

export type MechanismParams = Widen<Omit<typeof MECHANISM, 'sources'>>;

/**
 * Where the vmalloc range starts, in virtual page numbers (layout only; no cost depends on it). 64-bit: page 2^29,
 * not x86_64's VMALLOC_START >> 12 (0xffffc2000000): page numbers below 2^30 stay small integers in the page
 * table's Map, which keeps the emulator fast; only alignment beyond 2^29 pages behaves differently.
 */
export const LAYOUT = {
  base64Vpn: 2 ** 29,
  /** i386: VMALLOC_START after the 896 MB direct map + 8 MB hole. [U] */
  base32Vpn: 0xf8800,
  /** First frame the workloads map (any frame works: the model never reads memory). */
  pfnBase: 0x100000,
} as const;

/** Per-page work of the benchmark's "touch" that does not depend on the design. */
export const BENCH = sourced({
  touchCyclesPerPage: [
    1_254,
    'calibrated: seed 002 rewrite 2,900 ns (1 thread): the first store to a page just mapped at a new address ' +
      'misses the cache (DRAM, ~100 ns on K10) and walks page-table lines that are new every 8 pages; the ' +
      "residual after the mechanism's own cycles",
  ],
});

/** lib/test_vmalloc.c's own work around the allocator (page allocation, zeroing, the percpu allocator). */
export const TEST_VMALLOC = sourced({
  allocPageCycles: [250, '[U] alloc_page via the per-CPU free lists (buffered_rmqueue fast path) per page'],
  freePageCycles: [150, '[U] __free_page to the per-CPU free list per page'],
  zeroCyclesPerByte: [0.25, '[U] __GFP_ZERO: clear_page with rep stosq, ~2 bytes per cycle from cache'],
  pcpuUnitPages: [8, '[U] percpu unit of 32 KiB per CPU for dynamic chunks (PCPU_MIN_UNIT_SIZE)'],
  pcpuAllocCycles: [400, '[U] pcpu_alloc under pcpu_alloc_mutex: area-map scan of the first chunk that fits'],
  pcpuFreeCycles: [200, '[U] free_percpu: pcpu_free_area + area-map merge'],
  defaultLoopCount: [
    10_000,
    'test_vmalloc.c defaults test_loop_count to 1,000,000; the emulator defaults to 10,000 (averages settle ' +
      'long before) — pass --test-loop-count 1000000 for the kernel default',
  ],
});
