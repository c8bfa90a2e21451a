import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linearRate, setUpLine } from './sampler-linear.js';
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

describe('setUpLine (set-ups whose every loop walks a list of the areas before it)', () => {
  // c(x) = 1,000 + 3x; the last skip at position 1,000 (the line's value there 4,000); the window of 256 loops per
  // thread ends at 2,256, so its ratio is the line's value at its centre, 2,128.
  const at = 2_256;
  const w = 256;
  const line = (x: number) => 1_000 + 3 * x;

  it('recovers the line: its value at the present position and its slope; the first line charges the whole move', () => {
    const f = setUpLine(line(at - w / 2), 10, at, w, line(1_000), 1_000, Number.NaN);
    expect(f).not.toBeNull();
    expect(f?.slope).toBeCloseTo(3, 12);
    expect(f?.c).toBeCloseTo(line(at), 9);
    expect(f?.lag).toBe(128);
    expect(f?.slopeH).toBeCloseTo(20 / 1_128, 12);
    // No earlier line to check: the move since the last skip, and the position may only double.
    expect(f?.moved).toBeCloseTo(3 * 1_128, 9);
    expect(f?.grow).toBe(2);
  });

  it('a last line that held: no miss, and the skip may quadruple the position', () => {
    const f = setUpLine(line(at - w / 2), 10, at, w, line(1_000), 1_000, 3);
    expect(f?.moved).toBeCloseTo(0, 9);
    expect(f?.grow).toBe(4);
    // A last line that missed by more than a quarter of the move: back to doubling, the miss in `moved`.
    const g = setUpLine(line(at - w / 2), 10, at, w, line(1_000), 1_000, 1);
    expect(g?.moved).toBeCloseTo(2 * 1_128, 9);
    expect(g?.grow).toBe(2);
  });

  it('needs the window to lie past the last skip', () => {
    expect(setUpLine(5_000, 10, 1_100, 256, 4_000, 1_000, Number.NaN)).toBeNull();
  });

  it('the true slope lies within the half-width when both points are within h of the line', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.integer({ min: 100, max: 100_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        fc.double({ min: -1, max: 1, noNaN: true }),
        (a, b, lastAt, gap, e1, e2) => {
          const h = 0.01 * (a + b * lastAt + 1);
          const atNow = lastAt + gap + 128;
          const f = setUpLine(a + b * (atNow - 128) + e2 * h, h, atNow, 256, a + b * lastAt + e1 * h, lastAt, b);
          expect(f).not.toBeNull();
          expect(Math.abs((f?.slope ?? 0) - b)).toBeLessThanOrEqual((f?.slopeH ?? 0) * (1 + 1e-9) + 1e-12);
          // The last line (the true one) missed by the points' noise only.
          expect(f?.moved ?? 0).toBeLessThanOrEqual(2 * h * (1 + 1e-9));
        },
      ),
      { numRuns: 200 },
    );
  });
});
