import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { boundP, countP, fmtP, poissonTails } from './noise.js';

describe('Poisson counting noise of a tick count', () => {
  it('exact small cases (closed forms)', () => {
    expect(poissonTails(0, 1).le).toBeCloseTo(Math.exp(-1), 14);
    expect(poissonTails(1, 2).le).toBeCloseTo(3 * Math.exp(-2), 14);
    expect(poissonTails(2, 2).ge).toBeCloseTo(1 - 3 * Math.exp(-2), 14);
    expect(poissonTails(0, 3).ge).toBeCloseTo(1, 14);
    // λ = 0: the count is 0 for sure.
    expect(poissonTails(0, 0)).toEqual({ le: 1, ge: 1 });
    expect(poissonTails(39, 0)).toEqual({ le: 1, ge: 0 });
    expect(countP(39, 0)).toBe(0);
    // Two-sided: 2 × the smaller tail, at most 1.
    expect(countP(0, 1)).toBeCloseTo(2 * Math.exp(-1), 14);
    expect(countP(2, 2)).toBe(1);
    expect(boundP(23, 27)).toBeCloseTo(poissonTails(23, 27).le, 15);
  });

  it('a far tail is summed, not 1 − x: 1e-12-small tails keep their digits', () => {
    // P(X ≥ 44 | λ = 2) = Σ_{i ≥ 44} e^-2 2^i / i!, dominated by its first term.
    const first = Math.exp(
      -2 + 44 * Math.LN2 - Array.from({ length: 44 }, (_, i) => Math.log(i + 1)).reduce((a, b) => a + b),
    );
    const ge = poissonTails(44, 2).ge;
    expect(ge).toBeGreaterThan(first);
    expect(ge).toBeLessThan(first * 1.05);
  });

  test.prop([fc.integer({ min: 0, max: 2000 }), fc.double({ min: 0.01, max: 2000, noNaN: true })], { numRuns: 300 })(
    'tails are probabilities, they overlap in exactly P(X = k), and the two-sided P is in [0, 1]',
    (k, lambda) => {
      const { le, ge } = poissonTails(k, lambda);
      expect(le).toBeGreaterThanOrEqual(0);
      expect(le).toBeLessThanOrEqual(1);
      expect(ge).toBeGreaterThanOrEqual(0);
      expect(ge).toBeLessThanOrEqual(1);
      let lf = 0;
      for (let i = 2; i <= k; i++) lf += Math.log(i);
      const pk = Math.exp(-lambda + k * Math.log(lambda) - lf);
      expect(le + ge - pk).toBeCloseTo(1, 9);
      const p = countP(k, lambda);
      expect(p).toBeGreaterThanOrEqual(0);
      expect(p).toBeLessThanOrEqual(1);
    },
  );

  test.prop([fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 200 })], { numRuns: 200 })(
    'a count further from the expectation is less likely',
    (lambda, d) => {
      expect(countP(lambda + d + 1, lambda)).toBeLessThanOrEqual(countP(lambda + d, lambda) + 1e-15);
      if (lambda - d - 1 >= 0)
        expect(countP(lambda - d - 1, lambda)).toBeLessThanOrEqual(countP(lambda - d, lambda) + 1e-15);
    },
  );

  it('bad input is refused', () => {
    expect(() => poissonTails(-1, 2)).toThrow(RangeError);
    expect(() => poissonTails(1.5, 2)).toThrow(RangeError);
    expect(() => poissonTails(1, Number.NaN)).toThrow(RangeError);
  });

  it('prints two digits, small values as a power of ten', () => {
    expect([fmtP(1), fmtP(0.256), fmtP(0.0072), fmtP(9.4e-4), fmtP(1e-13)]).toEqual([
      '1.00',
      '0.26',
      '7e-3',
      '9e-4',
      '<1e-12',
    ]);
  });
});
