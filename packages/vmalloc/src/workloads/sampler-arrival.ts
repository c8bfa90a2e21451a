// Where the skips left each worker against the others, and what that can move in a phase it then runs in detail
// (the arrival term of sampler-after.ts, issue 13). A phase's waits depend on who meets whom; a skip moves each worker
// by its own error, and only the part one worker has and another has not changes a meeting: every worker jumps by
// the same time, and an error all share moves them together.
//
// Measured (5.2, shuffled; each worker's first entry into each phase against the workers' mean entry, sampled run
// against the exact run, summed over the workers): at 16 CPUs × mask 7 × 200,000 (seed 1) the workers stood 0.2–0.8 G
// cycles off the exact run's arrangement (≤ 0.10 G each); at 64 × 100,000, 6–33 G (≤ 0.74 G each). vm-after2's
// placement (each worker's |own − pooled| × its skipped loops added over skips, and its walk) came to 2.2–11.3 G and
// 26–192 G: its own-rate gaps ran −7.8 G signed at 16 CPUs, the workers' rates below the pooled one together, a move
// they share. Signed and taken from their mean, 2.0–3.8 G and 21–54 G — below the move measured for full_fit's set-up
// and free-junk at 64 CPUs (28 / 23 G against 21 / 22 G), whose workers came from different phases: in shuffled order
// a kind's pooled-rate error moves its workers against those that ran another kind. Adding the kinds' half-widths
// (each worker's against the mean) per skip: 115–315 G; in quadrature over skips: 47–148 G, and at 64 × 1,000,000
// wider than the unsigned gaps (long_busy's tear-down ±83 % against ±74 %): the move does not grow with the skips as a
// walk would (the tear-downs, last, stood 6–8 G off at 64 × 100,000). So the gaps are signed and centred in skips of
// one kind (mask order) and stay unsigned in skips of several (`Placement.skip`).
import type { Loop, Rate } from './sampler-loop.js';
import { ownGap, ownRate } from './sampler-round.js';

/** 95 % of a random walk's spread against the exact run's own, which walks too: 2√2 σ. */
const WALK_95 = 2 * Math.SQRT2;

/** Per worker (by CPU): how far every skip so far may have placed it from the others, in cycles. */
export class Placement {
  /** Per worker: its own rate's gap from the pooled one × its skipped loops, signed, over skips of one kind. */
  private readonly gaps: number[] = [];
  /** Per worker: the same unsigned, over skips of several kinds (shuffled order). */
  private readonly mixed: number[] = [];
  /** Per worker: its walk's variance (cycles²). */
  private readonly walkVar: number[] = [];
  /** Per worker: the placement now (`skip`). */
  readonly placed: number[] = [];

  /**
   * A skip of `dt` cycles of `loops` (their `pendingK` set) at the rates `rate`. Per worker: its random walk against
   * the exact run's (sampler-decide.ts `skipLoops`: two draws of σ = spread · √rounds loops; in quadrature over
   * skips; none for loops skipped in step), and its own rate's gap from the pooled one (sampler-round.ts `ownGap`).
   * In a skip of one kind (every worker in the same phase: mask order) the gap is signed, so that a worker slower in
   * one skip and faster in the next is placed by the difference, and taken from the workers' mean gap (a gap all
   * share moves no one against another; nor does the kind's pooled error, which every worker shares). In a skip of
   * several kinds (shuffled order) each kind's pooled error moves its workers against the others', and the gaps add
   * unsigned, as before s20 (module comment: they covered the move measured; signed and centred, with the kinds'
   * half-widths added in quadrature, they came to 1.7–24 × it, wider than unsigned at 1 M loops).
   * @returns per worker, how much its placement grew (negative: shrank)
   */
  skip(loops: Iterable<Loop>, rate: ReadonlyMap<string, Rate>, dt: number): number[] {
    const gaps: { cpu: number; gap: number }[] = [];
    const tags = new Set<string>();
    for (const l of loops) {
      const r = rate.get(l.tag);
      if (r === undefined) continue;
      const cpu = l.t.cpu;
      if (l.fast === null && l.steady === null) {
        this.walkVar[cpu] = (this.walkVar[cpu] ?? 0) + (r.spread * r.c) ** 2 * (dt / (r.perRound * r.c));
      }
      const own = ownRate(l, r);
      const gap = l.pendingK * ownGap(l, own, r.ref);
      gaps.push({ cpu, gap: own < r.ref ? -gap : gap });
      tags.add(l.tag);
    }
    for (const { cpu, gap } of gaps) {
      if (tags.size > 1) this.mixed[cpu] = (this.mixed[cpu] ?? 0) + Math.abs(gap);
      else this.gaps[cpu] = (this.gaps[cpu] ?? 0) + gap;
      this.gaps[cpu] ??= 0;
    }
    let mean = 0;
    let k = 0;
    for (const g of this.gaps) {
      if (g === undefined) continue;
      mean += g;
      k++;
    }
    mean /= Math.max(k, 1);
    const grew: number[] = [];
    for (let cpu = 0; cpu < this.gaps.length; cpu++) {
      const g = this.gaps[cpu];
      if (g === undefined) continue;
      const walk = WALK_95 * Math.sqrt(this.walkVar[cpu] ?? 0);
      const p = Math.abs(g - mean) + (this.mixed[cpu] ?? 0) + walk;
      grew[cpu] = p - (this.placed[cpu] ?? 0);
      this.placed[cpu] = p;
    }
    return grew;
  }
}

/**
 * What the workers' placements can move a phase by (cycles, before the factor 2 for the others' waits through each
 * worker): each worker placed δ off spends δ where another worker of the phase stood, and waits at that one's rate
 * instead of its own: at most δ × its distance to the farther end of the phase's wait rates (waits over cycles, per
 * worker). A worker that ran none of the phase's loops: δ × the whole range.
 * @param arrival - per worker (by CPU): its placement when it arrived (holes: none)
 * @param perWaited - per worker: its waits in the phase's loops in detail after a skip
 * @param perSpent - per worker: its cycles there
 */
export function arrivalWidth(
  arrival: readonly number[],
  perWaited: ArrayLike<number>,
  perSpent: ArrayLike<number>,
): number {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < perSpent.length; i++) {
    if (!(perSpent[i] > 0)) continue;
    const x = perWaited[i] / perSpent[i];
    lo = Math.min(lo, x);
    hi = Math.max(hi, x);
  }
  if (!(hi >= lo)) return 0;
  let w = 0;
  for (let i = 0; i < arrival.length; i++) {
    const a = arrival[i];
    if (!(a > 0)) continue;
    const y = perSpent[i];
    const x = y > 0 ? perWaited[i] / y : Number.NaN;
    w += a * (Number.isNaN(x) ? hi - lo : Math.max(hi - x, x - lo));
  }
  return w;
}
