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

/** A list-walk set-up's rate as a line through its last skip's point and its present window (`setUpLine`). */
export interface SetUpLine {
  /** Cycles per loop at the present position (the line's value there). */
  c: number;
  /** Cycles per loop added per loop of position. */
  slope: number;
  /** 95 % half-width of the slope: both points' half-widths over their distance. */
  slopeH: number;
  /** Loops from the window's centre to the present position. */
  lag: number;
  /**
   * How far the last skip's line missed this window (the whole move since that skip when it had no line): the
   * skip's drift beside the slope's half-width (sampler-decide.ts `skipDrift`).
   */
  moved: number;
  /** The factor the position may grow by in this skip: 4 once the last line held (within a quarter of the move), else 2. */
  grow: number;
}

/**
 * A set-up whose every loop walks a list of all the areas set up before it: each vmalloc of 2.6.27 walks vmlist
 * from its head to the first gap in __get_vm_area_node; 2.6.28–2.6.37's alloc_vmap_area descends to vstart and
 * then follows rb_next past every area below the hole; and 2.6.28–3.9 link each vm_struct into the sorted vmlist
 * mirror in insert_vmalloc_vm, walking it from its head (2.6.39's only walk, its hole search being cached). Areas
 * are set up in address order, so each walk passes them all and the rate per loop is a + b·x in the position x.
 * The log-of-the-state model (sampler-growth.ts) takes a rise per doubling and fell 12–32 % short of such set-ups
 * (2.6.27–2.6.39 at 16 and 32 CPUs × mask 7 × 20,000, mask order). A window's slope is lost in its noise (a
 * window of 8 rounds moves the rate by 256 loops of slope, far under its 1 % half-width), so the line is fitted
 * through two points, as the growth model was: the last skip's (`lastAt`, `lastC`: the line's value there, or the
 * window's rate where no line was fitted) and this window's ratio `c` ± `h` at its centre, `w` loops per thread
 * behind the present position `at`. Null when the points are not apart.
 */
export function setUpLine(
  c: number,
  h: number,
  at: number,
  w: number,
  lastC: number,
  lastAt: number,
  lastSlope: number,
): SetUpLine | null {
  const centre = at - w / 2;
  const dx = centre - lastAt;
  if (!(dx > 0)) return null;
  const slope = (c - lastC) / dx;
  // Both points are known to about h (the last one to its own window's half-width, not kept: taken as h).
  const slopeH = (2 * h) / dx;
  const lag = w / 2;
  const moved = Number.isNaN(lastSlope) ? Math.abs(c - lastC) : Math.abs(c - (lastC + lastSlope * dx));
  const grow = !Number.isNaN(lastSlope) && moved <= Math.abs(c - lastC) / 4 + h ? 4 : 2;
  return { c: c + slope * lag, slope, slopeH, lag, moved, grow };
}
