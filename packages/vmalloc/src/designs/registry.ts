// The vmap designs along mm/vmalloc.c's history, one record each (facts: shared/reference/sources-mm.md §3).
// The CLI's --impl choices, the sweep keys, the bench and the invariant tests all read this list.
import { SCHED_EEVDF_6_9 } from '@kmemsim/core';
import type { VmapDesign } from './design.js';

const V2_6_27: VmapDesign = {
  name: '2.6.27',
  aliases: ['legacy'],
  origin: 'mm/vmalloc.c as of 2.6.27 (vmlist since 2.4)',
  summary: 'vm_structs in the address-sorted vmlist under the vmlist_lock rwlock; flush_tlb_all on every vunmap',
  holeSearch: 'vmlist-first-fit',
  gapPages: 0,
  vmlist: 'allocator',
  // x86 write_lock before 3.16: __raw_write_lock's `lock subl $RW_LOCK_BIAS`, __write_lock_failed on a miss.
  rwlock: 'biased',
  vmapAreaBytes: 0,
  perCpuBlocks: null,
  bookkeeping: 'global',
  pools: false,
  pteClear: 'at-free-flush',
  purgeLock: 'none',
  purgeTrigger: 'none',
  purgeHelpers: false,
  purgeScan: 'none',
  vfreeLockTrips: 0,
  failurePurge: 'none',
  freeTree: false,
  iounmapNonlazy: false,
  scheduler: null,
  // A 2008 kernel with high-res timers: tick_setup_sched_timer's per-CPU skew (sources-timer-tick.md §1, unchecked).
  tickPhase: 'stagger',
};

const V2_6_28: VmapDesign = {
  name: '2.6.28',
  aliases: ['lazy', 'percpu'],
  origin: '"mm: rewrite vmap layer" (Nick Piggin, Oct 2008)',
  summary:
    'vmap_area rbtree + list under vmap_area_lock, lazy TLB flushing (PTEs cleared at the purge), ' +
    'per-CPU vmap blocks for vm_map_ram',
  holeSearch: 'rbtree-walk',
  gapPages: 1,
  vmlist: 'mirror',
  // As 2.6.27 (insert_vmalloc_vm / remove_vm_area write_lock the mirror's vmlist_lock); 2.6.37 and 2.6.39 too.
  rwlock: 'biased',
  vmapAreaBytes: 104,
  perCpuBlocks: {
    bits: 'nr-cpus',
    vbFree: 'dirty-only',
    purgeFragmented: false,
    alloc: 'bitmap-scan',
    aliasWalk: 'free-list',
    aliasUnmap: true,
    purgeOnFailure: false,
    // [U] sources-mm.md is silent; the later kernels add at the tail.
    newBlockAt: 'head',
    freeCheck: 'locked',
    vbFreeLocks: 1,
  },
  bookkeeping: 'global',
  pools: false,
  pteClear: 'at-purge',
  purgeLock: 'spinlock',
  purgeTrigger: 'inline-trylock',
  purgeHelpers: false,
  purgeScan: 'area-list',
  vfreeLockTrips: 1,
  // 2.6.28 purge_vmap_area_lazy() is __purge_vmap_area_lazy(.., 0, 0): the failure path only trylocks.
  failurePurge: 'trylock',
  freeTree: false,
  // "mm, x86: Saving vmcore with non-lazy freeing of vmas" (Wickman, Sept 2010, ~2.6.37: sources-vmcore.md).
  iounmapNonlazy: false,
  scheduler: null,
  // As 2.6.27: the skew is in tick_setup_sched_timer until 2.6.36 (sources-timer-tick.md §1, unchecked).
  tickPhase: 'stagger',
};

const V2_6_37: VmapDesign = {
  ...V2_6_28,
  name: '2.6.37',
  aliases: [],
  origin: '"vmalloc: eagerly clear ptes on vunmap" (Jeremy Fitzhardinge, 2010) and purge_fragmented_blocks',
  summary: 'as 2.6.28, but vunmap and vb_free clear PTEs at once (only the TLB flush stays lazy)',
  perCpuBlocks: {
    bits: 'nr-cpus',
    vbFree: 'unmap',
    purgeFragmented: true,
    alloc: 'bitmap-scan',
    aliasWalk: 'free-list',
    // [U] 2.6.37–3.14 not checked (no source on disk): the unmap of dirty runs kept as 2.6.28 had it.
    aliasUnmap: true,
    // [U] sources-mm.md is silent on whether 2.6.37's sync purge released fragmented blocks; kept off.
    purgeOnFailure: false,
    // [U] sources-mm.md is silent; the later kernels add at the tail.
    newBlockAt: 'head',
    freeCheck: 'locked',
    vbFreeLocks: 1,
  },
  pteClear: 'at-free',
  // [U] by 2.6.37 purge_vmap_area_lazy() passes sync = 1 (the failure path waits for purge_lock).
  failurePurge: 'wait',
  iounmapNonlazy: true,
  // "clockevents: Remove the per cpu tick skew" (Arjan van de Ven, 2.6.36: sources-timer-tick.md §1, unchecked):
  // every CPU expires at tick_init_jiffy_update(); skew_tick=1 (default 0) brings the skew back later.
  tickPhase: 'aligned',
};

const V2_6_39: VmapDesign = {
  ...V2_6_37,
  name: '2.6.39',
  aliases: ['free_vmap_cache'],
  origin:
    '"mm: vmap area cache" (Nick Piggin): free_vmap_cache + cached_hole_size; sources-mm.md: absent in 2.6.37, ' +
    'present in 3.5 [U: first release taken as 2.6.39]',
  summary: 'the hole search starts after the last allocated area (free_vmap_cache) instead of VMALLOC_START',
  holeSearch: 'cached-hole',
  gapPages: 0,
};

const V5_2: VmapDesign = {
  name: '5.2',
  aliases: ['rb2019'],
  origin: '"mm/vmalloc.c: keep track of free blocks for vmap allocation" (Uladzislau Rezki, 2019)',
  summary:
    'free space as free blocks in a tree augmented with subtree_max_size: lowest fit in O(log n), merge on ' +
    'free; vmlist gone; vmap_purge_lock mutex and a purge list',
  holeSearch: 'augmented-free-tree',
  gapPages: 0,
  vmlist: 'none',
  // qrwlock (x86 since 3.16); no rwlock is taken, as vmlist is gone.
  rwlock: 'queued',
  vmapAreaBytes: 88,
  // 3.15's "mm/vmalloc.c: remove alloc_map from vmap_block": blocks hand out pages with a bump pointer.
  // purge_vmap_area_lazy = purge_fragmented_blocks_allcpus + __purge_vmap_area_lazy (6.1:1853–1860, the later
  // shape of 5.2's; 6.1 is the oldest source on disk).
  perCpuBlocks: {
    bits: 'pow2-nr-cpus',
    vbFree: 'unmap',
    purgeFragmented: true,
    alloc: 'bump',
    aliasWalk: 'free-list',
    aliasUnmap: false,
    purgeOnFailure: true,
    newBlockAt: 'tail',
    freeCheck: 'locked',
    vbFreeLocks: 1,
  },
  bookkeeping: 'global',
  pools: false,
  pteClear: 'at-free',
  purgeLock: 'mutex',
  purgeTrigger: 'inline-trylock',
  purgeHelpers: false,
  purgeScan: 'purge-list',
  // Three vmap_area_lock trips per vfree. This composition is 6.1's (find_vmap_area 6.1:2756, remove_vm_area's
  // find + va->vm = NULL 6.1:2665–2671, free_vmap_area_noflush's unlink_va 6.1:1885–1887); 5.2's own was
  // find_vm_area, find_vmap_area and va->vm = NULL with the unlink at the purge [from memory]: same count.
  vfreeLockTrips: 3,
  failurePurge: 'wait',
  freeTree: true,
  // Present in 3.x–5.15, absent by 5.19 (sources-vmcore.md).
  iounmapNonlazy: true,
  scheduler: null,
  // skew_tick defaults to 0: every CPU ticks at multiples of TICK_NSEC (6.1 tick_setup_sched_timer, read).
  tickPhase: 'aligned',
};

const V6_9: VmapDesign = {
  ...V5_2,
  name: '6.9',
  aliases: ['pools2024'],
  origin: '"mm: vmalloc: add a per-node… vmap_node" series (Uladzislau Rezki, 2024)',
  summary:
    'busy and lazy areas striped over vmap nodes with their own locks, per-node pools of purged areas by size, ' +
    'purge by drain_vmap_work',
  vmapAreaBytes: 72,
  // 6.5's "mm/vmalloc: Prevent stale TLBs in fully utilized blocks" (Thomas Gleixner): vm_unmap_aliases walks
  // every block, not only those on a free list.
  perCpuBlocks: {
    bits: 'pow2-nr-cpus',
    vbFree: 'unmap',
    purgeFragmented: true,
    alloc: 'bump',
    aliasWalk: 'all-blocks',
    aliasUnmap: false,
    // reclaim_and_purge_vmap_areas (6.12:2390–2397).
    purgeOnFailure: true,
    newBlockAt: 'tail',
    freeCheck: 'lockless',
    vbFreeLocks: 2,
  },
  // find_unlink_vmap_area: one trip on the address's node busy lock.
  vfreeLockTrips: 1,
  bookkeeping: 'per-node',
  pools: true,
  purgeTrigger: 'workqueue',
  purgeHelpers: true,
  // No set_iounmap_nonlazy in 6.1's or 6.12's mm/vmalloc.c (gone by 5.19).
  iounmapNonlazy: false,
  // drain_vmap_work and the purge helpers' works share CPUs with the test threads: 6.9 is EEVDF (6.6+).
  scheduler: SCHED_EEVDF_6_9,
};

/** Every design, oldest first. */
export const DESIGNS: readonly VmapDesign[] = [V2_6_27, V2_6_28, V2_6_37, V2_6_39, V5_2, V6_9];

/** Canonical design names, oldest first. */
export const DESIGN_NAMES: readonly string[] = DESIGNS.map((d) => d.name);

/** Every name --impl accepts: the designs, then their aliases. */
export const DESIGN_CHOICES: readonly string[] = [...DESIGN_NAMES, ...DESIGNS.flatMap((d) => d.aliases)];

/** Aliases that also choose how a workload maps: 'percpu' meant 2.6.28 through vm_map_ram / vm_unmap_ram. */
export const ALIAS_API: Readonly<Record<string, 'vmap' | 'vm_map_ram'>> = { percpu: 'vm_map_ram', lazy: 'vmap' };

/** A design name or alias the registry does not know; the message lists every choice. */
export class UnknownDesignError extends Error {
  override name = 'UnknownDesignError';
}

/** The design a name or alias stands for; throws naming every choice. */
export function resolveDesign(name: string): VmapDesign {
  const d = DESIGNS.find((x) => x.name === name || x.aliases.includes(name));
  if (d === undefined) {
    const aliases = DESIGNS.flatMap((x) => x.aliases.map((a) => `${a} = ${x.name}`));
    throw new UnknownDesignError(
      `unknown vmap design '${name}', expected one of ${DESIGN_NAMES.join(', ')} (aliases: ${aliases.join(', ')})`,
    );
  }
  return d;
}
