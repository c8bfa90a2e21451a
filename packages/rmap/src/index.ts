// @kmemsim/rmap: reverse mapping as 2.4–2.6 did it (none, single- and multi-pointer pte_chains, PageDirect with its
// era's collapse rule, bit vs the postings' hashed locks, each era's pte_chain allocation, objrmap), its cost
// through the machine's caches, and the workloads of seeds 003/004 (fork-exit, lat_proc, kernel-compile).
export { type AllocCtx, createAllocator, type NodeAllocator } from './alloc.js';
export { ChainStore, ChainWork } from './chains.js';
export { checkRmap } from './check.js';
export {
  buildSystem,
  Charger,
  countRmap,
  overheadPct,
  perPte,
  type RmapVariant,
  rmapBytes,
  variantKeys,
} from './common.js';
export { type CompileOptions, type CompileResult, runKernelCompile } from './compile.js';
export { COMPILE, type CompileParams, type ProgramImage, programs } from './compile-params.js';
export { BENCH_DESIGNS } from './designs.js';
export {
  ALLOC_KINDS,
  ALLOC_SOURCES,
  type AllocKind,
  CHAIN_ERAS,
  type ChainEra,
  type Geometry,
  geometry,
  KERNELS,
  type KernelEra,
  LOCK_ERAS,
  LOCK_KINDS,
  type LockEra,
  type LockKind,
  nrpte,
  RMAP_KINDS,
  type RmapKind,
  type StructPageLayout,
  structPageLayout,
} from './eras.js';
export { type RmapExperiment, SEED003 } from './experiments/seed003.js';
export {
  AUTO_SAMPLED_PAGES,
  chooseFidelity,
  FIDELITIES,
  type Fidelity,
  type FidelityChoice,
  type RunFidelity,
} from './fidelity.js';
export { LAT, LAT_WORKLOADS, type LatOptions, type LatResult, type LatWorkload, runLat } from './lat.js';
export { RmapLockError, RmapLocks } from './locks.js';
export { KernelMemory } from './memory.js';
export { COSTS, defaultCosts, type RmapCosts, SYMBOL_BYTES } from './params.js';
export { reclaimPages } from './reclaim.js';
export { type RmapConfig, RmapConfigError, RmapSystem, type RmapSystemOptions } from './rmap.js';
export { PageSampler, SAMPLED_BOUND_PCT, SAMPLING, type SamplingPlan } from './sample.js';
export { Layout, Space, type Vma } from './space.js';
export {
  FORK_WORKLOADS,
  type ForkWorkload,
  PRESETS,
  type RmapForkOptions,
  type RmapForkResult,
  runRmapFork,
  type SampledReport,
} from './workload.js';

import { type RmapExperiment, SEED003 } from './experiments/seed003.js';
import { LAT_WORKLOADS } from './lat.js';
import { FORK_WORKLOADS } from './workload.js';

/** Every workload of the rmap model: fork + exit and its variants, LMbench latencies, the kernel compile. */
export const WORKLOADS = [...FORK_WORKLOADS, ...LAT_WORKLOADS, 'kernel-compile'] as const;
/** One of {@link WORKLOADS}. */
export type Workload = (typeof WORKLOADS)[number];

/** Seed experiments by name (`--experiment`). */
export const EXPERIMENT_NAMES = ['seed003'] as const;
/** The rmap experiment profiles by name. */
export const EXPERIMENTS: Record<(typeof EXPERIMENT_NAMES)[number], RmapExperiment> = { seed003: SEED003 };
