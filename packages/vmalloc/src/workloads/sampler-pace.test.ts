import type { Thread } from '@kmemsim/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SteadyForward } from './sampler-ff.js';
import { Loop, type Rate } from './sampler-loop.js';
import { keepOrder, paceShares } from './sampler-pace.js';

/** A thread stand-in: the loop reads only its clock and its sys / user cycles. */
function thread(cpu: number): Thread {
  return { cpu, clock: 0, sysCycles: 0, userCycles: 0 } as unknown as Thread;
}

/** A main loop of a lazy-walk design (its skip lays its state down) whose thread kept `cycles` of `loops` each. */
function laying(cpu: number, cycles: number[], loops = 10, tag = 'k'): Loop {
  const l = new Loop(thread(cpu), 1_000, tag, null, false);
  l.steady = { slip: {} } as SteadyForward;
  for (const y of cycles) l.keep(y, loops, 0, 0);
  return l;
}

describe('paceShares (each worker keeps its own pace over a skip)', () => {
  it('a worker that purged falls behind by its own rate; the kind keeps its total', () => {
    // 2,000 loops in each window: paces known to 2 / 2,000.
    const ls = [laying(0, [1_100, 1_100], 1_000), laying(1, [1_000, 1_000], 1_000), laying(2, [1_000, 1_000], 1_000)];
    const s = paceShares(ls, new Map(), 8, new Map());
    const pace = [1 / 1.1, 1, 1];
    const mean = (pace[0] + pace[1] + pace[2]) / 3;
    const d = pace.map((p) => p / mean - 1).map((x) => Math.sign(x) * Math.max(0, Math.abs(x) - 0.001));
    const centre = (d[0] + d[1] + d[2]) / 3;
    for (const [i, l] of ls.entries()) expect(s.get(l)).toBeCloseTo(1 + d[i] - centre, 12);
    expect(s.get(ls[0]) as number).toBeLessThan(0.95);
    expect((s.get(ls[0]) as number) + (s.get(ls[1]) as number) + (s.get(ls[2]) as number)).toBeCloseTo(3, 12);
  });

  it('a departure within the window ends’ jitter (2 / loops) moves no one', () => {
    const ls = [laying(0, [1_050], 10), laying(1, [1_000], 10)];
    const s = paceShares(ls, new Map(), 8, new Map());
    for (const l of ls) expect(s.get(l)).toBe(1);
  });

  it('leaves loops without a lay-down, state-building loops and shares already set alone', () => {
    const plain = new Loop(thread(0), 1_000, 'k', null, false);
    plain.keep(1_000, 10, 0, 0);
    const build = new Loop(thread(1), 1_000, 'k:set-up', () => {}, true);
    build.steady = { slip: {} } as SteadyForward;
    build.keep(1_000, 10, 0, 0);
    const stalled = laying(2, [2_000]);
    const fresh = laying(3, []);
    const cached = laying(4, [3_000]);
    cached.steady = {} as SteadyForward; // 2.6.39's lay-down: no slip, its purger is a draw
    const s = paceShares([plain, build, stalled, fresh, cached], new Map([[stalled, 0.5]]), 8, new Map());
    expect([...s.keys()]).toEqual([stalled]);
    expect(s.get(stalled)).toBe(0.5);
  });

  it('counts only its last cycles: a late worker catching up is paced at its rate since', () => {
    const late = laying(0, [100, 100, 1_000, 1_000]);
    const other = laying(1, [1_000, 1_000, 1_000, 1_000]);
    const s = paceShares([late, other], new Map(), 2, new Map());
    expect(s.get(late)).toBeCloseTo(1, 12);
  });

  it('a kind with one worker moves it at the pooled rate', () => {
    const l = laying(0, [1_300]);
    expect(paceShares([l], new Map(), 8, new Map()).get(l)).toBe(1);
  });

  it('shares of a kind sum to its thread count, and kinds are paced apart', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 1, maxLength: 8 }), fc.boolean()), {
          minLength: 1,
          maxLength: 16,
        }),
        (ws) => {
          const ls = ws.map(([ys, a], c) => laying(c, ys, 10, a ? 'a' : 'b'));
          const s = paceShares(ls, new Map(), 8, new Map());
          for (const tag of ['a', 'b']) {
            const of = ls.filter((l) => l.tag === tag);
            if (of.length === 0) continue;
            const sum = of.reduce((x, l) => x + (s.get(l) as number), 0);
            expect(sum).toBeCloseTo(of.length, 9);
          }
        },
      ),
    );
  });
});

describe('keepOrder (a skip carries no worker across its kind mean position)', () => {
  const r = { c: 100, slope: Number.NaN, growth: Number.NaN } as unknown as Rate;

  it('a laggard catching up reaches the mean, not past it; a purger falling behind keeps its pace', () => {
    const behind = laying(0, [500]);
    const shares = new Map([[behind, 1.5]]);
    // 10,000 cycles at 100 per loop: 100 loops; 20 behind the mean: at most 120.
    expect(keepOrder(behind, shares, new Map([[behind, 20]]), r, 10_000)).toBeCloseTo(1.2, 12);
    shares.set(behind, 0.9);
    expect(keepOrder(behind, shares, new Map([[behind, 20]]), r, 10_000)).toBe(0.9);
  });

  it('a leader falling back stops at the mean, one pulling ahead keeps its pace, unpaced loops keep theirs', () => {
    const ahead = laying(0, [500]);
    expect(keepOrder(ahead, new Map([[ahead, 0.5]]), new Map([[ahead, -30]]), r, 10_000)).toBeCloseTo(0.7, 12);
    expect(keepOrder(ahead, new Map([[ahead, 1.3]]), new Map([[ahead, -30]]), r, 10_000)).toBe(1.3);
    expect(keepOrder(ahead, new Map([[ahead, 0.4]]), new Map(), r, 10_000)).toBe(0.4);
  });

  it('never moves a worker across the mean', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.1, max: 3, noNaN: true }),
        fc.integer({ min: -500, max: 500 }),
        fc.integer({ min: 1, max: 100_000 }),
        (s, g, dt) => {
          const l = laying(0, [500]);
          const k = dt / 100;
          const share = keepOrder(l, new Map([[l, s]]), new Map([[l, g]]), r, dt);
          // Its position against the mean after the skip: g − (share − 1) · k keeps g's sign (or reaches 0).
          const after = g - (share - 1) * k;
          if (g > 0) expect(after).toBeGreaterThanOrEqual(-1e-9 * Math.max(1, k));
          if (g < 0) expect(after).toBeLessThanOrEqual(1e-9 * Math.max(1, k));
        },
      ),
    );
  });
});
