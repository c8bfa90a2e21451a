// @kmemsim/highmem: pkmap kmap/kunmap, kmap_atomic, kmap_local, and the checkpoint dump workload (seed 000).
export { KmapAtomic } from './atomic.js';
export { createHighmem, Highmem, type HighmemOptions } from './highmem.js';
export { KmapLocal, LocalTask } from './local.js';
export {
  DEFAULT_ERA,
  type HighmemEra,
  LAYOUT,
  MECHANISM,
  type MechanismParams,
  SYMBOL_BYTES,
  WORKLOAD,
  type WorkloadParams,
} from './params.js';
export { PkmapPool } from './pkmap.js';
