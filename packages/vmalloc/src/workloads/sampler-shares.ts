// Each thread's share of a decided skip (sampler.ts `maybeDecide`): how many of its loops it skips, by how many
// cycles its clock jumps, and the error it carries; and which shares are state-building loops to lay down.
import type { Rng, Thread } from '@kmemsim/core';
import { keepInStep } from './sampler-build.js';
import { interleaveBuilds, skipDrift, skipLoops } from './sampler-decide.js';
import { replaySteady, STEADY_SKIP_ERROR } from './sampler-ff.js';
import type { Loop, Rate } from './sampler-loop.js';
import { layMixed, type MixedLayout, type MixedShare } from './sampler-mixed.js';
import { keepOrder } from './sampler-pace.js';
import { ownGap, ownRate, stalledNow } from './sampler-round.js';

/** What the shares read besides the loops: the decision's rates, span, pacing and the sampler's stream. */
export interface ShareContext {
  rate: ReadonlyMap<string, Rate>;
  /** The skip's span in cycles (sampler-decide.ts `skipSpan`). */
  dt: number;
  /** Each loop's CPU share and pace gap (sampler-pace.ts `paceShares`). */
  shares: Map<Loop, number>;
  gaps: Map<Loop, number>;
  /** The thread that decided (its loop is at its boundary), or null (in-step ends: every loop waits for it). */
  decider: Thread | null;
  /** Loops each thread keeps in detail at its loop's end (sampler-build.ts IN_STEP_TAIL, or 0). */
  tail: number;
  /** A mixed phase: every skipped loop is laid down (sampler-mixed.ts). */
  mixedPhase: boolean;
  rng: Rng;
}

/**
 * Sets every loop's pending share (`pendingK`, `pendingJump`, `pendingErr`) in the loops' order (the stream's draws
 * follow it). A thread stalled behind a kworker moves on at once (sampler-round.ts `stalledNow`): `now(l)`; the others
 * take their share at their next boundary: `later()`. Returns the state-building (or mixed-phase) shares to lay down.
 */
export function setShares(
  loops: Iterable<Loop>,
  x: ShareContext,
  now: (l: Loop) => void,
  later: () => void,
): MixedShare[] {
  const builds: MixedShare[] = [];
  for (const l of loops) {
    const r = x.rate.get(l.tag) as Rate;
    const remaining = l.count - l.done - (l.t === x.decider ? 0 : 1) - x.tail;
    const k = skipLoops(l, r, x.dt, keepOrder(l, x.shares, x.gaps, r, x.dt), remaining, x.rng);
    const own = ownRate(l, r);
    l.pendingK = k;
    l.pendingJump = Math.round(x.dt);
    l.pendingErr = k * (r.h + skipDrift(l, r, k) + ownGap(l, own, r.ref)) + r.c * (r.perRound + 1);
    if (l.steady !== null) l.pendingErr += STEADY_SKIP_ERROR * k * r.c; // its lay-down's share (sampler-ff.ts)
    if (l.t !== x.decider && stalledNow(l)) now(l);
    else later();
    if ((l.fast !== null || x.mixedPhase) && k > 0) builds.push({ l, from: l.done + (l.t === x.decider ? 0 : 1), k });
  }
  return builds;
}

/**
 * Lays the skipped state down: a mixed phase's shares by its layout (`mixed`, sampler-mixed.ts); else the
 * state-building shares kept in step and interleaved as their lock would, and the lazy areas the skipped steady
 * loops with a fast-forward leave (sampler-ff.ts).
 */
export function layDown(builds: MixedShare[], loops: Iterable<Loop>, mixed: MixedLayout | null): void {
  if (mixed !== null) {
    layMixed(builds, mixed);
    return;
  }
  keepInStep(builds);
  interleaveBuilds(builds);
  replaySteady(loops);
}
