import i386 from '@kmemsim/arch-i386';
import { describe, expect, it } from 'vitest';
import { SEED000_TARGETS } from './experiments/fit.js';
import { seed000RangeRuns } from './range-runs.js';

describe('seed000RangeRuns: the experiment at both ends of every [U] range, refitted', () => {
  it('covers every range the checkpoint sweep does, each end refitted so the calibration figures still hold', () => {
    const ranges = seed000RangeRuns(i386);
    expect(ranges.length).toBe(35);
    expect(new Set(ranges.map((r) => r.parameter)).size).toBe(ranges.length);
    const tick = i386.clockHz / i386.hz;
    for (const r of ranges) {
      expect(r.lo, r.parameter).toBeLessThan(r.hi);
      for (const run of [r.runs.lo, r.runs.hi]) {
        expect(run.variant).toEqual({ map: 'kmap' });
        // Every fitted figure within 1 % of its published value (the fit is exact to integer cycles).
        for (const t of Object.values(SEED000_TARGETS)) {
          const [head, a] = t.metric.split('.');
          const v =
            head === 'profile'
              ? (run.profile.find((x) => x.symbol === a)?.cycles ?? 0) / tick
              : (run.time as Record<string, number>)[a!]!;
          expect(Math.abs(v / t.published - 1), `${r.parameter}: ${t.metric}`).toBeLessThan(0.01);
        }
      }
    }
    // The exit round trip is swept pinned at the ends of its Core 2 range (kvm_mmu_invlpg then takes the rest).
    expect(ranges.find((r) => r.parameter === 'arch virt.kvm-shadow.vmExitCycles')).toMatchObject({
      lo: 2_000,
      hi: 6_500,
    });
  });
});
