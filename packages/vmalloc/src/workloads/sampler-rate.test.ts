// A list-walk set-up's rate (sampler-rate.ts `measure`): it skips only on a line through two measured points.
import { describe, expect, it } from 'vitest';
import { emptyKind, type Kind, Loop } from './sampler-loop.js';
import type { MeasureContext } from './sampler-measure-context.js';
import { measure } from './sampler-rate.js';

/** Appends `rounds` rounds numbered from `first`, each of `threads` × `per` loops at `rate` cycles per loop. */
function push(k: Kind, first: number, rounds: number, rate: number, per = 10, threads = 4): void {
  for (let i = first; i < first + rounds; i++) {
    k.round.push(i);
    k.n.push(per * threads);
    k.k.push(threads);
    k.q.push(0);
    k.ev.push(i);
    k.y.push(rate * per * threads);
  }
}

/** A set-up loop of kind `tag` (fast-forwarded, counted). */
function setUp(tag: string): Loop {
  const t = { cpu: 0, clock: 0, sysCycles: 0, userCycles: 0 } as unknown as Loop['t'];
  return new Loop(t, 100_000, tag, () => {}, true);
}

/** The decision's context at `round`, the kind's mean position `at()`. */
function ctx(round: number, at: () => number): MeasureContext {
  return {
    round,
    window: 64,
    need: 8,
    relError: 0.01,
    flushesIn: () => Number.POSITIVE_INFINITY,
    meanDone: at,
    mixFrom: 0,
  };
}

describe('measure: a list-walk set-up skips only on a line', () => {
  it('its first measured window is the first point (no rate yet); √2 × further, a line through both', () => {
    const l = setUp('w:set-up');
    l.walk = true;
    let at = 1_000;
    const o = (round: number) => ctx(round, () => at);
    const k = emptyKind();
    push(k, 0, 10, 5_000);
    // Tight, but one point: no rate (its window's rate over a doubling fell 24–42 % short), kept as the first point.
    expect(measure(k, l, o(10))).toBeNull();
    expect(k.lastC).toBe(5_000);
    expect(k.lastAt).toBe(1_000);
    // Nearer than √2 × the first point: still none, and the first point stays.
    at = 1_300;
    push(k, 10, 10, 6_500);
    expect(measure(k, l, o(20))).toBeNull();
    expect(k.lastAt).toBe(1_000);
    // Twice as far: a line through the first point and this window (its centre 8 rounds × 10 loops / 2 behind).
    at = 2_000;
    push(k, 20, 10, 10_000);
    const r = measure(k, l, o(30));
    expect(r).not.toBeNull();
    expect(r?.slope).toBeCloseTo((10_000 - 5_000) / (2_000 - 40 - 1_000), 9);
    expect(r?.c).toBeCloseTo(10_000 + (r?.slope ?? 0) * 40, 6);
  });

  it('a set-up without the walk still takes its window’s rate at once (the log model needs no first point)', () => {
    const k = emptyKind();
    push(k, 0, 10, 5_000);
    const r = measure(
      k,
      setUp('s:set-up'),
      ctx(10, () => 1_000),
    );
    expect(r?.c).toBe(5_000);
    expect(k.lastC).toBe(0);
  });
});

describe('measure: a set-up beside loops that free spans their purges', () => {
  /** The context with flushes counted from the kind's rounds (as sampler.ts does) and set-ups beside frees. */
  const beside = (round: number): MeasureContext => ({
    ...ctx(round, () => 1_000),
    flushCycles: true,
    besideFrees: true,
    flushesIn: (k, from) => k.ev[k.ev.length - 1] - k.ev[from],
  });

  it('refuses a window between two purges, tight as it is (their stall is not in it)', () => {
    const k = emptyKind();
    push(k, 0, 10, 5_000);
    k.ev.fill(3);
    expect(measure(k, setUp('s:set-up'), beside(10))).toBeNull();
    // Nothing frees beside it: the window's rate, as before.
    expect(measure(k, setUp('s:set-up'), { ...beside(10), besideFrees: false })?.c).toBe(5_000);
  });

  it('takes a window over `need` purges or more as it is', () => {
    const k = emptyKind();
    push(k, 0, 10, 5_000);
    // Two purges a round: its window, the last `need` rounds (tight), spans 14.
    for (let i = 0; i < 10; i++) k.ev[i] = 2 * i;
    expect(measure(k, setUp('s:set-up'), beside(10))?.c).toBe(5_000);
  });

  it('after a skip it is refused until purges come again, however tight its whole cycles were before the skip', () => {
    // Ten whole cycles of five rounds, the purge round (the cycle's first) three times the others: 1.4 × 5,000 a loop.
    const k = emptyKind();
    push(k, 0, 51, 5_000);
    for (let i = 0; i < 51; i++) {
      k.ev[i] = Math.floor(i / 5);
      if (i % 5 === 0 && i > 0) k.y[i] *= 3;
    }
    expect(measure(k, setUp('s:set-up'), beside(51))?.c).toBeCloseTo(7_000, 6);
    // A skip at round 50, then nine tight rounds without a purge: the stall share of the cycles before the skip is not
    // carried over (5.2 shuffled, 64 × 100,000 and 1 M: across a set-up's skip its stall share moved the rate by a
    // median 2.2 / 1.4 %, up to 7.5 %; docs/vmalloc-sampling.md, "What the purge-stall rule costs"), so no rate until purges come.
    k.skipRound = 50;
    push(k, 51, 9, 5_000);
    k.ev.fill(10, 51);
    expect(measure(k, setUp('s:set-up'), beside(60))).toBeNull();
    // Without the rule the window between purges would be taken: 5,000 a loop, the stall's 2,000 missed.
    expect(measure(k, setUp('s:set-up'), { ...beside(60), besideFrees: false })?.c).toBe(5_000);
  });
});
