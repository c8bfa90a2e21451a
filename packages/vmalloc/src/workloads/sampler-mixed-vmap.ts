// The vmalloc allocator as a mixed phase's layout (sampler-mixed.ts): the steady loops of test_vmalloc's cases,
// each as the areas it allocates and frees (lib/test_vmalloc.c, as test-cases.ts models them), without time.
import { fastAlloc, fastFree } from '../mechanism/functional.js';
import { drainOf } from '../mechanism/functional-drain.js';
import type { VmapCore } from '../mechanism/vmap.js';
import type { MixedLayout, SteadyEffect } from './sampler-mixed.js';

/**
 * A steady loop that allocates areas of `sizes` pages in turn, then frees them all: nothing maps them in between
 * (a range is reserved free of PTEs: every unmap clears them before the range goes back), so no PTE to clear.
 */
function allocFree(v: VmapCore, sizes: readonly number[]): SteadyEffect {
  const ids = new Int32Array(sizes.length);
  return {
    run(cpu, k) {
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < sizes.length; i++) ids[i] = fastAlloc(v, cpu, sizes[i]);
        for (let i = 0; i < sizes.length; i++) if (ids[i] >= 0) fastFree(v, ids[i], false);
      }
    },
  };
}

/**
 * The mixed-phase layout of a test_vmalloc run: fix_size_alloc_test (nr_pages), full_fit_alloc_test's loop
 * (1 page) and long_busy_list_alloc_test's loop (100 pages, then 1). Cases with random sizes or alignments are
 * not listed: a mixed phase beside them runs in detail.
 * @param v - the allocator
 * @param nrPages - fix_size_alloc_test's nr_pages (0 ⇒ 1)
 */
export function vmallocLayout(v: VmapCore, nrPages: number): MixedLayout {
  const drain = v.design.purgeTrigger === 'workqueue' ? drainOf(v) : null;
  // 6.9: beside a drain in detail the skipped frees are the passes after it (functional-drain.ts). The drain's lag
  // stays 0 (at the crossing): DrainLagMeter measures the detailed drains' lag, but no skip sets it yet.
  const hooks = drain === null ? {} : { begin: () => drain.besideLive(), end: () => drain.besideEnd() };
  return {
    ...hooks,
    steady: new Map([
      ['fix_size_alloc_test', allocFree(v, [nrPages > 0 ? nrPages : 1])],
      ['full_fit_alloc_test', allocFree(v, [1])],
      ['long_busy_list_alloc_test', allocFree(v, [100, 1])],
    ]),
    purging: () => v.purger !== null && v.purger.lock.holder !== null,
  };
}
