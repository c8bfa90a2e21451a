// A steady kind measured over whole flush cycles of its pooled rounds (sampler-rate.ts `measure`). Rounds start at
// every regeneration event, and a set-up thread ticks one every 32 of its loops (sampler.ts `next`), so beside a
// wave of builders a steady kind's rounds are slivers: 5.2's shuffled must-show (64 × mask 7 × 1,000,000), 30
// long_busy threads beside 26 full_fit set-ups, one long_busy loop per thread per round at 851–859 k cycles per
// loop, and every 18th round 3.05 M: the round that holds the purge (its vmap_area_lock hold and the flush's IPIs).
// The purges come with the lazy queue's fill, not at random, so a window's cost is its rounds' plus one purge per
// flush cycle in it: over 256 such rounds the i.i.d. half-width is ±5 % (the spike rounds' variance) while two
// neighbouring 256-round windows of one mix differ by a median 0.49 %. Grouped into flush cycles (a round whose
// flush count differs from the round before begins one, the purge round first), each cycle holds one purge, and
// the cycles are the regenerative method's own units: their ratio's i.i.d. half-width is the honest one.
import { type Kind, type Rate, roundSpan } from './sampler-loop.js';
import type { MeasureContext } from './sampler-measure-context.js';

import { ratio } from './sampler-stats.js';

/** Why `flushRate` refused (the refusal trace, sampler-refusal.ts). */
export type CycleRefusal = 'few cycles' | 'wide cycles' | 'trend cycles';

/** A kind's rounds [from, to) as whole flush cycles: each cycle's time and loops, and the rounds they span. */
export interface FlushCycles {
  y: number[];
  n: number[];
  /** First round index of the first whole cycle, and the index past the last one's last round. */
  first: number;
  end: number;
}

/**
 * The whole flush cycles among a kind's pooled rounds [from, to): a cycle begins at a round whose flush count
 * (`k.ev`) differs from its predecessor's, and ends where the next begins. A gap in the kind's round numbers (no
 * thread of it recorded a round: its threads left or warmed up) drops the cycle open at it. Rounds before the first
 * cycle's start and after the last one's end are left out.
 */
export function flushCycles(k: Kind, from: number, to: number): FlushCycles {
  const y: number[] = [];
  const n: number[] = [];
  let first = -1;
  let end = -1;
  let open = -1;
  let sy = 0;
  let sn = 0;
  for (let i = Math.max(from, 1); i < to; i++) {
    if (k.round[i] !== k.round[i - 1] + 1) {
      // A break: the open cycle's end is not known; the round after the break (its threads' time may reach back
      // into the gap) begins none.
      open = -1;
      continue;
    }
    if (k.ev[i] !== k.ev[i - 1]) {
      if (open >= 0) {
        y.push(sy);
        n.push(sn);
        if (first < 0) first = open;
        end = i;
      }
      open = i;
      sy = 0;
      sn = 0;
    }
    if (open >= 0) {
      sy += k.y[i];
      sn += k.n[i];
    }
  }
  return { y, n, first, end };
}

/** The ratio over whole flush cycles and the rate's move between their halves (cycles as the units). */
export function cycleRatio(c: FlushCycles): { c: number; h: number; trend: number } {
  const m = c.y.length;
  const r = ratio(c.y, c.n, 0, m);
  const half = m >> 1;
  const trend = Math.abs(ratio(c.y, c.n, 0, half).c - ratio(c.y, c.n, half, m).c);
  return { c: r.c, h: r.h, trend };
}

/**
 * A steady kind's rate over the whole flush cycles of its rounds since its last skip (`inMix`: of those begun in the
 * present mix), or why not: at least `need` cycles, within the target, no trend between their halves. Rounds before
 * the last skip are left out: the skip's replayed flushes and laid-down loops cut the cycle it falls in.
 */
export function flushRate(k: Kind, o: MeasureContext, inMix: boolean): Rate | CycleRefusal {
  const first = inMix ? o.mixFrom : Number.NEGATIVE_INFINITY;
  let from = k.round.length;
  while (
    from > 0 &&
    o.round - k.round[from - 1] < o.window &&
    k.round[from - 1] >= first &&
    k.round[from - 1] > k.skipRound
  )
    from--;
  const cy = flushCycles(k, from, k.round.length);
  if (cy.y.length < o.need) return 'few cycles';
  const s = cycleRatio(cy);
  if (!(s.h <= o.relError * s.c)) return 'wide cycles';
  if (s.trend > 2 * s.h + 1e-9 * s.c) return 'trend cycles';
  const { perRound, spread } = roundSpan(k, cy.first, cy.end);
  return steadyRate(s.c, s.h, perRound, spread, perRound * (cy.end - cy.first));
}

/** A steady kind's rate `c` ± `h` over a window of `window` loops per thread (no trend, growth or line). */
export function steadyRate(c: number, h: number, perRound: number, spread: number, window: number): Rate {
  return {
    c,
    h,
    trend: 0,
    moved: 0,
    growth: Number.NaN,
    grow: 2,
    at: 0,
    window,
    spread,
    perRound,
    slope: Number.NaN,
    slopeH: 0,
    reach: Number.POSITIVE_INFINITY,
    lag: 0,
    ref: c,
  };
}
