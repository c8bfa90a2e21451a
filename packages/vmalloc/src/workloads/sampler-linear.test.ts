import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linearRate } from './sampler-linear.js';
import { emptyKind, type Kind } from './sampler-loop.js';

/** A kind whose rounds each hold `threads` threads of `per` loops, round i at `rate(x)` cycles per loop. */
function kind(rounds: number, per: number, threads: number, rate: (x: number, i: number) => number): Kind {
  const k = emptyKind();
  for (let i = 0; i < rounds; i++) {
    k.round.push(i);
    k.n.push(per * threads);
    k.k.push(threads);
    k.q.push(0);
    k.ev.push(i);
    k.y.push(rate(i * per + per / 2, i) * per * threads);
  }
  return k;
}

describe('linearRate (tear-downs whose rate moves along a line)', () => {
  it('recovers a line exactly: level at the present position, slope, no half-width', () => {
    // 10 rounds of 100 loops per thread from position 0: at = 1,000, centre 500.
    const f = linearRate(
      kind(10, 100, 4, (x) => 1_000 + 3 * x),
      0,
      10,
      1_000,
    );
    expect(f).not.toBeNull();
    expect(f?.slope).toBeCloseTo(3, 9);
    expect(f?.c).toBeCloseTo(4_000, 6);
    expect(f?.lag).toBeCloseTo(500, 9);
    expect(f?.mean).toBeCloseTo(2_500, 6);
    expect(f?.h).toBeLessThan(1e-6);
    expect(f?.slopeH).toBeLessThan(1e-9);
  });

  it('needs four rounds', () => {
    expect(
      linearRate(
        kind(3, 100, 4, () => 5),
        0,
        3,
        300,
      ),
    ).toBeNull();
  });

  it('noise around the line widens both half-widths, and the true line lies within them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000 }), fc.integer({ min: 8, max: 40 }), (seed, rounds) => {
        let s = seed;
        const noise = () => {
          // 32-bit arithmetic kept exact (a float product past 2^53 loses the low bits and the noise repeats).
          s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0;
          return s / 2 ** 32 - 0.5;
        };
        const f = linearRate(
          kind(rounds, 50, 8, (x) => 2_000 + 0.5 * x + 20 * noise()),
          0,
          rounds,
          rounds * 50,
        );
        expect(f).not.toBeNull();
        expect(f?.h).toBeGreaterThan(0);
        expect(f?.slopeH).toBeGreaterThan(0);
        // Uniform noise of ±10 cycles: far inside a 95 % interval of a few cycles' width at these sizes.
        expect(Math.abs((f?.slope ?? 0) - 0.5)).toBeLessThanOrEqual((f?.slopeH ?? 0) * 3);
      }),
      { numRuns: 50 },
    );
  });
});
