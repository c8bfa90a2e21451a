// The pieces of a skip decision (sampler.ts `maybeDecide`): every kind's rate, how far the mix may skip, each
// loop's error over the skip, and the functional lay-down of skipped state-building loops.

import type { Rng } from '@kmemsim/core';
import { ENTRY_ERROR, enteredAfterSkip } from './sampler-entry.js';
import { loopsIn, setUpRate } from './sampler-growth.js';
import type { FastForward, Kind, Loop, Rate } from './sampler-loop.js';
import type { MeasureContext } from './sampler-measure-context.js';
import type { MixedShare } from './sampler-mixed.js';
import { measure } from './sampler-rate.js';
import { gauss } from './sampler-stats.js';

/**
 * The rate of every loop kind in the mix, or null while one is not measured (sampler-rate.ts `measure`). A steady
 * loop entered after a skip carries ENTRY_ERROR of its rate in its half-width (sampler-entry.ts).
 */
export function measureKinds(
  loops: Iterable<Loop>,
  kinds: ReadonlyMap<string, Kind>,
  ctx: MeasureContext,
): Map<string, Rate> | null {
  const rate = new Map<string, Rate>();
  for (const l of loops) {
    if (rate.has(l.tag)) continue;
    const k = kinds.get(l.tag);
    if (k === undefined) return null;
    const r = measure(k, l, ctx);
    if (r === null) return null;
    if (l.fast === null && enteredAfterSkip(l, kinds)) r.h += ENTRY_ERROR * r.c;
    rate.set(l.tag, r);
  }
  return rate;
}

/**
 * Cycles the mix may skip: up to the end of the loop that ends first (its thread then goes on, in detail, to
 * whatever follows) less `tail` loops it then runs in detail, no further than any state-building loop's model
 * reaches; NaN when that is under two rounds.
 */
export function skipSpan(
  loops: Iterable<Loop>,
  rate: ReadonlyMap<string, Rate>,
  shares: Map<Loop, number>,
  tail = 0,
): number {
  let dt = Number.POSITIVE_INFINITY;
  let roundTime = 0;
  for (const l of loops) {
    const r = rate.get(l.tag) as Rate;
    const share = shares.get(l) ?? 1;
    const left = l.count - l.done - 1 - tail;
    dt = Math.min(dt, (left * setUpRate(r, l.done, left)) / share);
    // A set-up's rate grows with the state it built: at most as many loops as it has done (or three times as
    // many, its model having held), so the state at most doubles (quadruples) between two measurements.
    if (l.counted) dt = Math.min(dt, (r.grow - 1) * l.done * setUpRate(r, l.done, (r.grow - 1) * l.done));
    // A tear-down's falls as its state shrinks: at most half the loops left, so it is measured again before the end.
    else if (l.fast !== null)
      dt = Math.min(dt, ((l.count - l.done) / 2) * setUpRate(r, l.done, (l.count - l.done) / 2));
    // A tear-down fitted as a line: no further than its slope is known (sampler-rate.ts `linear`).
    if (r.reach < Number.POSITIVE_INFINITY) dt = Math.min(dt, r.reach * setUpRate(r, l.done, r.reach));
    roundTime = Math.max(roundTime, r.perRound * r.c);
  }
  return dt >= 2 * roundTime ? dt : Number.NaN;
}

/**
 * Loops of `l` in a skip of `dt` cycles at rate `r` (its CPU share `share`), at most `remaining`. A steady loop's
 * threads drift apart as a random walk. A state-building loop's take turns on one lock and stay in step: 2.6.28 at
 * 16 CPUs, mask 2 × 5,000, the exact run's workers ended set-up within 9.4 G of 175,000 G cycles; given the walk,
 * the sampled ones within 467 G, and the early ones then ran the main loop beside the late ones' free-junk at
 * 80.7 M cycles per loop against 66.6 M exact (without it: 66.8 M). So a state-building loop gets no walk (the
 * draw is still made, so the stream of the others stays the same). Nor does a steady loop laying down its state
 * (sampler-ff.ts: the lazy-walk designs, whose every loop takes vmap_area_lock and vmlist_lock): 2.6.37 at 16 CPUs
 * × mask 7 × 20,000, mask order, the tear-downs after the main loops came out +8.7 % and +21.7 % against the exact
 * run with the walk, +0.4 % and +2.1 % without.
 */
export function skipLoops(l: Loop, r: Rate, dt: number, share: number, remaining: number, rng: Rng): number {
  const rounds = dt / (r.perRound * r.c);
  const walk = Math.round(
    gauss(rng) * r.spread * Math.sqrt(rounds) * (l.fast === null && l.steady === null ? share : 0),
  );
  return Math.max(0, Math.min(remaining, Math.floor(loopsIn(r, l.done, dt) * share) + walk));
}

/**
 * How far a state-building loop's rate may move per loop over a skip of `k` loops (0 for a steady loop). Its
 * rate drifts: the window's halves moved by `trend` over half a window, so over the skip the rate moves by up to
 * trend · (window + k) / window; or by what it moved since the last skip. A set-up with a growth model: its rate
 * over the skip lies between its present one and that plus the growth of the doublings skipped (the model takes
 * the middle); the error is that whole rise, not half of it, as the loops simulated after a fast-forward run up to
 * 6 % faster than in the exact run (5.2, 8 CPUs, full_fit's free-junk: the areas placed functionally are not laid
 * out exactly as the lock interleaved them), or what the last model missed. A tear-down fitted as a line
 * (sampler-linear.ts): the slope's half-width over the distance from the fitted window's centre to the middle of
 * the skip, and what the last line missed.
 */
export function skipDrift(l: Loop, r: Rate, k: number): number {
  if (l.fast === null) return 0;
  if (!Number.isNaN(r.slope)) return r.slopeH * (r.lag + k / 2) + r.moved;
  if (Number.isNaN(r.growth)) return Math.max((r.trend * (r.window + k)) / r.window, r.moved);
  return Math.max(Math.abs(r.growth * Math.log2((l.done + k) / l.done)), r.moved);
}

/** State-building loops skipped functionally, one loop of each thread in turn (as a FIFO lock interleaves them). */
export function interleaveBuilds(builds: MixedShare[]): void {
  for (let progressed = true; progressed; ) {
    progressed = false;
    for (const b of builds) {
      const step = Math.min(b.k, 1);
      if (step === 0) continue;
      (b.l.fast as FastForward)(b.from, step);
      b.from += step;
      b.k -= step;
      progressed = true;
    }
  }
}

/** Each skipped kind remembers where it skipped and at what rate (the next measurement's `moved` and growth). */
export function noteSkip(kinds: ReadonlyMap<string, Kind>, rate: ReadonlyMap<string, Rate>, round: number): void {
  for (const [tag, r] of rate) {
    const k = kinds.get(tag) as Kind;
    k.skipRound = round;
    k.lastC = r.c;
    k.lastAt = r.at;
    k.lastGrowth = r.growth;
    k.lastSlope = r.slope;
  }
}
