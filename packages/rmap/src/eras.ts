// The reverse-mapping code of each era as records: which chain layout, which collapse rule, which lock and how it
// is held, how pte_chains are allocated, and where struct page keeps the fields the paths touch. A run follows one
// record of each kind; nothing here mixes two kernels' rules. Facts: shared/reference/sources-mm.md §4.
import type { ArchProfile } from '@kmemsim/mmu';

/** Reverse-mapping designs: none (2.4 VM), single-pointer pte_chain, multi-pointer pte_chain, object rmap. */
export const RMAP_KINDS = ['none', 'pte_chain', 'multi', 'objrmap'] as const;
/** One of {@link RMAP_KINDS}. */
export type RmapKind = (typeof RMAP_KINDS)[number];

/** The rmap lock: PG_chainlock bit spinlock, Phillips' hashed locks, or akpm's hashed locks held across pages. */
export const LOCK_KINDS = ['bit', 'hashed', 'hashed-akpm'] as const;
/** One of {@link LOCK_KINDS} (records in {@link LOCK_ERAS}). */
export type LockKind = (typeof LOCK_KINDS)[number];

/** How pte_chain nodes are allocated: global freelist (2.5.27), slab (2.5.30), per-CPU cache (2.5.55). */
export const ALLOC_KINDS = ['freelist', 'slab', 'percpu'] as const;
/** One of {@link ALLOC_KINDS} (sources in ALLOC_SOURCES). */
export type AllocKind = (typeof ALLOC_KINDS)[number];

/** The kernels whose fork/exit/fault paths are modelled: 2.4 (with the rmap patch) and 2.5. */
export const KERNELS = ['2.4', '2.5'] as const;
/** One of {@link KERNELS}. */
export type KernelEra = (typeof KERNELS)[number];

/** How page->pte chains are laid out and when a one-entry chain goes back to PageDirect. */
export interface ChainEra {
  /** PTE addresses per node: 1 (single-pointer) or NRPTE from L1_CACHE_BYTES. */
  multi: boolean;
  /** With PageDirect: collapse a one-entry chain on remove (page_remove_rmap, try_to_unmap). */
  collapseOnRemove: boolean;
  /** With PageDirect: collapse in page_referenced (reclaim). */
  collapseInReferenced: boolean;
  /** The kernels and patches this layout is from. */
  source: string;
}

/** The chain layouts of the single-pointer and the multi-pointer pte_chain. */
export const CHAIN_ERAS: Record<'pte_chain' | 'multi', ChainEra> = {
  pte_chain: {
    multi: false,
    collapseOnRemove: true,
    collapseInReferenced: false,
    source:
      "single-pointer pte_chain {next; ptep} of Rik van Riel's 2.4 rmap and 2.5.27–2.5.34; PG_direct from 2.5.27 " +
      '(McCracken), collapsing a one-entry chain in page_remove_rmap and try_to_unmap (sources-mm.md §4.1, §4.3)',
  },
  multi: {
    multi: true,
    collapseOnRemove: false,
    collapseInReferenced: true,
    source:
      '2.5.35+ multi-pointer pte_chain ("rmap pte_chain speedup and space saving"): NRPTE addresses per cache-line ' +
      'node; a one-entry chain collapses only in page_referenced, never on remove (sources-mm.md §4.1, §4.3)',
  },
};

/**
 * NRPTE of the 2.5.35–2.5.67 layout: (L1_CACHE_BYTES − sizeof(void *)) / sizeof(pte_addr_t) — the same as akpm's
 * L1_CACHE_BYTES / sizeof(void *) − 1 for 4-byte pte_addr_t: 7 on PIII (32-byte lines), 31 on P4 (128), 3 and 15
 * with HIGHPTE + PAE (8-byte pte_addr_t) (sources-mm.md §4.2).
 */
export function nrpte(l1CacheBytes: number, wordBytes: number, pteAddrBytes: number): number {
  return Math.floor((l1CacheBytes - wordBytes) / pteAddrBytes);
}

/** The rmap lock: which lock protects a page's chain and how long paths keep it. */
export interface LockEra {
  /** Hashed spinlocks by page->index (false: a bit lock in page->flags). */
  hashed: boolean;
  /** Number of hashed locks (0 for the bit lock). */
  locks: number;
  /** Consecutive page->index values per lock: lock = (index >> shift) & (locks − 1). */
  shift: number;
  /** copy_page_range keeps a hashed lock while consecutive pages map to it. */
  holdInCopy: boolean;
  /** zap_pte_range keeps a hashed lock while consecutive pages map to it. */
  holdInZap: boolean;
  /** Anonymous pages get page->index from a global allocation counter (so that locks hash them). */
  anonIndexCounter: boolean;
  /** The patch or kernel this rule is from. */
  source: string;
}

/** The lock rules of each {@link LockKind}. */
export const LOCK_ERAS: Record<LockKind, LockEra> = {
  bit: {
    hashed: false,
    locks: 0,
    shift: 0,
    holdInCopy: false,
    holdInZap: false,
    anonIndexCounter: false,
    source:
      'pte_chain_lock: a bit spinlock on PG_chainlock in page->flags (test_and_set_bit, spin on test_bit; ' +
      'clear_bit to release), per page, nested inside page_table_lock (sources-mm.md §4.4)',
  },
  hashed: {
    hashed: true,
    locks: 256,
    shift: 4,
    holdInCopy: true,
    holdInZap: false,
    anonIndexCounter: true,
    source:
      'Daniel Phillips, "[PATCH] Rmap speedup" (LKML, 2 Aug 2002, vs 2.4.19-pre7 + rmap13b): 256 spinlocks hashed ' +
      'by (page->index >> 4) & 255, lock_rmap loops until the index is stable, page->index from a global ' +
      'allocation counter, copy_page_range keeps one lock while the lock number is unchanged (sources-mm.md §4.4)',
  },
  'hashed-akpm': {
    hashed: true,
    locks: 256,
    shift: 4,
    holdInCopy: true,
    holdInZap: true,
    anonIndexCounter: true,
    source:
      'akpm "[patch 14/21] hashed spinlocking for pte_chain manipulation" (LKML, 11 Aug 2002, vs 2.5.31): 256 ' +
      'packed locks, 16 consecutive indices per lock, page->index = rmap_lock_sequence++ for anonymous pages, ' +
      'cached_rmap_lock() held across pages in copy_page_range and zap_pte_range (sources-mm.md §4.4)',
  },
};

/** pte_chain allocation of each era. */
export const ALLOC_SOURCES: Record<AllocKind, string> = {
  freelist:
    'a global freelist under one spinlock, refilled a GFP_ATOMIC page at a time (PAGE_SIZE/8 nodes): 2.5.27, ' +
    'which merged the 2.4 rmap (sources-mm.md §4.1)',
  slab:
    'kmem_cache_alloc(pte_chain_cache, GFP_ATOMIC) inside page_add_rmap with the locks held: 2.5.30–2.5.54 ' +
    '(sources-mm.md §4.4)',
  percpu:
    'pte_chain_alloc() before the locks, from a per-CPU one-deep cache (local_pte_chain) or the slab; ' +
    'page_add_rmap hands back an unused chain: 2.5.55+ (sources-mm.md §4.4)',
};

/** Byte offsets in struct page of the fields the rmap paths touch. */
export interface StructPageLayout {
  /** sizeof(struct page). */
  bytes: number;
  /** Offset of page->flags. */
  flags: number;
  /** Offset of page->count. */
  count: number;
  /** Offset of page->index. */
  index: number;
  /** page->pte (2.5 union of chain / direct) or page->pte_chain (2.4 rmap). */
  pte: number;
  /** Where the layout is read from. */
  source: string;
}

/** The struct page of each kernel; `pteAddrBytes` widens the 2.5 union with HIGHPTE + PAE (u64 pte_addr_t). */
export function structPageLayout(kernel: KernelEra, pteAddrBytes: number): StructPageLayout {
  if (kernel === '2.4') {
    return {
      bytes: 56,
      flags: 24,
      count: 20,
      index: 12,
      pte: 40,
      source:
        '[U] 2.4.19 struct page (list, mapping, index, next_hash, count, flags, lru, …, virtual with HIGHMEM) with ' +
        'the rmap fields age and pte_chain after lru, as remembered from the 2.4 rmap patches: 56 bytes',
    };
  }
  return {
    bytes: 36 + pteAddrBytes,
    flags: 0,
    count: 4,
    index: 20,
    pte: 32,
    source:
      'struct page of 2.5.27–2.6.6: flags, count, list, mapping, index, lru, pte {chain; direct}, private ' +
      '(include/linux/mm.h; no WANT_PAGE_VIRTUAL on i386): 40 bytes, 44 with an 8-byte pte_addr_t',
  };
}

/** Sizes that follow from the arch and the design: PTE and pte_addr_t widths, PTEs per table, NRPTE, node size. */
export interface Geometry {
  /** sizeof(void *), bytes. */
  wordBytes: number;
  /** Page size, bytes. */
  pageBytes: number;
  /** L1_CACHE_BYTES the kernel was built with (NRPTE and node alignment). */
  cacheLineBytes: number;
  /** sizeof(pte_t): 8 with PAE or on 64-bit, else 4. */
  pteBytes: number;
  /** sizeof(pte_addr_t): 8 with HIGHPTE + PAE, else the word. */
  pteAddrBytes: number;
  /** PTEs per page-table page. */
  ptesPerTable: number;
  /** PTE addresses per chain node: NRPTE (multi) or 1. */
  slotsPerNode: number;
  /** Bytes per chain node: one L1 line (multi) or next + ptep. */
  nodeBytes: number;
  /** CONFIG_HIGHPTE: page tables in highmem, reached through kmap_atomic. */
  highpte: boolean;
}

/** The sizes a design has on an arch, with or without PAE and HIGHPTE. */
export function geometry(arch: ArchProfile, o: { kind: RmapKind; pae: boolean; highpte: boolean }): Geometry {
  const wordBytes = arch.wordBits / 8;
  const pteBytes = o.pae || wordBytes === 8 ? 8 : 4;
  const pteAddrBytes = o.highpte && o.pae ? 8 : wordBytes;
  const multi = o.kind === 'multi';
  const slotsPerNode = multi ? nrpte(arch.cacheLineBytes, wordBytes, pteAddrBytes) : 1;
  // Single-pointer: struct pte_chain { next; ptep } packed in its freelist page or slab. Multi: one L1 line.
  const nodeBytes = multi ? arch.cacheLineBytes : wordBytes + pteAddrBytes;
  return {
    wordBytes,
    pageBytes: arch.pageBytes,
    cacheLineBytes: arch.cacheLineBytes,
    pteBytes,
    pteAddrBytes,
    ptesPerTable: arch.pageBytes / pteBytes,
    slotsPerNode,
    nodeBytes,
    highpte: o.highpte,
  };
}
