// 6.9 (pools2024) sampled against exact in mask order (pnpm test:long). The drain kworker shares one worker's CPU
// by EEVDF turns (core fair-share.ts); rounds still close without a worker stalled behind it (sampler-round.ts),
// and between its rare flushes by loop count (sampler-round-cut.ts).
import { describe, expect, it } from 'vitest';
import { testVmallocBothWays } from './sampler.cases.js';

/** Bound cut for a check by hand that this test can fail (1: the bound as printed). */
const CUT = 1;

describe('sampled simulation of 6.9 (long)', () => {
  it('16 CPUs × mask 7 × 200,000 loops in mask order: cases and main loops within bounds of the exact run', () => {
    // Before sampler-round.ts no round closed while CPU 0's worker sat behind the drain, and nothing skipped. With
    // rounds closed but pooled skip shares, fix_size came out −17.3 % against an 8.7 % bound: CPU 0's worker,
    // held by the drain until 3,053 M cycles in the exact run, was moved on with the others. Since the drain takes
    // EEVDF turns with that worker, its passes are fewer and larger: fix_size has 14 flushes in 200,000 loops at
    // mask 1, and with flushes as the only rounds nothing skipped but 15,383 of long_busy's 3,200,000 loops (89 s
    // of CPU against 81 s exact). With rounds cut between flushes (sampler-round-cut.ts) long_busy's main loop
    // skips 2,333,986 (+0.06 % within ±2.84 %; 57 s of CPU). fix_size's flush cycles differ by 10 % in rate
    // (2,197–2,971 cycles per loop), so over its 14 its rate stays 4–5 % wide, correlation counted: 1 % is out of
    // the phase's reach. It skipped at the half-width its whole flush cycles reached (984,761 loops, +2.1 % within
    // ±5.1 %) and left full_fit's tear-down (+6.8 %) and long_busy's set-up (+21 %) out of their bounds after it.
    // Since vm-69skip a skip over flush cycles predicts the span it skips (× √(1 + m/R): ~6 cycles left at the
    // decision) and one wider than the target needs 16 settled cycles (sampler-round-reach.ts), so fix_size runs in
    // detail here. full_fit's main loop, whose cycles shorten as its rate rises, runs in detail (skipped over 8
    // cycles: −12.7 % against ±5.7 %). The checks below hold any skip to its bound.
    const { s, x } = testVmallocBothWays('6.9', 16, 7, 200_000, {}, true);
    // Fails with flushes as the only rounds (15,383 skipped) or with a window of 256 cut rounds (14,942). Since the
    // purge decays node by node (s24: one free_vmap_area_lock hold per node) 1,349,109 (+0.08 % within ±1.69 %).
    expect(s.sampling.perTag.long_busy_list_alloc_test.skipped).toBeGreaterThan(1_200_000);
    // Fails with the old reach rule (a confidence half-width over 8 cycles: 984,761 skipped).
    expect(s.sampling.perTag.fix_size_alloc_test.skipped).toBe(0);
    for (const tag of ['fix_size_alloc_test', 'long_busy_list_alloc_test']) {
      const a = s.sampling.perTag[tag];
      const b = x.sampling.perTag[tag];
      // The phase on its own: detailed plus extrapolated cycles within its bound of the exact run's (+0.1 %).
      const exact = b.detailedCycles;
      expect(Math.abs(a.detailedCycles + a.extrapolatedCycles - exact), tag).toBeLessThanOrEqual(
        CUT * a.errCycles + 0.001 * exact,
      );
    }
    // Every case: same passes and failures, average within its bound (+1 µs of rounding).
    for (let i = 0; i < s.tests.length; i++) {
      const a = s.tests[i];
      const b = x.tests[i];
      expect([a.name, a.passed, a.failed]).toEqual([b.name, b.passed, b.failed]);
      expect(Math.abs(a.avgUsec - b.avgUsec), a.name).toBeLessThanOrEqual(b.avgUsec * CUT * a.errorBound + 1);
    }
  }, 900_000);
});
