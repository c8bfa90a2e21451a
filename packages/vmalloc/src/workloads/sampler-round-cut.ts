// Rounds cut by loop count between flushes (sampler.ts `next`). Under 6.9's drain a flush comes when the kworker's
// drain pass ends, which waits for its EEVDF turn (core fair-share.ts), so flushes are rare: 14 in fix_size's main
// loop at 16 CPUs × 200,000 loops, 6 in vmap-bench at 1,024 CPUs × 1,000 iterations, too few regeneration cycles for
// a rate within 1 %. On such a machine a steady kind's round also closes every `CUTS` th of the last flush cycle's
// loops (where that is at least one batch of loops per thread), so a window holds several rounds per cycle.
//
// A cut round is not a regeneration cycle: the rounds of one flush cycle are correlated (the rate is flat between
// drains, 2,100–2,150 cycles per loop at 16 CPUs, and rises to 3,000–9,000 while the drain shares a worker's CPU).
// The ratio ΣY/ΣN stays a consistent estimate: the rounds still partition each thread's time and loops, so over a
// window it is each thread's clock advance over its loops, whatever the cuts; only the window's two ends fall inside
// a cycle, which moves it by at most one partial cycle's excess over the window (O(1/window), as a regenerative
// window's own ratio bias is). What the cuts break is the variance: the i.i.d. half-width over correlated rounds is
// wrong (too narrow when neighbours move together, too wide when they alternate). So a window with cut rounds must
// span `MIN_FLUSHES` flushes, and its half-width is the Bartlett-kernel (Newey–West) one over two flush cycles of
// rounds, with the t quantile of its whole flush cycles: the variance of ΣY − cΣN with the rounds' covariances.
import type { Kind, Loop, Rate, Snapshot } from './sampler-loop.js';
import type { MeasureContext } from './sampler-measure-context.js';
import { measure } from './sampler-rate.js';
import type { CycleLog } from './sampler-round-reach.js';
import { tQuantile } from './sampler-stats.js';

/** Rounds per flush cycle when rounds are cut by loop count (a sampler setting, not a model constant). */
export const CUTS = 8;

/** Flushes a window of cut rounds must span: at least two whole regeneration cycles inside it. */
export const MIN_FLUSHES = 3;

/**
 * Steady loops (summed over threads) between two cuts: the last flush cycle's loops over `CUTS`; ∞ (no cut) where
 * that is under one batch per thread (`batch` loops × `threads`): flushes are then frequent enough to be the rounds.
 */
export function cutEvery(cycleLoops: number, batch: number, threads: number): number {
  const every = Math.floor(cycleLoops / CUTS);
  return every >= batch * threads ? every : Number.POSITIVE_INFINITY;
}

/**
 * The 95 % half-width of the ratio over the pooled rounds [from, to) of a kind whose rounds may be cut between
 * flushes: ∞ unless they span `MIN_FLUSHES` flushes (`k.ev`); else t · √(Σ_{|i−j|≤L} w_{|i−j|} z_i z_j) / ΣN with
 * z = y − c·n, Bartlett weights w_l = 1 − l/(L + 1), L twice the rounds per flush, and t for (flushes − 1) degrees
 * of freedom.
 */
export function cutHalfWidth(k: Kind, from: number, to: number): number {
  const flushes = k.ev[to - 1] - k.ev[from];
  if (to - from < 2 || flushes < MIN_FLUSHES) return Number.POSITIVE_INFINITY;
  let sy = 0;
  let sn = 0;
  for (let i = from; i < to; i++) {
    sy += k.y[i];
    sn += k.n[i];
  }
  const c = sy / sn;
  const z = new Float64Array(to - from);
  for (let i = from; i < to; i++) z[i - from] = k.y[i] - c * k.n[i];
  const lags = Math.min(z.length - 1, Math.ceil((2 * z.length) / flushes));
  let v = 0;
  for (let i = 0; i < z.length; i++) v += z[i] * z[i];
  for (let l = 1; l <= lags; l++) {
    let g = 0;
    for (let i = 0; i + l < z.length; i++) g += z[i] * z[i + l];
    v += 2 * (1 - l / (lags + 1)) * g;
  }
  return (tQuantile(flushes - 1) * Math.sqrt(Math.max(0, v))) / sn;
}

/** Some round of [from, to) began without a flush since the one before it (a cut, not a regeneration). */
export function hasCuts(k: Kind, from: number, to: number): boolean {
  for (let i = from + 1; i < to; i++) if (k.ev[i] === k.ev[i - 1]) return true;
  return false;
}

/**
 * The snapshot to replay a skip from when rounds are cut (sampler.ts `replayWindow`): the latest one at least
 * `cycles` flushes before the last snapshot and after round `after`, taken as many rounds past its cycle's first
 * round as the last one is past its own, so the replayed span holds whole flush cycles (the counters it replays,
 * flushes among them, are not those of a partial cycle at either end). Else the oldest one after `after`; −1 if
 * only the last one is.
 */
export function samePhase(snaps: readonly Snapshot[], cycles: number, after: number): number {
  const last = snaps.length - 1;
  let s = last;
  while (s > 0 && snaps[s - 1].flushes === snaps[last].flushes) s--;
  const phase = last - s;
  let oldest = last - 1;
  while (oldest > 0 && snaps[oldest - 1].round > after) oldest--;
  if (oldest < 0 || snaps[oldest].round <= after) return -1;
  // Runs of snapshots with one flush count, from the newest back.
  for (let end = s - 1; end >= oldest; ) {
    let start = end;
    while (start > 0 && snaps[start - 1].flushes === snaps[end].flushes) start--;
    if (snaps[last].flushes - snaps[end].flushes >= cycles) {
      const i = Math.min(end, start + phase);
      return Math.max(i, oldest);
    }
    end = start - 1;
  }
  return oldest;
}

/** Where a steady round is cut between flushes: the steady loops done since the last flush (sampler.ts `loopEnd`). */
export class CutClock {
  /** Steady loops between two cuts (`cutEvery`); ∞ until a flush cycle was seen. */
  at = Number.POSITIVE_INFINITY;
  /** The flush count last seen. */
  private lastFlush = 0;
  /** Steady loops done (summed over threads) since the last flush, and since the last flush or cut. */
  private cycle = 0;
  private since = 0;

  /** A steady loop ended with `regen` flushes so far; true when it closes a cut round. */
  tick(regen: number, batch: number, threads: number): boolean {
    if (regen !== this.lastFlush) {
      this.lastFlush = regen;
      this.at = cutEvery(this.cycle, batch, threads);
      this.cycle = 0;
      this.since = 0;
    }
    this.cycle++;
    if (++this.since < this.at) return false;
    this.since = 0;
    return true;
  }
}

/**
 * The rate of every loop kind in the mix on a machine whose rounds are cut between flushes, or null while one is
 * not measured. A kind measured as usual (sampler-rate.ts `measure`) whose window holds cut rounds must span
 * `MIN_FLUSHES` flushes and be within the target by the half-width that counts the rounds' correlation, and then
 * carries that half-width. A steady kind that fails either is measured over its whole flush cycles (`log`), with the
 * target its phase can reach (sampler-round-reach.ts), where those cycles are long enough to be cut (`batch` loops
 * per thread per cut).
 */
export function measureCut(
  loops: Iterable<Loop>,
  kinds: ReadonlyMap<string, Kind>,
  ctx: MeasureContext,
  log: CycleLog,
  batch: number,
): Map<string, Rate> | null {
  const all = [...loops];
  const rate = new Map<string, Rate>();
  for (const l of all) {
    if (rate.has(l.tag)) continue;
    const k = kinds.get(l.tag);
    if (k === undefined) return null;
    let r = measure(k, l, ctx);
    if (r !== null && l.fast === null && !cutHolds(k, r, ctx.relError)) r = null;
    if (r === null && l.fast === null) {
      const threads = all.filter((o) => o.tag === l.tag).length;
      const why = ctx.refused === undefined ? undefined : (w: string) => ctx.refused?.append(w);
      r = log.rate(l.tag, k, ctx.relError, remainingOf(all, l.tag), CUTS * batch * threads, spanOf(all, l.tag), why);
    }
    if (r === null) return null;
    rate.set(l.tag, r);
  }
  return rate;
}

/** A measured kind's window of cut rounds spans `MIN_FLUSHES` flushes and is within the target (r.h widened to it). */
function cutHolds(k: Kind, r: Rate, relError: number): boolean {
  if (r.perRound <= 0) return true;
  const to = k.round.length;
  const from = Math.max(0, to - Math.round(r.window / r.perRound));
  if (!hasCuts(k, from, to)) return true;
  const h = cutHalfWidth(k, from, to);
  if (!(h <= relError * r.c)) return false;
  r.h = Math.max(r.h, h);
  return true;
}

/** Loops a skip may cover of kind `tag`: up to the end of its thread that ends first, on each of its threads. */
function spanOf(loops: readonly Loop[], tag: string): number {
  let threads = 0;
  let least = Number.POSITIVE_INFINITY;
  for (const l of loops) {
    if (l.tag !== tag) continue;
    threads++;
    least = Math.min(least, l.count - l.done);
  }
  return threads * least;
}

/** Loops the threads running kind `tag` have still to do. */
function remainingOf(loops: readonly Loop[], tag: string): number {
  let left = 0;
  for (const l of loops) if (l.tag === tag) left += l.count - l.done;
  return left;
}
