// A tear-down whose rate per loop moves linearly with its position: the vmlist designs (2.6.28–2.6.39 keep the
// 2.6.27 vm_struct list beside the vmap_area tree) unlink each freed area in remove_vm_area by walking vmlist from
// its head, `for (p = &vmlist; (tmp = *p) != vm; p = &tmp->next)`, past every area below it. full_fit's free-junk
// frees the odd areas in address order while the even ones stay, so the walk, and the cycles per loop, grow by
// a constant per loop (2.6.28 at 16 CPUs: +1.37·10¹² cycles per purge cycle of 20,480 loops, round after round).
// Such a rate is never tight around its mean (the ratio's half-width was 28–50 %) but is tight around a line:
// fitted here by least squares over the kind's rounds, each round a unit as in the ratio estimator.
import type { Kind } from './sampler-loop.js';
import { tQuantile } from './sampler-stats.js';

/** A rate fitted as a line in the position: c at the present position, its slope, and their 95 % half-widths. */
export interface LinearRate {
  /** Cycles per loop at the present position. */
  c: number;
  /** 95 % half-width of the line's level at the window's centre (cycles per loop). */
  h: number;
  /** Cycles per loop added per loop of position. */
  slope: number;
  /** 95 % half-width of the slope. */
  slopeH: number;
  /** Loops of position from the window's centre to the present position. */
  lag: number;
  /** The window's plain ratio (what a thread's own rate over the same rounds is compared with). */
  mean: number;
}

/**
 * Least-squares line of the per-round rate over rounds [from, to) of `k` against the threads' mean position,
 * `at` being the position at the end of the last round; null with fewer than four rounds.
 */
export function linearRate(k: Kind, from: number, to: number, at: number): LinearRate | null {
  const m = to - from;
  if (m < 4) return null;
  // Round i's centre in per-thread loops, counted back from `at`.
  const x: number[] = new Array(m);
  let pos = at;
  for (let i = to - 1; i >= from; i--) {
    const len = k.n[i] / k.k[i];
    x[i - from] = pos - len / 2;
    pos -= len;
  }
  // Weighted by each round's loops: Σn·r = Σy, so the level at the weighted centre is the window's ratio.
  let sn = 0;
  let sy = 0;
  let sx = 0;
  for (let i = from; i < to; i++) {
    sn += k.n[i];
    sy += k.y[i];
    sx += k.n[i] * x[i - from];
  }
  const mean = sy / sn;
  const xbar = sx / sn;
  let sxx = 0;
  let sxy = 0;
  for (let i = from; i < to; i++) {
    const d = x[i - from] - xbar;
    sxx += k.n[i] * d * d;
    sxy += d * (k.y[i] - mean * k.n[i]);
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  // Residual of each round in cycles (the ratio estimator's unit), and the level's and slope's standard errors.
  let q = 0;
  for (let i = from; i < to; i++) {
    const e = k.y[i] - (mean + slope * (x[i - from] - xbar)) * k.n[i];
    q += e * e;
  }
  const s = Math.sqrt(q / (m - 2));
  const nbar = sn / m;
  const t = tQuantile(m - 2);
  const h = (t * s) / (Math.sqrt(m) * nbar);
  const slopeH = (t * s) / Math.sqrt(sxx * nbar);
  const lag = at - xbar;
  return { c: mean + slope * lag, h, slope, slopeH, lag, mean };
}
