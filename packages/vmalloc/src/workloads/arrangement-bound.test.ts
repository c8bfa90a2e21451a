import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { addArrangementBound, arrangementCycles, arrangementFactor, holeCycles } from './arrangement-bound.js';
import type { SamplingReport, TagReport } from './sampler-loop.js';
import type { KindWalks } from './walk-tally.js';

const tagReport = (loops: number, skipped: number, detailedCycles: number, extrapolatedCycles: number): TagReport => ({
  loops,
  skipped,
  errCycles: 0,
  detailedCycles,
  extrapolatedCycles,
});

describe('arrangementFactor', () => {
  it('is 0 while nothing up to the kind was skipped (the run so far is the exact one), else 2R − 1', () => {
    expect(arrangementFactor(1_000, 1_000)).toBe(0);
    expect(arrangementFactor(1_000, 999)).toBeCloseTo(2 * Math.sqrt(1_000 / 999) - 1, 12);
    // 64 workers × 1,000,000 fix_size loops, 921,984 in detail: the exact run's lags ≈ 8.3 times as spread.
    expect(arrangementFactor(64_000_000, 921_984)).toBeCloseTo(2 * 8.33 - 1, 1);
  });
});

describe('arrangementCycles', () => {
  const k: KindWalks = { cycles: 1_000, global: 900, same: 700, own: 100, arr: 50, top: 0, hole: 0 };
  it("other kinds' walks waited through count as they are; the own kind's arrangement share scales to the skipped", () => {
    // cross 200 (not scaled: a boundary's); same 700 × 50 % = 350, over 1,000 detailed of 4,000 cycles: 1,400.
    expect(arrangementCycles(k, 1_000, 3_000)).toBeCloseTo(200 + 1_400, 9);
  });
  it('counts walks shorter than in step as much as longer ones (the sum’s size, whatever its sign)', () => {
    expect(arrangementCycles({ ...k, arr: -50 }, 1_000, 3_000)).toBeCloseTo(arrangementCycles(k, 1_000, 3_000), 9);
  });
  it('is never more than the kind’s cycles, and 0 without detailed iterations', () => {
    expect(arrangementCycles({ ...k, global: 5_000, same: 5_000, arr: 100 }, 1_000, 0)).toBe(1_000);
    expect(arrangementCycles({ ...k, cycles: 0 }, 0, 3_000)).toBe(0);
  });
  test.prop([
    fc.double({ min: 1, max: 1e9, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: -1, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1e10, noNaN: true }),
  ])('lies in [0, the kind’s cycles]', (cycles, g, s, a, ext) => {
    const own = cycles * s;
    const c = arrangementCycles(
      { cycles, global: cycles * g, same: cycles * s * g, own, arr: own * a, top: 0, hole: 0 },
      cycles,
      ext,
    );
    expect(c).toBeGreaterThanOrEqual(0);
    expect(c).toBeLessThanOrEqual(cycles + ext + 1e-6 * (cycles + ext));
  });
});

describe('holeCycles', () => {
  // long_busy's main loop: most of its own walks reach the top; those stopped in a hole could have gone 40 further.
  const k: KindWalks = { cycles: 1_000, global: 900, same: 700, own: 100, arr: 0, top: 80, hole: 40 };
  it("scales the holes' headroom, as a share of the own walks, to the kind's cycles (no reach: it is a range)", () => {
    // 700 × 40 % over 1,000 detailed of 4,000 cycles.
    expect(holeCycles(k, 1_000, 3_000)).toBeCloseTo(1_120, 9);
  });
  it('is 0 for a kind whose walks mostly stop below the top (a tear-down, a loop in its own junk holes)', () => {
    expect(holeCycles({ ...k, top: 40 }, 1_000, 3_000)).toBe(0);
    expect(holeCycles({ ...k, own: 0, top: 0, hole: 0 }, 1_000, 3_000)).toBe(0);
  });
  it("is never more than the kind's cycles", () => {
    expect(holeCycles({ ...k, hole: 1e9 }, 1_000, 0)).toBe(700);
    expect(holeCycles({ ...k, same: 5_000, hole: 1e9 }, 1_000, 3_000)).toBe(4_000);
  });
});

/** A run of two kinds, a (1,000 loops, none skipped) and b (2,000, 1,500 skipped), `err` error before the term. */
function twoKinds(err: number): SamplingReport {
  return {
    exact: false,
    loops: 3_000,
    detailed: 1_500,
    skipped: 1_500,
    skips: 1,
    errCycles: err,
    flushErr: 0,
    perTag: { a: tagReport(1_000, 0, 100, 0), b: tagReport(2_000, 1_500, 100, 300) },
  };
}

/** Every kind with the same walks: 100 cycles, all on walks, 10 of them its own kind's, 5 of those the arrangement. */
const walks: KindWalks = { cycles: 100, global: 100, same: 100, own: 10, arr: 5, top: 0, hole: 0 };
const walksOf = (...tags: string[]): Map<string, KindWalks> => new Map(tags.map((t) => [t, walks]));

describe('addArrangementBound', () => {
  it('adds the hole term only where the search resumes from a cache, and only after a skip', () => {
    const holes: KindWalks = { ...walks, arr: 0, top: 8, hole: 5 };
    const kinds = new Map([
      ['a', holes],
      ['b', holes],
    ]);
    const plain = addArrangementBound(twoKinds(0), kinds, true);
    const cached = addArrangementBound(twoKinds(0), kinds, true, true);
    expect(cached.a).toBe(0);
    expect(plain.b).toBe(0);
    // b: 100 × 50 % of its 400 cycles.
    expect(cached.b).toBeCloseTo(200, 9);
  });

  it('adds each kind’s term to its own and the run’s error, with the reach of the kinds begun up to it', () => {
    const s = twoKinds(10);
    const t = addArrangementBound(s, walksOf('a', 'b'), false);
    // a: 50 % of its 100 cycles, the run's reach √(3,000 / 1,500) (nothing skipped up to a, but beside b).
    expect(t.a).toBeCloseTo(50 * (2 * Math.SQRT2 - 1), 9);
    // b: 50 % of its 400 cycles, reach √(3,000 / 1,500).
    expect(t.b).toBeCloseTo(200 * (2 * Math.SQRT2 - 1), 9);
    expect(s.perTag.b.errCycles).toBeCloseTo(t.b, 9);
    expect(s.errCycles).toBeCloseTo(10 + t.a + t.b, 9);
  });

  it('in mask order, gives a kind begun before any skip no term (it ran as the exact run did)', () => {
    const t = addArrangementBound(twoKinds(0), walksOf('a', 'b'), true);
    expect(t.a).toBe(0);
    // b: the reach of a and b, √(3,000 / 1,500).
    expect(t.b).toBeCloseTo(200 * (2 * Math.SQRT2 - 1), 9);
  });

  it('adds nothing to a run that skipped nothing', () => {
    const s: SamplingReport = {
      ...twoKinds(0),
      loops: 1_000,
      detailed: 1_000,
      skipped: 0,
      skips: 0,
      perTag: { a: tagReport(1_000, 0, 100, 0) },
    };
    const t = addArrangementBound(s, walksOf('a'), false);
    expect(t.a).toBe(0);
    expect(s.errCycles).toBe(0);
  });
});
