// Sampled against exact test_vmalloc runs (sampler.test.ts, sampler.long-test.ts): the same configuration run both
// ways, and the check that the sampled run's case agrees with the exact one within the bound it printed.
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { expect } from 'vitest';
import type { MechanismParams } from '../mechanism/params.js';
import type { SamplingOptions } from './sampler.js';
import { runTestVmalloc, type TestVmallocResult } from './test-vmalloc.js';

// A small lazy_max_pages (fls(CPUs) × 1 MiB of pages) makes purge cycles short enough for exact runs in a test.
export const shortPurges = { lazyMaxBytesPerFlsCpu: 2 ** 20 };

/**
 * test_vmalloc on x86_64 with one worker per CPU, sampled (`s`) and exact (`x`) (short purges unless `params`;
 * cases shuffled per worker unless `sequentialTestOrder`; `sampling`: the sampled run's options over the design's).
 */
export function testVmallocBothWays(
  impl: string,
  cpus: number,
  mask: number,
  loops: number,
  params: Partial<MechanismParams> = shortPurges,
  sequentialTestOrder = false,
  sampling: SamplingOptions = {},
): { s: TestVmallocResult; x: TestVmallocResult } {
  const go = (exact: boolean) =>
    runTestVmalloc({
      machine: new Machine({ arch: x86_64, cpus }),
      impl,
      nrThreads: cpus,
      runTestMask: mask,
      testLoopCount: loops,
      params,
      sequentialTestOrder,
      sampling: exact ? { exact } : { ...sampling, exact },
    });
  return { s: go(false), x: go(true) };
}

/** The first case: same passes and failures, average µs within the sampled run's bound (+1 µs of rounding). */
export function expectCaseWithinBound(s: TestVmallocResult, x: TestVmallocResult, what: string): void {
  const a = s.tests[0];
  const b = x.tests[0];
  expect([a.passed, a.failed], `${what} ${a.name}`).toEqual([b.passed, b.failed]);
  expect(Math.abs(a.avgUsec - b.avgUsec), `${what} ${a.name}`).toBeLessThanOrEqual(b.avgUsec * a.errorBound + 1);
}
