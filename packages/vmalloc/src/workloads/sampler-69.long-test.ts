// 6.9 (pools2024) sampled against exact in mask order (pnpm test:long). The drain kworker shares one worker's CPU
// by EEVDF turns (core fair-share.ts); rounds still close without a worker stalled behind it (sampler-round.ts).
import { describe, expect, it } from 'vitest';
import { testVmallocBothWays } from './sampler.cases.js';

/** Bound cut for a check by hand that this test can fail (1: the bound as printed). */
const CUT = 1;

describe('sampled simulation of 6.9 (long)', () => {
  it('16 CPUs × mask 7 × 200,000 loops in mask order: cases and main loops within bounds of the exact run', () => {
    // Before sampler-round.ts no round closed while CPU 0's worker sat behind the drain, and nothing skipped. With
    // rounds closed but pooled skip shares, fix_size came out −17.3 % against an 8.7 % bound: CPU 0's worker,
    // held by the drain until 3,053 M cycles in the exact run, was moved on with the others. Since the drain takes
    // EEVDF turns with that worker, its passes are fewer and larger: fix_size has 19 flushes (rounds) in 200,000
    // loops at mask 1, whose rate is 4 % wide against the 1 % asked, and nothing skips here (the main loops
    // skipped before, at 36 s of CPU against 74 s exact; now 79 s against 71 s). The checks below hold any skip
    // to its bound.
    const { s, x } = testVmallocBothWays('6.9', 16, 7, 200_000, {}, true);
    for (const tag of ['fix_size_alloc_test', 'long_busy_list_alloc_test']) {
      const a = s.sampling.perTag[tag];
      const b = x.sampling.perTag[tag];
      // The phase on its own: detailed plus extrapolated cycles within its bound of the exact run's (+0.1 %).
      const exact = b.detailedCycles;
      expect(Math.abs(a.detailedCycles + a.extrapolatedCycles - exact), tag).toBeLessThanOrEqual(
        CUT * a.errCycles + 0.001 * exact,
      );
    }
    // Every case: same passes and failures, average within its bound (+1 µs of rounding). Phases that skip
    // little or nothing are left to this check: after fix_size's skip the workers enter full_fit at other
    // times, so its set-up (−9.6 %) and free-junk (+104 %) split the case's time otherwise while the case total
    // stays within 0.01 %; full_fit's main loop moved −0.84 % against its own skip's bound of 0.02 %.
    for (let i = 0; i < s.tests.length; i++) {
      const a = s.tests[i];
      const b = x.tests[i];
      expect([a.name, a.passed, a.failed]).toEqual([b.name, b.passed, b.failed]);
      expect(Math.abs(a.avgUsec - b.avgUsec), a.name).toBeLessThanOrEqual(b.avgUsec * CUT * a.errorBound + 1);
    }
  }, 900_000);
});
