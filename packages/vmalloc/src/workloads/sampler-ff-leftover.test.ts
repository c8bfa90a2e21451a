// fix_size's skip lays its lazy leftover down where the exact run leaves it (sampler-ff.ts replaySteady). Under the
// walk from VMALLOC_START (2.6.28–2.6.38) that leftover sets the next case's main loop: at 64 CPUs × mask 3, mask
// order, full_fit's main loop costs 194 M to 307 M cycles a loop as the leftover runs over one purge cycle (100,000
// to 100,500 loops, vm-vmlist4 s21). Every purge of fix_size takes the same batch there (28,735 areas at 64 CPUs:
// the crossing and the frees other CPUs make before try_purge_vmap_area_lazy takes the queue), which the detailed
// purges measure (SlipMeter), so the skip ends on the exact run's phase.
import { describe, expect, it } from 'vitest';
import type { VmapAllocator } from '../mechanism/api.js';
import { testVmallocBothWays } from './sampler.cases.js';

describe('fix_size’s skip leaves the exact run’s lazy leftover (kernel lazy_max_pages, mask order)', () => {
  for (const impl of ['2.6.28', '2.6.37'])
    it(`${impl}, 16 CPUs × fix_size × 20,000: as many lazy pages, at the same addresses but those freed in flight`, () => {
      const { s, x } = testVmallocBothWays(impl, 16, 1, 20_000, {}, true);
      expect(s.sampling.perTag.fix_size_alloc_test.skipped, impl).toBeGreaterThan(0);
      const queue = (r: typeof s) => {
        const vm = r.vmap as VmapAllocator;
        const q: number[] = [];
        vm.lazy.forEach((vpn) => {
          q.push(vpn);
        });
        return { lazy: vm.lazyNr, queue: q.sort((a, b) => a - b) };
      };
      const a = queue(s);
      const b = queue(x);
      expect([a.lazy, a.queue.length], impl).toEqual([b.lazy, b.queue.length]);
      // The frees other CPUs made while the last purge began lie above its batch in the exact run; the replay lays
      // every loop down from the bottom: at most two areas a worker elsewhere.
      const there = new Set(b.queue);
      expect(a.queue.filter((v) => !there.has(v)).length, impl).toBeLessThanOrEqual(2 * 16);
    }, 120_000);
});
