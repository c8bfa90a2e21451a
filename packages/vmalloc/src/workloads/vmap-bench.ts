// vmap-bench (seed 002): T threads on T CPUs each loop — map N pages, touch each (TLB fill + the stores), unmap —
// and report nanoseconds per map+touch+unmap. `api` picks vmap/vunmap or vm_map_ram/vm_unmap_ram (the alias
// 'percpu' means 2.6.28 through vm_map_ram). Each thread alternates between two sets of frames, so an address
// reused before a flush would be translated to the old frame and the TLB's stale detector would report it.
import { roundTo, runFromEngine, type TypedRun } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { sourced } from '@kmemsim/mmu';
import type { VmapDesign } from '../designs/design.js';
import { ALIAS_API, resolveDesign } from '../designs/registry.js';
import { createVmap } from '../mechanism/api.js';
import { LAYOUT, type MechanismParams, mechanismParams } from '../mechanism/params.js';
import type { Vmap } from '../types.js';
import { type MachineMetrics, machineMetrics } from './run-metrics.js';
import { flushEvents, Sampler, type SamplingOptions, type SamplingReport } from './sampler.js';
import { BenchLoop, type BenchLoopSpec } from './vmap-bench-loop.js';

/** The mapping API a vmap-bench loop calls: vmap/vunmap or vm_map_ram/vm_unmap_ram. */
export type MapApi = 'vmap' | 'vm_map_ram';
/** Every {@link MapApi}. */
export const MAP_APIS: readonly MapApi[] = ['vmap', 'vm_map_ram'];

/** The benchmark loop's own work per page, besides the mapping. */
export const BENCH = sourced({
  touchBytesPerPage: [
    4096,
    '[U 8..4096] seed 002 "maps, touches and unmaps 4 pages": the touch read as a write of each whole page ' +
      '(8: a one-word touch)',
  ],
});

/** Options of {@link runVmapBench}. */
export interface VmapBenchOptions {
  /** The machine to run on (arch, virt mode, CPUs). */
  machine: Machine;
  /** Design name or alias (registry). */
  impl: string;
  /** vmap/vunmap or vm_map_ram/vm_unmap_ram (default: the alias's, else vmap). */
  api?: MapApi;
  /** Benchmark threads, one per CPU (CPUs 0..threads−1); at most the machine's CPUs. */
  threads: number;
  /** Pages mapped, touched and unmapped per iteration. */
  pages: number;
  /** map+touch+unmap loops per thread. */
  iterations: number;
  /** Overrides of the vmap mechanism's costs (an experiment's fitted values). */
  params?: Partial<MechanismParams>;
  /** nr_cpu_ids the kernel sizes its per-CPU structures by (default: the machine's CPUs). */
  nrCpus?: number;
  /** Bytes the loop writes per mapped page (default BENCH.touchBytesPerPage, [U 8..4096]). */
  touchBytesPerPage?: number;
  /** Periodic sampling of the allocator's state during the run (off by default). */
  sampling?: SamplingOptions;
}

/** The headline numbers of a vmap-bench run (`run.metrics`). */
export type VmapBenchMetrics = {
  /** Nanoseconds per map+touch+unmap, averaged over threads. */
  ns_per_op: number;
  /** map+touch+unmap operations, all threads. */
  ops: number;
} & MachineMetrics;

/** A vmap-bench run with its metrics typed (`run.metrics.ns_per_op`); counters as the machine and design bump them. */
export type VmapBenchRun = TypedRun<VmapBenchMetrics, Record<never, never>>;

/** What {@link runVmapBench} returns. */
export interface VmapBenchResult {
  /** The run for the result document: time, counters (flushes, IPIs, purges, stale), profile; `metrics.ns_per_op`. */
  run: VmapBenchRun;
  /** Nanoseconds per map+touch+unmap, averaged over threads (the seed 002 figure). */
  nsPerOp: number;
  /** The allocator after the run (for invariant checks and inspection). */
  vmap: Vmap;
  /** The design the `impl` name resolved to. */
  design: VmapDesign;
  /** The mapping API the loop called. */
  api: MapApi;
  /** The sampled allocator state (empty when sampling was off). */
  sampling: SamplingReport;
}

/** The design and API an --impl name stands for. */
export function benchImpl(impl: string, api?: MapApi): { design: VmapDesign; api: MapApi } {
  return { design: resolveDesign(impl), api: ALIAS_API[impl] ?? api ?? 'vmap' };
}

/**
 * Runs vmap-bench (seed 002): `threads` threads on as many CPUs each loop `iterations` times over map `pages`
 * pages, touch each, unmap; returns nanoseconds per map+touch+unmap and the run (flushes, IPIs, purges, lock
 * contention, stale translations, profile). Each thread alternates two sets of frames, so a reuse before a flush is
 * reported by the TLB's stale detector.
 * @example
 * ```ts
 * import { x86_64 } from '@kmemsim/arch-x86_64';
 * import { Machine } from '@kmemsim/mmu';
 * import { runVmapBench } from '@kmemsim/vmalloc';
 * const { nsPerOp, run } = runVmapBench({
 *   machine: new Machine({ arch: x86_64, cpus: 8 }), impl: 'percpu', threads: 8, pages: 4, iterations: 2_000,
 * });
 * ```
 */
export function runVmapBench(o: VmapBenchOptions): VmapBenchResult {
  const m = o.machine;
  const e = m.engine;
  if (!Number.isInteger(o.threads) || o.threads < 1 || o.threads > m.cpus) {
    throw new RangeError(`threads ${o.threads} out of range 1..${m.cpus}`);
  }
  const { design, api } = benchImpl(o.impl, o.api);
  const p = mechanismParams(o.params);
  const v = createVmap(m, { impl: design, params: o.params, nrCpus: o.nrCpus });
  const sampler = new Sampler(e, { regeneration: flushEvents(e), ...o.sampling });
  const touchSym = e.sym('vmap_bench_loop');
  const spec: BenchLoopSpec = {
    m,
    v,
    sampler,
    ram: api === 'vm_map_ram',
    pages: o.pages,
    iterations: o.iterations,
    touchSym,
    touchCycles: (o.touchBytesPerPage ?? BENCH.touchBytesPerPage) * p.clearCyclesPerByte * o.pages,
    design: design.name,
  };
  const threads = [];
  for (let cpu = 0; cpu < o.threads; cpu++) {
    threads.push(e.spawn(cpu, `vmap-bench/${cpu}`, (t) => new BenchLoop(spec, t, LAYOUT.pfnBase)));
  }
  e.run();
  let sum = 0;
  for (const t of threads) sum += t.endCycle - t.startCycle;
  const nsPerOp = (sum / threads.length / o.iterations / e.clockHz) * 1e9;
  const s = sampler.report();
  const run = runFromEngine(e, {
    variant: { impl: design.name, api, threads: o.threads },
    metrics: {
      ns_per_op: roundTo(nsPerOp, 1),
      ops: o.iterations * o.threads,
      ...machineMetrics(e, m, s, sum),
    },
    threads,
    tickRateHz: m.arch.hz,
  });
  return { run, nsPerOp, vmap: v, design, api, sampling: s };
}
