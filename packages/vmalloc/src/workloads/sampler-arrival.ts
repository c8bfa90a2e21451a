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
// they share. Signed and taken from their mean, 2.0–3.8 G and 21–54 G, below the move measured for full_fit's set-up
// and free-junk at 64 CPUs (28 / 23 G against 21 / 22 G), whose workers came from different phases: in shuffled order
// a kind's pooled-rate error moves its workers against those that ran another kind. Added per skip (half-width and
// drift), 115–680 G, 5–100 × the move; the half-widths in quadrature over skips (each measured on the rounds after
// the last skip), 47–148 G, 1.7–24 × the move, and 8–16 G at 16 CPUs (`skip`).
import type { Loop, Rate } from './sampler-loop.js';
import { ownGap, ownRate } from './sampler-round.js';

/** 95 % of a random walk's spread against the exact run's own, which walks too: 2√2 σ. */
const WALK_95 = 2 * Math.SQRT2;

/** Per worker (by CPU): how far every skip so far may have placed it from the others, in cycles. */
export class Placement {
  /** Per worker: its own rate's gap from its kind's pooled one × its skipped loops, signed, added over skips. */
  private readonly gaps: number[] = [];
  /** Per worker: its walk's variance, and that of its kinds' pooled errors against the others' (cycles²). */
  private readonly walkVar: number[] = [];
  private readonly history: number[] = [];
  /** Per worker: the placement now (`skip`). */
  readonly placed: number[] = [];

  /**
   * A skip of `dt` cycles of `loops` (their `pendingK` set) at the rates `rate`. Per worker: its random walk against
   * the exact run's (sampler-decide.ts `skipLoops`: two draws of σ = spread · √rounds loops; in quadrature over
   * skips; none for loops skipped in step); its own rate's gap from the pooled one (sampler-round.ts `ownGap`),
   * signed so that a worker slower in one skip and faster in the next is placed by the difference, less the
   * workers' mean gap (a gap all share moves no one against another); and its kind's pooled half-width against the
   * mean over all workers: none when every worker ran the same kind (mask order), each kind's against the others'
   * when they ran different ones (shuffled), in quadrature over skips (each rate is measured on the rounds after
   * the last skip: independent draws). The rate models' drift (sampler-decide.ts `skipDrift`) is left out: added
   * per skip with it the placement came to 5–100 × the move measured (module comment).
   * @returns per worker, how much its placement grew (negative: shrank)
   */
  skip(loops: Iterable<Loop>, rate: ReadonlyMap<string, Rate>, dt: number): number[] {
    const err: { cpu: number; tag: string; e: number }[] = [];
    const pooled = new Map<string, number>();
    let all = 0;
    for (const l of loops) {
      const r = rate.get(l.tag);
      if (r === undefined) continue;
      const cpu = l.t.cpu;
      if (l.fast === null && l.steady === null) {
        this.walkVar[cpu] = (this.walkVar[cpu] ?? 0) + (r.spread * r.c) ** 2 * (dt / (r.perRound * r.c));
      }
      const own = ownRate(l, r);
      const gap = l.pendingK * ownGap(l, own, r.ref);
      this.gaps[cpu] = (this.gaps[cpu] ?? 0) + (own < r.ref ? -gap : gap);
      const e = l.pendingK * r.h;
      err.push({ cpu, tag: l.tag, e });
      pooled.set(l.tag, (pooled.get(l.tag) ?? 0) + e);
      all += e;
    }
    const n = err.length;
    for (const { cpu, tag, e } of err) {
      const mine = pooled.get(tag) as number;
      this.history[cpu] = (this.history[cpu] ?? 0) + (Math.abs(e - mine / n) + (all - mine) / n) ** 2;
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
      const p = Math.abs(g - mean) + Math.sqrt(this.history[cpu] ?? 0) + walk;
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
  perWaited: readonly number[],
  perSpent: readonly number[],
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
