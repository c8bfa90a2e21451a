import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyKind, type Kind, Loop, poolCycle } from './sampler-loop.js';
import type { MeasureContext } from './sampler-measure-context.js';
import { measure } from './sampler-rate.js';
import { flushCycles } from './sampler-round-flush.js';
import { loggedCycles, loggedRate, logRound } from './sampler-round-log.js';

/**
 * Pools rounds [from, from + rounds) into `k` as the sampler does (each thread's cycle, then `logRound`): `threads`
 * threads, one loop each per round at `base` cycles, every `period`-th round (from `phase`) the purge round at
 * `spike` cycles per loop, the flush count rising at it. `rate(i)` scales cycle i's cost (default 1).
 */
function feed(
  k: Kind,
  from: number,
  rounds: number,
  period: number,
  o: { base?: number; spike?: number; phase?: number; threads?: number; rate?: (cycle: number) => number } = {},
): void {
  const { base = 855_000, spike = 3_050_000, phase = 3, threads = 30, rate = () => 1 } = o;
  let ev = k.ev.length > 0 ? k.ev[k.ev.length - 1] : 100;
  for (let r = from; r < from + rounds; r++) {
    const purge = r >= phase && (r - phase) % period === 0;
    if (purge) ev++;
    const f = rate(Math.floor((r - phase) / period));
    for (let t = 0; t < threads; t++) {
      poolCycle(k, r, ev, (purge ? spike : base) * f, 1, 256);
      logRound(k);
    }
  }
}

function ctx(round: number, mixFrom = 0): MeasureContext {
  return {
    round,
    window: 256,
    need: 8,
    relError: 0.01,
    flushesIn: () => Number.POSITIVE_INFINITY,
    meanDone: () => 0,
    mixFrom,
    flushCycles: true,
    loggedCycles: true,
  };
}

/** A steady main loop (no fast-forward). */
function steady(): Loop {
  const t = { cpu: 0, clock: 0, sysCycles: 0, userCycles: 0, engine: { fairShare: null } } as unknown as Loop['t'];
  return new Loop(t, 1_000_000, 'long_busy', null, false);
}

describe('logRound', () => {
  it('logs the cycles flushCycles finds in the same rounds, whatever the period and a break', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 1, max: 200 }), (period, gapAt) => {
        const k = emptyKind();
        feed(k, 0, gapAt, period);
        feed(k, gapAt + 3, 250 - gapAt, period, { phase: gapAt + 3 + (gapAt % period) });
        const w = flushCycles(k, 0, k.round.length);
        const g = loggedCycles(k);
        expect(g.y).toEqual(w.y);
        expect(g.n).toEqual(w.n);
        if (w.y.length > 0) expect(g.first[0]).toBe(k.round[w.first]);
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the cycles of rounds that left the window', () => {
    const k = emptyKind();
    // 1,000 rounds, a purge every 40: the window's 256 rounds hold 5 whole cycles, the log 24.
    feed(k, 0, 1_000, 40);
    expect(flushCycles(k, 0, k.round.length).y.length).toBe(5);
    expect(loggedCycles(k).y.length).toBe(24);
    const r = loggedRate(k, ctx(1_000));
    expect(typeof r).not.toBe('string');
    // 39 rounds at 855 k and one at 3.05 M per loop.
    expect(typeof r !== 'string' && r.c).toBeCloseTo((39 * 855_000 + 3_050_000) / 40, 3);
  });
});

describe('measure: a steady kind over its logged cycles', () => {
  it('skips on the cycles of the present mix past the window; without the log it could not', () => {
    const k = emptyKind();
    feed(k, 0, 1_000, 40);
    const r = measure(k, steady(), ctx(1_000));
    expect(r).not.toBeNull();
    expect(r?.c).toBeCloseTo((39 * 855_000 + 3_050_000) / 40, 3);
    expect(r?.h).toBeLessThan(0.01 * (r?.c ?? 0));
    // Outside a mixed phase the logged cycles are not read.
    expect(measure(k, steady(), { ...ctx(1_000), loggedCycles: false })).toBeNull();
    // The same rounds pooled without logRound (the rule off): 6 cycles in the window, refused.
    const bare = emptyKind();
    for (let i = 0; i < k.round.length; i++) {
      poolCycle(bare, k.round[i], k.ev[i], k.y[i], k.n[i], 256);
    }
    expect(measure(bare, steady(), ctx(1_000))).toBeNull();
  });

  it('counts only cycles begun in the present mix and after the last skip', () => {
    const k = emptyKind();
    feed(k, 0, 1_000, 40);
    // The mix changed at round 800: 4 whole cycles since, too few.
    expect(loggedRate(k, ctx(1_000, 800))).toBe('few cycles');
    k.skipRound = 700;
    expect(loggedRate(k, ctx(1_000))).toBe('few cycles');
    k.skipRound = 600;
    expect(typeof loggedRate(k, ctx(1_000))).not.toBe('string');
  });

  it('a skip moves the level: only the cycles after it are pooled', () => {
    // Cycles 13 on (from round 523) 5 % slower, the skip at round 520: as beside a builder whose state the skip
    // advanced (sampler-round-log.ts). The 11 cycles after it give their own level; with the 13 before pooled the
    // halves would trend apart and be refused.
    const k = emptyKind();
    feed(k, 0, 1_000, 40, { rate: (c) => (c >= 13 ? 1.05 : 1) });
    k.skipRound = 520;
    const r = loggedRate(k, ctx(1_000));
    if (typeof r === 'string') throw new Error(r);
    expect(r.c).toBeCloseTo((1.05 * (39 * 855_000 + 3_050_000)) / 40, 3);
  });

  it('a step in the rate between the halves: within the bound of the later level, or refused', () => {
    const step = (size: number) => {
      const k = emptyKind();
      feed(k, 0, 1_000, 40, { rate: (c) => (c >= 12 ? 1 + size : 1) });
      return loggedRate(k, ctx(1_000));
    };
    // 24 cycles, the last 12 at +1 %: the pooled rate is 0.5 % under their level, and its bound covers that.
    const r = step(0.01);
    if (typeof r === 'string') throw new Error(r);
    expect(1.01 * (r.c / 1.005) - r.c).toBeLessThanOrEqual(r.h);
    // +3 %: refused.
    expect(typeof step(0.03)).toBe('string');
  });

  it('refuses cycles spread too wide for the target', () => {
    const wide = emptyKind();
    feed(wide, 0, 1_000, 40, { rate: (c) => (c % 3 === 0 ? 1.2 : 0.9) + 0.05 * ((c * 7) % 5) });
    expect(loggedRate(wide, ctx(1_000))).toBe('wide cycles');
  });
});
