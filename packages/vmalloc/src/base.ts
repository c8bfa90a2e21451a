// What every design shares: the address space, the machine's page table, symbols and counters, the ledger of
// caller-visible areas, and the boot-time areas that sit at the bottom of the range before any workload runs.
import type { SymbolId, Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { LAYOUT, type MechanismParams } from './params.js';
import { VmSpace } from './space.js';
import { type Gen, type ImplName, type Ledger, LiveAreas, VmArea, VmapError, type VmapFaults } from './types.js';

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
  kmalloc: SymbolId;
  vbAlloc: SymbolId;
  vbFree: SymbolId;
  newBlock: SymbolId;
  freeBlock: SymbolId;
  aliases: SymbolId;
  pool: SymbolId;
}

export abstract class VmapBase {
  abstract readonly impl: ImplName;
  readonly space: VmSpace;
  readonly s: VmapSymbols;
  readonly ledger: Ledger = { allocs: 0, frees: 0, live: new LiveAreas(), lazyPages: 0 };
  /** Pages per guard (0 or 1) of a vmalloc/vmap area. */
  readonly guard = 1;
  protected readonly c: {
    allocs: number;
    frees: number;
    fail: number;
    walked: number;
  };

  constructor(
    readonly m: Machine,
    readonly p: MechanismParams,
    readonly faults: VmapFaults = {},
  ) {
    const pages = Math.floor(m.arch.vmallocBytes / m.arch.pageBytes);
    this.space = new VmSpace(m.arch.wordBits === 64 ? LAYOUT.base64Vpn : LAYOUT.base32Vpn, pages);
    const e = m.engine;
    this.s = {
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
      kmalloc: e.sym('__kmalloc'),
      vbAlloc: e.sym('vb_alloc'),
      vbFree: e.sym('vb_free'),
      newBlock: e.sym('new_vmap_block'),
      freeBlock: e.sym('free_vmap_block'),
      aliases: e.sym('vm_unmap_aliases'),
      pool: e.sym('node_alloc'),
    };
    const k = e.counters;
    this.c = {
      allocs: k.id('vmap.allocs', 'vmap areas allocated'),
      frees: k.id('vmap.frees', 'vmap areas freed'),
      fail: k.id('vmap.alloc_failures', 'allocations that found no space'),
      walked: k.id('vmap.areas_walked', 'areas visited by linear list walks'),
    };
    // Areas present before the workload: at the bottom of the range, reserved without cost.
    for (let i = 0; i < p.bootAreas; i++) this.space.reserve(p.bootAreaPages + this.guard);
  }

  /** Records a caller-visible area in the ledger. */
  protected issue(vpn: number, pages: number, reserved: number, block: VmArea['block'] = null): VmArea {
    const a = new VmArea(++this.ledger.allocs, vpn, pages, reserved, block);
    this.ledger.live.add(a);
    this.m.engine.counters.add(this.c.allocs);
    return a;
  }

  protected retire(a: VmArea): void {
    if (!this.ledger.live.delete(a)) throw new VmapError(`free of area ${a.id} at page ${a.vpn}, not live`);
    this.ledger.frees++;
    this.m.engine.counters.add(this.c.frees);
  }

  protected failed(pages: number, align: number): VmapError {
    this.m.engine.counters.add(this.c.fail);
    return new VmapError(`${this.impl}: no vmalloc space for ${pages} pages aligned to ${align}`);
  }

  protected walked(n: number): void {
    this.m.engine.counters.add(this.c.walked, n);
  }

  map(t: Thread, a: VmArea, pfn: number): void {
    if (a.mapped) throw new VmapError(`area ${a.id} is already mapped`);
    this.m.setPtes(t, a.vpn, pfn, a.pages, this.s.map);
    t.spend(this.s.map, this.p.pageTableWalkCycles);
    a.pfn = pfn;
  }

  /** unmap_kernel_range / vunmap_page_range: clears the PTEs; TLBs keep their entries until a flush. */
  protected unmapPtes(t: Thread, a: VmArea): void {
    if (a.mapped) this.m.clearPtes(t, a.vpn, a.pages, this.s.unmap);
    t.spend(this.s.unmap, this.p.pageTableWalkCycles);
    a.pfn = -1;
  }

  *tryAlloc(t: Thread, pages: number, align = 1): Gen<VmArea | null> {
    try {
      return yield* this.alloc(t, pages, align);
    } catch (err) {
      if (err instanceof VmapError) return null;
      throw err;
    }
  }

  abstract alloc(t: Thread, pages: number, align?: number): Gen<VmArea>;
  abstract free(t: Thread, a: VmArea): Gen;

  *vmap(t: Thread, pfn: number, pages: number, align = 1): Gen<VmArea> {
    const a = yield* this.alloc(t, pages, align);
    this.map(t, a, pfn);
    return a;
  }

  /** Checks every busy area against the others and the guard pages against the page table. */
  protected checkSpace(): string[] {
    const out: string[] = [];
    const busy = this.space.busy.toArray();
    for (let i = 1; i < busy.length; i++) {
      if (busy[i][0] < busy[i - 1][1]) out.push(`areas overlap: [${busy[i - 1]}) and [${busy[i]})`);
    }
    const free = this.space.free.toArray();
    for (const [s, e] of free) {
      const b = this.space.busy.floor(e - 1);
      if (b !== null && b.end > s) out.push(`free block [${s}, ${e}) overlaps busy [${b.start}, ${b.end})`);
    }
    let pages = 0;
    for (const [s, e] of busy) pages += e - s;
    for (const [s, e] of free) pages += e - s;
    if (pages !== this.space.pages) out.push(`busy + free = ${pages} pages, range has ${this.space.pages}`);
    for (const a of this.ledger.live.values()) {
      const b = this.space.busy.floor(a.vpn);
      if (b === null || b.end < a.vpn + a.reserved) out.push(`live area ${a.id} is not inside a busy area`);
      for (let g = a.pages; g < a.reserved; g++) {
        if (this.m.tlb.pte.has(a.vpn + g)) out.push(`guard page ${a.vpn + g} of area ${a.id} is mapped`);
      }
    }
    return out;
  }
}
