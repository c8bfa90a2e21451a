// Cycles accumulated per kernel symbol while a run of identical per-PTE work is done in the data structures;
// flushed to the thread as one spend per symbol (scale by representation: no spend per page).
import type { Engine, SymbolId, Thread } from '@kmemsim/core';
import { SYMBOL_BYTES } from './params.js';

export const SYMBOLS = [
  'do_fork',
  'do_exit',
  'do_execve',
  'copy_page_range',
  'zap_pte_range',
  'pte_alloc_one',
  'pte_free',
  'page_add_rmap',
  'page_remove_rmap',
  'pte_chain_alloc',
  'pte_chain_free',
  'kmem_cache_alloc',
  'kmem_cache_free',
  'cache_alloc_refill',
  'cache_flusharray',
  'kmem_cache_grow',
  'lock_rmap',
  'page_dup_rmap',
  'anon_vma_link',
  'page_referenced',
  'try_to_unmap',
  'swap_out',
  'flush_tlb_page',
  'do_page_fault',
  'do_anonymous_page',
  'do_no_page',
  'clear_page',
  '__free_pages',
  'do_mmap_pgoff',
] as const;
export type RmapSymbol = (typeof SYMBOLS)[number];
export const S = Object.fromEntries(SYMBOLS.map((s, i) => [s, i])) as Record<RmapSymbol, number>;

export class Tally {
  readonly cycles = new Float64Array(SYMBOLS.length);
  /** kmap_atomic + kunmap_atomic pairs for HIGHPTE page-table visits, charged through @kmemsim/highmem. */
  kmapPairs = 0;

  add(sym: number, cycles: number): void {
    this.cycles[sym] += cycles;
  }

  total(): number {
    let s = 0;
    for (const c of this.cycles) s += c;
    return s;
  }

  clear(): void {
    this.cycles.fill(0);
    this.kmapPairs = 0;
  }
}

/** Engine symbol ids for the tally's slots. */
export function internSymbols(e: Engine): SymbolId[] {
  return SYMBOLS.map((s) => e.sym(s, 'sys', SYMBOL_BYTES[s] ?? 0));
}

/** Charges the tally's cycles to the thread (one spend per symbol) and clears them; returns the kmap pairs. */
export function flushTally(t: Thread, tally: Tally, ids: SymbolId[]): number {
  const c = tally.cycles;
  for (let i = 0; i < c.length; i++) {
    if (c[i] !== 0) t.spend(ids[i], c[i]);
  }
  const pairs = tally.kmapPairs;
  tally.clear();
  return pairs;
}
