import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { arrivalWidth, Placement } from './sampler-arrival.js';
import { skippedLoop as loop } from './sampler-loop.cases.js';
import type { Rate } from './sampler-loop.js';

/** A kind's rate: `c` cycles per loop, half-width `h`, threads' spread `spread` loops per round of `perRound`. */
function rate(c: number, h = 0, spread = 0, perRound = 10): Rate {
  return { c, ref: c, h, spread, perRound } as Rate;
}

describe('Placement (where the skips left each worker against the others)', () => {
  it('places workers by their own-rate gaps from the workers’ mean gap, signed over skips', () => {
    const p = new Placement();
    const r = new Map([['a', rate(100)]]);
    // Worker 0 ran 110 per loop, worker 1 100, 10 loops each: 100 cycles apart, 50 from their mean each.
    expect(p.skip([loop('a', 0, 1_100, 10, 10), loop('a', 1, 1_000, 10, 10)], r, 1_000)).toEqual([50, 50]);
    // The next skip reverses it: no one is placed.
    expect(p.skip([loop('a', 0, 900, 10, 10), loop('a', 1, 1_000, 10, 10)], r, 1_000)).toEqual([-50, -50]);
    expect(p.placed).toEqual([0, 0]);
  });

  it('adds the walks of steady loops (2√2 σ, in quadrature over skips), none for loops in step', () => {
    const p = new Placement();
    // σ = 2 loops per round × 100 cycles × √(4,000 / 1,000 rounds) = 400 cycles.
    p.skip([loop('a', 0, 1_000, 10, 40, false), loop('a', 1, 1_000, 10, 40)], new Map([['a', rate(100, 0, 2)]]), 4_000);
    expect(p.placed[0]).toBeCloseTo(2 * Math.SQRT2 * 400, 9);
    expect(p.placed[1]).toBe(0);
    p.skip([loop('a', 0, 1_000, 10, 40, false)], new Map([['a', rate(100, 0, 2)]]), 4_000);
    expect(p.placed[0]).toBeCloseTo(2 * Math.SQRT2 * 400 * Math.SQRT2, 9);
  });

  it('in a skip of several kinds (shuffled order), adds the gaps unsigned and uncentred', () => {
    const p = new Placement();
    const r = new Map([
      ['a', rate(100, 3)],
      ['b', rate(100, 3)],
    ]);
    // Both 10 cycles per loop under the pooled rate, 10 loops: 100 each, kept (not a common move there).
    p.skip([loop('a', 0, 900, 10, 10), loop('b', 1, 900, 10, 10)], r, 1_000);
    expect(p.placed).toEqual([100, 100]);
    // A reversed gap adds again.
    p.skip([loop('a', 0, 1_100, 10, 10), loop('b', 1, 1_100, 10, 10)], r, 1_000);
    expect(p.placed).toEqual([200, 200]);
    // A skip of one kind with the same common gap places no one further.
    p.skip([loop('a', 0, 900, 10, 10), loop('a', 1, 900, 10, 10)], r, 1_000);
    expect(p.placed).toEqual([200, 200]);
  });
});

describe('arrivalWidth (what the placements can move a phase by)', () => {
  it("weights each worker's placement by its distance to the farther end of the wait rates", () => {
    // Rates 0.1, 0.2, 0.5: worker 1's farther end is 0.5 (0.3 away); worker 3 ran none: the whole range.
    const waited = [10, 20, 50];
    const spent = [100, 100, 100];
    expect(arrivalWidth([1_000, 1_000, 0, 100], waited, spent)).toBeCloseTo(1_000 * 0.4 + 1_000 * 0.3 + 100 * 0.4, 9);
    expect(arrivalWidth([], waited, spent)).toBe(0);
    expect(arrivalWidth([1_000], [], [])).toBe(0);
  });

  test.prop([
    fc.array(fc.record({ a: fc.double({ min: 0, max: 1e9, noNaN: true }), w: fc.nat(1_000), y: fc.nat(1_000) }), {
      minLength: 1,
      maxLength: 16,
    }),
  ])('lies between half and all of Σ placement × the range of the wait rates', (ws) => {
    const waited = ws.map((x) => Math.min(x.w, x.y));
    const spent = ws.map((x) => x.y);
    const rates = ws.filter((x) => x.y > 0).map((x) => Math.min(x.w, x.y) / x.y);
    const range = rates.length > 0 ? Math.max(...rates) - Math.min(...rates) : 0;
    const sum = ws.reduce((s, x) => s + x.a, 0);
    const w = arrivalWidth(
      ws.map((x) => x.a),
      waited,
      spent,
    );
    expect(w).toBeLessThanOrEqual(sum * range * (1 + 1e-9) + 1e-6);
    expect(w).toBeGreaterThanOrEqual((sum * range) / 2 - 1e-6 - 1e-9 * sum * range);
  });
});
