// The arrangement a steady loop's workers enter it with: a skip of the loops before it moved them in step (plus a
// walk), where the exact run's arrive as their own history spread them, and the level a contended steady loop
// settles into depends on that arrangement (issue 13).
import type { Kind, Loop } from './sampler-loop.js';

/**
 * Relative uncertainty of a steady loop's rate when its workers entered it after a skip. [U] 0.01–0.05. Measured
 * (exact runs, 5.2, mask 5 × 20,000, mask order, every worker delayed by a uniform draw of up to 50 or 200 loops
 * before long_busy's main loop): its per-loop level moved −0.6 % / −1.2 % at 16 CPUs, −1.5 % / −2.9 % at 32,
 * +2.5 % / +2.5 % at 64 (600.7 k → 615.5 k cycles; after full_fit too, mask 7: −0.3 % for 50 loops), and then held
 * flat over the rest of the phase. The value is the largest move measured (2.9 %), rounded up. What moves is the
 * fragmentation of the free space the main loop cycles in, formed as the workers' set-ups, first loops and lazy
 * frees interleave at entry, and kept by the lowest-fit re-use of the purged holes (64 CPUs: 608 free extents on
 * average at 600.7 k, 1,548 at 615.45 k; about +10 k cycles per doubling, the free tree's search and merge one
 * level deeper under vmap_area_lock, which ~64 waiters each spin through). A delay mid-phase leaves it, as does a
 * skip within the phase (every worker moves by the same time), so the run cannot sample it by its own skips; the
 * skips before the phase enter it with another fragmentation (sampled mask 5 × 20,000: 382 extents against 608).
 * The extents form in the set-up → main-loop transition (exact: 2 when the first worker enters the main loop, 596
 * when the last does; sampled 251), as the early workers' purged main-loop areas fall among the late workers' last
 * set-up allocations. Putting its inputs right — the lazy queue's phase, which a skipped 5.2 main loop leaves where
 * the skip began (vmap_lazy_nr 5,880 pages against 31,144 exact at the set-up's start), and the workers' offsets
 * (exact workers end a steady loop in groups whose offsets grow with its length) — did not put the extents right
 * (65 … 1,223 for entry figures within 3 % of the exact ones; levels within ±2.7 % of exact at 20,000–300,000
 * loops): the holes depend on when each purge falls against the last set-ups. Nor can the run measure the range:
 * within a phase the extents oscillate inside each purge cycle and hold from cycle to cycle, so its rounds hold no
 * spread of fragmentation to fit a slope on. Hence a constant (vm-frag, issue 13).
 */
export const ENTRY_ERROR = 0.03;

/** Loop `l` began after a skip of some other kind (its workers' arrangement is the sampler's, not the exact run's). */
export function enteredAfterSkip(l: Loop, kinds: ReadonlyMap<string, Kind>): boolean {
  for (const [tag, k] of kinds) if (tag !== l.tag && k.skipRound >= 0 && k.skipRound < l.began) return true;
  return false;
}
