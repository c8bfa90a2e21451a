// A loop kind's measured rate (sampler.ts `maybeDecide`): the regenerative ratio over its recent pooled rounds,
// or null while it is not yet steady (too few rounds, too wide, a trend).

import { linearRate, type SetUpLine, setUpLine } from './sampler-linear.js';
import { KEEP, type Kind, type Loop, type Rate, roundSpan } from './sampler-loop.js';
import type { MeasureContext } from './sampler-measure-context.js';
import type { RateRefusal } from './sampler-refusal.js';
import { cycleRatio, flushCycles, flushRate } from './sampler-round-flush.js';
import { loggedRate } from './sampler-round-log.js';
import { settledFrom } from './sampler-round-settle.js';
import { pairedRatio, ratio } from './sampler-stats.js';

/** Why the last `measureIn` returned null (read at once by `measure`, for the refusal trace only). */
let refusal: RateRefusal = '';

/**
 * The rate of loop kind `k`, which loop `l` runs: recent, tight, trend-free cycles (null: not steady yet). A kind's
 * rate depends on the mix it runs in: 5.2, mask 7, shuffled, every loop in detail, its rate over the 8 rounds after
 * a change of the mix moved from that over the 8 before by a median of 6–28 % at 64 CPUs × 2,000 loops (4–21 % at
 * 16), where within one mix such windows moved by 0.00–3.5 %. So a steady loop whose whole window does not pass
 * (a trend across the change, too wide) is measured again over the rounds begun in the present mix.
 */
export function measure(k: Kind, l: Loop, o: MeasureContext): Rate | null {
  const r = measureIn(k, l, o, false);
  if (r !== null) return r;
  const whole = refusal;
  if (l.fast !== null) {
    o.refused?.rate(l.tag, whole);
    return null;
  }
  const m = measureIn(k, l, o, true);
  if (m !== null) return m;
  const inMix = refusal;
  if (o.flushCycles === true) {
    // Rounds too short to carry the purges' share evenly: the same rounds as whole flush cycles.
    const f = flushRate(k, o, false);
    if (typeof f !== 'string') return f;
    const g = flushRate(k, o, true);
    if (typeof g !== 'string') return g;
    // In a mixed phase, too few whole cycles in the window: those of the present mix logged past it
    // (sampler-round-log.ts).
    if (o.loggedCycles === true) {
      const lg = loggedRate(k, o);
      if (typeof lg !== 'string') return lg;
      o.refused?.rate(l.tag, whole, `${inMix}; cycles ${f}; in mix ${g}; logged ${lg}`);
      return null;
    }
    o.refused?.rate(l.tag, whole, `${inMix}; cycles ${f}; in mix ${g}`);
    return null;
  }
  o.refused?.rate(l.tag, whole, inMix);
  return null;
}

/** `measure` over the kind's recent rounds, or (`inMix`) those of them begun in the present mix. */
function measureIn(k: Kind, l: Loop, o: MeasureContext, inMix: boolean): Rate | null {
  const building = l.fast !== null;
  const first = inMix ? o.mixFrom : Number.NEGATIVE_INFINITY;
  // Recent rounds only: the kind must have been measured within the last few rounds (a state-building loop:
  // since its last skip, as its rate moves with the state).
  let from = k.round.length;
  while (
    from > 0 &&
    o.round - k.round[from - 1] < o.window &&
    k.round[from - 1] >= first &&
    !(building && k.round[from - 1] <= k.skipRound)
  )
    from--;
  // A state-building loop's rate moves in steps (tree depth, cache levels): its last `need` rounds, when they
  // are tight (and, for a tear-down, span purges), so that a step leaves the window after `need` rounds; else
  // every round since its last skip. (Requiring every tear-down window to span purges made no skip possible
  // in test_vmalloc's mixed phases, where set-up ticks start most rounds: 12.2 s vs 7.6 s of CPU at 16 CPUs
  // × mask 7 × 2,000 loops, and no closer to the exact run.)
  if (building && k.round.length - from > o.need) {
    const last = k.round.length - o.need;
    const r = (l.counted ? ratio : pairedRatio)(k.y, k.n, last, k.round.length);
    if (r.h <= o.relError * r.c && (l.counted || o.flushesIn(k, last) >= 2)) from = last;
  }
  // A steady kind with stalls (6.9's drain), or on a machine whose CPUs kworkers share by turns (the first drain
  // waits out a slice and leaves pools that decay over the next purges), settles over its first rounds: they leave
  // the window (sampler-round-settle.ts).
  // So does a main loop laying down lazy areas (sampler-ff.ts): its first round meets the state the phase before it
  // left (2.6.39 at 64 CPUs × mask 3 × 20,000, full_fit: 78.4 M cycles per loop over the first round's 21,320 loops,
  // 58.0 M in each of the 23 after; the must-show's first rounds kept its half-width over 1 % for ~250 rounds).
  if (!building && (k.stalls || l.t.engine.fairShare !== null || l.steady !== null))
    from = settledFrom(k.y, k.n, from, k.round.length, o.need);
  const m = k.round.length - from;
  if (m < o.need) {
    refusal = 'few rounds';
    return null;
  }
  // Purges may alternate in size (a purge that ran long leaves a larger batch to the next): a state-building
  // loop's half-width is taken over pairs of rounds, which such a cycle of two leaves steady.
  let s = building && !l.counted ? pairedRatio(k.y, k.n, from, k.round.length) : ratio(k.y, k.n, from, k.round.length);
  const half = from + (m >> 1);
  let trend = Math.abs(ratio(k.y, k.n, from, half).c - ratio(k.y, k.n, half, k.round.length).c);
  // A set-up's rounds since its last skip, too wide as rounds, may be tight as whole flush cycles: beside steady
  // workers' purges its rounds are slivers too (sampler-round-flush.ts).
  // A set-up beside loops that free meets their purges: each frees a lazy_max_pages batch under the lock it allocates
  // under (__purge_vmap_area_lazy), stalling it. 5.2 shuffled, 16 CPUs × mask 7 × 20,000: seven workers' full_fit
  // set-ups beside others' main loop and tear-down stalled 25.7 M cycles every ~6,464 loops each (~15 % of their
  // cycles); windows between two purges hold none of it, are tight, and their skips jumped 0.84–0.89 of the exact
  // cycles (the phase −3.35 % against ±2.91 %). So such a set-up's rate is taken over whole flush cycles, unless its
  // window spans `need` purges or more (then a part cycle at either end moves their share by under 1/need).
  // Neither the stall share of the cycles before the last skip (it moved the rate by a median 1.4–2.2 % across a
  // skip) nor fewer whole cycles since it (at least two, logged past the window: the same outputs at every size checked,
  // another kind refusing too) lets it skip sooner: docs/vmalloc-sampling.md, "What the purge-stall rule costs".
  const stalled = l.counted && o.flushCycles === true && o.besideFrees === true && o.flushesIn(k, from) < o.need;
  const cy =
    l.counted && o.flushCycles === true && (stalled || !(s.h <= o.relError * s.c)) ? setUpCycles(k, from, o) : null;
  if (cy !== null) {
    s = cy;
    trend = cy.trend;
  } else if (stalled) {
    refusal = 'between flushes';
    return null;
  }
  if (!(s.h <= o.relError * s.c)) {
    refusal = building && !l.counted ? 'wide, no line' : 'wide';
    return building && !l.counted ? linear(k, l, from, o) : null;
  }
  if (!building && trend > 2 * s.h + 1e-9 * s.c) {
    refusal = 'trend';
    return null;
  }
  let moved = building && k.lastC > 0 ? Math.abs(s.c - k.lastC) : 0;
  // A set-up's rate grows with the log of its state (a tree one level deeper per doubling, a cache level
  // further): fitted on the positions of its last skip and this window, as `growth` cycles per doubling.
  let growth = Number.NaN;
  let grow = 2;
  let line: SetUpLine | null = null;
  const at = l.counted || l.walk ? o.meanDone(l.tag) : 0;
  const { perRound, spread } = roundSpan(k, from, k.round.length);
  // A set-up walking a list of every area before it: its rate as a line in its position (sampler-linear.ts).
  if (l.walk && k.lastC > 0 && k.lastAt > 0 && at >= Math.SQRT2 * k.lastAt)
    line = setUpLine(s.c, s.h, at, perRound * m, k.lastC, k.lastAt, k.lastSlope);
  if (l.walk && line === null) {
    // No line yet: its first point, or the present window too near the last. Such a set-up's skip at its window's
    // rate fell 24–42 % short of the exact run's cycles over the same loops (2.6.27, 16 CPUs × mask 7 × 5,000, mask
    // order: long_busy's first skip, a doubling at the rate of the window before it): it runs on in detail, its
    // first measured window kept as the line's first point.
    if (!(k.lastC > 0)) {
      k.lastC = s.c;
      k.lastAt = at;
    }
    refusal = 'one point';
    return null;
  } else if (l.counted && k.lastC > 0 && k.lastAt > 0 && at >= Math.SQRT2 * k.lastAt) {
    const d = Math.log2(at / k.lastAt);
    growth = (s.c - k.lastC) / d;
    // How far the last skip's own model missed this window's rate; a model that held may skip two doublings.
    if (!Number.isNaN(k.lastGrowth)) {
      moved = Math.abs(s.c - (k.lastC + k.lastGrowth * d));
      if (moved <= Math.abs(growth) / 4 + s.h) grow = 4;
    }
  }
  if (line !== null)
    return {
      c: line.c,
      h: s.h,
      trend,
      moved: line.moved,
      growth: Number.NaN,
      grow: line.grow,
      at,
      window: perRound * m,
      spread,
      perRound,
      slope: line.slope,
      slopeH: line.slopeH,
      reach: Number.POSITIVE_INFINITY,
      lag: line.lag,
      ref: s.c,
    };
  return {
    c: s.c,
    h: s.h,
    trend: building ? trend : 0,
    moved,
    growth,
    grow,
    at,
    window: perRound * m,
    spread,
    perRound,
    slope: Number.NaN,
    slopeH: 0,
    reach: Number.POSITIVE_INFINITY,
    lag: 0,
    ref: s.c,
  };
}

/**
 * A tear-down whose rate is not tight around its mean may be tight around a line in its position (the vmlist
 * walk of remove_vm_area, sampler-linear.ts): over the rounds since its last skip (at most KEEP, the span a
 * thread's own rate covers), the line's level at the present position within the target, its slope's
 * uncertainty carried into the bound by the caller. `moved`: how far the last skip's line missed this level.
 */
function linear(k: Kind, l: Loop, from: number, o: MeasureContext): Rate | null {
  const start = Math.max(from, k.round.length - KEEP);
  const at = o.meanDone(l.tag);
  const f = linearRate(k, start, k.round.length, at);
  if (f === null || !(f.h <= o.relError * f.c) || !(f.c > 0)) return null;
  // The line is extrapolated only as far as its slope is known within the target: slopeH · (lag + k/2) ≤ relError · c.
  const reach = f.slopeH > 0 ? 2 * ((o.relError * f.c) / f.slopeH - f.lag) : Number.POSITIVE_INFINITY;
  if (!(reach > 0)) return null;
  const moved = Number.isNaN(k.lastSlope) ? 0 : Math.abs(f.c - (k.lastC + k.lastSlope * (at - k.lastAt)));
  const { perRound, spread } = roundSpan(k, start, k.round.length);
  return {
    c: f.c,
    h: f.h,
    trend: 0,
    moved,
    growth: Number.NaN,
    grow: 2,
    at,
    window: perRound * (k.round.length - start),
    spread,
    perRound,
    slope: f.slope,
    slopeH: f.slopeH,
    reach,
    lag: f.lag,
    ref: f.mean,
  };
}

/**
 * A set-up's last `need` whole flush cycles among its rounds [from, …), when within the target, or null. Its rate
 * grows with its position, so only the most recent cycles: over every cycle since its last skip the window lagged
 * the position (5.2, 32 CPUs × mask 7 × 20,000, mask order: long_busy's set-up +2.79 % from the exact run against a
 * ±2.66 % bound).
 */
function setUpCycles(k: Kind, from: number, o: MeasureContext): { c: number; h: number; trend: number } | null {
  const cy = flushCycles(k, from, k.round.length);
  if (cy.y.length < o.need) return null;
  cy.y.splice(0, cy.y.length - o.need);
  cy.n.splice(0, cy.n.length - o.need);
  const r = cycleRatio(cy);
  return r.h <= o.relError * r.c ? r : null;
}
