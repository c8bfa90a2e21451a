// The kernel symbols and counters the vmalloc mechanism charges, interned once per machine. A profile row
// appears only for code the model executes (a design without vmlist never charges insert_vmalloc_vm).
import type { Engine, SymbolId } from '@kmemsim/core';

export interface VmapSymbols {
  getArea: SymbolId;
  allocVa: SymbolId;
  findVa: SymbolId;
  freeVa: SymbolId;
  insertVm: SymbolId;
  removeVm: SymbolId;
  map: SymbolId;
  unmap: SymbolId;
  lazy: SymbolId;
  purge: SymbolId;
  drain: SymbolId;
  kmalloc: SymbolId;
  vbAlloc: SymbolId;
  vbFree: SymbolId;
  newBlock: SymbolId;
  freeBlock: SymbolId;
  aliases: SymbolId;
  pool: SymbolId;
}

export function vmapSymbols(e: Engine): VmapSymbols {
  return {
    getArea: e.sym('__get_vm_area_node'),
    allocVa: e.sym('alloc_vmap_area'),
    findVa: e.sym('find_vmap_area'),
    freeVa: e.sym('__free_vmap_area'),
    insertVm: e.sym('insert_vmalloc_vm'),
    removeVm: e.sym('remove_vm_area'),
    map: e.sym('vmap_page_range'),
    unmap: e.sym('vunmap_page_range'),
    lazy: e.sym('free_vmap_area_noflush'),
    purge: e.sym('__purge_vmap_area_lazy'),
    drain: e.sym('drain_vmap_area_work'),
    kmalloc: e.sym('__kmalloc'),
    vbAlloc: e.sym('vb_alloc'),
    vbFree: e.sym('vb_free'),
    newBlock: e.sym('new_vmap_block'),
    freeBlock: e.sym('free_vmap_block'),
    aliases: e.sym('vm_unmap_aliases'),
    pool: e.sym('node_alloc'),
  };
}

export interface VmapCounters {
  allocs: number;
  frees: number;
  fail: number;
  walked: number;
  purges: number;
  skipped: number;
  lazyFrees: number;
  poolHits: number;
  blocksNew: number;
  blocksFreed: number;
  blocksFragmented: number;
}

export function vmapCounters(e: Engine): VmapCounters {
  const k = e.counters;
  return {
    allocs: k.id('vmap.allocs', 'vmap areas allocated'),
    frees: k.id('vmap.frees', 'vmap areas freed'),
    fail: k.id('vmap.alloc_failures', 'allocations that found no space'),
    walked: k.id('vmap.areas_walked', 'areas visited by linear list walks'),
    purges: k.id('vmap.purges', 'lazy purges that flushed'),
    skipped: k.id('vmap.purge_trylock_failed', 'opportunistic purges that found the purge lock held'),
    lazyFrees: k.id('vmap.lazy_frees', 'areas freed lazily (flush deferred)'),
    poolHits: k.id('vmap.pool_hits', 'allocations served from a per-node pool'),
    blocksNew: k.id('vmap.blocks_new', 'per-CPU vmap blocks created'),
    blocksFreed: k.id('vmap.blocks_freed', 'fully dirty vmap blocks freed as lazy areas'),
    blocksFragmented: k.id('vmap.blocks_fragmented', 'fragmented vmap blocks released (purge_fragmented_blocks)'),
  };
}
