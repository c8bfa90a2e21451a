// @kmemsim/vmalloc: the legacy vmlist, the 2.6.28 lazy vmap layer and its per-CPU vm_map_ram front end,
// vm_unmap_aliases, the 2019 and 2024 allocators; the vmap-bench (seed 002) and test_vmalloc workloads.
export { VmapBase } from './base.js';
export { VmapBlock, VmapBlocks } from './blocks.js';
export { createVmap, mechanismParams, type VmapOptions } from './create.js';
export { type LazyImpl, LazyVmap } from './lazy.js';
export { LegacyVmap } from './legacy.js';
export { BENCH, LAYOUT, MECHANISM, type MechanismParams, TEST_VMALLOC } from './params.js';
export { changePageAttr } from './pat.js';
export { VmapNodes } from './pools.js';
export { type SplitCase, VmSpace } from './space.js';
export { TEST_CASES, type TestCase, UNMODELLED_BITS } from './test-cases.js';
export {
  runTestVmalloc,
  selectedCases,
  type TestSummary,
  type TestVmallocOptions,
  type TestVmallocResult,
} from './test-vmalloc.js';
export { alignUp, IntervalSet } from './treap.js';
export {
  type Gen,
  IMPLS,
  type ImplName,
  type Ledger,
  LiveAreas,
  VmArea,
  type Vmap,
  type VmapBlockRef,
  VmapError,
  type VmapFaults,
} from './types.js';
export { runVmapBench, type VmapBenchOptions, type VmapBenchResult } from './vmap-bench.js';
