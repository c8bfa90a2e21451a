// What vmap-bench, test-vmalloc and xfs-dir share: the sampling options (--exact, --max-error) and how sampling
// is reported, and --experiment (an experiment profile's fitted values over the arch).
import type { Run } from '@kmemsim/core';
import type { ArchProfile, Machine, VirtModeName } from '@kmemsim/mmu';
import type { ExperimentProfile, SamplingOptions } from '@kmemsim/vmalloc';
import { UsageError } from '../framework/errors.js';
import { bool, num } from '../framework/options.js';

export const samplingSchema = {
  exact: bool({ description: 'simulate every loop instead of extrapolating loops in steady state', default: false }),
  maxError: num({
    description:
      "target 95 % half-width of each thread's cycles per loop before extrapolating, percent (a loop whose drain cycles cannot reach it within its length may extrapolate at up to 10× it and at most 10 %, 16 cycles measured, its wider bound printed)",
    min: 0,
    max: 50,
    exclusiveMin: true,
    default: 1,
  }),
};

export function samplingOptions(o: { exact: boolean; maxError: number }): SamplingOptions {
  return { exact: o.exact, relError: o.maxError / 100 };
}

export function samplingParams(s: SamplingOptions): Record<string, unknown> {
  return { exact: s.exact ? 1 : 0, max_error_pct: Math.round((s.relError ?? 0.01) * 1e6) / 1e4 };
}

/** The arch with the experiment's fitted values layered over it (exit 2 if the experiment is for another arch). */
export function experimentArch(
  arch: ArchProfile,
  e: ExperimentProfile | undefined,
  apply: (a: ArchProfile, e: ExperimentProfile) => ArchProfile,
): ArchProfile {
  if (e === undefined) return arch;
  if (arch.name !== e.arch) {
    throw new UsageError(`--experiment ${e.name}: fitted on --arch ${e.arch}, got --arch ${JSON.stringify(arch.name)}`);
  }
  return apply(arch, e);
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
        'the 95 % error of the extrapolated share of the result, plus what a skip leaves the loops simulated after it. ' +
        '--exact on simulates every loop.'
    : 'Every loop was simulated in detail.';
}

/**
 * Runs one design's workload; a design that finds no vmalloc space (the kernel's vmap/vm_map_ram would return
 * NULL: a small vmalloc area, as on i386, for many CPUs' vmap blocks) is a configuration the machine cannot take,
 * so it is one line naming the options, exit 2, not an internal error.
 */
export function runDesign<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof RangeError && /found no vmalloc space/.test(err.message)) {
      throw new UsageError(
        `${what}: the vmalloc area is exhausted (the kernel's vmap would fail); use fewer threads or CPUs, smaller mappings, or an arch with a larger vmalloc area`,
      );
    }
    throw err;
  }
}

/** A fresh machine on an arch, with the command's virt mode, CPUs and seed (exit 2 for CPUs the arch cannot have). */
export async function machineFactory(mc: {
  virt: VirtModeName;
  cpus: number;
  seed: number;
}): Promise<(arch: ArchProfile) => Machine> {
  const { Machine } = await import('@kmemsim/mmu');
  return (arch) => {
    try {
      return new Machine({ arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed });
    } catch (err) {
      throw new UsageError(`--cpus ${mc.cpus}: ${(err as Error).message}`);
    }
  };
}
