// Sizes that follow from the arch: PTE and pte_addr_t widths, PTEs per page-table page, NRPTE and node size.
import type { ArchProfile } from '@kmemsim/mmu';

export const RMAP_KINDS = ['none', 'pte_chain', 'multi', 'objrmap'] as const;
export type RmapKind = (typeof RMAP_KINDS)[number];

export interface Geometry {
  wordBytes: number;
  pageBytes: number;
  cacheLineBytes: number;
  /** sizeof(pte_t): 8 with PAE or on 64-bit arches, else 4. */
  pteBytes: number;
  /** sizeof(pte_addr_t): a physical address with HIGHPTE (8 bytes under PAE), else a pointer. */
  pteAddrBytes: number;
  /** PTEs per page-table page (PTRS_PER_PTE). */
  ptesPerTable: number;
  /** PTE addresses per chain node: 1 for the first pte_chain design, NRPTE for multi. */
  slotsPerNode: number;
  /** Bytes of one chain node as the slab sees it. */
  nodeBytes: number;
  highpte: boolean;
}

export interface GeometryOptions {
  kind: RmapKind;
  pae: boolean;
  highpte: boolean;
}

/** NRPTE = (L1_CACHE_BYTES − sizeof(long)) / sizeof(pte_addr_t) (2.5 include/linux/rmap-locking.h era). */
export function nrpte(cacheLineBytes: number, wordBytes: number, pteAddrBytes: number): number {
  return Math.floor((cacheLineBytes - wordBytes) / pteAddrBytes);
}

export function geometry(arch: ArchProfile, o: GeometryOptions): Geometry {
  const wordBytes = arch.wordBits / 8;
  const pteBytes = o.pae || wordBytes === 8 ? 8 : 4;
  const pteAddrBytes = o.highpte && o.pae ? 8 : wordBytes;
  const multi = o.kind === 'multi';
  const slotsPerNode = multi ? nrpte(arch.cacheLineBytes, wordBytes, pteAddrBytes) : 1;
  // The first design: struct pte_chain { next; ptep } in its own slab (two pointers, one pure overhead).
  // multi: one cache-line-aligned object per node.
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
