// The metrics every vmap workload reports beside its headline (vmap-bench, the XFS directory workload): what the
// machine and the allocator did, and how much of the run the sampler extrapolated.
import { type Engine, roundTo } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { SamplingReport } from './sampler.js';

/** Machine and sampler metrics of a vmap workload run (part of its `run.metrics`). */
export type MachineMetrics = {
  /** Global TLB flushes (flush_tlb_all / flush_tlb_kernel_range with IPIs). */
  tlb_flush_global: number;
  /** Bound on `tlb_flush_global`'s extrapolated share (flushes the skips replayed; 0 when nothing was skipped). */
  tlb_flush_global_bound: number;
  /** IPIs sent. */
  ipi: number;
  /** Lazy-purge passes of the vmap allocator. */
  purges: number;
  /** Lock acquisitions that had to wait. */
  lock_contended: number;
  /** Uses of a stale translation the TLB detector saw (0 for a correct design). */
  stale_translations: number;
  /** Loops simulated in full detail. */
  loops_detailed: number;
  /** Loops extrapolated from the sampled ones (0 when sampling is off). */
  loops_extrapolated: number;
  /** Bound on the extrapolation's error, percent of the run's cycles. */
  error_bound_pct: number;
};

/** The machine metrics after a run whose threads spent `cycles` in total. */
export function machineMetrics(e: Engine, m: Machine, s: SamplingReport, cycles: number): MachineMetrics {
  const c = e.counters;
  return {
    tlb_flush_global: c.get('tlb_flush_global'),
    tlb_flush_global_bound: s.flushErr,
    ipi: c.get('ipi'),
    purges: c.get('vmap.purges'),
    lock_contended: c.get('lock_contended'),
    stale_translations: m.tlb.staleCount,
    loops_detailed: s.detailed,
    loops_extrapolated: s.skipped,
    error_bound_pct: roundTo((100 * s.errCycles) / cycles, 3),
  };
}
