// Rounds that close without a thread stalled in a long iteration (sampler.ts `next`). 6.9's drain_vmap_work runs
// on the freeing CPU's kworker and is queued again while it runs, so one worker's iteration can span most of a main
// loop (16 CPUs × mask 1 × 20,000 loops: CPU 0's worker did no loop from 6.3 M to 60.9 M cycles while the others
// finished). A round then never closes and no rate is measured. Here such a thread closes its cycle where it
// stands: the time since its last mark with no loop, pooled into the round now closing; the rest of its iteration
// goes into the round in which it ends. Each thread's time and loops stay wholly partitioned into cycles, so the
// pooled ratio ΣY/ΣN still carries the stall (the purge is part of the steady cycle) and stays unbiased.
import type { Loop, Rate } from './sampler-loop.js';
import { ratio } from './sampler-stats.js';

/**
 * Closes the cycle of a thread still owing its mark at a regeneration event: returns the cycles since its last
 * mark (no loop done), or −1 if none are to be pooled (warming up, or its cycle straddles a skip). Its next cycle
 * starts here.
 */
export function stallCycle(l: Loop, round: number): number {
  const t = l.t;
  l.mark = false;
  l.stallRound = round;
  let y = -1;
  if (l.warm === 0 && l.markClock >= 0 && t.clock > l.markClock) {
    y = t.clock - l.markClock;
    l.keep(y, 0, t.sysCycles - l.markSys, t.userCycles - l.markUser);
    l.stalled = true;
  }
  l.markHere();
  return y;
}

/**
 * The thread is stalled in an iteration now: it closed a cycle where it stood and has passed no loop boundary since
 * (sampler.ts `next` clears `stallRound`). A skip
 * decided then moves it on at once, its CPU's clock with it: applied at its next boundary instead, the skip would
 * let the kworker holding its CPU finish its pass alone (the others already skipped ahead), the worker run on, and
 * the drain start afresh on another CPU (16 CPUs × mask 7 × 200,000 loops: CPU 0's worker, held by the drain until
 * 3,053 M cycles in the exact run, ended fix_size at 626 M after such a skip).
 */
export function stalledNow(l: Loop): boolean {
  return l.stallRound >= 0;
}

/**
 * A regeneration event while a kworker runs (6.9's drain or purge helpers) and the round still waits: every thread
 * still owing its mark but `at` closes its cycle where it stands (`stallCycle`), handed to `pool` when it has one.
 * Returns the marks so closed. (Closing at the first such event made vmap-bench 6.9 at 4 threads × 12,000
 * iterations skip nothing: a drain pass stalls a worker for less than a flush interval there, and rounds cut inside
 * it came out 5.4 % wide over 256 rounds.)
 */
export function closeStalled(
  loops: Iterable<Loop>,
  at: Loop,
  round: number,
  pool: (l: Loop, y: number) => void,
): number {
  let closed = 0;
  for (const l of loops) {
    if (!l.mark || l === at) continue;
    const y = stallCycle(l, round);
    if (y >= 0) pool(l, y);
    closed++;
  }
  return closed;
}

/**
 * The open round waits for a thread stalled behind a kworker: it has waited through a second regeneration event
 * (`events`: those seen since it opened), or a thread still owing its mark has stalled before without passing a loop
 * boundary since.
 */
export function stalledRound(events: number, loops: Iterable<Loop>): boolean {
  if (events >= 2) return true;
  for (const l of loops) if (l.mark && stalledNow(l)) return true;
  return false;
}

/** A thread's own cycles per loop over the cycles it kept (its window), or the kind's `ref` when it kept none. */
export function ownRate(l: Loop, r: Rate): number {
  return l.y.length > 0 ? ratio(l.y, l.n, 0, l.y.length).c : r.ref;
}

/**
 * How far a thread's own rate may place its share of a skip off the pooled rate `ref`: |own − ref| cycles per loop
 * (sampler.ts `maybeDecide`). A thread that stalled may have done no loop in its window (own = ∞): skipped by k
 * loops at the pooled rate it is placed at most k loops ahead of where it would be, each worth `ref` cycles.
 */
export function ownGap(l: Loop, own: number, ref: number): number {
  const gap = Math.abs(own - ref);
  if (!l.stalled) return gap;
  return Number.isFinite(gap) ? Math.min(gap, ref) : ref;
}

/**
 * Each thread's share of a skip of a kind with stalls (1: an even share), so that a thread stalled behind the
 * kworker is not moved on by loops it would not have run: its own loops per cycle over its kept cycles, relative to
 * the mean of its kind's threads. The kind's total stays the pooled one. (Pooled shares moved CPU 0's worker, which
 * the drain held, by the loops the others ran: at 16 CPUs × mask 7 × 200,000 loops fix_size came out −17.3 %
 * against the exact run: the held worker's tail, run in the exact run beside the others' full_fit set-up, was gone.)
 */
export function stallShares(loops: Iterable<Loop>, stalls: (tag: string) => boolean): Map<Loop, number> {
  const pace = new Map<Loop, number>();
  const sum = new Map<string, { p: number; k: number }>();
  for (const l of loops) {
    if (!stalls(l.tag)) continue;
    let y = 0;
    let n = 0;
    for (let i = 0; i < l.y.length; i++) {
      y += l.y[i];
      n += l.n[i];
    }
    const p = y > 0 ? n / y : 0;
    pace.set(l, p);
    const s = sum.get(l.tag) ?? { p: 0, k: 0 };
    s.p += p;
    s.k++;
    sum.set(l.tag, s);
  }
  const share = new Map<Loop, number>();
  for (const [l, p] of pace) {
    const s = sum.get(l.tag) as { p: number; k: number };
    share.set(l, s.p > 0 ? (p * s.k) / s.p : 1);
  }
  return share;
}
