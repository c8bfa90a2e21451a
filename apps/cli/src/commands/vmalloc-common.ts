// What vmap-bench, test-vmalloc and xfs-dir share: the sampling options (--exact, --max-error) and how sampling
// is reported, and --experiment (an experiment profile's fitted values over the arch).
import type { Run, TickPhase } from '@kmemsim/core';
import type { ArchProfile, Machine, VirtModeName } from '@kmemsim/mmu';
import { type ExperimentProfile, heldSummary, type SamplingOptions } from '@kmemsim/vmalloc';
import { UsageError } from '../framework/errors.js';
import { bool, num } from '../framework/options.js';
import { machineTick, type TickChoice } from '../framework/tick.js';

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

/** A run's global flushes, with the bound on those its skips replayed (`± n`) when it skipped any. */
export function flushCell(r: Run): string | number {
  const b = Number(r.metrics.tlb_flush_global_bound ?? 0);
  const n = Number(r.metrics.tlb_flush_global);
  return b > 0 ? `${n.toLocaleString('en-US')} ±${b.toLocaleString('en-US')}` : n;
}

/** Reasons shown in a run's "held in detail by" line; the rest are summed as "other". */
const HELD_ROWS = 3;

/**
 * Why a sampled run's loops ran in detail (the run's `held_in_detail` counters: each loop in detail charged to why
 * the sampler's last skip was refused; vmalloc's sampler-refusal.ts), as the shares of its largest reasons; null for
 * an exact run, or one without the trace.
 */
export function heldLine(r: Run): string | null {
  const trace = r.counters.held_in_detail;
  if (trace === undefined || typeof trace === 'number') return null;
  const rows = heldSummary(trace as Record<string, number>);
  const total = rows.reduce((a, h) => a + h.loops, 0);
  if (total === 0) return null;
  const pct = (n: number) => `${((100 * n) / total).toFixed(1)} %`;
  const shown = rows.slice(0, HELD_ROWS).map((h) => `${pct(h.loops)} ${h.why}`);
  const rest = rows.slice(HELD_ROWS).reduce((a, h) => a + h.loops, 0);
  if (rest > 0) shown.push(`${pct(rest)} other`);
  return `held in detail by: ${shown.join('; ')}`;
}

/** What the "held in detail by" lines name, once per document that has them. */
export function heldNote(runs: Run[]): string[] {
  if (!runs.some((r) => heldLine(r) !== null)) return [];
  return [
    '"held in detail by": why the sampler did not skip when those loops ran — a gate (a state it does not ' +
      "extrapolate: 'kworker beside a builder', 'case order', 'no builds skipped', 'purge in detail', …) or a loop " +
      "kind whose rate was not yet known within the target ('wide', 'trend', 'few rounds', 'between flushes', …); " +
      'each is explained in @kmemsim/vmalloc\'s README, "Sampled simulation". The JSON has every kind and reason ' +
      '(counters.held_in_detail).',
  ];
}

export function samplingLine(runs: Run[]): string {
  const sampled = runs.some((r) => (r.metrics.loops_extrapolated ?? 0) > 0);
  return sampled
    ? 'Loops in steady state were extrapolated from whole regeneration cycles (between TLB flushes); the bound is ' +
        'the 95 % error of the extrapolated share of the result, plus what a skip leaves the loops simulated after it. ' +
        'Counters are scaled from the measured window over the skipped time; global flushes carry their own 95 % ' +
        "bound (±, from the flush gaps seen in detail: 6.9's drain waits for its EEVDF turn, so they are heavy-tailed). " +
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

/**
 * A fresh machine on an arch, with the command's virt mode, CPUs, seed and --tick (exit 2 for CPUs the arch cannot
 * have); `impl` names the design run on it, whose kernel gives --tick's `era` phase (VmapDesign.tickPhase).
 */
export async function machineFactory(mc: {
  virt: VirtModeName;
  cpus: number;
  seed: number;
  tick?: TickChoice | null;
}): Promise<(arch: ArchProfile, impl?: string) => Machine> {
  const [{ Machine }, { resolveDesign }] = await Promise.all([import('@kmemsim/mmu'), import('@kmemsim/vmalloc')]);
  return (arch, impl) => {
    const tick = machineTick(mc.tick, impl === undefined ? undefined : resolveDesign(impl).tickPhase);
    try {
      return new Machine({ arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed, ...(tick ? { tick } : {}) });
    } catch (err) {
      throw new UsageError(`--cpus ${mc.cpus}: ${(err as Error).message}`);
    }
  };
}

/** Each design's tick phase where --tick takes it from the era (params.tick.phase_by_impl), else undefined. */
export async function eraPhases(
  t: TickChoice | null | undefined,
  impls: readonly string[],
): Promise<Record<string, TickPhase> | undefined> {
  if (!t || (t.phase !== undefined && t.phase !== 'era')) return undefined;
  const { resolveDesign } = await import('@kmemsim/vmalloc');
  return Object.fromEntries(impls.map((i) => [resolveDesign(i).name, resolveDesign(i).tickPhase]));
}

/**
 * The one line a sampled run with --tick prints: the sampler's bounds were checked against --exact runs with the
 * tick off only, and one exact run with a staggered tick has fallen outside them (lead, s22). At 16 × mask 7 ×
 * 20,000 (s23: 2.6.28 and 5.2, HZ 1000, 5,000 cycles, stagger and aligned, seeds 1–2, both orders) every case and
 * phase was within its bound but 5.2's shuffled full_fit set-up at seed 1 (−3.42 % vs ±2.63 %), out with the tick off
 * too (−3.35 % vs ±2.91 %): not the tick's, and not enough to drop the warning.
 */
export const TICK_SAMPLING_WARNING =
  '--tick with sampling: the error bounds were validated against --exact runs with the tick off; with a staggered ' +
  'HZ 1000 tick (5000-cycle handler), 2.6.28 at 64 CPUs × mask 7 × 1,000,000 loops in mask order had full_fit main ' +
  'sampled +19.5 % off exact, outside its ±18.2 % bound; check a figure with --exact on';

/** Warns when a run with --tick extrapolated loops (an --exact run, or one simulated in full, is not warned). */
export function warnTickSampling(
  t: TickChoice | null | undefined,
  runs: readonly Run[],
  ctx: { warn(line: string): void },
): void {
  if (t && runs.some((r) => (r.metrics.loops_extrapolated ?? 0) > 0)) ctx.warn(TICK_SAMPLING_WARNING);
}
