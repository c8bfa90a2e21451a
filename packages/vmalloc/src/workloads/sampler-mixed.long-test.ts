// Mixed phases skipped (sampler-mixed.ts) against exact runs, in the module's default (shuffled) case order, at
// kernel-default purges (pnpm test:long).
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { runTestVmalloc, type TestVmallocResult } from './test-vmalloc.js';

function run(cpus: number, loops: number, exact: boolean, mixedPhases: boolean): TestVmallocResult {
  return runTestVmalloc({
    machine: new Machine({ arch: x86_64, cpus }),
    impl: '5.2',
    nrThreads: cpus,
    runTestMask: 7,
    testLoopCount: loops,
    sampling: { exact },
    mixedPhases,
  });
}

describe('mixed phases skipped (long)', () => {
  it('5.2, 32 CPUs × mask 7 × 2,000 loops, shuffled: fewer loops in detail, every case within its bound', () => {
    const x = run(32, 2_000, true, false);
    const s = run(32, 2_000, false, true);
    const held = run(32, 2_000, false, false);
    // The mixed rule skips set-ups and tear-downs beside other cases, which the held run simulates in detail.
    expect(s.sampling.detailed).toBeLessThan(held.sampling.detailed);
    for (let i = 0; i < s.tests.length; i++) {
      const a = s.tests[i];
      const b = x.tests[i];
      expect([a.name, a.passed, a.failed]).toEqual([b.name, b.passed, b.failed]);
      expect(Math.abs(a.avgUsec - b.avgUsec), a.name).toBeLessThanOrEqual(b.avgUsec * a.errorBound + 1);
    }
  }, 600_000);
});
