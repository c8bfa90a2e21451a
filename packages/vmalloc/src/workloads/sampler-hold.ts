// The sampler's refusals (sampler.ts `maybeDecide`): loop mixes in which a skip would put the workers in a state
// the exact run would not reach, so every loop runs in detail until the mix changes.
import type { Loop, Rate } from './sampler-loop.js';
import { ratio } from './sampler-stats.js';

/**
 * A state-building loop whose threads' own rates since the last skip part from the pooled one: the workers are
 * falling out of step (6.9 at 16 CPUs, full_fit's set-up: within 1 % until 38,000 of 81,920 loops, then 4,236
 * to 5,620 cycles against 4,921). A skip moves every thread by one ΔT and would put them back in step, yet
 * which worker a later long stall hits (a purge helper holding free_vmap_area_lock for 1.6 G cycles) depends on
 * their positions: skipping there gave −26 % against the exact run, refusing +3 %. So such loops run in detail.
 * The threshold is [U] 0.02–0.1: above the ≈ 1 % per-thread noise of the steady set-ups measured, below the
 * 12 % seen when the workers part.
 *
 * Set-ups that advance in step on a FIFO lock (sampler-build.ts `lockstep`) are compared with their peers' own
 * rates over the same span, not with the pooled window: a thread's own rate covers every cycle since the last
 * skip (up to KEEP), the pooled one its last few rounds, and a set-up's rate rises with its position, so the two
 * part however closely the workers keep in step. 2.6.39 at 32 CPUs × mask 7 × 2,000, mask order, with set-ups
 * fitted as lines: every worker's own rate 10.7–13.7 % under the window's, identical to within 0.1 % across them,
 * 653 decisions refused in a row. Tear-downs keep the pooled reference: with theirs compared with their peers as
 * well, 2.6.28's long_busy tear-down at 32 CPUs × 20,000 came out −21.7 % against a 19.6 % bound (−15.0 % within
 * 21.3 % without the change; with set-ups only, −10.1 % within 22.5 %).
 *
 * `noisy`: the set-ups' lock is unfair (2.6.27's biased vmlist_lock, core rwlock-biased.ts): each release goes to a
 * drawn waiter, so a thread's own rate over its cycles since the last skip carries that draw, and the threshold is
 * widened by the thread's own 95 % half-width. Without it 2.6.27 at 16 CPUs × mask 7 × 20,000 (mask order) ran
 * 561,408 of full_fit's free-junk loops in detail on this refusal alone.
 */
export function diverging(loops: Iterable<Loop>, rate: Map<string, Rate>, divergence: number, noisy = false): boolean {
  // Read twice: the sampler passes a map's values() iterator, which the first pass would exhaust.
  const all = [...loops];
  const peers = peerRates(all);
  for (const l of all) {
    if (l.fast === null || l.y.length === 0) continue;
    const c = l.lockstep && l.counted ? (peers.get(l.tag) as number) : (rate.get(l.tag) as Rate).ref;
    const own = ratio(l.y, l.n, 0, l.y.length);
    // Under an unfair lock a thread's share of the lock's rounds is a draw (`noisy`): only a gap past that draw's
    // own 95 % half-width parts the workers.
    if (Math.abs(own.c - c) > divergence * c + (noisy ? own.h : 0)) return true;
  }
  return false;
}

/** Per set-up kind, the lockstep threads' own cycles since the last skip pooled: Σy / Σn over all of them. */
function peerRates(loops: Iterable<Loop>): Map<string, number> {
  const y = new Map<string, number>();
  const n = new Map<string, number>();
  for (const l of loops) {
    if (!l.lockstep || !l.counted) continue;
    for (let i = 0; i < l.y.length; i++) {
      y.set(l.tag, (y.get(l.tag) ?? 0) + l.y[i]);
      n.set(l.tag, (n.get(l.tag) ?? 0) + l.n[i]);
    }
  }
  const c = new Map<string, number>();
  for (const [tag, sy] of y) c.set(tag, sy / (n.get(tag) as number));
  return c;
}

/**
 * No skip while a state-building loop runs beside another case (test_vmalloc's mixed phases): its functional
 * fast-forward leaves a layout and a contention the other case, measured in detail, would not meet in the exact
 * run (5.2, 16 CPUs × mask 7 × 2,000 loops: fix_size −8.3 % against a 0.05 % bound with such skips, −0.3 %
 * within 5.2 % without; 9.2 s of CPU against 7.6 s, exact 10.1 s). None at all without `skipBuilds`: 6.9's
 * full_fit, one loop, skipped in step came out −26 % at 16 CPUs and −55 % at 64 (exact 2.48 s against 1.12 s
 * sampled: the exact run's purge helpers stall most workers for 4–12 G cycles, the sampled run's one).
 */
export function buildsHeld(loops: Iterable<Loop>, skipBuilds: boolean): boolean {
  let kase: string | null = null;
  let mixed = false;
  let building = false;
  for (const l of loops) {
    if (l.fast !== null) building = true;
    const c = l.kase;
    if (kase === null) kase = c;
    else if (c !== kase) mixed = true;
  }
  return building && (mixed || !skipBuilds);
}

/**
 * A kworker (6.9's drain, a purge helper) is live while a state-building loop runs: no skip. A builder skipped in
 * step beside it would leave out the stalls its threads meet: a pass of __purge_vmap_area_lazy hands
 * clamp(vmap_lazy_nr / lazy_max_pages, 1, nodes) − 1 nodes' purge_vmap_node to helper works on the nodes' CPUs
 * (node n on CPU n), whose reclaim_list_global holds free_vmap_area_lock, and drain_vmap_area_work shares its CPU.
 * Measured per pass (vm-69build; exact, mask order, 64 CPUs × mask 3 × 200,000): without a helper a worker lost a
 * mean 9.7 × 10⁴ cycles (21 passes, full_fit's set-up); with 32 or more a mean 8.1 × 10⁷, up to 2.35 G (18 passes;
 * one pass of full_fit's tear-down cost every worker 8.1 × 10⁸). The set-ups' own cost is the workers' contention
 * (lock waits 67–91 % of a loop), not these stalls (regression on the passes each saw: R² 0.02–0.48). It is not what
 * holds 6.9 in detail: with it off, 6.9 at 64 CPUs × mask 7 × 1,000,000 (mask order) ran 154,699,563 loops in detail
 * with the same 6 skips and results as vm-69skip's run with it (the case-order gate, the mixed-phase hold and the
 * cycle log hold them), and outputs were identical at 16 CPUs × 200,000 and 8–32 CPUs × 2,000–20,000, both orders.
 */
export function kworkerBesideBuilder(kworkersLive: number, loops: Iterable<Loop>): boolean {
  if (kworkersLive === 0) return false;
  for (const l of loops) if (l.fast !== null) return true;
  return false;
}

/**
 * Whether a loop that is not a set-up runs (a main loop, free-junk or a tear-down: each frees, so the lazy list
 * fills and purges come): SamplingOptions.purgeStallsBuilds's condition.
 */
export function besideFrees(loops: Iterable<Loop>): boolean {
  for (const l of loops) if (!l.counted) return true;
  return false;
}
