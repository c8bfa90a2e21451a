// The bound of a vmlist design's phases for how far apart the workers entered them (issue 13). A phase's walks past
// other workers' areas (walk-tally.ts) are set by the workers' lags: which worker runs a purge is a draw, and the
// purger falls behind (vm-39's trace: ≈ 35 fix_size loops per purge at 64 CPUs), so the lags are a random walk over
// the loops run. A skip moves every worker by the same time: the sampled run's lags come from its detailed loops
// only, the exact run's from all of them.
import type { SamplingReport } from './sampler-loop.js';
import type { KindWalks } from './walk-tally.js';

/**
 * The arrangement-dependent cycles of one loop kind, detailed and extrapolated: the walks of other kinds its
 * iterations waited through (in mask order the phase boundary, where the late workers wait behind the early ones'
 * next phase; none of it is steady, so it is not scaled to the skipped loops), and the arrangement-dependent share
 * of its own kind's walks they waited through, scaled to all its cycles. At most all its cycles.
 */
export function arrangementCycles(k: KindWalks, detailed: number, extrapolated: number): number {
  if (k.cycles <= 0) return 0;
  const cross = Math.min(k.cycles, Math.max(0, k.global - k.same));
  const share = Math.min(1, Math.abs(k.arr) / Math.max(1e-300, k.own));
  const same = k.own > 0 ? Math.min(k.cycles, k.same) * share : 0;
  const all = detailed + extrapolated;
  return Math.min(all, cross * (detailed / k.cycles) + (same * all) / k.cycles);
}

/**
 * The cycles of one loop kind that hang on where the holes its walks stop at lie, detailed and extrapolated, where
 * the hole search resumes after the area last allocated (2.6.39's free_vmap_cache, `alloc_vmap_area`): a small
 * request then takes the next hole above the cache, so the holes' spread over the whole list, not just the lowest
 * one, sets how far `insert_vmalloc_vm` and `remove_vm_area` walk. A kind whose walks mostly reach the top of the
 * list (long_busy's main loop: its 100-page areas, and its 1-page ones when no hole is taken) meets holes the phase
 * boundary left: at 64 CPUs × mask 7 × 100,000, mask order, the exact run's holes were full_fit areas the late
 * workers still held (ptr[] in its tear-down, junk_ptr[] in free-junk) while the early workers' long_busy set-up
 * passed them, at a mean rank of 640 k and 946 k of 960 k; the sampled run, its set-up laid down with the workers in
 * step, had none of them, only holes at ranks ≤ 11 k (1-page inserts at a mean rank 301,847 exact against 5,445).
 * Which holes a boundary leaves is the workers' arrangement there, not a draw the sampled run has a smaller copy of,
 * so no reach scales it: each walk that stopped below the top may have stopped anywhere in the list (`hole`, the
 * larger of its distances to the boot areas and to the top). That share of the kind's own walks, scaled as
 * arrangementCycles scales its own-kind part. 0 for a kind whose walks mostly stop below the top (a tear-down, or
 * full_fit's main loop in its own junk holes: those holes are the workload's, every other area of the phase).
 */
export function holeCycles(k: KindWalks, detailed: number, extrapolated: number): number {
  if (k.cycles <= 0 || k.own <= 0 || k.top < k.own / 2) return 0;
  const share = Math.min(1, k.hole / k.own);
  const all = detailed + extrapolated;
  return Math.min(all, (Math.min(k.cycles, k.same) * share * all) / k.cycles);
}

/**
 * How many times the sampled run's arrangement the exact run's may be: the lags' spread grows as the square root of
 * the loops that drew them (a random walk), and the walk past other workers' areas grows as that spread (a worker
 * walks past the areas of those whose set-up lag exceeds their tear-down lag by more than its own), so √(loops /
 * loops in detail) over the kinds begun up to this one.
 */
export function arrangementReach(loops: number, detailed: number): number {
  return Math.sqrt(loops / Math.max(1, detailed));
}

/**
 * The arrangement term's factor on a kind's arrangement-dependent cycles A, with reach R over `loops` and `detailed`:
 * 0 while nothing was skipped (the run is the exact one), else 2R − 1. After a skip the exact run's arrangement is
 * another draw, of R times the spread: its part may be anywhere in 0–2RA ([U]: the draw's range, 0–2× its mean;
 * vm-39's trace, s17: in step, the measured diffusion and the per-round spread gave one tear-down −49 %, −30 % and
 * +89 %).
 */
export function arrangementFactor(loops: number, detailed: number): number {
  return detailed >= loops ? 0 : 2 * arrangementReach(loops, detailed) - 1;
}

/**
 * Adds each kind's arrangement term to `s` (its `perTag[…].errCycles` and `errCycles`): its arrangement-dependent
 * cycles times {@link arrangementFactor}, with the reach of the kinds begun up to and with it (perTag is in begin
 * order). In mask order that is the run up to the kind: the sampler skips no loop while a state-building loop runs
 * beside another kind (sampler.ts `maybeDecide`, buildsHeld), so a kind that began before any skip, and whose
 * stragglers met only the next kind's set-up, ran as the exact run did. Shuffled, every case runs beside skipped
 * ones: the larger of that and the whole run's reach. `cachedHole`: the design's hole search resumes from
 * free_vmap_cache (2.6.39), so each kind after a skip adds {@link holeCycles} too. Returns the terms per kind.
 */
export function addArrangementBound(
  s: SamplingReport,
  kinds: Map<string, KindWalks>,
  sequential: boolean,
  cachedHole = false,
): Record<string, number> {
  const terms: Record<string, number> = {};
  const run = s.skipped === 0 || sequential ? 0 : arrangementFactor(s.loops, s.detailed);
  let loops = 0;
  let detailed = 0;
  for (const [tag, x] of Object.entries(s.perTag)) {
    loops += x.loops;
    detailed += x.loops - x.skipped;
    const k = kinds.get(tag);
    if (k === undefined) continue;
    const f = Math.max(run, arrangementFactor(loops, detailed));
    let term = arrangementCycles(k, x.detailedCycles, x.extrapolatedCycles) * f;
    if (cachedHole && f > 0) term += holeCycles(k, x.detailedCycles, x.extrapolatedCycles);
    x.errCycles += term;
    s.errCycles += term;
    terms[tag] = term;
  }
  return terms;
}
