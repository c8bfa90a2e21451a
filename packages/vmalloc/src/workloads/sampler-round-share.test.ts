import type { Thread } from '@kmemsim/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyKind, Loop } from './sampler-loop.js';
import { CycleLog, REACH_MAX } from './sampler-round-reach.js';
import { SHARE_CYCLES, SHARE_RATE_MAX, shareWindow } from './sampler-round-share.js';

/** Heavy-tailed cycle rates as 6.9's fix_size at 64 CPUs: mostly 3,000–4,800 cycles per loop, slow ones in pairs. */
const RATES = [4_400, 3_900, 4_700, 3_600, 6_800, 7_800, 4_400, 3_500, 4_200, 3_300, 4_100, 3_200];

/** `k` cycles of `n` loops each (cycled from RATES). */
function cycles(k: number, n = 1_000): { y: number[]; n: number[] } {
  const y: number[] = [];
  const ns: number[] = [];
  for (let i = 0; i < k; i++) {
    y.push(RATES[i % RATES.length] * n);
    ns.push(n);
  }
  return { y, n: ns };
}

/** A CycleLog holding those cycles for kind 'a' (two threads). */
function logOf(k: number): CycleLog {
  const log = new CycleLog();
  const loops = [0, 1].map(() => new Loop({ clock: 0 } as Thread, 1e9, 'a', null, false));
  log.flush(1, loops);
  for (let i = 0; i < k; i++) {
    for (const l of loops) {
      (l.t as { clock: number }).clock += RATES[i % RATES.length] * 500;
      l.done += 500;
    }
    log.flush(i + 2, loops);
  }
  return log;
}

describe('shareWindow (the phase-share rule)', () => {
  it('needs a phase, SHARE_CYCLES settled cycles, and a span whose share of the bound is under the cap', () => {
    // A span of under a cycle or two is refused by the rate's own prediction half-width (over SHARE_RATE_MAX).
    const c = cycles(SHARE_CYCLES + 8);
    expect(shareWindow(c.y, c.n, c.y.length, 1_000, 0, REACH_MAX)).toBe('');
    const few = cycles(SHARE_CYCLES - 1);
    expect(shareWindow(few.y, few.n, few.y.length, 8_000, 1e6, REACH_MAX)).toMatch(/under/);
    expect(shareWindow(c.y, c.n, c.y.length, 500, 40_000, REACH_MAX)).toMatch(/rate over/);
    const w = shareWindow(c.y, c.n, c.y.length, 8_000, 40_000, REACH_MAX);
    expect(typeof w).toBe('object');
    if (typeof w === 'string') return;
    expect(w.m).toBeGreaterThanOrEqual(SHARE_CYCLES);
    // The rate's own half-width is over the 10 % cap, but under SHARE_RATE_MAX.
    expect(w.h / w.s.c).toBeGreaterThan(REACH_MAX);
    expect(w.h / w.s.c).toBeLessThanOrEqual(SHARE_RATE_MAX);
    // Skipping most of the phase: its share of the bound is over the cap.
    expect(shareWindow(c.y, c.n, c.y.length, 30_000, 40_000, REACH_MAX)).toMatch(/share over the cap/);
  });

  it('the skip it allows keeps h·span within cap·c·phaseLoops (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: SHARE_CYCLES, max: 60 }), fc.integer({ min: 1, max: 60_000 }), (k, span) => {
        const c = cycles(k);
        const phase = k * 1_000 + span;
        const w = shareWindow(c.y, c.n, k, span, phase, REACH_MAX);
        if (typeof w === 'string') return true;
        return w.h * span <= REACH_MAX * w.s.c * phase * (1 + 1e-12) && w.m >= SHARE_CYCLES;
      }),
    );
  });
});

describe('CycleLog.rate with the phase-share rule', () => {
  it('over the 10 % cap: refused without a phase, a rate with one when the span is a small share of it', () => {
    const log = logOf(SHARE_CYCLES + 8);
    const why: string[] = [];
    expect(log.rate('a', emptyKind(), 0.01, 8_000, 0, 8_000, (w) => why.push(w))).toBeNull();
    expect(why.at(-1)).toMatch(/over the cap/);
    const r = log.rate('a', emptyKind(), 0.01, 8_000, 0, 8_000, undefined, 40_000);
    expect(r).not.toBeNull();
    expect((r?.h as number) / (r?.c as number)).toBeGreaterThan(REACH_MAX);
    // The same log with most of the phase still to skip: refused.
    expect(log.rate('a', emptyKind(), 0.01, 30_000, 0, 30_000, (w) => why.push(w), 40_000)).toBeNull();
    expect(why.at(-1)).toMatch(/share over the cap/);
  });
});
