// The Vmap interface on top of VmapCore: VmArea objects, vm_unmap_aliases, set_iounmap_nonlazy, the drain, the
// alias query and the invariant check; createVmap() picks the design from the registry.
import type { Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { VmapDesign } from '../designs/design.js';
import { resolveDesign } from '../designs/registry.js';
import { type Gen, VmArea, type Vmap, VmapError, type VmapFaults } from '../types.js';
import { type MechanismParams, mechanismParams } from './params.js';
import { VmapCore } from './vmap.js';

/** Options of {@link createVmap}. */
export interface VmapOptions {
  /** A design name or alias from the registry (default '2.6.28'), or the design record itself. */
  impl?: string | VmapDesign;
  /** Override mechanism costs (defaults: MECHANISM). */
  params?: Partial<MechanismParams>;
  /** CONFIG_NR_CPUS of the kernel, which sizes the vmap blocks (default: max(8, the machine's CPUs)). */
  nrCpus?: number;
  /** Testing only: deliberately broken behaviour. */
  faults?: VmapFaults;
}

/** The vmap allocator of one design on a machine: the {@link Vmap} interface over the design's mechanism. */
export class VmapAllocator extends VmapCore implements Vmap {
  /** get_vm_area: `pages` (+ guard) aligned to `align` pages; throws VmapError when nothing fits after a purge. */
  *alloc(t: Thread, pages: number, align = 1): Gen<VmArea> {
    const a = yield* this.tryAlloc(t, pages, align);
    if (a === null) throw new VmapError(`${this.design.name}: no vmalloc space for ${pages} pages aligned to ${align}`);
    return a;
  }

  /** As {@link VmapAllocator.alloc}, null when nothing fits. */
  *tryAlloc(t: Thread, pages: number, align = 1): Gen<VmArea | null> {
    const id = yield* this.allocArea(t, pages, align);
    return id < 0 ? null : this.area(id);
  }

  /** Maps the area's pages to consecutive frames from `pfn` (set_pte per page). Local: no yield. */
  map(t: Thread, area: VmArea, pfn: number): void {
    this.mapArea(t, this.handle(area, 'map'), pfn);
  }

  /** vunmap / vfree of the area (vm_unmap_ram for an area from mapRam): at once with a flush, or lazily. */
  *free(t: Thread, area: VmArea): Gen {
    const id = this.handle(area, 'free');
    if (this.areas.block[id] >= 0) yield* this.unmapRamArea(t, id);
    else yield* this.freeArea(t, id);
  }

  /** vmap(): alloc + map of `pages` frames from `pfn`. */
  *vmap(t: Thread, pfn: number, pages: number, align = 1): Gen<VmArea> {
    const a = yield* this.alloc(t, pages, align);
    this.mapArea(t, a.id, pfn);
    return a;
  }

  /** vm_map_ram: from a per-CPU block where the design has them; throws VmapError when nothing fits. */
  *mapRam(t: Thread, pfn: number, pages: number): Gen<VmArea> {
    const id = yield* this.mapRamArea(t, pfn, pages);
    if (id < 0) throw new VmapError(`${this.design.name}: vm_map_ram found no space for ${pages} pages`);
    return this.area(id);
  }

  /** vm_unmap_ram of an area from mapRam. */
  *unmapRam(t: Thread, area: VmArea): Gen {
    yield* this.unmapRamArea(t, this.handle(area, 'vm_unmap_ram'));
  }

  /** vm_unmap_aliases(): unmap and flush every lazily freed range the design's walk reaches. */
  *unmapAliases(t: Thread): Gen {
    if (this.faults.skipAliasFlush || this.purger === null) return;
    if (this.blocks !== null) yield* this.blocks.unmapAliases(t);
    else yield* this.purgeForced(t, false, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
  }

  /**
   * set_iounmap_nonlazy(): vmap_lazy_nr = lazy_max_pages + 1, so the next free purges. `design.iounmapNonlazy`
   * says whether the design's kernel has the call (2.6.37, 2.6.39, 5.2); on the others it is a what-if the caller
   * chooses (vmcore gates it by its kernel era and lets `--iounmap nonlazy` override, running 2.6.37–5.1 kernels
   * on the 2.6.28 design).
   */
  setIounmapNonlazy(): void {
    this.lazyNr = this.lazyMaxPages + 1;
  }

  /** Forced purge of every lazily freed area. */
  *purge(t: Thread): Gen {
    yield* this.purgeForced(t, false, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
  }

  /** Virtual pages of freed areas whose PTE still maps `pfn`. */
  pteAliases(pfn: number): number[] {
    const pte = this.m.tlb.pte;
    const out: number[] = [];
    this.lazy.forEach((vpn, _len, ptes) => {
      for (let v = vpn; v < vpn + ptes; v++) if (pte.get(v) === pfn) out.push(v);
    });
    this.blocks?.forEachMappedDirty((v) => {
      if (pte.get(v) === pfn) out.push(v);
    });
    return out;
  }

  /** Invariant violations found now (overlaps, mapped guard pages, lost pages); empty when consistent. */
  check(): string[] {
    const out: string[] = [];
    const s = this.space;
    const busy = s.busy.toArray();
    for (let i = 1; i < busy.length; i++) {
      if (busy[i][0] < busy[i - 1][1]) out.push(`areas overlap: [${busy[i - 1]}) and [${busy[i]})`);
    }
    let pages = 0;
    for (const [a, b] of busy) pages += b - a;
    for (const [a, b] of s.free.toArray()) {
      pages += b - a;
      const f = s.busy.floor(b - 1);
      if (f >= 0 && s.busy.endAt(f) > a) out.push(`free block [${a}, ${b}) overlaps a busy area`);
    }
    if (pages !== s.pages) out.push(`busy + free = ${pages} pages, range has ${s.pages}`);
    const a = this.areas;
    const pte = this.m.tlb.pte;
    for (const id of a.liveIds()) {
      const vpn = a.vpn[id];
      if (a.block[id] < 0) {
        const c = s.busy.floor(vpn);
        if (c < 0 || s.busy.startAt(c) !== vpn || s.busy.endAt(c) !== vpn + a.reserved[id]) {
          out.push(`live area ${id} [${vpn}, +${a.reserved[id]}) is not a busy area of its own`);
        }
      }
      for (let g = a.pages[id]; g < a.reserved[id]; g++) {
        if (a.block[id] < 0 && pte.has(vpn + g)) out.push(`guard page ${vpn + g} of area ${id} is mapped`);
      }
    }
    let lazyPages = 0;
    this.lazy.forEach((vpn, len) => {
      lazyPages += len;
      if (s.endOf(vpn) !== vpn + len) out.push(`lazy area ${vpn} (+${len}) is not a busy area`);
    });
    if (lazyPages !== this.lazy.pages) out.push(`lazy pages ${this.lazy.pages} ≠ ${lazyPages} in lazy areas`);
    if (this.blocks !== null) out.push(...this.blocks.check((v) => s.isBusy(v)));
    return out;
  }

  private area(id: number): VmArea {
    const a = this.areas;
    return new VmArea(a, id, a.gen[id], a.vpn[id], a.pages[id], a.reserved[id], a.block[id]);
  }

  private handle(area: VmArea, what: string): number {
    if (!area.live) throw new VmapError(`${what} of area ${area.id} at page ${area.vpn}, not live`);
    return area.id;
  }
}

/** A vmap allocator of the chosen design on `machine`. */
export function createVmap(machine: Machine, o: VmapOptions = {}): VmapAllocator {
  const design = typeof o.impl === 'object' ? o.impl : resolveDesign(o.impl ?? '2.6.28');
  return new VmapAllocator(machine, design, mechanismParams(o.params), o.faults, o.nrCpus);
}
