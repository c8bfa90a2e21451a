// Sampled against exact simulation, the longer matrix (pnpm test:long): each test_vmalloc case alone, per design.
import { describe, expect, it } from 'vitest';
import { expectCaseWithinBound, testVmallocBothWays } from './sampler.cases.js';

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
      const { s, x } = testVmallocBothWays(impl, 4, mask, 8_000);
      const name = s.tests[0].name;
      // 2.6.28's hole search walks the lazy areas a skipped main loop leaves: its skips lay them down
      // (sampler-ff.ts); its set-ups and tear-downs skip in step (sampler-build.ts).
      expect(s.sampling.perTag[name].skipped, `${impl} ${name}`).toBeGreaterThan(0);
      expectCaseWithinBound(s, x, impl);
    }
  }, 300_000);

  it('test_vmalloc full_fit at kernel-default purges, one loop (set-up dominated): within the bound', () => {
    for (const [impl, cpus] of [
      ['2.6.28', 8],
      ['5.2', 16],
    ] as const) {
      const { s, x } = testVmallocBothWays(impl, cpus, 2, 1, {});
      // The lazy-walk designs' set-ups skip in step too (sampler-build.ts).
      expect(s.sampling.skipped, `${impl} × ${cpus}`).toBeGreaterThan(0);
      expectCaseWithinBound(s, x, `${impl} × ${cpus}`);
    }
  }, 600_000);

  it('test_vmalloc full_fit on 6.9 at 16 CPUs, one loop: workers out of step, the case within its bound', () => {
    // The exact run's workers part during the set-up and purge helpers stall some of them; skipping the set-up in
    // step gave −26 % against a 4.9 % bound (main before this test). 6.9's set-ups and tear-downs now run in
    // detail (sampler.ts buildsHeld).
    const { s, x } = testVmallocBothWays('6.9', 16, 2, 1, {});
    expect(s.sampling.perTag['full_fit_alloc_test:set-up'].skipped).toBe(0);
    expectCaseWithinBound(s, x, '6.9 × 16');
  }, 600_000);

  it('test_vmalloc mixed phases (5.2, 16 CPUs × mask 7 × 2,000 loops): every case within its bound', () => {
    // fix_size ran 97 % in detail beside the others' skipped set-ups and tear-downs and came out 8 % under the
    // exact run with a 0.05 % bound (main before this test): no set-up or tear-down is now skipped beside
    // another case, and a case beside skipped ones takes at least the run's bound.
    expectEveryCaseWithinBound(testVmallocBothWays('5.2', 16, 7, 2_000, {}));
  }, 600_000);

  it('test_vmalloc shuffled at 20,000 loops (5.2, 16 CPUs × mask 7): every case and every phase within its bound', () => {
    // full_fit came out 1.3 % under the exact run against a 1.1 % bound before loops simulated in detail after a
    // fast-forward of their case carried an error of their own (sampler.ts `next`, `afterFastError`). Then its
    // set-up, seven workers beside others' frees, skipped on windows between purges and came out −3.35 % against
    // ±2.91 % (the purges' stalls, ~15 % of its cycles, were in none of them): a set-up beside loops that free now
    // waits for `need` purges in its window (sampler-rate.ts, `purgeStallsBuilds`), and here runs in detail.
    const r = testVmallocBothWays('5.2', 16, 7, 20_000, {});
    expectEveryCaseWithinBound(r, false);
    for (const [tag, a] of Object.entries(r.s.sampling.perTag)) {
      const exact = r.x.sampling.perTag[tag].detailedCycles;
      expect(Math.abs(a.detailedCycles + a.extrapolatedCycles - exact), tag).toBeLessThanOrEqual(
        a.errCycles + 0.001 * exact,
      );
    }
  }, 600_000);

  it('test_vmalloc in sequential order on 2.6.28 (16 CPUs × mask 7 × 2,000): free-junk fitted as a line, every case within its bound', () => {
    // remove_vm_area's vmlist walk makes full_fit's free-junk cost grow by a constant per loop: its ratio never
    // got tight and all 655,360 of its loops ran in detail (main before this test); a line fitted to its rounds
    // (sampler-linear.ts) lets it skip, with the slope's uncertainty in the bound. The set-ups skip (the default
    // again since sampler-build.ts keeps the workers in step; said here as the line is tested with them skipped).
    const r = testVmallocBothWays('2.6.28', 16, 7, 2_000, {}, true, { skipBuilds: true });
    expect(r.s.sampling.perTag['full_fit_alloc_test:free-junk'].skipped).toBeGreaterThan(0);
    expectEveryCaseWithinBound(r);
    // Each skipped phase on its own (SamplingReport.perTag cycles): free-junk's line, the set-ups' growth models
    // and long_busy's main loop, each within its own bound of the exact run's phase.
    expect(expectSkippedPhasesWithinBound(r)).toContain('full_fit_alloc_test:free-junk');
  }, 600_000);
});

/**
 * Every case: same passes and failures, average µs within the sampled run's bound (+1 µs of rounding); `skips`:
 * and the run skipped something (else the check is the exact run's against itself).
 */
function expectEveryCaseWithinBound({ s, x }: ReturnType<typeof testVmallocBothWays>, skips = true): void {
  if (skips) expect(s.sampling.skipped).toBeGreaterThan(0);
  for (let i = 0; i < s.tests.length; i++) {
    const a = s.tests[i];
    const b = x.tests[i];
    expect([a.name, a.passed, a.failed]).toEqual([b.name, b.passed, b.failed]);
    expect(Math.abs(a.avgUsec - b.avgUsec), a.name).toBeLessThanOrEqual(b.avgUsec * a.errorBound + 1);
  }
}

/**
 * Every phase (loop kind) that skipped: its detailed plus extrapolated cycles within its own bound of the exact
 * run's (+0.1 % for the rounding of its loops). Phases run wholly in detail are left to the case-level check: a
 * tear-down after a fast-forwarded set-up meets another layout (2.6.28 at 16 CPUs, mask order: full_fit's −14 %,
 * long_busy's +11 % against the exact run, beyond afterFastError's 6 %; the case bound holds through its set-up's).
 * Returns the phases checked.
 */
function expectSkippedPhasesWithinBound({ s, x }: ReturnType<typeof testVmallocBothWays>): string[] {
  const checked: string[] = [];
  for (const [tag, a] of Object.entries(s.sampling.perTag)) {
    if (a.skipped === 0) continue;
    const b = x.sampling.perTag[tag];
    const exact = b.detailedCycles;
    expect(Math.abs(a.detailedCycles + a.extrapolatedCycles - exact), tag).toBeLessThanOrEqual(
      a.errCycles + 0.001 * exact,
    );
    checked.push(tag);
  }
  return checked;
}
