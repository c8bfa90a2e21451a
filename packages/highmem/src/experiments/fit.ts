// Fitting seed 000's seven values to their seven calibration figures (kmap variant, 800 MiB). Each value mostly
// moves its own figure and every figure is linear in it, so a few rounds of per-figure Newton steps converge. Used
// to produce the constants in seed000.ts (a test checks they still reproduce their figures) and by the
// sensitivity sweep, which moves a [U] value and refits before it compares variants.
import type { ArchProfile } from '@kmemsim/mmu';
import { Machine } from '@kmemsim/mmu';
import { runCheckpoint } from '../checkpoint.js';
import type { MechanismParams, WorkloadParams } from '../params.js';
import { type ExperimentProfile, type Seed000Fitted, seed000 } from './seed000.js';

export type FittedName = keyof Seed000Fitted;

/** The figure each fitted value is set from: a metric of the kmap run and its published value. */
export const SEED000_TARGETS: Record<FittedName, { metric: string; published: number }> = {
  exitRoundTripCycles: { metric: 'profile.kunmap_atomic.ticks', published: 415 },
  refillCyclesPerCall: { metric: 'profile.radix_tree_lookup_slot.ticks', published: 29 },
  pioCycles: { metric: 'profile.ide_dma_end.ticks', published: 87 },
  blockPrepareWriteCycles: { metric: 'profile.__block_prepare_write.ticks', published: 268 },
  dumpResidualCycles: { metric: 'profile.checkpoint_dump_page.ticks', published: 788 },
  unmodelledCyclesPerPage: { metric: 'time.sys_s', published: 20.161 },
  userCyclesPerPage: { metric: 'time.user_s', published: 2.02 },
};

/** Runs the experiment's configuration with a profile; `metrics` reads the values the fit targets. */
export function runSeed000(
  arch: ArchProfile,
  profile: ExperimentProfile,
  map: 'kmap' | 'kmap_atomic' | 'kmap_local' = 'kmap',
  sizeBytes = profile.config.sizeBytes,
  mechanism?: Partial<MechanismParams>,
  workload?: Partial<WorkloadParams>,
) {
  const c = profile.config;
  const machine = new Machine({
    arch,
    virt: c.virt,
    pae: c.pae,
    cpus: c.cpus,
    kvm: c.kvm,
    virtCosts: profile.virtCosts,
  });
  return runCheckpoint({
    machine,
    map,
    sizeBytes,
    params: { ...workload, ...profile.params },
    mechanism,
    top: 1000,
    nohz: c.nohz,
  }).run;
}

/** The fitted figure's value in cycles (ticks are whole numbers: fitting on them would not converge). */
function read(run: ReturnType<typeof runSeed000>, metric: string, clockHz: number): number {
  const [head, a] = metric.split('.');
  if (head === 'profile') return run.profile.find((r) => r.symbol === a)?.cycles ?? 0;
  return (run.time as Record<string, number>)[a]! * clockHz;
}

/**
 * Fits the seven values (integers) on `arch`. `fixed` values are kept as given; the others are solved for at once:
 * every fitted figure is linear in every fitted value, so one base run plus one run per value gives the exact
 * Jacobian. `sizeBytes` below 800 MiB scales the published targets with the page count (sensitivity sweeps).
 */
export function fitSeed000(
  arch: ArchProfile,
  fixed: Partial<Record<FittedName, number>> = {},
  sizeBytes = seed000().config.sizeBytes,
  mechanism?: Partial<MechanismParams>,
  workload?: Partial<WorkloadParams>,
  pinnedRoundTrip?: number,
): Record<FittedName, number> & { invlpgHandlingCycles?: number } {
  const names = Object.keys(SEED000_TARGETS) as FittedName[];
  const free = names.filter((n) => fixed[n] === undefined);
  const x = Object.fromEntries(names.map((n) => [n, fixed[n] ?? 1000])) as Record<FittedName, number>;
  const scale = sizeBytes / seed000().config.sizeBytes;
  const tick = arch.clockHz / arch.hz;
  // With the round trip pinned (a sensitivity sweep), its slot solves for FNAME(invlpg)'s handling instead, so the
  // invlpg exit still costs what kunmap_atomic's row says and only the split between the two moves.
  const pinned = pinnedRoundTrip !== undefined;
  const run = (v: Record<FittedName, number>) =>
    pinned
      ? runSeed000(
          withInvlpgHandling(arch, v.exitRoundTripCycles),
          seed000({ ...v, exitRoundTripCycles: pinnedRoundTrip }),
          'kmap',
          sizeBytes,
          mechanism,
          workload,
        )
      : runSeed000(arch, seed000(v), 'kmap', sizeBytes, mechanism, workload);
  const target = free.map((n) => {
    const t = SEED000_TARGETS[n];
    return (t.metric.startsWith('time.') ? t.published * arch.clockHz : t.published * tick) * scale;
  });
  const y0 = (r: ReturnType<typeof run>) => free.map((n) => read(r, SEED000_TARGETS[n].metric, arch.clockHz));
  const base = y0(run(x));
  const d = 1000;
  const J = free.map(() => new Array<number>(free.length).fill(0));
  free.forEach((n, j) => {
    const y = y0(run({ ...x, [n]: x[n] + d }));
    for (let i = 0; i < free.length; i++) J[i]![j] = (y[i]! - base[i]!) / d;
  });
  const delta = solve(
    J,
    target.map((t, i) => t - base[i]!),
  );
  free.forEach((n, j) => {
    x[n] = Math.max(0, Math.round(x[n] + delta[j]!));
  });
  if (!pinned) return x;
  return { ...x, invlpgHandlingCycles: x.exitRoundTripCycles, exitRoundTripCycles: pinnedRoundTrip };
}

/** The arch with kvm-shadow's kvm_mmu_invlpg handling set. */
export function withInvlpgHandling(arch: ArchProfile, cycles: number): ArchProfile {
  const v = arch.virt['kvm-shadow'];
  if (!v) return arch;
  return {
    ...arch,
    virt: { ...arch.virt, 'kvm-shadow': { ...v, handlingCycles: { ...v.handlingCycles, invlpg: cycles } } },
  };
}

/** Gaussian elimination with partial pivoting (a small dense system). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[p]![c]!)) p = r;
    [M[c], M[p]] = [M[p]!, M[c]!];
    const piv = M[c]![c]!;
    if (piv === 0) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / piv;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((row, i) => (row[i] === 0 ? 0 : row[n]! / row[i]!));
}
