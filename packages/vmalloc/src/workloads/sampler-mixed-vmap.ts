// The vmalloc allocator as a mixed phase's layout (sampler-mixed.ts): the steady loops of test_vmalloc's cases,
// each as the areas it allocates and frees (lib/test_vmalloc.c, as test-cases.ts models them), without time.
import { fastAlloc, fastFree, fastPurge, purging } from '../mechanism/functional.js';
import { type UnplacedAreas, unplacedOf, unplacedOk } from '../mechanism/functional-defer.js';
import { drainOf } from '../mechanism/functional-drain.js';
import type { VmapCore } from '../mechanism/vmap.js';
import type { MixedLayout, SteadyEffect } from './sampler-mixed.js';

/**
 * A steady loop that allocates areas of `sizes` pages in turn, then frees them all: nothing maps them in between
 * (a range is reserved free of PTEs: every unmap clears them before the range goes back), so no PTE to clear.
 */
function allocFree(v: VmapCore, sizes: readonly number[], u: UnplacedAreas | null): SteadyEffect {
  const ids = new Int32Array(sizes.length);
  return {
    run(cpu, k) {
      for (let j = 0; j < k; j++) {
        for (let i = 0; i < sizes.length; i++)
          ids[i] = u?.active ? unplacedAlloc(v, u, cpu, sizes[i]) : fastAlloc(v, cpu, sizes[i]);
        for (let i = 0; i < sizes.length; i++) {
          if (ids[i] < 0) continue;
          if (u?.holds(ids[i])) unplacedFree(v, u, ids[i]);
          else fastFree(v, ids[i], false);
        }
      }
    },
  };
}

/** fastAlloc of a steady area placed virtually (functional-defer.ts): the same handle, counts and place. */
function unplacedAlloc(v: VmapCore, u: UnplacedAreas, cpu: number, pages: number): number {
  const size = pages + v.guard;
  const at = u.fit(size);
  if (at < 0) {
    u.settle();
    return fastAlloc(v, cpu, pages);
  }
  const id = v.areas.add(at, pages, size, -1, v.homeOf(cpu, size));
  v.areas.pfn[id] = 0;
  v.ledger.allocs++;
  u.take(id, at, size);
  return id;
}

/** fastFree(…, false) of a virtual area: lazy in vmap_lazy_nr (not in the queue), and the purge when due. */
function unplacedFree(v: VmapCore, u: UnplacedAreas, id: number): void {
  v.areas.remove(id);
  v.ledger.frees++;
  v.lazyNr += u.free(id);
  if (v.lazyNr > v.lazyMaxPages && !purging(v)) fastPurge(v);
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
  const u = unplacedOk(v) ? unplacedOf(v) : null;
  const hooks =
    drain !== null
      ? { begin: () => drain.besideLive(), end: () => drain.besideEnd() }
      : u !== null
        ? { begin: () => u.begin(), end: () => u.end() }
        : {};
  return {
    ...hooks,
    steady: new Map([
      ['fix_size_alloc_test', allocFree(v, [nrPages > 0 ? nrPages : 1], u)],
      ['full_fit_alloc_test', allocFree(v, [1], u)],
      ['long_busy_list_alloc_test', allocFree(v, [100, 1], u)],
    ]),
    purging: () => v.purger !== null && v.purger.lock.holder !== null,
  };
}
