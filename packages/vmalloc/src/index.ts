// @kmemsim/vmalloc: the kernel's vmap layers as data-driven designs along mm/vmalloc.c's history (2.6.27's
// vmlist, 2.6.28's lazy vmap + per-CPU blocks, 2.6.37's eager PTE clearing, 2.6.39's free_vmap_cache, 5.2's
// augmented free tree, 6.9's per-node pools), vm_unmap_aliases, and the workloads: vmap-bench (seed 002),
// test_vmalloc and the XFS large-directory workload, with sampled extrapolation of long loops.
export {
  ALIAS_API,
  DESIGN_CHOICES,
  DESIGN_NAMES,
  DESIGNS,
  type HoleSearch,
  type PerCpuBlocks,
  resolveDesign,
  UnknownDesignError,
  type VmapDesign,
} from './designs/index.js';
export { EXPERIMENTS, type ExperimentProfile, SEED002, withExperiment } from './experiments/seed002.js';
export { createVmap, VmapAllocator, type VmapOptions } from './mechanism/api.js';
export { AreaTable } from './mechanism/areas.js';
export { VmapBlocks, vmapBlockBits } from './mechanism/blocks.js';
export { alignUp, IntervalSet } from './mechanism/intervals.js';
export { type ChaseLevels, chaseCycles, FALLBACK_MEMORY } from './mechanism/memory.js';
export { LAYOUT, MECHANISM, type MechanismParams, mechanismParams } from './mechanism/params.js';
export { changePageAttr } from './mechanism/pat.js';
export { type SplitCase, VmSpace } from './mechanism/space.js';
export {
  type Figure,
  type Figures,
  rankingOf,
  reversals,
  type SweepConfig,
  sweepSensitivity,
  type VmallocSensitivity,
  type VmallocSensitivityEntry,
} from './sensitivity.js';
export { type Knob, type KnobConfig, type SweepValues, vmallocKnobs } from './sensitivity-knobs.js';
export {
  testVmallocFigures,
  testVmallocSensitivity,
  vmapBenchFigures,
  vmapBenchSensitivity,
  xfsDirFigures,
  xfsDirSensitivity,
} from './sensitivity-workloads.js';
export { type Gen, type Ledger, VmArea, type Vmap, VmapError, type VmapFaults } from './types.js';
export {
  flushEvents,
  Loop,
  Sampler,
  type SamplingOptions,
  type SamplingReport,
  type TagReport,
} from './workloads/sampler.js';
export { type HeldShare, heldSummary } from './workloads/sampler-refusal.js';
export { arrangementCaveat } from './workloads/sampling-caveat.js';
export {
  type CaseShape,
  TEST_CASES,
  TEST_VMALLOC,
  type TestCase,
  type TestVmallocCosts,
  UNMODELLED_BITS,
} from './workloads/test-cases.js';
export {
  MIXED_PHASES_FROM,
  mixedPhasesOn,
  plannedLoops,
  runTestVmalloc,
  selectedCases,
  type TestSummary,
  type TestVmallocOptions,
  type TestVmallocResult,
} from './workloads/test-vmalloc.js';
export {
  BENCH,
  benchImpl,
  MAP_APIS,
  type MapApi,
  runVmapBench,
  type VmapBenchMetrics,
  type VmapBenchOptions,
  type VmapBenchResult,
  type VmapBenchRun,
} from './workloads/vmap-bench.js';
export { runXfsDir, XFS, type XfsCosts, type XfsDirOptions, type XfsDirResult } from './workloads/xfs-dir.js';
