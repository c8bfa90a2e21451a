// Sampled against exact simulation, the longer matrix (pnpm test:long): each test_vmalloc case alone, per design.
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { runTestVmalloc } from './test-vmalloc.js';

const params = { lazyMaxBytesPerFlsCpu: 2 ** 20 };

describe('sampled simulation (long)', () => {
  it('test_vmalloc: each case alone, per-case averages within their bounds', () => {
    for (const [impl, mask] of [
      ['2.6.28', 1],
      ['2.6.28', 4],
      ['5.2', 1],
      ['5.2', 2],
      ['5.2', 4],
      ['6.9', 4],
    ] as const) {
      const go = (exact: boolean) =>
        runTestVmalloc({
          machine: new Machine({ arch: x86_64, cpus: 4 }),
          impl,
          nrThreads: 4,
          runTestMask: mask,
          testLoopCount: 8_000,
          params,
          sampling: { exact },
        });
      const s = go(false);
      const x = go(true);
      const a = s.tests[0];
      const b = x.tests[0];
      expect(s.sampling.skipped, `${impl} ${a.name}`).toBeGreaterThan(0);
      expect(a.passed, a.name).toBe(b.passed);
      // avg µs is rounded to whole µs: allow that rounding besides the bound.
      expect(Math.abs(a.avgUsec - b.avgUsec), `${impl} ${a.name}`).toBeLessThanOrEqual(b.avgUsec * a.errorBound + 1);
    }
  }, 300_000);
});
