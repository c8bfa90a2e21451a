// What vmap-bench, test-vmalloc and xfs-dir share: --experiment (an experiment profile's fitted values over the
// arch), --exact / --max-error (sampled simulation of long loops) and how the sampling is reported.
import type { Run } from '@kmemsim/core';
import type { ArchProfile } from '@kmemsim/mmu';
import type { ExperimentProfile, SamplingOptions } from '@kmemsim/vmalloc';
import type { RawOptions } from '../framework/command.js';
import { badValue, UsageError } from '../framework/errors.js';
import { parseNumberIn } from '../framework/parse.js';

/** The arch with the experiment's fitted values layered over it (exit 2 if the experiment is for another arch). */
export function experimentArch(
  arch: ArchProfile,
  e: ExperimentProfile | null,
  apply: (a: ArchProfile, e: ExperimentProfile) => ArchProfile,
): ArchProfile {
  if (e === null) return arch;
  if (arch.name !== e.arch) {
    throw new UsageError(`--experiment ${e.name}: fitted on --arch ${e.arch}, got --arch ${JSON.stringify(arch.name)}`);
  }
  return apply(arch, e);
}

/** --exact and --max-error <pct>. */
export function samplingOptions(opts: RawOptions): SamplingOptions {
  const exact = opts.exact === true;
  if (opts.exact !== undefined && typeof opts.exact !== 'boolean') throw badValue('--exact', opts.exact, 'no value');
  const pct = opts.maxError === undefined ? 1 : parseNumberIn(String(opts.maxError), '--max-error', 0, 50, true);
  return { exact, relError: pct / 100 };
}

export function samplingParams(s: SamplingOptions): Record<string, unknown> {
  return { exact: s.exact ? 1 : 0, max_error_pct: Math.round((s.relError ?? 0.01) * 1e6) / 1e4 };
}

/** "12,345 of 800,000" loops simulated in detail, and the error bound of the rest. */
export function samplingCells(r: Run): [string, string] {
  const d = r.metrics.loops_detailed ?? 0;
  const x = r.metrics.loops_extrapolated ?? 0;
  const f = (n: number) => n.toLocaleString('en-US');
  return [x === 0 ? `all ${f(d)}` : `${f(d)} of ${f(d + x)}`, x === 0 ? 'exact' : `±${r.metrics.error_bound_pct} %`];
}

export function samplingLine(runs: Run[]): string {
  const sampled = runs.some((r) => (r.metrics.loops_extrapolated ?? 0) > 0);
  return sampled
    ? 'Loops in steady state were extrapolated from whole regeneration cycles (between TLB flushes); the bound is ' +
        'the 95 % error of the extrapolated share of the result. --exact simulates every loop.'
    : 'Every loop was simulated in detail.';
}
