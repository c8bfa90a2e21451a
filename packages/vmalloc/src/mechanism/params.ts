// The vmalloc mechanism's own costs in cycles, each next to its source. Arch-dependent numbers (PTE writes, TLB
// misses, flush and IPI costs, lock and cache-line costs, cache latencies for walks) come from the Machine's
// arch profile. [U lo..hi] marks a documented guess and its plausible range (docs/fidelity.md); the
// instruction-count guesses are for a 2008 out-of-order core at 1.5–2 instructions per cycle.
import type { SchedRecord } from '@kmemsim/core';
import { sourced } from '@kmemsim/mmu';
import type { ChaseLevels } from './memory.js';

/** The vmalloc mechanism's own costs (cycles) and sizes (bytes), each with its source or [U] range. */
export const MECHANISM = sourced({
  vmStructCycles: [250, '[U 150..400] kmalloc + kfree of a struct vm_struct (SLAB fast paths, ~120 cycles each)'],
  vmStructBytes: [64, 'include/linux/vmalloc.h (2.6.27, 64-bit): struct vm_struct, 7 pointers/longs + an int'],
  walkStepCycles: [
    4,
    '[U 2..8] the compare-and-branch work of one list or tree step besides its load (the load latency comes ' +
      "from the arch's cache hierarchy, mechanism/memory.ts)",
  ],
  vmapAreaCycles: [300, '[U 150..500] kmalloc of a struct vmap_area + rb_insert_color + list_add_rcu'],
  freeVmapAreaCycles: [250, '[U 150..400] __free_vmap_area: rb_erase + list_del_rcu + call_rcu(kfree)'],
  augmentLevelCycles: [10, '[U 5..20] 5.2+: subtree_max_size update of one ancestor after a split or merge'],
  pageTableWalkCycles: [
    120,
    '[U 60..250] vmap_page_range / vunmap_page_range descent pgd → pud → pmd for one call, tables cached',
  ],
  lazyMarkCycles: [40, '[U 20..80] free_vmap_area_noflush: set VM_LAZY_FREE + atomic_add on vmap_lazy_nr'],
  lazyMaxBytesPerFlsCpu: [
    32 * 2 ** 20,
    'mm/vmalloc.c lazy_max_pages(): fls(num_online_cpus()) × (32 MB >> PAGE_SHIFT), unchanged 2.6.28–6.9',
  ],
  vbAllocCallCycles: [
    120,
    '[U 60..250] vb_alloc: get_cpu_var(vmap_block_queue), rcu list walk to the first block, get_order',
  ],
  bitmapRegionCheckCycles: [
    12,
    '[U 6..20] bitmap_find_free_region: one __reg_op(REG_OP_ISFREE) call, ~20 instructions (mask set-up, ' +
      'word test, loop), for each aligned region scanned from bit 0',
  ],
  vbFreeCycles: [150, '[U 80..300] vb_free: radix_tree_lookup (3 levels) + bitmap_allocate_region on the dirty map'],
  newBlockCycles: [
    900,
    '[U 500..2000] new_vmap_block: kmalloc vmap_block, clear two bitmaps, radix_tree_preload + insert, list_add_rcu',
  ],
  freeBlockCycles: [400, '[U 200..800] free_vmap_block: radix_tree_delete + call_rcu(kfree)'],
  aliasScanCyclesPerBlock: [60, '[U 30..120] vm_unmap_aliases: rcu list step + vb->lock of one block'],
  aliasScanCyclesPerWord: [3, '[U 1..6] find_first_bit / find_next_bit over the dirty map, per 64-bit word'],
  poolNodesMax: [
    128,
    'mm/vmalloc.c 6.9 vmap_init_nodes (6.12:5184, 5199): nr_vmap_nodes = clamp(num_possible_cpus(), 1, 128) on ' +
      '64-bit; 1 on 32-bit',
  ],
  poolHashPages: [16, 'mm/vmalloc.c 6.9 addr_to_node_id: (addr / (16 pages)) % nr_vmap_nodes'],
  poolMaxPages: [256, 'mm/vmalloc.c 6.9 MAX_VA_SIZE_PAGES: per-size pools for areas up to 256 pages'],
  poolLookupCycles: [60, '[U 30..150] size_to_va_pool + list_first_entry + list_del under the node pool_lock'],
  poolDecayShift: [
    2,
    'mm/vmalloc.c 6.9 decay_va_pool_node (6.12:2211, 2220): the newest len >> 2 of each pool back to the free tree ' +
      'per purge; all of a pool of 1–3 (the unsigned n_decay wraps at 0)',
  ],
  bootAreas: [
    100,
    '[U 40..300] vmalloc areas present before the workload (module_alloc of ~50–100 modules, ioremaps of ' +
      'PCI BARs and ACPI tables, vmalloc hash tables): /proc/vmallocinfo of a 2008 server',
  ],
  bootAreaPages: [8, '[U 2..64] typical size of those areas, before the guard page'],
  clearCyclesPerByte: [
    0.25,
    '[U 0.125..0.5] memset / clear_page into cache-resident lines: 2–8 bytes per cycle (16-byte store path of ' +
      'a 2008 core, rep stosq)',
  ],
  nrCpusDefault: [8, 'arch/x86/Kconfig NR_CPUS: default "8" if SMP (2.6.2x, sources-mm.md §1.6)'],
});

/** Numbers widened from the literal types sourced() infers. */
type Widen<T> = { [K in keyof T]: T[K] extends number ? number : T[K] };

/**
 * The mechanism's values without their sources (what an experiment overrides), the cache levels of list walks
 * on an arch without a `cache` section (default FALLBACK_MEMORY), and the scheduler record of a design that has
 * one (default the design's `scheduler`; ignored by designs without); a sensitivity sweep moves their [U] values.
 */
export type MechanismParams = Widen<Omit<typeof MECHANISM, 'sources'>> & {
  fallbackMemory?: ChaseLevels;
  scheduler?: SchedRecord;
};

/** MECHANISM's values with `over` applied. */
export function mechanismParams(over: Partial<MechanismParams> = {}): MechanismParams {
  const { sources: _s, ...base } = MECHANISM;
  return { ...base, ...over };
}

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

/** mm/vmalloc.c VMALLOC_SPACE: the block-sizing guess of the vmalloc range, 128 MiB (32-bit) or 128 GiB (64-bit). */
export function vmallocSpaceGuessBytes(wordBits: number): number {
  return wordBits === 32 ? 128 * 2 ** 20 : 128 * 2 ** 30;
}
