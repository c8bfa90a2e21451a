import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyKind, type Kind, type Snapshot } from './sampler-loop.js';
import { cutEvery, cutHalfWidth, hasCuts, MIN_FLUSHES, samePhase } from './sampler-round-cut.js';
import { ratio } from './sampler-stats.js';

/** A kind with pooled rounds (time y, loops n, flushes counted at each round's start ev). */
function kind(y: number[], n: number[], ev: number[]): Kind {
  const k = emptyKind();
  k.y = y;
  k.n = n;
  k.ev = ev;
  k.round = y.map((_, i) => i + 1);
  k.k = y.map(() => 1);
  k.q = n.map((v) => v * v);
  return k;
}

describe('cutEvery (loops between two cuts)', () => {
  it('the last flush cycle over CUTS; none where that is under one batch per thread', () => {
    expect(cutEvery(240_000, 32, 16)).toBe(30_000);
    expect(cutEvery(4_096, 32, 16)).toBe(512);
    expect(cutEvery(4_095, 32, 16)).toBe(Number.POSITIVE_INFINITY);
    // vmap-bench 6.9 at 1,024 CPUs: 6 flushes in 1,024,000 loops, about 21,000 per cut, under 32 × 1,024.
    expect(cutEvery(170_000, 32, 1_024)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('cutHalfWidth (the ratio over correlated rounds)', () => {
  it('alternating rounds: the Bartlett half-width by hand, narrower than the i.i.d. one', () => {
    // c = 15, z = −5, 5, −5, 5; L = ⌈2·4/3⌉ = 3; v = 100 + 2(¾·(−75) + ½·50 + ¼·(−25)) = 25; t(2) = 4.303.
    const k = kind([10, 20, 10, 20], [1, 1, 1, 1], [0, 1, 2, 3]);
    expect(cutHalfWidth(k, 0, 4)).toBeCloseTo((4.303 * 5) / 4, 12);
    expect(cutHalfWidth(k, 0, 4)).toBeLessThan(ratio(k.y, k.n, 0, 4).h);
  });

  it('rounds that move together within a flush cycle: wider than the i.i.d. half-width', () => {
    // 8 cycles of 8 cut rounds, each cycle with its own offset: 64 rounds but 8 cycles' worth of information.
    const off = [30, -10, 20, -40, 0, 10, -20, 10];
    const y: number[] = [];
    const ev: number[] = [];
    for (const [c, d] of off.entries())
      for (let r = 0; r < 8; r++) {
        y.push(1_000 + d + (r % 2) * 3);
        ev.push(c);
      }
    const n = y.map(() => 1);
    const k = kind(y, n, ev);
    expect(hasCuts(k, 0, y.length)).toBe(true);
    expect(cutHalfWidth(k, 0, y.length)).toBeGreaterThan(2 * ratio(y, n, 0, y.length).h);
  });

  it(`infinite under ${MIN_FLUSHES} flushes (no whole regeneration cycle inside the window)`, () => {
    const k = kind([10, 11, 12, 13], [1, 1, 1, 1], [0, 0, 1, 2]);
    expect(cutHalfWidth(k, 0, 4)).toBe(Number.POSITIVE_INFINITY);
    expect(hasCuts(k, 0, 4)).toBe(true);
    expect(hasCuts(k, 1, 4)).toBe(false);
  });

  it('finite, non-negative and in proportion to the time scale', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ y: fc.integer({ min: 1, max: 10_000 }), n: fc.integer({ min: 1, max: 50 }), f: fc.boolean() }),
          {
            minLength: 4,
            maxLength: 64,
          },
        ),
        fc.integer({ min: 2, max: 9 }),
        (rs, a) => {
          const ev: number[] = [];
          let e = 0;
          for (const r of rs) ev.push(r.f ? ++e : e);
          const k = kind(
            rs.map((r) => r.y),
            rs.map((r) => r.n),
            ev,
          );
          const h = cutHalfWidth(k, 0, rs.length);
          if (ev[rs.length - 1] - ev[0] < MIN_FLUSHES) return h === Number.POSITIVE_INFINITY;
          const k2 = kind(
            rs.map((r) => a * r.y),
            rs.map((r) => r.n),
            ev,
          );
          return h >= 0 && Number.isFinite(h) && Math.abs(cutHalfWidth(k2, 0, rs.length) - a * h) <= 1e-9 * a * (h + 1);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('samePhase (the replay spans whole flush cycles)', () => {
  /** Snapshots of rounds 1.. with these flush counts. */
  const snaps = (f: number[]): Snapshot[] =>
    f.map((flushes, i) => ({ round: i + 1, time: i, profile: {} as Snapshot['profile'], counters: [], flushes }));

  it('the round as far into its cycle as the last one, `cycles` flushes back', () => {
    // Cycles of 4 rounds; the last snapshot is 2 rounds into flush 5's cycle, 2 rounds into flush 3's is index 12.
    const s = snaps([0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5]);
    expect(samePhase(s, 2, -1)).toBe(10 + 2);
    // A shorter cycle than the phase: its last round.
    expect(samePhase(snaps([0, 1, 2, 2, 2, 2]), 1, -1)).toBe(1);
  });

  it('none from before the last skip; −1 when only the last snapshot follows it', () => {
    const s = snaps([0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3]);
    expect(samePhase(s, 2, 8)).toBe(8);
    expect(samePhase(s, 2, 11)).toBe(-1);
  });
});
