// 6.9's lazy-free trigger without time (functional.ts's fastFree on a workqueue design): free_vmap_area_noflush
// inserts the area into its node's lazy tree (6.12:2433) and, over lazy_max_pages, calls
// schedule_work(&drain_vmap_work) (sources-mm.md §3.4; purge.ts `scheduleDrain`) instead of purging. The kworker
// runs drain_vmap_area_work (mutex_lock(&vmap_purge_lock), __purge_vmap_area_lazy(ULONG_MAX, 0, false)) when the
// CPU's scheduler gives it a turn, and the frees made meanwhile are on the lazy lists it detaches: its batch is
// larger than lazy_max_pages. So a functional drain takes its batch `lag` lazy pages after the free that scheduled
// it: 0 (a drain at the crossing, as functional.ts did before) unless set from the detailed drains (DrainLagMeter).
//
// Measured (exact runs, 16 CPUs × mask 7 × 20,000, lazy_max_pages 40,960): the detailed drains detached a median of
// 4.16 × lazy_max_pages in mask order (28 drains; 10th / 90th percentile 1.0 / 95 ×) and 1.0 × shuffled (399;
// 0.03 / 2.8 ×, max 72 ×): the kworker shares a CPU with a test thread under the fair scheduler, and waits for
// vmap_purge_lock while a drain or a forced purge holds it.
import { fastPurge, purgeBatch, purging } from './functional.js';
import { LazyBatch } from './lazy-queue.js';
import type { VmapCore } from './vmap.js';

/**
 * The drain_vmap_work of one allocator as the functional path sees it: scheduled by a lazy free over
 * lazy_max_pages, run (fastPurge: decay_va_pool_node, the lists detached, purge_vmap_node's pool refill and
 * reclaim_list_global) once `lag` more lazy pages have come, and not while a purge simulated in detail holds
 * vmap_purge_lock (that drain detaches the lists the functional one would).
 */
export class FunctionalDrain {
  /** Lazy pages between schedule_work and the drain's detach of the lazy lists; [U] 0 – 100 × lazy_max_pages. */
  lag = 0;
  /** Drain passes run functionally. */
  passes = 0;
  private scheduled = false;
  /** Lazy pages freed since the drain was scheduled. */
  private since = 0;

  constructor(private readonly v: VmapCore) {}

  /**
   * Lazy frees laid down beside a drain simulated in detail (`besideLive`), or null: that drain holds the batch it
   * detached and vmap_purge_lock, so these frees are the lists the passes after it (drain_vmap_work requeued by
   * the frees over the limit, run back to back) detach, each `lazy_max_pages + lag` pages.
   */
  private side: LazyBatch | null = null;

  /** A drain is scheduled and has not run (work_pending). */
  get pending(): boolean {
    return this.scheduled;
  }

  /**
   * After a lazy free of `pages` counted in vmap_lazy_nr: free_vmap_area_noflush's `if (nr_lazy > nr_lazy_max)
   * schedule_work(…)` (a no-op while the work is pending), then the drain if its batch has come. While a drain
   * simulated in detail holds vmap_purge_lock, the schedule_work is that drain's (it runs again after): nothing is
   * scheduled here, and the next free over the limit after it tries again.
   */
  freed(pages: number): void {
    const v = this.v;
    if (!this.scheduled) {
      if (v.lazyNr <= v.lazyMaxPages || purging(v)) return;
      this.scheduled = true;
      this.since = 0;
    } else this.since += pages;
    if (this.since >= this.lag && !purging(v)) this.run();
  }

  /**
   * free_vmap_area_noflush without time: onto the lazy lists (their node's; vn_id = `home`), vmap_lazy_nr counted,
   * and the drain scheduled or run (`freed`); beside a drain in detail, onto the lists its next passes detach.
   */
  free(vpn: number, size: number, home: number): void {
    const v = this.v;
    v.lazyNr += size;
    const side = this.side;
    if (side === null) {
      v.lazy.push(vpn, size, 0, home);
      this.freed(size);
      return;
    }
    side.push(vpn, size, 0, home);
    if (side.pages >= v.lazyMaxPages + this.lag) {
      this.passes++;
      purgeBatch(v, side);
      side.clear();
    }
  }

  /**
   * Lays down frees beside the drain simulated in detail, if one holds vmap_purge_lock now (a skip decided while
   * the drain runs): until `besideEnd`, functional frees form the passes that follow it.
   */
  besideLive(): void {
    if (!purging(this.v)) return;
    this.side ??= new LazyBatch();
    this.side.clear();
  }

  /** The lay-down is over: the frees no pass took go on the lazy lists, for the drain in detail to detach. */
  besideEnd(): void {
    const side = this.side;
    if (side === null) return;
    this.side = null;
    for (let i = 0; i < side.count; i++) this.v.lazy.push(side.vpn[i], side.len[i], side.ptes[i], side.home[i]);
  }

  /** drain_vmap_area_work now: __purge_vmap_area_lazy(ULONG_MAX, 0, false) without time. */
  run(): void {
    this.scheduled = false;
    this.passes++;
    fastPurge(this.v);
  }
}

const drains = new WeakMap<VmapCore, FunctionalDrain>();

/** The allocator's functional drain (one per allocator, made on first use). */
export function drainOf(v: VmapCore): FunctionalDrain {
  let d = drains.get(v);
  if (d === undefined) {
    d = new FunctionalDrain(v);
    drains.set(v, d);
  }
  return d;
}

/**
 * The lazy pages past lazy_max_pages at which the detailed drains detach the lists: watched between loops (the
 * sampler's `next`), each detach seen as LazyQueue.taken moving, its batch as the lazy pages queued at the last look
 * before it plus the frees since (vmap_lazy_nr less the batch still being purged). A median over the drains seen: the
 * batches are heavy-tailed (a drain that waited behind another), and a mean would be set by the few longest waits.
 * The instrument behind the 4.16 × / 1.0 × figures above; no skip sets FunctionalDrain.lag from it yet.
 */
export class DrainLagMeter {
  private taken: number;
  private lastQueued = 0;
  private readonly over: number[] = [];

  constructor(private readonly v: VmapCore) {
    this.taken = v.lazy.taken;
  }

  /** Between loops: notes a detach since the last look. */
  observe(): void {
    const v = this.v;
    if (v.lazy.taken !== this.taken) {
      // Several detaches between two looks: only the last one's batch is known (its size is unknown, so skipped).
      if (v.lazy.taken === this.taken + 1) this.over.push(Math.max(0, this.lastQueued - v.lazyMaxPages));
      this.taken = v.lazy.taken;
    }
    this.lastQueued = v.lazy.pages;
  }

  /** Detaches measured. */
  get count(): number {
    return this.over.length;
  }

  /** The median lag over the last `window` detaches (0 before any). */
  lag(window = 16): number {
    const xs = this.over.slice(-window).sort((a, b) => a - b);
    if (xs.length === 0) return 0;
    const m = xs.length >> 1;
    return xs.length % 2 === 1 ? xs[m] : (xs[m - 1] + xs[m]) / 2;
  }
}
