// The rmap designs the fork + exit speed target names (issue 12): measured by tools/bench and checked sampled
// against exact by sample.test.ts — one list, so the designs benchmarked are the designs validated.
import type { RmapVariant } from './common.js';

/** The designs of the fork + exit speed figures, by their bench name. */
export const BENCH_DESIGNS: readonly (readonly [string, RmapVariant])[] = [
  ['none', { rmap: 'none', direct: false, lock: 'bit', batch: false }],
  ['pte_chain', { rmap: 'pte_chain', direct: false, lock: 'bit', batch: false }],
  ['pte_chain_direct_hashed_batch', { rmap: 'pte_chain', direct: true, lock: 'hashed', batch: true }],
  ['multi', { rmap: 'multi', direct: false, lock: 'bit', batch: false }],
  ['multi_direct_hashed_batch', { rmap: 'multi', direct: true, lock: 'hashed', batch: true, alloc: 'percpu' }],
  ['objrmap', { rmap: 'objrmap', direct: false, lock: 'bit', batch: false }],
];
