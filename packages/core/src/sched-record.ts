// The fair scheduler of a kernel era, as data: which policy shares a CPU between two SCHED_NORMAL nice-0 tasks
// (the thread bound there and the CPU's kworker), its tick rate and its slice constants, with their sources.
// Constants are the kernel's unscaled defaults in ns; schedTunables scales them as sched_tunable_scaling = log does.

/** A kernel era's fair scheduler: what decides when a kworker and the thread bound to its CPU take turns. */
export interface SchedRecord {
  /** Short name for output and errors, e.g. `cfs-6.1`. */
  readonly name: string;
  /** CFS (2.6.23–6.5: vruntime, check_preempt_tick) or EEVDF (6.6+: eligibility, virtual deadlines). */
  readonly policy: 'cfs' | 'eevdf';
  /** CONFIG_HZ: scheduler ticks per second (kernel/Kconfig.hz `default HZ_250`, 6.1 and 6.12). */
  readonly hz: number;
  /** CFS sysctl_sched_latency, ns before scaling (6.1 kernel/sched/fair.c:72: 6000000ULL). */
  readonly latencyNs: number;
  /** CFS sysctl_sched_min_granularity, ns before scaling (6.1 fair.c:93: 750000ULL). */
  readonly minGranularityNs: number;
  /** CFS sysctl_sched_wakeup_granularity, ns before scaling (6.1 fair.c:124: 1000000UL). */
  readonly wakeupGranularityNs: number;
  /** EEVDF sysctl_sched_base_slice, ns before scaling (6.12 fair.c:76: 700000ULL; see `sources` for 6.9's). */
  readonly baseSliceNs: number;
  /** Kernel preemption model: PREEMPT_NONE (kernel/Kconfig.preempt's default) — switches only at cond_resched. */
  readonly preempt: 'none';
  /**
   * The record's unsourced numeric fields, each `[U lo..hi] why` (docs/fidelity.md): what a sensitivity sweep moves.
   * Fields not named here have the source given at their definition.
   */
  readonly sources: Readonly<Partial<Record<SchedNumber, string>>>;
}

/** A scheduler record's numeric fields (what `sources` may mark [U] and a sweep may move). */
export type SchedNumber = 'hz' | 'latencyNs' | 'minGranularityNs' | 'wakeupGranularityNs' | 'baseSliceNs';

/**
 * CFS as in 6.1 (kernel/sched/fair.c, features.h: GENTLE_FAIR_SLEEPERS, WAKEUP_PREEMPTION, BASE_SLICE on;
 * NEXT_BUDDY off), the last LTS before EEVDF. The engine's default scheduler.
 */
export const SCHED_CFS_6_1: SchedRecord = {
  name: 'cfs-6.1',
  policy: 'cfs',
  hz: 250,
  latencyNs: 6_000_000,
  minGranularityNs: 750_000,
  wakeupGranularityNs: 1_000_000,
  baseSliceNs: 750_000,
  preempt: 'none',
  sources: {},
};

/**
 * EEVDF as 6.6–6.11 have it (merged in 6.6; features.h: PLACE_LAG, RUN_TO_PARITY on). The base slice is [U]
 * 0.70–0.75 ms: sysctl_sched_base_slice took over min_granularity's 750000 (6.1 fair.c:93) and 6.12 has 700000
 * (6.12 fair.c:76); 0.75 ms is used. 6.12 differs further by DELAY_DEQUEUE (features.h:58; a sleeper with negative
 * lag stays queued until eligible) and PREEMPT_SHORT (custom slices), neither modelled here.
 */
export const SCHED_EEVDF_6_9: SchedRecord = {
  ...SCHED_CFS_6_1,
  name: 'eevdf-6.9',
  policy: 'eevdf',
  sources: {
    baseSliceNs:
      "[U 700000..750000] sysctl_sched_base_slice of 6.6–6.11: min_granularity's 750000 (6.1 fair.c:93) taken " +
      "over by EEVDF, or 6.12's 700000 (6.12 fair.c:76)",
  },
};

/** A scheduler record's constants on a machine, in cycles. */
export interface SchedTunables {
  /** Cycles between scheduler ticks (clockHz / HZ). */
  readonly tick: number;
  /** CFS: sched_slice with two runnable nice-0 tasks; EEVDF: the scaled base slice. */
  readonly slice: number;
  /** CFS min granularity (check_preempt_tick's second test). */
  readonly minGran: number;
  /** CFS wakeup_gran (wakeup_preempt_entity). */
  readonly wakeGran: number;
  /** CFS place_entity's sleeper credit: sysctl_sched_latency halved by GENTLE_FAIR_SLEEPERS. */
  readonly sleeperCredit: number;
  /** EEVDF entity_lag's clamp: max(2 × slice, TICK_NSEC). */
  readonly lagLimit: number;
}

/**
 * The record's constants for `cpus` CPUs at `clockHz`: get_update_sysctl_factor (6.1 fair.c:238–252, 6.12 fair.c
 * 195–207) scales latency, granularities and the base slice by 1 + ilog2(min(cpus, 8)).
 */
export function schedTunables(rec: SchedRecord, cpus: number, clockHz: number): SchedTunables {
  const factor = 1 + Math.floor(Math.log2(Math.min(Math.max(cpus, 1), 8)));
  const cyc = (ns: number) => (ns * factor * clockHz) / 1e9;
  const tick = clockHz / rec.hz;
  const latency = cyc(rec.latencyNs);
  const minGran = cyc(rec.minGranularityNs);
  // sched_slice (6.1 fair.c:726): __sched_period(2) = latency (2 ≤ sched_nr_latency), shared by weight, at least
  // min_granularity (BASE_SLICE).
  const slice = rec.policy === 'cfs' ? Math.max(latency / 2, minGran) : cyc(rec.baseSliceNs);
  return {
    tick,
    slice,
    minGran,
    wakeGran: cyc(rec.wakeupGranularityNs),
    sleeperCredit: latency / 2,
    lagLimit: Math.max(2 * slice, tick),
  };
}
