// A set-up's growth model: its rate per loop rises with the log of the state it built (a tree one level deeper
// per doubling, a cache level further), fitted per doubling by the sampler (sampler.ts); a skip takes the middle
// of the rate's bracket, from its present value to that plus the growth of the doublings skipped.
import type { Rate } from './sampler-loop.js';

/**
 * A loop kind's mean rate over `k` loops from position `x`: a set-up's the middle of its growth model's bracket,
 * a tear-down fitted as a line (sampler-linear.ts) the line's value at the middle of the k loops.
 */
export function setUpRate(r: Rate, x: number, k: number): number {
  if (!Number.isNaN(r.slope)) return k <= 0 ? r.c : Math.max(r.c / 2, r.c + (r.slope * k) / 2);
  return Number.isNaN(r.growth) || x <= 0 || k <= 0 ? r.c : r.c + (r.growth * Math.log2((x + k) / x)) / 2;
}

/** Loops from position `x` that take `dt` at the loop kind's rate (a set-up's grows with the loops skipped). */
export function loopsIn(r: Rate, x: number, dt: number): number {
  if (Number.isNaN(r.slope) && (Number.isNaN(r.growth) || x <= 0)) return dt / r.c;
  // k · setUpRate(k) grows with k: bisection between none and dt at the present rate (or at half of it).
  let lo = 0;
  let hi = dt / Math.min(r.c, setUpRate(r, x, dt / r.c));
  for (let i = 0; i < 40; i++) {
    const mid = (lo + hi) / 2;
    if (mid * setUpRate(r, x, mid) < dt) lo = mid;
    else hi = mid;
  }
  return lo;
}
