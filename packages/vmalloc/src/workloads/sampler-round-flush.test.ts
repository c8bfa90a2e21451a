import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyKind, type Kind } from './sampler-loop.js';
import type { MeasureContext } from './sampler-measure-context.js';

import { cycleRatio, flushCycles, flushRate } from './sampler-round-flush.js';

/**
 * A kind's rounds as the must-show's long_busy beside a wave of builders: `threads` threads, one loop each per round
 * at `base` cycles, and every `period`-th round (from round `phase`) the purge round at `spike` cycles per loop,
 * the flush count rising at it.
 */
function spiky(rounds: number, period: number, base: number, spike: number, phase = 3, threads = 30): Kind {
  const k = emptyKind();
  let ev = 100;
  for (let r = 0; r < rounds; r++) {
    const purge = r >= phase && (r - phase) % period === 0;
    if (purge) ev++;
    k.round.push(r + 1);
    k.ev.push(ev);
    k.y.push(threads * (purge ? spike : base));
    k.n.push(threads);
    k.q.push(threads);
    k.k.push(threads);
  }
  return k;
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
  };
}

describe('flushCycles', () => {
  it('groups rounds from one flush to the next, dropping the partial cycles at both ends', () => {
    const k = spiky(100, 18, 855_000, 3_050_000);
    const c = flushCycles(k, 0, k.round.length);
    // Purge rounds at 3, 21, …, 93: five whole cycles of 18 rounds.
    expect(c.y.length).toBe(5);
    expect(c.first).toBe(3);
    expect(c.end).toBe(93);
    for (const n of c.n) expect(n).toBe(18 * 30);
  });

  it('breaks at a gap in the round numbers, keeping no cycle open across it', () => {
    const k = spiky(100, 18, 855_000, 3_050_000);
    for (let i = 50; i < k.round.length; i++) k.round[i] += 5;
    const c = flushCycles(k, 0, k.round.length);
    // Cycles [3, 21), [21, 39); the one open at 50 is dropped; after the gap [57, 75), [75, 93).
    expect(c.y.length).toBe(4);
    expect(c.first).toBe(3);
  });

  it('is exact for cycles of one period: no half-width, no trend', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 40 }), fc.integer({ min: 0, max: 39 }), (period, phase) => {
        const k = spiky(12 * period + 41, period, 855_000, 3_050_000, phase % period);
        const s = cycleRatio(flushCycles(k, 0, k.round.length));
        const expected = ((period - 1) * 855_000 + 3_050_000) / period;
        expect(s.c).toBeCloseTo(expected, 3);
        expect(s.h).toBeLessThan(1e-6 * s.c);
        expect(s.trend).toBeLessThan(1e-6 * s.c);
      }),
    );
  });
});

describe('flushRate', () => {
  it('measures a spiky steady kind whose rounds fail the i.i.d. target', () => {
    const k = spiky(256, 18, 855_000, 3_050_000);
    const r = flushRate(k, ctx(256), false);
    expect(typeof r).not.toBe('string');
    if (typeof r === 'string') return;
    expect(r.c).toBeCloseTo((17 * 855_000 + 3_050_000) / 18, 3);
    expect(r.perRound).toBe(1);
  });

  it('needs 8 whole cycles since the last skip, and in the present mix when asked', () => {
    const k = spiky(256, 18, 855_000, 3_050_000);
    k.skipRound = 120;
    expect(flushRate(k, ctx(256), false)).toBe('few cycles');
    k.skipRound = -1;
    expect(flushRate(k, ctx(256, 200), true)).toBe('few cycles');
  });

  it('refuses a rate that steps between the halves of its cycles', () => {
    const k = spiky(256, 18, 855_000, 3_050_000);
    for (let i = 130; i < 256; i++) k.y[i] *= 1.03;
    expect(flushRate(k, ctx(256), false)).toMatch(/trend cycles|wide cycles/);
  });
});
