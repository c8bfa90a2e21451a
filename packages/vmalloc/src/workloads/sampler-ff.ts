// A skipped steady loop's state, carried over (the regenerative argument): a main loop of test_vmalloc allocates and
// frees, so all it leaves behind are its lazily freed areas. Each purge returns every one of them, so after a purge
// the allocator is where the previous purge left it: a skip of R loops leaves what the loops after its last purge
// left. Those are replayed functionally (`SteadyForward.once`) after a functional purge: at most one purge cycle,
// however long the skip. Where the hole search walks the lazy areas (2.6.28–2.6.39), what follows is measured on
// the right state (a skip that ran nothing left them where it began: full_fit +77 % against the exact run).
import type { PurgeCycle, PurgeTally } from '../mechanism/functional.js';
import type { Loop } from './sampler-loop.js';

/**
 * Relative error of a skipped steady loop that lays down its state, [U] 0.05–0.1: the lazy pages a skip leaves are
 * known to within a purge cycle, and the loop's rate follows the queue's fill, more than its rounds show. Measured
 * with set-ups in detail, 16 CPUs × mask 7 × 2,000 and 20,000, mask order (2.6.28, 2.6.37, 2.6.39): skipped main
 * loops −4.4 to +4.4 % against the exact run's phases, with statistical bounds as low as 0.3 %.
 */
export const STEADY_SKIP_ERROR = 0.06;

/**
 * Relative error of a skipped steady loop whose case's set-up was skipped too, [U] 0.1–0.25 (0.25: the sampler's
 * term for a loop in detail after its case's fast-forward, which these loops' rate was measured on): what follows
 * a set-up laid down in step still meets the functional layout. Measured, 16 and 32 CPUs × mask 7 × 2,000 and
 * 20,000, mask order: such main loops −9.8 % (2.6.39, 32 × 2,000, long_busy; 0.06 gave a 9.4 % bound) to +5.8 %.
 */
export const FORWARDED_SKIP_ERROR = 0.12;

/**
 * Relative error of a skipped main loop whose iteration allocates a large and a small area under the hole search
 * that walks from VMALLOC_START (alloc_vmap_area's rb_next walk, 2.6.28–2.6.38; long_busy_list_alloc_test's 100 +
 * 1 pages), [U] 0.25–1.0: the small one finds a hole below the busy list or walks all of it, so a loop costs one to
 * two whole-list walks (1.0: a factor 2). The holes below the list decide which, and each purge returns the same
 * ones (2.6.37 at 32 CPUs, exact: one split from the main loop's 2nd purge on): those of whichever of full_fit's 64
 * ptr arrays were still lazy when long_busy's set-up ended, i.e. the lazy queue's phase at full_fit's end, which a
 * few hundred areas move (SlipMeter keeps it). 13 arrays purged before the set-up left the 100-page areas 28 low
 * holes and room below the list for every 1-page one (47 % of the walks cross it); 7 left 46 holes and 85 %.
 * Measured with SlipMeter, mask 7 × 20,000, mask order, long_busy's main loop against the exact run: 2.6.37 +20.1 %
 * (32 CPUs) and +3.7 % (16), 2.6.28 −21.8 % (32) and +6.6 % (16). 0.4: about twice the largest.
 */
export const SPLIT_WALK_ERROR = 0.4;

/** One steady loop kind's functional fast-forward (test-cases.ts `loop`). */
export interface SteadyForward {
  /** One loop of the kind without time (fastAlloc + fastFree, the workload's own draws). */
  once(): void;
  /** Pages one loop frees lazily, guard pages included (a mean where its sizes are random). */
  readonly pages: number;
  /** The allocator's purge cycle: what the loops' lazy frees fill. */
  readonly cycle: PurgeCycle;
  /** The case's set-up was skipped: its skipped loops carry FORWARDED_SKIP_ERROR, not STEADY_SKIP_ERROR. */
  readonly forwarded?: boolean;
  /** Its cost depends on the layout below the busy list: its skipped loops carry SPLIT_WALK_ERROR. */
  readonly splitWalk?: boolean;
  /** How far the detailed purges run past the crossing (SlipMeter); none: a purge at the crossing. */
  readonly slip?: SlipMeter;
}

/**
 * The loops a purge simulated in detail runs past the free that took vmap_lazy_nr over lazy_max_pages: the
 * opportunistic purge (try_purge_vmap_area_lazy's spin_trylock of purge_lock, 2.6.28–2.6.38; its walk of
 * vmap_area_list takes every VM_LAZY_FREE area it passes) takes the queue when its thread gets the purge lock in
 * time order, so the frees other CPUs made meanwhile are in its batch. A functional purge takes it at the crossing. Where the lazy queue's phase decides the layout — which of a case's
 * last frees are still lazy when the next case lays down its state, under the walk from VMALLOC_START — a skip
 * must keep the detailed cycle: 2.6.37 at 32 CPUs × mask 7 × 20,000, fix_size's detailed purges took 24,607 areas
 * (30 past the 24,577 of the crossing), full_fit's main loop's 24,589, so the skips' phase drifted by ~300 areas
 * from the exact run's: the 64 ptr arrays full_fit_alloc_test frees last, 7 instead of 13 purged before long_busy's
 * set-up, left long_busy's 100-page areas 46 low holes instead of 28, and its 1-page ones crossed the list.
 */
export class SlipMeter {
  private measured = -1;
  /** The tally just after the loop's first purge (null before): the batches after it hold only its own areas. */
  private at: PurgeTally | null = null;
  /**
   * @param cycle - the allocator's purge cycle
   * @param taken - LazyQueue.taken when the loop began
   * @param areas - areas one loop frees lazily
   */
  constructor(
    private readonly cycle: PurgeCycle,
    private readonly taken: number,
    private readonly areas: number,
  ) {}

  /** After each detailed loop: the first purge since the loop began anchors the measurement (its batch held areas of before). */
  observe(): void {
    if (this.at !== null) return;
    const now = this.cycle.tally();
    if (now.taken !== this.taken) this.at = now;
  }

  /**
   * Mean loops past the crossing of the detailed purges after the loop's first (0 until two of them ran, or while
   * a functional one took the queue in between), measured once and kept.
   * @param crossing - loops from an empty queue to the crossing, ⌊limit / p⌋ + 1
   */
  loops(crossing: number): number {
    if (this.measured >= 0 || this.at === null) return Math.max(0, this.measured);
    const now = this.cycle.tally();
    const purges = now.purges - this.at.purges;
    if (purges < 2 || now.taken - this.at.taken !== purges) return 0;
    const batch = (now.frees - this.at.frees + this.at.queued - now.queued) / purges / this.areas;
    this.measured = Math.max(0, Math.round(batch - crossing));
    return this.measured;
  }
}

/**
 * Lays down the state a decided skip leaves: for every steady loop with a fast-forward and `pendingK` skipped
 * loops, the loops past the skip's last purge, replayed one loop of each thread in turn (as the lock interleaves
 * them). Returns the loops replayed.
 *
 * From `L` lazy pages, loops of `p` pages each (p̄: the skip's mean) purge first at j₀ = ⌊(limit − L)/p̄⌋ + 1 loops,
 * then every C = ⌊limit/p̄⌋ + 1 loops (the free that takes vmap_lazy_nr past the limit purges, itself included), each
 * `slip` loops later where the detailed purges ran that far past the crossing (SlipMeter): j₀ + slip, C + slip. A
 * skip of R ≥ j₀ loops ends r = (R − j₀) mod C loops after a purge: purge now, replay r. R < j₀: replay all R.
 * (r past the crossing, a purge still pending in detail: the replay's own functional free purges there instead.)
 */
export function replaySteady(loops: Iterable<Loop>): number {
  const items: { f: SteadyForward; k: number }[] = [];
  let total = 0;
  let pages = 0;
  for (const l of loops) {
    if (l.steady === null || l.pendingK <= 0) continue;
    // The sampler charged STEADY_SKIP_ERROR of the skip's cycles; a case whose set-up was skipped carries more, and
    // a loop whose walk length the unregenerated layout decides more still.
    const term =
      l.steady.splitWalk === true
        ? SPLIT_WALK_ERROR
        : l.steady.forwarded === true
          ? FORWARDED_SKIP_ERROR
          : STEADY_SKIP_ERROR;
    l.pendingErr += (term - STEADY_SKIP_ERROR) * l.pendingJump;
    items.push({ f: l.steady, k: l.pendingK });
    total += l.pendingK;
    pages += l.pendingK * l.steady.pages;
  }
  if (items.length === 0) return 0;
  const cycle = items[0].f.cycle;
  // No lazy queue: every loop ends where it began.
  if (cycle.limit === 0) return 0;
  const p = pages / total;
  const crossing = Math.floor(cycle.limit / p) + 1;
  // A detailed purge takes the queue `slip` loops past the crossing (SlipMeter): so does the skip's.
  const slip = items[0].f.slip?.loops(crossing) ?? 0;
  const first = Math.floor((cycle.limit - cycle.lazy()) / p) + 1 + slip;
  let r = total;
  if (total >= first) {
    r = (total - first) % (crossing + slip);
    // A purge in detail holds the queue: it is the skip's last purge, and the replayed loops follow it.
    cycle.purge();
  }
  return interleave(items, r, total);
}

/** `r` of the `total` skipped loops, each thread its share (largest remainders), one loop of each in turn. */
function interleave(items: { f: SteadyForward; k: number }[], r: number, total: number): number {
  const share = items.map((it) => Math.floor((it.k * r) / total));
  let spare = r - share.reduce((a, b) => a + b, 0);
  const order = items.map((it, i) => ({ i, rem: (it.k * r) % total })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (const o of order) {
    if (spare === 0) break;
    share[o.i]++;
    spare--;
  }
  for (let left = r; left > 0; ) {
    for (let i = 0; i < items.length; i++) {
      if (share[i] === 0) continue;
      items[i].f.once();
      share[i]--;
      left--;
    }
  }
  return r;
}
