// The arrangement a steady loop's workers enter it with: a skip of the loops before it moved them in step (plus a
// walk), where the exact run's arrive as their own history spread them, and the level a contended steady loop
// settles into depends on that arrangement (issue 13).
import type { Kind, Loop } from './sampler-loop.js';

/**
 * Relative uncertainty of a steady loop's rate when its workers entered it after a skip. [U] 0.01–0.05. Measured
 * (exact runs, 5.2, mask 5 × 20,000, mask order, every worker delayed by a uniform draw of up to 50 or 200 loops
 * before long_busy's main loop): its per-loop level moved −0.6 % / −1.2 % at 16 CPUs, −1.5 % / −2.9 % at 32,
 * +2.5 % / +2.5 % at 64 (600.7 k → 615.5 k cycles; after full_fit too, mask 7: −0.3 % for 50 loops), and then held
 * flat over the rest of the phase. The value is the largest move measured (2.9 %), rounded up. The workers stay
 * in lockstep (per-thread rates within 0.02 %) and the event counts barely change (purges 2,270 → 2,271, trylock
 * failures −1.2 %), so the level is the timing pattern of the lock queue and the purge, set at entry. Without a
 * phase before it (mask 4) the same delays leave it at 574.5 k: the pattern a predecessor leaves matters too, and
 * the skip cannot reproduce it. A skip within the phase moves every worker by the same time and keeps the level
 * (must-show 609.5 k before long_busy's skip, 606 k after), so the run cannot sample it by its own skips.
 */
export const ENTRY_ERROR = 0.03;

/** Loop `l` began after a skip of some other kind (its workers' arrangement is the sampler's, not the exact run's). */
export function enteredAfterSkip(l: Loop, kinds: ReadonlyMap<string, Kind>): boolean {
  for (const [tag, k] of kinds) if (tag !== l.tag && k.skipRound >= 0 && k.skipRound < l.began) return true;
  return false;
}
