import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correlatedRatio, ratio } from './sampler-stats.js';

/** Cycles of 1,000 loops each at the given cycles per loop. */
function cycles(rates: number[]): { y: number[]; n: number[] } {
  return { y: rates.map((r) => r * 1_000), n: rates.map(() => 1_000) };
}

describe('correlatedRatio (the ratio estimator over autocorrelated cycles)', () => {
  it('has the plain ratio as its estimate, and a finite half-width ≥ 0 from 4 cycles on', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 1e6 }), fc.integer({ min: 1, max: 1e4 })), {
          minLength: 4,
          maxLength: 60,
        }),
        (cs) => {
          const y = cs.map(([a, b]) => a * b);
          const n = cs.map(([, b]) => b);
          const a = ratio(y, n, 0, y.length);
          const b = correlatedRatio(y, n, 0, y.length);
          expect(b.c).toBeCloseTo(a.c, 9);
          expect(b.h).toBeGreaterThanOrEqual(0);
          expect(Number.isFinite(b.h)).toBe(true);
        },
      ),
    );
  });

  it('is wider than the i.i.d. one where slow cycles come in runs, narrower where they alternate', () => {
    const runs = cycles([10, 10, 10, 10, 14, 14, 14, 14, 10, 10, 10, 10, 14, 14, 14, 14]);
    const alternate = cycles([10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 10, 14, 10, 14]);
    const w = correlatedRatio(runs.y, runs.n, 0, 16).h / ratio(runs.y, runs.n, 0, 16).h;
    const a = correlatedRatio(alternate.y, alternate.n, 0, 16).h / ratio(alternate.y, alternate.n, 0, 16).h;
    expect(w).toBeGreaterThan(1.5);
    expect(a).toBeLessThan(0.75);
  });

  it('does not depend on the units of time or of loops', () => {
    const s = cycles([3_759, 4_426, 4_187, 4_719, 3_925, 4_406, 3_603, 6_848, 7_772, 5_503, 5_946, 4_410]);
    const a = correlatedRatio(s.y, s.n, 0, 12);
    const b = correlatedRatio(
      s.y.map((v) => v * 7),
      s.n.map((v) => v * 3),
      0,
      12,
    );
    expect(b.h / b.c).toBeCloseTo(a.h / a.c, 9);
  });

  it('reads only the cycles [from, to)', () => {
    const s = cycles([1, 99, 10, 11, 12, 10, 11, 12, 10, 11, 99]);
    const a = correlatedRatio(s.y, s.n, 2, 10);
    const t = cycles([10, 11, 12, 10, 11, 12, 10, 11]);
    const b = correlatedRatio(t.y, t.n, 0, 8);
    expect(a.c).toBeCloseTo(b.c, 12);
    expect(a.h).toBeCloseTo(b.h, 9);
  });

  it('falls back to the i.i.d. half-width with too few cycles for a lag', () => {
    const s = cycles([10, 12, 11]);
    expect(correlatedRatio(s.y, s.n, 0, 3)).toEqual(ratio(s.y, s.n, 0, 3));
  });
});
