// @kmemsim/highmem: pkmap kmap/kunmap, kmap_atomic, kmap_local, and the checkpoint dump workload (seed 000).

export { AddressSpace, type Extent, type PageRun, USER_PFN_BASE } from './address-space.js';
export { KmapAtomic } from './atomic.js';
export {
  type CheckpointOptions,
  type CheckpointResult,
  checkpointParams,
  MAP_KINDS,
  type MapKind,
  runCheckpoint,
  UNMODELLED,
} from './checkpoint.js';
export { fitSeed000, runSeed000, SEED000_TARGETS } from './experiments/fit.js';
export {
  EXPERIMENTS,
  type ExperimentName,
  type ExperimentProfile,
  SEED000,
  SEED000_CONFIG,
  SEED000_FITTED,
  type Seed000Fitted,
  seed000,
} from './experiments/seed000.js';
export { createHighmem, Highmem, type HighmemOptions } from './highmem.js';
export { KmapLocal, LocalTask } from './local.js';
export {
  DEFAULT_ERA,
  type HighmemEra,
  type HighmemFaults,
  LAYOUT,
  MECHANISM,
  type MechanismParams,
  SYMBOL_BYTES,
  WORKLOAD,
  type WorkloadParams,
  WRITE_PATH,
  type WritePathFunction,
} from './params.js';
export { PkmapPool } from './pkmap.js';
export {
  bdevTreeWalk,
  fileTreeWalks,
  RADIX,
  type RadixParams,
  radixLookupCycles,
  slotsPerLine,
  type WalkCounts,
} from './radix.js';
export { type RangeRuns, seed000RangeRuns } from './range-runs.js';
export {
  checkpointSensitivity,
  type Sensitivity,
  type SensitivityConfig,
  type SensitivityEntry,
} from './sensitivity.js';
export { writePathCharges } from './write.js';
