// Parameters of the highmem mechanism and of the checkpoint workload, each next to its source.
// Arch-dependent numbers (LAST_PKMAP, KM_TYPE_NR, PTE/invlpg/flush costs, VM exits) come from the Machine's arch
// profile; here are the mechanism's own costs and the seed 000 workload's (ext3 + jbd + IDE of 2009).
// "calibrated: seed 000 …" names the published figure a value was set from (shared/reference/seed-figures.md);
// [U] marks a documented assumption. Calibrated per-page costs are ticks × (2.4e9 Hz / 250 Hz) / 204,800 pages
// (800 MiB at 4 KiB), i.e. 46.875 cycles per tick per page; per-request costs divide by 6,400 requests of
// 128 KiB, per-flush costs by the 400 pkmap wraps of that dump.
import { sourced } from '@kmemsim/mmu';

/** Kernel-era choices the mechanism offers. */
export interface HighmemEra {
  /** 'always': 2.6.2x flush_all_zero_pkmaps flushes on every wrap; 'if-reclaimed': later kernels (need_flush). */
  pkmapFlush: 'always' | 'if-reclaimed';
  /** Where kmap_atomic's local invlpg goes: 'unmap' (kpte_clear_flush, ~2.6.20 on [U]) or 'map' (before). */
  atomicInvlpg: 'unmap' | 'map';
}

/** Testing only: a deliberately broken pool that skips the wrap flush (the stale detector must catch it). */
export interface HighmemFaults {
  skipWrapFlush?: boolean;
}

export const DEFAULT_ERA: HighmemEra = { pkmapFlush: 'always', atomicInvlpg: 'unmap' };

/** The mechanism's own costs (cycles), beyond the arch's PTE / invlpg / flush / lock costs. */
export const MECHANISM = sourced({
  pkmapScanCyclesPerSlot: [4, '[U] map_new_virtual: one pkmap_count[] load + compare per slot scanned'],
  kmapCallCycles: [30, '[U] kmap()/kunmap() wrappers: might_sleep + PageHighMem test + call'],
  pageAddressCycles: [
    914,
    'calibrated: seed 000 readprofile page_address 39 ticks = 1,828 cycles/page over 2 calls (kmap_high, kunmap_high)',
  ],
  setPageAddressCycles: [
    586,
    'calibrated: seed 000 readprofile set_page_address 25 ticks = 1,172 cycles/page over 2 calls (map, flush)',
  ],
  kmapAtomicCallCycles: [
    40,
    '[U] kmap_atomic: pagefault_disable + PageHighMem + fixmap index + pte lookup, besides the PTE write',
  ],
  kunmapAtomicCallCycles: [40, '[U] kunmap_atomic: fixmap index check + pagefault_enable, besides clear + invlpg'],
  kmapLocalCallCycles: [30, '[U] kmap_local_page: migrate_disable + stack index push, besides the PTE write'],
  kunmapLocalCallCycles: [30, '[U] kunmap_local: stack index pop + migrate_enable, besides clear + invlpg'],
  shadowFaultCycles: [
    17_750,
    'calibrated: seed 000 readprofile __copy_from_user_ll_nozero 423 ticks = 19,828 cycles/page: the 4 KiB copy ' +
      '(2,048) + TLB walk (30) + one KVM shadow page fault on the freshly remapped kmap_atomic destination',
  ],
  pkmapShadowFaultCycles: [
    34_860,
    'calibrated: seed 000 readprofile checkpoint_dump_page 788 ticks = 36,938 cycles/page: the 4 KiB copy of the ' +
      'kmapped page (2,048) + TLB walk (30) + the shadow fault on its new pkmap address. [U] why it is twice the ' +
      'fixmap fault: the pkmap page-table page is rewritten 512 times a pass and cleared at every wrap, so KVM ' +
      'also resyncs it',
  ],
});

/** Numbers widened from the literal types sourced() infers. */
type Widen<T> = { [K in keyof T]: T[K] extends number ? number : T[K] };

export type MechanismParams = Widen<Omit<typeof MECHANISM, 'sources'>>;

/** The checkpoint workload: the c/r dump through ext3 (data=ordered) + jbd onto an IDE disk, per page. */
export const WORKLOAD = sourced({
  pageBytes: [4096, "i386 / x86_64 base page; runCheckpoint takes the machine arch's page size unless overridden"],
  ioRequestBytes: [131_072, 'IDE DMA requests of at most 256 sectors = 128 KiB (max_sectors of the ide driver)'],
  diskMbps: [60, '[U] a 2009 7200-rpm PATA disk: ~60 MB/s sustained sequential write (UDMA/100 bus)'],
  diskLatencyUs: [100, '[U] per-request command overhead of a sequential write with the drive cache on'],
  dirtyLimitBytes: [
    64 * 2 ** 20,
    '[U] balance_dirty_pages limit: vm_dirty_ratio 10 % (2.6.22+) of ~640 MiB dirtyable memory in the guest',
  ],
  chunkPages: [4096, 'simulation granularity (16 MiB): CPU work, writeback submission and throttling per chunk'],
  blockPrepareWriteCycles: [12_563, 'calibrated: seed 000 readprofile __block_prepare_write 268 ticks'],
  lookupBhLruCycles: [2_344, 'calibrated: seed 000 readprofile lookup_bh_lru 50 ticks'],
  ext3DoUpdateInodeCycles: [1_875, 'calibrated: seed 000 readprofile ext3_do_update_inode 40 ticks'],
  setPageDirtyCycles: [1_781, 'calibrated: seed 000 readprofile __set_page_dirty 38 ticks'],
  markInodeDirtyCycles: [1_453, 'calibrated: seed 000 readprofile __mark_inode_dirty 31 ticks'],
  doGetWriteAccessCycles: [1_406, 'calibrated: seed 000 readprofile do_get_write_access 30 ticks'],
  radixTreeLookupCycles: [1_359, 'calibrated: seed 000 readprofile radix_tree_lookup_slot 29 ticks'],
  ext3GetInodeBlockCycles: [1_219, 'calibrated: seed 000 readprofile ext3_get_inode_block 26 ticks'],
  bufferedRmqueueCycles: [1_172, 'calibrated: seed 000 readprofile buffered_rmqueue 25 ticks'],
  journalStopCycles: [1_125, 'calibrated: seed 000 readprofile journal_stop 24 ticks'],
  journalAddJournalHeadCycles: [1_125, 'calibrated: seed 000 readprofile journal_add_journal_head 24 ticks'],
  kmemCacheAllocCycles: [1_078, 'calibrated: seed 000 readprofile kmem_cache_alloc 23 ticks'],
  ideDmaEndCyclesPerRequest: [
    130_500,
    'calibrated: seed 000 readprofile ide_dma_end 87 ticks over 6,400 requests of 128 KiB (emulated IDE: ' +
      'port I/O exits to QEMU at every DMA completion)',
  ],
  writePathTailCycles: [
    122_172,
    'calibrated: seed 000 time sys 20.161 s minus the 9.736 s the modelled symbols take, per page; [U] split ' +
      "evenly over the 138 write-path functions in tail.ts (~19 ticks each, below the 20th entry's 23)",
  ],
  userCyclesPerPage: [
    23_672,
    'calibrated: seed 000 time user 2.020 s over 204,800 pages; [U] user-space time of the checkpointed task, ' +
      'not modelled by mechanism',
  ],
});

export type WorkloadParams = Widen<Omit<typeof WORKLOAD, 'sources'>>;

/**
 * Function sizes in bytes (System.map), for readprofile's load column: size = ticks / load from seed 000's
 * profile (reference data). Symbols outside that profile have no known size (load 0).
 */
export const SYMBOL_BYTES: Record<string, number> = {
  checkpoint_dump_page: 65,
  __copy_from_user_ll_nozero: 86,
  kunmap_atomic: 95,
  __block_prepare_write: 700,
  ide_dma_end: 94,
  lookup_bh_lru: 123,
  on_each_cpu: 63,
  ext3_do_update_inode: 700,
  smp_invalidate_interrupt: 129,
  page_address: 187,
  __set_page_dirty: 162,
  __mark_inode_dirty: 312,
  do_get_write_access: 1075,
  radix_tree_lookup_slot: 115,
  ext3_get_inode_block: 148,
  set_page_address: 326,
  buffered_rmqueue: 531,
  journal_stop: 567,
  journal_add_journal_head: 260,
  kmem_cache_alloc: 135,
};

/** Kernel virtual page numbers of the i386 highmem windows (layout only; no cost depends on them). */
export const LAYOUT = {
  /** PKMAP_BASE >> 12 (0xff800000): LAST_PKMAP pages of permanent kmaps. */
  pkmapBaseVpn: 0xff800,
  /** Fixmap kmap_atomic slots, FIX_KMAP_BEGIN + KM_TYPE_NR × cpu + type. */
  fixmapBaseVpn: 0xffc00,
  /** kmap_local slots (KM_MAX_IDX per CPU). */
  localBaseVpn: 0xff400,
  /** Direct map: page_address() of a lowmem page (and of every page on 64-bit arches) is this + pfn. */
  directMapBaseVpn: 0xc0000,
} as const;
