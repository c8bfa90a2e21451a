// Does the checkpoint verdict (which --map variant costs the least sys time) hold while each [U lo..hi] value the
// run depends on moves within its range (docs/fidelity.md)? Each value is set to its low and its high end in turn;
// in an experiment the fitted values are refitted first so its calibration figures still hold. The VM-exit round
// trip is fitted there; its plausible range is swept by pinning it and letting kunmap_atomic's figure set
// kvm_mmu_invlpg's handling instead (the invlpg exit keeps its measured cost; only the split moves).
import {
  type SensitivityEntry as CoreSensitivityEntry,
  observeEngines,
  type TickOptions,
  uncertainRange,
  valueAt,
  withValueAt,
} from '@kmemsim/core';
import { type ArchProfile, type KvmVersion, Machine, type VirtModeName } from '@kmemsim/mmu';
import { type MapKind, runCheckpoint } from './checkpoint.js';
import { fitSeed000, withInvlpgHandling } from './experiments/fit.js';
import { seed000 } from './experiments/seed000.js';
import { type HighmemEra, MECHANISM, type MechanismParams, WORKLOAD, type WorkloadParams } from './params.js';

/** The checkpoint configuration whose verdict the sensitivity sweep tests. */
export interface SensitivityConfig {
  /** The machine's arch profile (its [U] values are the ones moved). */
  arch: ArchProfile;
  /** Virtualization mode. */
  virt: VirtModeName;
  /** KVM version under a KVM mode (default the Machine's, DEFAULT_KVM). */
  kvm?: KvmVersion;
  /** i386 PAE on. */
  pae: boolean;
  /** CPUs of the machine. */
  cpus: number;
  /** Writer processes, one per CPU (default 1). */
  writers?: number;
  /** The map variants whose order by sys time is the verdict (at least two). */
  maps: readonly MapKind[];
  /** Bytes each checkpoint dumps. */
  sizeBytes: number;
  /** Disk write bandwidth, MB/s (default the workload's). */
  diskMbps?: number;
  /** Era behaviour (default DEFAULT_ERA). */
  era?: Partial<HighmemEra>;
  /** Run as the seed000 experiment (fitted values refitted for each moved value). */
  experiment?: 'seed000';
  /** The machine's per-CPU timer tick (MachineOptions.tick), as the checked runs had it; default none. */
  tick?: TickOptions;
}

/** One [U] value moved to the ends of its range, and the verdict at each end (core's shared shape). */
export type SensitivityEntry = CoreSensitivityEntry;

/**
 * Whether the checkpoint verdict (which map variant costs the least sys time) holds while each [U] value moves
 * within its range.
 */
export interface Sensitivity {
  /** Variants from least to most sys time, e.g. "kmap < kmap_atomic < kmap_local". */
  verdict: string;
  /** Run size of the sweep (the per-page costs decide the order; at most 64 MiB). */
  size_bytes: number;
  /** One entry per [U] value the run depends on. */
  entries: SensitivityEntry[];
}

/** Where one sweep point sets the [U] values: the arch, highmem's mechanism and workload, a pinned exit round trip. */
export interface Knobs {
  /** The arch profile with the moved value. */
  arch: ArchProfile;
  /** highmem mechanism overrides. */
  mechanism: Partial<MechanismParams>;
  /** Workload overrides. */
  workload: Partial<WorkloadParams>;
  /** The VM-exit round trip pinned (an experiment then fits kvm_mmu_invlpg's handling instead). */
  roundTrip?: number;
}

function verdictOf(c: SensitivityConfig, k: Knobs, size: number): string {
  let profile = c.experiment ? seed000() : null;
  let arch = k.arch;
  if (profile) {
    const f = fitSeed000(k.arch, {}, size, k.mechanism, k.workload, k.roundTrip);
    if (f.invlpgHandlingCycles !== undefined) arch = withInvlpgHandling(arch, f.invlpgHandlingCycles);
    profile = seed000(f);
  }
  const sys = c.maps.map((map) => {
    const machine = new Machine({
      arch,
      virt: c.virt,
      pae: c.pae,
      cpus: c.cpus,
      kvm: c.kvm,
      virtCosts: profile?.virtCosts,
      ...(c.tick ? { tick: c.tick } : {}),
    });
    const params = { ...k.workload, ...profile?.params };
    const run = runCheckpoint({
      machine,
      map,
      sizeBytes: size,
      diskMbps: c.diskMbps,
      params,
      mechanism: k.mechanism,
      era: c.era,
      writers: c.writers,
    }).run;
    return { map, sys: run.time.sys_s };
  });
  return sys
    .sort((a, b) => a.sys - b.sys)
    .map((x) => x.map)
    .join(' < ');
}

/** The [U lo..hi] values a run of this configuration depends on, each with how to set it. */
export function knobsOf(
  c: SensitivityConfig,
): { name: string; value: number; lo: number; hi: number; at(v: number): Knobs }[] {
  const base: Knobs = { arch: c.arch, mechanism: {}, workload: {} };
  const out: ReturnType<typeof knobsOf> = [];
  const fitted = c.experiment ? new Set(Object.keys(seed000().params)) : new Set<string>();
  const fittedVirt = c.experiment
    ? new Set(['mechanism.refillCyclesPerCall', 'mechanism.pioCycles'])
    : new Set<string>();
  for (const [path, source] of Object.entries(c.arch.sources)) {
    const r = uncertainRange(source);
    if (!r) continue;
    const prefix = `virt.${c.virt}.`;
    const inMode = path.startsWith(prefix);
    if (!inMode && !path.startsWith('costs.') && !path.startsWith('ipi.')) continue;
    if (inMode && fittedVirt.has(path.slice(prefix.length))) continue;
    const value = valueAt(c.arch, path) as number;
    if (c.experiment && path === `${prefix}vmExitCycles`) {
      out.push({ name: `arch ${path}`, value, ...r, at: (v) => ({ ...base, roundTrip: v }) });
      continue;
    }
    out.push({
      name: `arch ${path}`,
      value,
      ...r,
      at: (v) => ({ ...base, arch: withValueAt(c.arch, path, v) }),
    });
  }
  for (const [key, source] of Object.entries(MECHANISM.sources)) {
    const r = uncertainRange(source);
    if (r) {
      const value = (MECHANISM as unknown as Record<string, number>)[key]!;
      out.push({ name: `highmem MECHANISM.${key}`, value, ...r, at: (v) => ({ ...base, mechanism: { [key]: v } }) });
    }
  }
  for (const [key, source] of Object.entries(WORKLOAD.sources)) {
    const r = uncertainRange(source);
    if (!r || fitted.has(key) || key === 'diskMbps' || key === 'dirtyLimitBytes') continue;
    const value = (WORKLOAD as unknown as Record<string, number>)[key]!;
    out.push({ name: `highmem WORKLOAD.${key}`, value, ...r, at: (v) => ({ ...base, workload: { [key]: v } }) });
  }
  return out;
}

/** The verdict and, per [U] value, the verdicts at its range's ends. Needs at least two map variants. */
export function checkpointSensitivity(c: SensitivityConfig): Sensitivity {
  // The sweep's runs are not the command's runs: keep them out of any trace being recorded.
  const observer = observeEngines(undefined);
  try {
    return sweep(c);
  } finally {
    observeEngines(observer);
  }
}

function sweep(c: SensitivityConfig): Sensitivity {
  const size = Math.min(c.sizeBytes, 64 * 2 ** 20);
  const verdict = verdictOf(c, { arch: c.arch, mechanism: {}, workload: {} }, size);
  const entries = knobsOf(c).map((k) => {
    const lo = verdictOf(c, k.at(k.lo), size);
    const hi = verdictOf(c, k.at(k.hi), size);
    return {
      parameter: k.name,
      value: k.value,
      lo: k.lo,
      hi: k.hi,
      verdict_lo: lo,
      verdict_hi: hi,
      flips: lo !== verdict || hi !== verdict,
    };
  });
  return { verdict, size_bytes: size, entries };
}
