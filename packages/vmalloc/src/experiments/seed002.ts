// Experiment profile of seed 002 ("mm: rewrite vmap layer", 2.6.28): its configuration (a 2-socket quad-core
// Opteron, x86_64, 8 CPUs, 4 pages per map, one thread) and the one value fitted to its two published figures
// (tools/calibration/002-vmap.json; fit budget max(1, ⌊2/3⌋) = 1). Applied only with `--experiment seed002`;
// the generic x86_64 profile keeps its sourced estimate.
import type { ArchProfile } from '@kmemsim/mmu';
import { sourced } from '@kmemsim/mmu';

/** An experiment profile (docs/fidelity.md): a seed's configuration and the values fitted to its figures. */
export interface ExperimentProfile {
  /** The `--experiment` name. */
  name: string;
  /** The seed number it reproduces ('002'). */
  seed: string;
  /** What the experiment is, one paragraph. */
  description: string;
  /** The arch the fitted values belong to. */
  arch: string;
  /** The experiment's configuration: the defaults of its runs. */
  defaults: { cpus: number; threads: number[]; pages: number; iterations: number; impl: string[] };
  /** Fitted arch costs, with their sources ("calibrated: seed NNN, figure <id> …"). */
  costs: Partial<ArchProfile['costs']>;
  /** The source of each fitted value, by its profile path (`costs.globalFlushPerCpuCycles`). */
  sources: Record<string, string>;
}

const FITTED = sourced({
  globalFlushPerCpuCycles: [
    11_445,
    'calibrated: seed 002, figure 002/legacy/t1 — the 2.6.27 loop (vmap + touch + vunmap of 4 pages, 1 thread, ' +
      '8 CPUs) at 14,700 ns: what a flush_tlb_all costs the sender and its slowest target on that Opteron ' +
      'beyond the modelled IPI (the generic estimate, 1,200 cycles, predicts 5,791 ns)',
  ],
});

/** Seed 002's experiment profile: the vmap-bench configuration and its one fitted arch cost. */
export const SEED002: ExperimentProfile = {
  name: 'seed002',
  seed: '002',
  description:
    '2.6.28 vmap rewrite benchmark: 2 sockets × 4-core Opteron (8 CPUs, x86_64), map + touch + unmap of 4 pages',
  arch: 'x86_64',
  defaults: { cpus: 8, threads: [1, 2, 4, 8], pages: 4, iterations: 50_000, impl: ['legacy', 'percpu'] },
  costs: { globalFlushPerCpuCycles: FITTED.globalFlushPerCpuCycles },
  sources: { 'costs.globalFlushPerCpuCycles': FITTED.sources.globalFlushPerCpuCycles },
};

/** Every experiment profile of this package, by name. */
export const EXPERIMENTS: Readonly<Record<string, ExperimentProfile>> = { seed002: SEED002 };

/** The arch profile with the experiment's fitted values layered over it (their sources replaced too). */
export function withExperiment(arch: ArchProfile, e: ExperimentProfile): ArchProfile {
  if (arch.name !== e.arch) {
    throw new RangeError(`experiment ${e.name} was fitted on arch ${e.arch}, not ${arch.name}`);
  }
  return { ...arch, costs: { ...arch.costs, ...e.costs }, sources: { ...arch.sources, ...e.sources } };
}
