// The highmem API of one machine: kmap/kunmap (pkmap pool), kmap_atomic/kunmap_atomic (fixmap slots),
// kmap_local (per-task stacks), page_address, and first access through a new mapping. On arches without
// highmem (64-bit) every map is page_address(): the direct-map address, no work, no cost.
// Other packages use it the way the kernel does: vmcore's i386 copy_oldmem_page (kmap_atomic_pfn), rmap's
// HIGHPTE page-table visits (a kmap_atomic per PTE page).
import type { Op, SymbolId, Thread } from '@kmemsim/core';
import type { GuestPageTable, Machine } from '@kmemsim/mmu';
import { KmapAtomic } from './atomic.js';
import { KmapLocal, type LocalTask } from './local.js';
import {
  DEFAULT_ERA,
  type HighmemEra,
  type HighmemFaults,
  LAYOUT,
  MECHANISM,
  type MechanismParams,
  SYMBOL_BYTES,
} from './params.js';
import { PkmapPool } from './pkmap.js';

type Gen<T = void> = Generator<Op | undefined, T, void>;

/** Options of {@link createHighmem}: era switches, cost overrides. */
export interface HighmemOptions {
  /** Which kernel's kmap code paths run (default {@link DEFAULT_ERA}). */
  era?: Partial<HighmemEra>;
  /** Overrides of the mechanism's own costs (cycles). */
  params?: Partial<MechanismParams>;
  /** Testing only: break the mechanism on purpose. */
  faults?: HighmemFaults;
}

/**
 * The highmem API of one machine: kmap/kunmap (the pkmap pool under kmap_lock), kmap_atomic/kunmap_atomic (fixmap
 * slots), kmap_local (per-task stacks), page_address, and first access through a new mapping. On arches without
 * highmem every map is page_address(): no work, no cost.
 */
export class Highmem {
  /** Which kernel era's behaviour the mechanism follows (pkmap wrap flush, kmap_atomic invlpg placement). */
  readonly era: HighmemEra;
  /** The mechanism's costs in effect (MECHANISM with any experiment overrides). */
  readonly params: MechanismParams;
  /** False on 64-bit arches: kmap* = page_address(), free. */
  readonly enabled: boolean;
  /** The kmap pool (null without highmem). */
  readonly pool: PkmapPool | null;
  /** The kmap_atomic fixmap slots (null without highmem). */
  readonly atomic: KmapAtomic | null;
  /** The kmap_local per-task stacks (null without highmem). */
  readonly local: KmapLocal | null;
  /** The highmem windows: first virtual page, per-slot fresh marks, the page-table page they live in. */
  private readonly windows: { base: number; fresh: Uint8Array; pt: GuestPageTable }[] = [];

  constructor(
    readonly machine: Machine,
    o: HighmemOptions = {},
  ) {
    this.era = { ...DEFAULT_ERA, ...o.era };
    const { sources: _s, ...mech } = MECHANISM;
    this.params = { ...mech, ...o.params };
    this.enabled = machine.arch.highmem !== null && machine.pkmapEntries > 0;
    const e = machine.engine;
    const sym = (name: string) => e.sym(name, 'sys', SYMBOL_BYTES[name] ?? 0);
    if (!this.enabled) {
      this.pool = null;
      this.atomic = null;
      this.local = null;
      return;
    }
    this.pool = new PkmapPool(
      machine,
      this.era,
      this.params,
      {
        kmap: sym('kmap'),
        kunmap: sym('kunmap'),
        kmapHigh: sym('kmap_high'),
        kunmapHigh: sym('kunmap_high'),
        pageAddress: sym('page_address'),
        setPageAddress: sym('set_page_address'),
        flushZero: sym('flush_all_zero_pkmaps'),
      },
      o.faults,
    );
    // The fixmap PT page: one page-table page (512 PTEs with PAE, 1024 without) holding the kmap slots.
    const fixmap = machine.pageTable('fixmap', machine.pae ? 512 : 1024);
    this.atomic = new KmapAtomic(machine, this.era, this.params, sym('kmap_atomic'), sym('kunmap_atomic'), fixmap);
    this.local = new KmapLocal(
      machine,
      this.params,
      {
        map: sym('__kmap_local_page_prot'),
        unmap: sym('kunmap_local_indexed'),
        schedOut: sym('__kmap_local_sched_out'),
        schedIn: sym('__kmap_local_sched_in'),
      },
      fixmap,
    );
    this.windows.push(
      { base: this.pool.baseVpn, fresh: this.pool.fresh, pt: this.pool.pt },
      { base: this.atomic.baseVpn, fresh: this.atomic.fresh, pt: fixmap },
      { base: this.local.baseVpn, fresh: this.local.fresh, pt: fixmap },
    );
  }

  /** page_address() of a lowmem page, and of every page on 64-bit arches. */
  directVpn(pfn: number): number {
    return LAYOUT.directMapBaseVpn + pfn;
  }

  // ---- kmap / kunmap ----

  /** `const vpn = yield* hm.kmap(t, pfn)`: may sleep when all LAST_PKMAP slots are in use. */
  *kmap(t: Thread, pfn: number): Gen<number> {
    if (!this.pool) return this.directVpn(pfn);
    return yield* this.pool.kmap(t, pfn);
  }

  /** `yield* hm.kunmap(t, pfn)`: drops the page's pkmap_count; wakes a sleeper when a slot frees up. */
  *kunmap(t: Thread, pfn: number): Gen {
    if (this.pool) yield* this.pool.kunmap(t, pfn);
  }

  /** `n` kmap + access + kunmap of fresh pages by the pool's only user, charged as n calls would be. */
  *kmapPairs(t: Thread, n: number, accessSym?: SymbolId): Gen {
    if (!this.pool || n <= 0) return;
    yield* this.pool.bulkPairs(t, n, accessSym);
  }

  // ---- kmap_atomic ----

  /** kmap_atomic(pfn, type): the fixmap slot's virtual page. Local: never yields. */
  kmapAtomic(t: Thread, pfn: number, type?: number): number {
    return this.atomic ? this.atomic.map(t, pfn, type) : this.directVpn(pfn);
  }

  /** kunmap_atomic(vaddr): clears the fixmap PTE and flushes one address locally (era permitting). Never yields. */
  kunmapAtomic(t: Thread, vpn: number): void {
    this.atomic?.unmap(t, vpn);
  }

  /** `n` kmap_atomic + (access) + kunmap_atomic pairs, charged at once. Free without highmem. */
  atomicPairs(t: Thread, n: number, accessSym?: SymbolId): void {
    if (!this.atomic || n <= 0) return;
    this.atomic.pairs(t, n, accessSym);
  }

  // ---- kmap_local ----

  /** A task's kmap_local state, for {@link Highmem.kmapLocal} (null without highmem). */
  localTask(name: string): LocalTask | null {
    return this.local ? this.local.task(name) : null;
  }

  /** kmap_local_page(page) by `task` on t's CPU: the slot's virtual page (page_address() without highmem). */
  kmapLocal(t: Thread, task: LocalTask | null, pfn: number): number {
    return this.local && task ? this.local.map(t, task, pfn) : this.directVpn(pfn);
  }

  /** kunmap_local(vaddr): pops `task`'s innermost slot, clears its PTE and flushes one address. */
  kunmapLocal(t: Thread, task: LocalTask | null, vpn: number): void {
    if (this.local && task) this.local.unmap(t, task, vpn);
  }

  /** Context switch between two tasks on t's CPU: kmap_local slots are saved and restored. */
  switchTasks(t: Thread, prev: LocalTask | null, next: LocalTask | null): void {
    if (this.local && prev && next) this.local.switchTasks(t, prev, next);
  }

  /** `n` kmap_local + (access) + kunmap_local pairs by `task`, charged at once. Free without highmem. */
  localPairs(t: Thread, task: LocalTask | null, n: number, accessSym?: SymbolId): void {
    if (!this.local || !task || n <= 0) return;
    this.local.pairs(t, task, n, accessSym);
  }

  // ---- access ----

  /**
   * The CPU touches a page through a highmem mapping: a TLB hit, or a walk (charged to `sym`); the first
   * access after a new mapping is a shadow page fault under kvm-shadow. Stale translations are reported by the
   * machine's TLB. Direct-map addresses cost nothing here.
   */
  access(t: Thread, vpn: number, sym: SymbolId): void {
    if (!this.enabled) return;
    const hit = this.machine.touch(t, vpn, sym);
    const pt = this.takeFresh(vpn);
    if (pt) {
      // A new mapping: the virt mechanism decides whether this first access faults (a trapping shadow PTE).
      if (hit) t.spend(sym, this.machine.cost.tlbMissCycles);
      t.spend(sym, this.machine.vops.firstAccess(pt, 1));
    }
  }

  /** Clears the slot's fresh mark; returns its page-table page if it was fresh. */
  private takeFresh(vpn: number): GuestPageTable | null {
    for (const w of this.windows) {
      const i = vpn - w.base;
      if (i < 0 || i >= w.fresh.length) continue;
      if (!w.fresh[i]) return null;
      w.fresh[i] = 0;
      return w.pt;
    }
    return null;
  }
}

/**
 * The highmem mechanism of a machine (see {@link Highmem}).
 * @example
 * ```ts
 * import { i386 } from '@kmemsim/arch-i386';
 * import { createHighmem } from '@kmemsim/highmem';
 * import { Machine } from '@kmemsim/mmu';
 * const m = new Machine({ arch: i386, cpus: 2, pae: true });
 * const hm = createHighmem(m);
 * m.engine.spawn(0, 'reader', function* (t) {
 *   const vpn = yield* hm.kmap(t, 0x40000); // may sleep on pkmap_map_wait
 *   yield* hm.kunmap(t, 0x40000);
 * });
 * m.engine.run();
 * ```
 */
export function createHighmem(machine: Machine, opts: HighmemOptions = {}): Highmem {
  return new Highmem(machine, opts);
}
