// The sensitivity sweeps of the three workloads (sensitivity.ts): each one's headline figures from its runs, and
// the runs again with one [U] value moved — vmap-bench and the XFS workload per (design, API, threads) run,
// test_vmalloc per design — on a fresh machine of the command's seed.
import type { Run } from '@kmemsim/core';
import type { ArchProfile, Machine } from '@kmemsim/mmu';
import { type Figures, type SweepConfig, sweepSensitivity, type VmallocSensitivity } from './sensitivity.js';
import { type Knob, type KnobConfig, type SweepValues, vmallocKnobs } from './sensitivity-knobs.js';
import type { SamplingOptions } from './workloads/sampler.js';
import { runTestVmalloc, type TestVmallocOptions } from './workloads/test-vmalloc.js';
import { type MapApi, runVmapBench } from './workloads/vmap-bench.js';
import { runXfsDir } from './workloads/xfs-dir.js';

const threadsLabel = (t: number) => `${t} thread${t === 1 ? '' : 's'}`;
const designLabel = (r: Run) =>
  r.variant.api === 'vmap' ? String(r.variant.impl) : `${r.variant.impl} ${r.variant.api}`;
const boundOf = (r: Run, key = 'error_bound_pct') => (r.metrics[key] ?? 0) / 100;

/** vmap-bench's figures: ns per map+touch+unmap per thread count, per design (`impl` or `impl api`). */
export function vmapBenchFigures(runs: readonly Run[]): Figures {
  const f: Figures = {};
  for (const r of runs) {
    const h = threadsLabel(Number(r.variant.threads));
    (f[h] ??= {})[designLabel(r)] = { value: r.metrics.ns_per_op ?? 0, bound: boundOf(r) };
  }
  return f;
}

/** The XFS workload's figures: operations per second per thread count, per `impl api`. */
export function xfsDirFigures(runs: readonly Run[]): Figures {
  const f: Figures = {};
  for (const r of runs) {
    const h = threadsLabel(Number(r.variant.threads));
    (f[h] ??= {})[`${r.variant.impl} ${r.variant.api}`] = { value: r.metrics.ops_per_s ?? 0, bound: boundOf(r) };
  }
  return f;
}

/** test_vmalloc's figures: average µs per run of each case, per design. */
export function testVmallocFigures(runs: readonly Run[], cases: readonly string[]): Figures {
  const f: Figures = {};
  for (const name of cases) {
    f[name] = {};
    for (const r of runs) {
      f[name][String(r.variant.impl)] = {
        value: r.metrics[`${name}.avg_usec`] ?? 0,
        bound: boundOf(r, `${name}.error_bound_pct`),
      };
    }
  }
  return f;
}

/** What every workload's sweep shares: the machine, the values and how to rank. */
interface CommonSweep {
  /**
   * A fresh machine on `arch` (virt mode, CPUs, seed and timer tick as the command's) for the design `impl` (whose
   * kernel may set the tick's phase: VmapDesign.tickPhase).
   */
  machine: (arch: ArchProfile, impl: string) => Machine;
  /** The run's values (the caller's overrides in `params`; explicit options in `given`). */
  base: SweepValues;
  /** Virtualization mode (its `virt.<mode>.*` values are moved). */
  virt: string;
  /** The machine's CPUs. */
  cpus: number;
  /** Values set by an option, not the [U] default. */
  given?: ReadonlySet<string>;
  /** The runs' sampling (the same as the command's). */
  sampling?: SamplingOptions;
  /** The command's figures, if it has them. */
  nominal?: Figures;
  /** Progress per moved value. */
  onKnob?: SweepConfig['onKnob'];
}

function knobs(c: CommonSweep, workload: KnobConfig['workload'], impls: readonly string[]): Knob[] {
  return vmallocKnobs({ workload, base: c.base, virt: c.virt, cpus: c.cpus, given: c.given, impls });
}

/** vmap-bench's sweep: every (impl, api, threads) run again at each end of each [U] range. */
export function vmapBenchSensitivity(
  c: CommonSweep & {
    runs: readonly { impl: string; api: MapApi; threads: number }[];
    pages: number;
    iterations: number;
  },
): VmallocSensitivity {
  const figuresAt = (v: SweepValues) =>
    vmapBenchFigures(
      c.runs.map(
        (r) =>
          runVmapBench({
            machine: c.machine(v.arch, r.impl),
            ...r,
            pages: c.pages,
            iterations: c.iterations,
            nrCpus: v.nrCpus,
            touchBytesPerPage: v.touchBytesPerPage,
            params: v.params,
            sampling: c.sampling,
          }).run,
      ),
    );
  return sweepSensitivity({
    knobs: knobs(
      c,
      'vmap-bench',
      c.runs.map((r) => r.impl),
    ),
    base: c.base,
    figuresAt,
    nominal: c.nominal,
    figure: 'ns_per_op',
    better: 'lower',
    tieRel: c.sampling?.relError,
    runsPerPoint: c.runs.length,
    onKnob: c.onKnob,
  });
}

/** test_vmalloc's sweep: every design's module run again at each end of each [U] range. */
export function testVmallocSensitivity(
  c: CommonSweep & {
    impls: readonly string[];
    /** The module's parameters, as the command ran them. */
    module: Omit<TestVmallocOptions, 'machine' | 'impl' | 'params' | 'costs' | 'nrCpus' | 'sampling'>;
    /** Names of the cases run (the headlines). */
    cases: readonly string[];
  },
): VmallocSensitivity {
  const figuresAt = (v: SweepValues) =>
    testVmallocFigures(
      c.impls.map(
        (impl) =>
          runTestVmalloc({
            ...c.module,
            machine: c.machine(v.arch, impl),
            impl,
            nrCpus: v.nrCpus,
            params: v.params,
            costs: v.testCosts,
            sampling: c.sampling,
          }).run,
      ),
      c.cases,
    );
  return sweepSensitivity({
    knobs: knobs(c, 'test-vmalloc', c.impls),
    base: c.base,
    figuresAt,
    nominal: c.nominal,
    figure: 'avg_usec',
    better: 'lower',
    tieRel: c.sampling?.relError,
    runsPerPoint: c.impls.length,
    onKnob: c.onKnob,
  });
}

/** The XFS workload's sweep: every (design, API, threads) run again at each end of each [U] range. */
export function xfsDirSensitivity(
  c: CommonSweep & {
    runs: readonly { impl: string; api?: MapApi; threads: number }[];
    ops: number;
  },
): VmallocSensitivity {
  const figuresAt = (v: SweepValues) =>
    xfsDirFigures(
      c.runs.map(
        (r) =>
          runXfsDir({
            machine: c.machine(v.arch, r.impl),
            ...r,
            ops: c.ops,
            nrCpus: v.nrCpus,
            dirBlockBytes: v.dirBlockBytes,
            buffersPerOp: v.buffersPerOp,
            params: v.params,
            costs: v.xfsCosts,
            sampling: c.sampling,
          }).run,
      ),
    );
  return sweepSensitivity({
    knobs: knobs(
      c,
      'xfs-dir',
      c.runs.map((r) => r.impl),
    ),
    base: c.base,
    figuresAt,
    nominal: c.nominal,
    figure: 'ops_per_s',
    better: 'higher',
    tieRel: c.sampling?.relError,
    runsPerPoint: c.runs.length,
    onKnob: c.onKnob,
  });
}
