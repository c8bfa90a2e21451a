import type { Thread } from '@kmemsim/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Loop, type Rate } from './sampler-loop.js';
import { ownGap, ownRate, stallCycle, stalledNow, stallShares } from './sampler-round.js';
import { settledFrom } from './sampler-round-settle.js';

/** A thread stand-in: the loop reads only its clock and its sys / user cycles. */
function thread(cpu: number): Thread & { clock: number } {
  return { cpu, clock: 0, sysCycles: 0, userCycles: 0 } as unknown as Thread & { clock: number };
}

describe('stallCycle (a thread that owes its mark at a regeneration event)', () => {
  it('closes its cycle where it stands with no loop, and the next one starts there', () => {
    const t = thread(0);
    const l = new Loop(t, 100, 'k', null, false);
    l.mark = true;
    l.markClock = 1_000;
    l.markDone = 5;
    l.done = 5;
    t.clock = 4_000;
    expect(stallCycle(l, 7)).toBe(3_000);
    expect(l.mark).toBe(false);
    expect(l.y).toEqual([3_000]);
    expect(l.n).toEqual([0]);
    expect(l.markClock).toBe(4_000);
    expect(l.stalled).toBe(true);
    expect(stalledNow(l)).toBe(true);
    l.stallRound = -1;
    expect(stalledNow(l)).toBe(false);
  });

  it('pools nothing while warming up or when its cycle straddles a skip', () => {
    const t = thread(0);
    const l = new Loop(t, 100, 'k', null, false);
    l.warm = 3;
    l.markClock = 0;
    t.clock = 500;
    expect(stallCycle(l, 1)).toBe(-1);
    l.warm = 0;
    l.markClock = -1;
    expect(stallCycle(l, 2)).toBe(-1);
    expect(l.markClock).toBe(500);
    expect(l.y).toEqual([]);
  });
});

describe('stallShares (each thread moves on by its own pace)', () => {
  it('a thread that ran no loop gets none; the others share the kind total', () => {
    const ls = [0, 1, 2, 3].map((c) => new Loop(thread(c), 1_000, 'k', null, false));
    for (const [i, l] of ls.entries()) for (let j = 0; j < 4; j++) l.keep(1_000, i === 0 ? 0 : 10, 0, 0);
    const s = stallShares(ls, () => true);
    expect(s.get(ls[0])).toBe(0);
    for (const l of ls.slice(1)) expect(s.get(l)).toBeCloseTo(4 / 3, 12);
  });

  it('kinds without stalls get no share (an even one)', () => {
    const l = new Loop(thread(0), 10, 'k', null, false);
    expect(stallShares([l], () => false).size).toBe(0);
  });

  it('shares of a kind sum to its thread count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.nat(50), { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 16 }),
        (ns) => {
          const ls = ns.map((n, c) => {
            const l = new Loop(thread(c), 1_000, 'k', null, false);
            for (const x of n) l.keep(100 + x, x, 0, 0);
            return l;
          });
          const s = stallShares(ls, () => true);
          let sum = 0;
          for (const l of ls) sum += s.get(l) as number;
          expect(sum).toBeCloseTo(ls.length, 9);
        },
      ),
    );
  });
});

describe('ownGap (how far a thread may stand off the pooled rate)', () => {
  it('is |own − ref| unless the thread stalled; then at most ref, also when it ran no loop', () => {
    const l = new Loop(thread(0), 10, 'k', null, false);
    expect(ownGap(l, 150, 100)).toBe(50);
    expect(ownGap(l, 350, 100)).toBe(250);
    l.stalled = true;
    expect(ownGap(l, 150, 100)).toBe(50);
    expect(ownGap(l, 350, 100)).toBe(100);
    expect(ownGap(l, Number.POSITIVE_INFINITY, 100)).toBe(100);
    expect(ownGap(l, Number.NaN, 100)).toBe(100);
  });
});

describe("ownRate (a thread's own cycles per loop)", () => {
  it("is its kept cycles over its loops, or the kind's ref when it kept none", () => {
    const l = new Loop(thread(0), 10, 'k', null, false);
    const r = { ref: 123 } as Rate;
    expect(ownRate(l, r)).toBe(123);
    l.keep(300, 2, 0, 0);
    l.keep(500, 3, 0, 0);
    expect(ownRate(l, r)).toBe(160);
  });
});

describe('settledFrom (MSER warm-up truncation of a kind with stalls)', () => {
  const series = (warm: number[], steady: number, rounds: number) => {
    const y: number[] = [];
    const n: number[] = [];
    for (const c of warm) {
      y.push(c * 100);
      n.push(100);
    }
    for (let i = 0; i < rounds; i++) {
      y.push(steady * 100 * (1 + 0.01 * ((i * 7) % 3) - 0.01));
      n.push(100);
    }
    return { y, n };
  };

  it('drops a settling start and keeps the steady rounds', () => {
    const { y, n } = series([5_400, 2_800, 2_650], 2_500, 30);
    expect(settledFrom(y, n, 0, y.length, 8)).toBe(3);
  });

  it('keeps a window with no settling start whole', () => {
    const { y, n } = series([], 2_500, 30);
    expect(settledFrom(y, n, 0, y.length, 8)).toBe(0);
  });

  it('cuts at most half the window and leaves at least `need` rounds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10_000 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 12 }),
        (ys, need) => {
          const n = ys.map(() => 10);
          const d = settledFrom(ys, n, 0, ys.length, need);
          expect(d).toBeGreaterThanOrEqual(0);
          if (d > 0) {
            expect(d).toBeLessThanOrEqual(ys.length >> 1);
            expect(ys.length - d).toBeGreaterThanOrEqual(need);
          }
        },
      ),
    );
  });
});
