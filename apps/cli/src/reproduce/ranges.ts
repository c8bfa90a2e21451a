// Does a check or a bound flip while a [U] value its model depends on moves within its plausible range?
// docs/fidelity.md: "an unsourced guess is marked [U] with a plausible range, and if a result flips within that range
// the output says so". An experiment that can be refitted at both ends of each range supplies its runs there
// (calibration figures then still hold, so only checks and bounds can flip); reproduce compares each end's model
// value with the published one under the same tolerance.
import type { ResultDocument, Run } from '@kmemsim/core';
import { type Bound, boundsOf } from './bounds.js';
import { type Figure, matchesVariant, readMetric, type TopList } from './calibration.js';

/** One [U] value with the experiment's runs at both ends of its range (highmem's `RangeRuns`). */
export interface RangeEnds {
  parameter: string;
  lo: number;
  hi: number;
  runs: { lo: Run; hi: Run };
}

/** A check or bound whose verdict differs at one end (or both) of a [U] range from its verdict at the default. */
export interface RangeFlip {
  /** The figure or bound id. */
  figure: string;
  parameter: string;
  lo: number;
  hi: number;
  /** Model value at the range's low and high end. */
  model_lo: number;
  model_hi: number;
  /** Within tolerance (a bound: holds) at each end. */
  within_lo: boolean;
  within_hi: boolean;
}

/** Experiments (by seed) whose runs can be refitted at the ends of every [U] range. */
const EXPERIMENTS: Record<string, () => Promise<RangeEnds[]>> = {
  '000': async () => {
    const [{ seed000RangeRuns, SEED000_CONFIG }, { resolveMachine }] = await Promise.all([
      import('@kmemsim/highmem'),
      import('../framework/machine.js'),
    ]);
    const mc = await resolveMachine({
      arch: SEED000_CONFIG.arch,
      virt: SEED000_CONFIG.virt,
      cpus: SEED000_CONFIG.cpus,
      seed: 1, // unused: only the arch profile is taken
    });
    return seed000RangeRuns(mc.arch);
  },
};

/** The range runs of each of `seeds` (their experiments refitted at both ends of every [U] range). */
export async function rangeEnds(seeds: string[]): Promise<Record<string, RangeEnds[]>> {
  const out: Record<string, RangeEnds[]> = {};
  for (const s of seeds) out[s] = await EXPERIMENTS[s]!();
  return out;
}

/** Whether a model value is within a figure's tolerance (compare.ts uses the same rule). */
export function withinTolerance(f: Figure, model: number): boolean {
  if (f.toleranceAbs !== undefined) return Math.abs(model - f.published) <= f.toleranceAbs;
  if (f.published === 0) return false;
  return Math.abs((model - f.published) / f.published) <= (f.tolerance ?? 0) + 1e-12;
}

/** The seeds among `figures` whose experiment supplies range runs. */
export const rangeSeeds = (figures: Figure[]) =>
  [...new Set(figures.map((f) => f.seed))].filter((s) => EXPERIMENTS[s] !== undefined);

/**
 * Per check figure and bound of the experiments that supply range runs: every [U] range within which its verdict
 * differs from `base` (the verdicts at the defaults), from each seed's runs at the range ends (`rangeEnds`).
 */
export function rangeFlips(
  figures: Figure[],
  tops: TopList[],
  base: { checks: ReadonlyMap<string, boolean>; bounds: readonly Bound[] },
  ends: Record<string, RangeEnds[]>,
): RangeFlip[] {
  const out: RangeFlip[] = [];
  for (const seed of Object.keys(ends)) {
    const ranges = ends[seed] ?? [];
    const checks = figures.filter((f) => f.seed === seed && f.role === 'check');
    const seedTops = tops.filter((t) => t.seed === seed);
    const baseBounds = new Map(base.bounds.filter((b) => b.seed === seed).map((b) => [b.id, b]));
    for (const r of ranges) {
      const at = (run: Run) => {
        const doc = { runs: [run] } as unknown as ResultDocument;
        const bounds = new Map(seedTops.flatMap((t) => boundsOf(t, figures, doc)).map((b) => [b.id, b]));
        return { run, bounds };
      };
      const lo = at(r.runs.lo);
      const hi = at(r.runs.hi);
      for (const f of checks) {
        const was = base.checks.get(f.id);
        if (was === undefined || !matchesVariant(r.runs.lo, f.variant)) continue;
        const mLo = readMetric(lo.run, f.metric) ?? 0;
        const mHi = readMetric(hi.run, f.metric) ?? 0;
        const wLo = withinTolerance(f, mLo);
        const wHi = withinTolerance(f, mHi);
        if (wLo !== was || wHi !== was)
          out.push({
            figure: f.id,
            parameter: r.parameter,
            lo: r.lo,
            hi: r.hi,
            model_lo: mLo,
            model_hi: mHi,
            within_lo: wLo,
            within_hi: wHi,
          });
      }
      // A bound at an end: the row's count there (0 when the row is gone or below every listed row).
      const ids = new Set([...baseBounds.keys(), ...lo.bounds.keys(), ...hi.bounds.keys()]);
      for (const id of [...ids].sort()) {
        const b0 = baseBounds.get(id);
        const bl = lo.bounds.get(id);
        const bh = hi.bounds.get(id);
        const was = b0?.within ?? true;
        const wLo = bl?.within ?? true;
        const wHi = bh?.within ?? true;
        if (wLo !== was || wHi !== was)
          out.push({
            figure: id,
            parameter: r.parameter,
            lo: r.lo,
            hi: r.hi,
            model_lo: bl?.model ?? 0,
            model_hi: bh?.model ?? 0,
            within_lo: wLo,
            within_hi: wHi,
          });
      }
    }
  }
  return out;
}
