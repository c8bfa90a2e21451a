// test_vmalloc's printed error bound per case (test-vmalloc.ts): the sampler's bound of the case's own extrapolated
// loops, widened for what extrapolating state-building loops in step does to the workers' interplay.
import type { SamplingReport } from './sampler.js';

/** A case's cycles summed over its runs: in all, and per worker (indexed by worker). */
export interface CaseCycles {
  /** The case's name: its sampler tag (and `<name>:…` for its set-up and tear-down loops). */
  name: string;
  /** Cycles of every run of the case, all workers. */
  cycles: number;
  /** The same per worker. */
  perWorker: number[];
}

/** The error bound of a case's extrapolated loops: its main loop and its set-up and tear-down loops. */
function ownError(s: SamplingReport, name: string): number {
  let e = 0;
  for (const [tag, x] of Object.entries(s.perTag)) if (tag === name || tag.startsWith(`${name}:`)) e += x.errCycles;
  return e;
}

/** Loops of the case's set-up and tear-down (tags `<name>:…`) that were extrapolated. */
function builtSkipped(s: SamplingReport, name: string): number {
  let k = 0;
  for (const [tag, x] of Object.entries(s.perTag)) if (tag.startsWith(`${name}:`)) k += x.skipped;
  return k;
}

/**
 * A case whose set-up or tear-down was skipped: the skip moved its workers forward in step, where the exact run's
 * would be out of step, and which of them a long stall hits (a purge, or a purge helper holding
 * free_vmap_area_lock, the others waiting) depends on their positions: one worker more or fewer hit moves the
 * case's time by about one worker's excess over the others. Measured: 6.9 at 16 CPUs, full_fit, one loop, the
 * exact run's worker times were 0.51–2.09 G cycles (six workers stalled), a sampled run's 0.53–1.79 G (one).
 * So the largest worker's excess over the median worker (0 when nothing state-building was skipped).
 */
function outOfStep(c: CaseCycles): number {
  if (c.perWorker.length < 2) return 0;
  const w = [...c.perWorker].sort((a, b) => a - b);
  const mid = w.length >> 1;
  const median = w.length % 2 === 1 ? w[mid] : (w[mid - 1] + w[mid]) / 2;
  return w[w.length - 1] - median;
}

/**
 * Relative bound per case and the run's absolute bound (cycles). A case beside another whose set-up or tear-down
 * was skipped (test_vmalloc's mixed phases) met, in detail, workers whose contention was extrapolated: it takes at
 * least the run's relative bound. Measured: 5.2 at 16 CPUs × mask 7 × 2,000 loops, fix_size ran 97 % in detail
 * and came out 9.4 % under the exact run, while its own loops' bound was 0.04 %.
 */
export function caseBounds(
  s: SamplingReport,
  cases: CaseCycles[],
  total: number,
): { rel: number[]; errCycles: number } {
  const built = cases.map((c) => builtSkipped(s, c.name) > 0);
  const skew = cases.map((c, i) => (built[i] ? outOfStep(c) : 0));
  const errCycles = s.errCycles + skew.reduce((a, b) => a + b, 0);
  const run = errCycles / Math.max(1, total);
  const rel = cases.map((c, i) => {
    if (c.cycles === 0) return 0;
    const own = (ownError(s, c.name) + skew[i]) / c.cycles;
    return built.some((b, j) => b && j !== i) ? Math.max(own, run) : own;
  });
  return { rel, errCycles };
}
