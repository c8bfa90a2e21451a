import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import type { VmapAllocator } from '../mechanism/api.js';
import { runTestVmalloc } from './test-vmalloc.js';

describe('2.6.27 sampled: its vmlist walks watched through skips', () => {
  it.each([true, false])(
    'leaves no owner behind once every area is freed (mask order: %s)',
    (sequential) => {
      const cpus = 4;
      const r = runTestVmalloc({
        machine: new Machine({ arch: x86_64, cpus }),
        impl: '2.6.27',
        nrThreads: cpus,
        runTestMask: 7,
        testLoopCount: 2_000,
        sequentialTestOrder: sequential,
      });
      // The skips laid areas down and took them away without time (functional.ts), the detailed loops with walks.
      expect(r.sampling.skipped).toBeGreaterThan(0);
      const v = r.vmap as VmapAllocator;
      const list = v.legacyList;
      expect(list).not.toBeNull();
      let owned = 0;
      for (let cpu = 0; cpu < cpus; cpu++) owned += list?.below(cpu, v.space.end) ?? 0;
      expect(owned).toBe(0);
      expect(v.space.busy.size).toBe(v.p.bootAreas);
    },
    120_000,
  );
});
