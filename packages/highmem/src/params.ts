// Parameters of the highmem mechanism and of the checkpoint workload, each next to its source.
// Arch-dependent numbers (LAST_PKMAP, KM_TYPE_NR, PTE/invlpg/flush costs, VM exits) come from the Machine's arch
// profile and its virt mechanism; here are the mechanism's own costs and the checkpoint workload's (ext3 + jbd +
// IDE of 2009). [U lo..hi] marks a documented guess. Nothing here is fitted: seed 000's fitted values live in
// experiments/seed000.ts and apply only to runs of that experiment.
import { sourced } from '@kmemsim/mmu';
import { RADIX } from './radix.js';

/** Kernel-era choices the mechanism offers. */
export interface HighmemEra {
  /** 'always': 2.6.2x flush_all_zero_pkmaps flushes on every wrap; 'if-reclaimed': later kernels (need_flush). */
  pkmapFlush: 'always' | 'if-reclaimed';
  /** Where kmap_atomic's local invlpg goes: 'unmap' (kpte_clear_flush, ~2.6.20 on [U]) or 'map' (before). */
  atomicInvlpg: 'unmap' | 'map';
}

/** Testing only: a deliberately broken pool that skips the wrap flush (the stale detector must catch it). */
export interface HighmemFaults {
  /** flush_all_zero_pkmaps clears the PTEs on a wrap but skips the global TLB flush. */
  skipWrapFlush?: boolean;
}

/** The 2.6.2x kmap code: pkmap wraps always flush, kunmap_atomic does the invlpg. */
export const DEFAULT_ERA: HighmemEra = { pkmapFlush: 'always', atomicInvlpg: 'unmap' };

/** The mechanism's own costs (cycles), beyond the arch's PTE / invlpg / flush / lock costs. None is fitted. */
export const MECHANISM = sourced({
  pkmapScanCyclesPerSlot: [4, '[U 2..10] map_new_virtual: one pkmap_count[] load + compare per slot scanned'],
  kmapCallCycles: [30, '[U 15..60] kmap()/kunmap() wrappers: might_sleep + PageHighMem test + call'],
  kmapHighCallCycles: [40, '[U 20..100] kmap_high/kunmap_high bodies besides the lock, lookup and slot scan'],
  pageAddressCycles: [
    80,
    '[U 50..200] page_address() (2.6.29 mm/highmem.c, HASHED_PAGE_VIRTUAL): PageHighMem, hash_ptr (one imul), ' +
      'the bucket’s spin_lock_irqsave (pushf, cli, a locked op ~20 cycles on Core 2, recalled) and ' +
      'unlock_irqrestore (popf), a walk of the ~2 entries a bucket holds on average between wraps (512 / 128 at ' +
      'most), no callee',
  ],
  setPageAddressCycles: [
    125,
    '[U 80..300] set_page_address() (2.6.29 mm/highmem.c): two irqsave lock pairs (pool_lock, then the bucket), ' +
      'list_del + list_add_tail; the remove at a wrap walks the bucket first',
  ],
  kmapAtomicCallCycles: [
    40,
    '[U 20..80] kmap_atomic: pagefault_disable + PageHighMem + fixmap index + pte lookup, besides the PTE write',
  ],
  kunmapAtomicCallCycles: [
    40,
    '[U 20..80] kunmap_atomic: fixmap index check + pagefault_enable, besides clear + invlpg',
  ],
  kmapLocalCallCycles: [30, '[U 15..60] kmap_local_page: migrate_disable + stack index push, besides the PTE write'],
  kunmapLocalCallCycles: [30, '[U 15..60] kunmap_local: stack index pop + migrate_enable, besides clear + invlpg'],
});

/** Numbers widened from the literal types sourced() infers. */
type Widen<T> = { [K in keyof T]: T[K] extends number ? number : T[K] };

/** The highmem mechanism's own costs in cycles, by name (defaults in MECHANISM, each with its source). */
export type MechanismParams = Widen<Omit<typeof MECHANISM, 'sources'>>;

/**
 * The checkpoint workload: the c/r dump through ext3 (data=ordered) + jbd onto an IDE disk, per page. Generic
 * values are sourced or [U lo..hi]; the seed 000 experiment (experiments/seed000.ts) overrides the fitted ones.
 */
const GENERIC = sourced({
  pageBytes: [4096, "i386 / x86_64 base page; runCheckpoint takes the machine arch's page size unless overridden"],
  ioRequestBytes: [131_072, 'IDE DMA requests of at most 256 sectors = 128 KiB (max_sectors of the ide driver)'],
  diskMbps: [60, '[U 40..80] a 2009 7200-rpm PATA disk: ~60 MB/s sustained sequential write (UDMA/100 bus)'],
  diskLatencyUs: [100, '[U 50..500] per-request command overhead of a sequential write with the drive cache on'],
  dirtyLimitBytes: [
    64 * 2 ** 20,
    '[U 32..128 MiB] balance_dirty_pages limit: vm_dirty_ratio 10 % (2.6.22+) of ~640 MiB dirtyable memory',
  ],
  chunkPages: [4096, 'simulation granularity (16 MiB): CPU work, writeback submission and throttling per chunk'],
  idePortIoPerRequest: [
    4,
    'ide_dma_end (2.6.30 drivers/ide/ide-dma.c): inb + outb of ATA_DMA_CMD (stop DMA), read and write of the ' +
      'BMDMA status (clear INTR/ERR)',
  ],
  idePortIoCycles: [1_500, '[U 500..3_000] one PCI I/O-port access to the PIIX bus-master DMA registers'],
  ideDmaEndCallCycles: [100, '[U 50..300] ide_dma_end besides its port accesses'],
  blockPrepareWriteCycles: [
    500,
    '[U 200..1_500] __block_prepare_write for one 4 KiB block: buffer loop, get_block call, new-buffer handling',
  ],
  dumpResidualCycles: [0, 'checkpoint_dump_page beyond its copy, mapping and call: nothing known on bare metal'],
  unmodelledCyclesPerPage: [
    6_000,
    '[U 3_000..12_000] the rest of a 2.6.30 ext3 buffered write of one page (VFS, page-cache insert, jbd handle, ' +
      'block allocation, writeback submission): the functions not modelled one by one',
  ],
  userCyclesPerPage: [0, '[U 0..25_000] user-space work of the checkpointing task per page: not modelled'],
});

/** The workload's values, with radix_tree_lookup_slot's walk (radix.ts). */
export const WORKLOAD = { ...GENERIC, ...RADIX, sources: { ...GENERIC.sources, ...RADIX.sources } };

/** The checkpoint workload's parameters by name (defaults in WORKLOAD, each with its source). */
export type WorkloadParams = Widen<Omit<typeof WORKLOAD, 'sources'>>;

/**
 * The functions of the buffered-write path modelled one by one (2.6.30, ext3 data=ordered, appending a file of
 * 4 KiB blocks): calls per dumped page, read from the code path, and bare-metal cycles per call
 * (radix_tree_lookup_slot is walked level by level in radix.ts). A call's cycles are what readprofile samples in
 * the function: its own code, without its callees (rows of their own, or the (unmodelled) row), except callees
 * run while it holds IRQs off, whose ticks are taken when it re-enables them (profile_pc charges a lock
 * function's EIP to its caller). Each function also pays the arch's refill cost once per page when exits flush
 * the TLB between pages (kvm-shadow, Core 2).
 */
export interface WritePathFunction {
  /** The kernel function (its profile symbol). */
  symbol: string;
  /** Calls per dumped page, read from the code path. */
  callsPerPage: number;
  /** Bare-metal cycles per call. */
  cyclesPerCall: number;
  /** The calls, as the code makes them. */
  calls: string;
  /** Where `callsPerPage` and `cyclesPerCall` come from (file and function, or the measurement). */
  source: string;
}

/** Cost basis of the per-call estimates below (recalled, not from a source in the reference: hence [U]). */
const LOCKED = 'a locked instruction ~20 cycles on Core 2, recalled';

const wp = (symbol: string, callsPerPage: number, cyclesPerCall: number, calls: string, source: string) => ({
  symbol,
  callsPerPage,
  cyclesPerCall,
  calls,
  source,
});

/** The buffered-write path's functions modelled one by one: calls per page and bare cycles per call, with sources. */
export const WRITE_PATH: readonly WritePathFunction[] = [
  wp(
    'lookup_bh_lru',
    5,
    60,
    '__find_get_block via __getblk (2.6.29 fs/ext3): ext3_get_branch sb_bread of the double-indirect and ' +
      'indirect blocks (an 800 MiB file is past the 12 + 1024 blocks of the direct and single-indirect ' +
      'levels), read_block_bitmap sb_getblk from ext3_new_blocks, and __ext3_get_inode_loc sb_getblk for ' +
      'each of the two ext3_mark_inode_dirty calls (unmap_underlying_metadata goes to __find_get_block_slow)',
    '[U 30..150] scan of the 8-entry per-CPU bh LRU under local_irq_disable, move to front, get_bh: the page ' +
      'looks up the same buffers in the same order each time (double-indirect, indirect, bitmap, inode table ×2), ' +
      'so four of five hit at position 3 of the move-to-front list: 17 compares per page, ~3.4 per call',
  ),
  wp(
    'ext3_do_update_inode',
    2,
    150,
    'ext3_mark_inode_dirty from ext3_splice_branch and from ext3_dirty_inode',
    '[U 80..400] its own code (2.6.29 fs/ext3/inode.c): get_bh, ~35 field stores into the raw inode (two ' +
      'lines), the i_data[] copy; journal_dirty_metadata and __brelse are callees with rows of their own',
  ),
  wp(
    '__set_page_dirty',
    1,
    150,
    '__block_commit_write → mark_buffer_dirty',
    '[U 80..300] spin_lock_irq(tree_lock) … spin_unlock_irq (fs/buffer.c 2.6.29) and what runs inside: ' +
      '__inc_zone_page_state, the bdi percpu_counter, task_dirty_inc, radix_tree_tag_set (3 levels) — a tick due ' +
      'while IRQs are off is taken at the unlock and profile_pc charges it here; __mark_inode_dirty runs after ' +
      'the unlock (its own row)',
  ),
  wp(
    '__mark_inode_dirty',
    2,
    40,
    'I_DIRTY_PAGES from __set_page_dirty; I_DIRTY from generic_write_end (i_size)',
    '[U 25..150] 2.6.29 fs/fs-writeback.c: the dirty_inode call (ext3_dirty_inode, a callee), smp_mb, and the ' +
      'early return — the inode is already dirty with these flags between two writebacks, so inode_lock and the ' +
      'list move are rare',
  ),
  wp(
    'do_get_write_access',
    5,
    120,
    'journal_get_write_access: bitmap + group descriptor, indirect block, inode buffer ×2',
    '[U 80..250] jbd fast path, buffer already in the running transaction (2.6.29 fs/jbd/transaction.c): ' +
      'lock_buffer, jbd_lock_bh_state, unlock_buffer, jbd_unlock_bh_state — four locked bit operations (' +
      LOCKED +
      ') — and the transaction tests; wake_up_bit and journal_cancel_revoke are callees',
  ),
  wp(
    'ext3_get_inode_block',
    2,
    60,
    '__ext3_get_inode_loc for each ext3_reserve_inode_write',
    '[U 40..150] 2.6.29 fs/ext3/inode.c: ext3_valid_inum, one 32-bit divide for group and offset, the table ' +
      'block arithmetic; ext3_get_group_desc is a callee and sb_getblk is its caller’s (__ext3_get_inode_loc)',
  ),
  wp(
    'buffered_rmqueue',
    1,
    220,
    'page_cache_alloc of the page-cache page (order 0, per-CPU list)',
    '[U 100..450] 2.6.29 mm/page_alloc.c under local_irq_save: the per-CPU list take (migratetype search, ' +
      'list_del), the inlined prep_new_page checks, and rmqueue_bulk refilling pcp->batch (31) pages from the ' +
      'buddy lists every 31st call (~120 per page amortized) — inside the IRQ-off window, so its ticks are taken ' +
      'at local_irq_restore and charged here',
  ),
  wp(
    'journal_stop',
    1,
    110,
    'ext3_journal_stop in ext3_ordered_write_end (the nested ext3_dirty_inode handle only drops h_ref)',
    '[U 60..250] 2.6.29 fs/jbd/transaction.c: the nested call (h_ref−−, return) and the outer one: ' +
      'j_state_lock and t_handle_lock (out-of-line spin_lock: profile_pc charges them here; ' +
      LOCKED +
      '), credit ' +
      'and t_updates accounting, the commit tests; __wake_up and kmem_cache_free (jbd_free_handle) are callees',
  ),
  wp(
    'journal_add_journal_head',
    6,
    65,
    'every journal_get_write_access / journal_get_undo_access takes it before do_get_write_access (the five ' +
      'buffers above: bitmap by undo access, group descriptor, indirect block, inode buffer ×2; 2.6.29 ' +
      'fs/jbd/transaction.c), + journal_dirty_data of the data buffer',
    '[U 40..150] 2.6.29 fs/jbd/journal.c: five calls find the jh (buffer_jbd, jbd_lock_bh_journal_head, ' +
      'b_jcount++, unlock: two locked bit operations, ~55); the data buffer’s adds one (memset of the new jh, ' +
      'set_buffer_jbd, get_bh: +~70); the allocation is kmem_cache_alloc’s row',
  ),
  wp(
    'kmem_cache_alloc',
    3,
    80,
    'alloc_buffer_head, jbd_alloc_handle, journal_head for the data buffer',
    '[U 40..200] __cache_alloc under local_irq_save: the per-CPU array_cache pop, and cache_alloc_refill every ' +
      'batchcount-th call (inside the IRQ-off window: charged here)',
  ),
];
/**
 * Function sizes in bytes (System.map), for readprofile's load column only (no cost depends on them): size =
 * ticks / load of seed 000's printed profile. Symbols outside that profile have no known size (load 0).
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
