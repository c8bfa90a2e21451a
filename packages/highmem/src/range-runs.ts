// The seed000 experiment at both ends of every [U] range its run depends on, refitted at each end so that its
// calibration figures still hold: what `kmemsim reproduce` reads to say whether a check (a figure the experiment
// predicts) or a top-20 bound flips within a range (docs/fidelity.md: "if a result flips within that range the
// output says so"). Full size (800 MiB): the checks are per-run counts, and the radix walks and the disk make the run
// not exactly linear in its size.
import { observeEngines, type Run } from '@kmemsim/core';
import type { ArchProfile } from '@kmemsim/mmu';
import { fitSeed000, runSeed000, withInvlpgHandling } from './experiments/fit.js';
import { SEED000_CONFIG, seed000 } from './experiments/seed000.js';
import { type Knobs, knobsOf } from './sensitivity.js';

/** One [U] value and the experiment's run (kmap variant, refitted) at each end of its range. */
export interface RangeRuns {
  /** The value's name (`arch virt.kvm-shadow.mechanism.pageFaultHandlingCycles`, `highmem MECHANISM.…`). */
  parameter: string;
  /** Its default. */
  value: number;
  /** The range's low end. */
  lo: number;
  /** The range's high end. */
  hi: number;
  /** The run at each end. */
  runs: { lo: Run; hi: Run };
}

/** The seed000 run with the fitted values refitted for these knobs (as the checkpoint sensitivity sweep does). */
function refittedRun(k: Knobs, size: number): Run {
  const f = fitSeed000(k.arch, {}, size, k.mechanism, k.workload, k.roundTrip);
  const arch = f.invlpgHandlingCycles !== undefined ? withInvlpgHandling(k.arch, f.invlpgHandlingCycles) : k.arch;
  return runSeed000(arch, seed000(f), SEED000_CONFIG.map, size, k.mechanism, k.workload);
}

/**
 * For every [U] value a seed000 run depends on (the arch's kvm-shadow and cost ranges, highmem's mechanism and
 * workload ranges; the fitted ones excepted, the exit round trip swept by pinning it): the experiment's run at the
 * low and the high end, each refitted. 35 values × 2 ends × 9 runs of 800 MiB.
 */
export function seed000RangeRuns(arch: ArchProfile): RangeRuns[] {
  const c = SEED000_CONFIG;
  // These runs are not a command's runs: keep them out of any trace being recorded.
  const observer = observeEngines(undefined);
  try {
    const knobs = knobsOf({
      arch,
      virt: c.virt,
      kvm: c.kvm,
      pae: c.pae,
      cpus: c.cpus,
      maps: [c.map],
      sizeBytes: c.sizeBytes,
      experiment: 'seed000',
    });
    return knobs.map((k) => ({
      parameter: k.name,
      value: k.value,
      lo: k.lo,
      hi: k.hi,
      runs: { lo: refittedRun(k.at(k.lo), c.sizeBytes), hi: refittedRun(k.at(k.hi), c.sizeBytes) },
    }));
  } finally {
    observeEngines(observer);
  }
}
