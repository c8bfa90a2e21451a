// @kmemsim/rmap: reverse mapping designs of 2.4–2.6 (none, pte_chain, multi-pointer chains, PageDirect, bit vs
// hashed locks, batched allocation, objrmap) and the rmap-fork workloads (seeds 003/004).
export { ChainStore, ChainWork } from './chains.js';
export { checkRmap } from './check.js';
export { type Geometry, geometry, nrpte, RMAP_KINDS, type RmapKind } from './geometry.js';
export { type LockKind, RmapLockError, RmapLocks } from './locks.js';
export { COSTS, defaultCosts, type RmapCosts, SYMBOL_BYTES } from './params.js';
export { reclaimPages } from './reclaim.js';
export { type RmapConfig, RmapSystem, type RmapSystemOptions } from './rmap.js';
export { SlabCache } from './slab.js';
export { Space } from './space.js';
export {
  overheadPct,
  PRESETS,
  type RmapForkOptions,
  type RmapForkResult,
  type RmapVariant,
  runRmapFork,
  variantKeys,
  WORKLOADS,
  type Workload,
} from './workload.js';
