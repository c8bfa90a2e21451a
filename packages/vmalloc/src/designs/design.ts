// A vmap design is data: one record per kernel design along mm/vmalloc.c's history, naming the mechanism pieces
// it is made of (src/mechanism) and how each behaves. The allocator (mechanism/vmap.ts) reads only these fields;
// adding a design is one record in registry.ts plus any new piece it names.
import type { RwLockFairness, SchedRecord, TickPhase } from '@kmemsim/core';

/** How alloc_vmap_area (or __get_vm_area_node) finds a hole, which is what its cost grows with. */
export type HoleSearch =
  /** ≤ 2.6.27 __get_vm_area_node: first fit walking the address-sorted vmlist from VMALLOC_START, O(n). */
  | 'vmlist-first-fit'
  /** 2.6.28 alloc_vmap_area: rbtree descent to vstart, then rb_next over every area below the hole, O(n). */
  | 'rbtree-walk'
  /** free_vmap_cache + cached_hole_size: the walk starts after the last allocated area, O(1) typically. */
  | 'cached-hole'
  /** 5.2 find_vmap_lowest_match: descent of the free tree augmented with subtree_max_size, O(log n). */
  | 'augmented-free-tree';

/** The per-CPU vm_map_ram front end (vmap blocks), where a design has it. */
export interface PerCpuBlocks {
  /** VMAP_BBMAP_BITS from VMALLOC_PAGES / NR_CPUS / 16 (2.6.28) or / roundup_pow_of_two(NR_CPUS) / 16 (5.2+). */
  bits: 'nr-cpus' | 'pow2-nr-cpus';
  /** vb_free: only sets dirty bits, PTEs stay until the block is purged (2.6.28), or unmaps at once (2.6.37+). */
  vbFree: 'dirty-only' | 'unmap';
  /** purge_fragmented_blocks: a block whose space is all free or dirty, with holes, is released (2.6.37+). */
  purgeFragmented: boolean;
  /** vb_alloc: bitmap_find_free_region scanning from bit 0 (naturally aligned), or a bump pointer (3.15+). */
  alloc: 'bitmap-scan' | 'bump';
  /**
   * vm_unmap_aliases walks the blocks on each CPU's free list only (≤ 6.4), or (6.5+) every block under
   * vmap_purge_lock, purging a fragmented one only below VMAP_PURGE_THRESHOLD free and taking a dirty range once.
   */
  aliasWalk: 'free-list' | 'all-blocks';
  /**
   * vm_unmap_aliases clears the PTEs of the dirty ranges it finds (2.6.28's vb_free left them mapped), or only
   * flushes them (vb_free already unmapped: 6.1:2220–2230, 6.12:2944–2950 compute the range only).
   */
  aliasUnmap: boolean;
  /**
   * The alloc-failure purge first releases every CPU's fragmented blocks (purge_fragmented_blocks_allcpus in
   * purge_vmap_area_lazy, 6.1:1856, and reclaim_and_purge_vmap_areas, 6.12:2394).
   */
  purgeOnFailure: boolean;
  /** new_vmap_block puts the block at the head of the CPU's free list, or at its tail (6.1:2060, 6.12:2726). */
  newBlockAt: 'head' | 'tail';
  /** vb_alloc reads vb->free before taking vb->lock and skips a block too full (6.5+: 6.12:2842), or locks each. */
  freeCheck: 'locked' | 'lockless';
  /** vb_free's vb->lock trips: one (≤ 6.1), or two with the used_map clear before the unmap (6.12:2892–2911). */
  vbFreeLocks: 1 | 2;
}

/** One vmap allocator design of the kernel's history, as a record of its mechanisms (the registry holds them). */
export interface VmapDesign {
  /** Canonical name: the kernel release that first shipped the design. */
  name: string;
  /** Earlier kmemsim names that resolve to this design. */
  aliases: readonly string[];
  /** The change that introduced it (commit title and author, as in the kernel's history). */
  origin: string;
  /** What changed, in one line. */
  summary: string;
  /** How a free range is found: vmlist first fit, rbtree walk, cached hole, or augmented free-tree descent. */
  holeSearch: HoleSearch;
  /** Free pages kept after every existing area by the search (2.6.28: ALIGN(va_end + PAGE_SIZE, align)). */
  gapPages: number;
  /** vm_structs: the allocator itself under vmlist_lock (2.6.27), a sorted mirror of it (2.6.28–3.9), or gone. */
  vmlist: 'allocator' | 'mirror' | 'none';
  /**
   * The x86 rwlock of the design's kernel, which vmlist_lock is: `biased` before 3.16 (RW_LOCK_BIAS counter,
   * __write_lock_failed: unfair, no queue; core rwlock-biased.ts), `queued` from 3.16 (qrwlock). Moot where `vmlist`
   * is 'none' (5.2, 6.9 take no rwlock).
   */
  rwlock: RwLockFairness;
  /** sizeof(struct vmap_area) on 64-bit (the walks' working set); 0 where there is none. */
  vmapAreaBytes: number;
  /** vm_map_ram's per-CPU blocks (2.6.28+), or null where the design has none. */
  perCpuBlocks: PerCpuBlocks | null;
  /** Busy and lazy areas in one tree under vmap_area_lock, or striped over vmap nodes with their own locks. */
  bookkeeping: 'global' | 'per-node';
  /** Per-node pools of purged areas by exact size (6.9). */
  pools: boolean;
  /** When vunmap clears an area's PTEs: at once, flushing under vmlist_lock (2.6.27); at the lazy purge; or at once. */
  pteClear: 'at-free-flush' | 'at-purge' | 'at-free';
  /** The purge lock: a spinlock (2.6.28), the vmap_purge_lock mutex (5.x), or none (no lazy freeing). */
  purgeLock: 'none' | 'spinlock' | 'mutex';
  /** How an over-limit vmap_lazy_nr purges: inline with a trylock, or by queueing drain_vmap_work (6.9). */
  purgeTrigger: 'none' | 'inline-trylock' | 'workqueue';
  /**
   * 6.9 __purge_vmap_area_lazy: clamp(vmap_lazy_nr / lazy_max_pages, 1, nodes with lazy areas) − 1 of them are
   * purged by helper works on their nodes' CPUs (schedule_work_on), the rest by the purger, which then flush_works
   * them; drain_vmap_work itself runs in a kworker of the freeing CPU. False: the purging thread does it all.
   */
  purgeHelpers: boolean;
  /** What the purge walks to find lazy areas: the whole vmap_area_list (2.6.28) or its own purge list. */
  purgeScan: 'none' | 'area-list' | 'purge-list';
  /** vmap_area_lock round trips of a vfree besides the allocation's: find_vmap_area (1), + va->vm and unlink_va (5.2: 3). */
  vfreeLockTrips: number;
  /** An allocation that finds no space purges with a trylock (2.6.28) or waits for the purge lock. */
  failurePurge: 'none' | 'trylock' | 'wait';
  /** Freed areas merge into an augmented free tree (5.2+), paying its descent and augment updates. */
  freeTree: boolean;
  /**
   * The kernel has set_iounmap_nonlazy (from ~2.6.37 to 5.18, sources-vmcore.md; not in 6.1's or 6.12's
   * mm/vmalloc.c). Where false, `setIounmapNonlazy` is a what-if of the caller's.
   */
  iounmapNonlazy: boolean;
  /**
   * The fair scheduler of the design's era, which shares a CPU between the thread bound there and the kworker
   * running the design's queued work (6.9: EEVDF); null where the design queues no work.
   */
  scheduler: SchedRecord | null;
  /**
   * Where each CPU's timer tick falls in the period on the design's kernel, if a run turns the engine's tick on
   * (EngineOptions.tick; docs/sources-timer-tick.md §1): `stagger` before the skew's removal (tick_setup_sched_timer
   * offsets CPU c by (TICK_NSEC / 2) / num_possible_cpus() × c, 2.6.21–2.6.35 with high-res timers), `aligned`
   * after it (2.6.36 "clockevents: Remove the per cpu tick skew"; skew_tick=0, the default, in 6.1 — read). The
   * 2.6.21–2.6.36 history is from memory, unchecked.
   */
  tickPhase: TickPhase;
}
