import { fc, test } from '@fast-check/vitest';
import type { Thread } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { lockstep } from './sampler-build.js';
import { diverging, kworkerBesideBuilder } from './sampler-hold.js';
import { Loop, type Rate } from './sampler-loop.js';

/** A set-up loop of `tag` whose thread's own cycles since the last skip ran at `own` cycles per loop. */
function setUp(tag: string, own: number, inStep: boolean, counted = true): Loop {
  const l = new Loop({ clock: 0 } as unknown as Thread, 1_000, tag, () => {}, counted);
  if (inStep) lockstep(l);
  for (let i = 0; i < 8; i++) l.keep(own * 32, 32, own * 32, 0);
  return l;
}

const rates = (ref: number) => new Map([['s', { ref } as Rate]]);

describe('diverging: a state-building loop whose threads part', () => {
  it('lockstep threads that lag the pooled window together (a rising rate) are in step', () => {
    // Own rates since the last skip 13 % under the window's: a set-up's rate rose over those cycles.
    const loops = [870, 871, 869, 870].map((c) => setUp('s', c, true));
    expect(diverging(loops, rates(1_000), 0.05)).toBe(false);
  });

  it('without the lockstep mark the same threads diverge from the pooled window (the 6.9 rule as it was)', () => {
    const loops = [870, 871, 869, 870].map((c) => setUp('s', c, false));
    expect(diverging(loops, rates(1_000), 0.05)).toBe(true);
  });

  it('reads its loops twice: a one-shot iterator (the sampler passes Map.values()) is checked too', () => {
    const loops = new Map([1_000, 1_000, 1_000, 1_250].map((c, i) => [i, setUp('s', c, true)]));
    expect(diverging(loops.values(), rates(1_000), 0.05)).toBe(true);
    const apart = new Map([870, 871].map((c, i) => [i, setUp('s', c, false)]));
    expect(diverging(apart.values(), rates(1_000), 0.05)).toBe(true);
  });

  it('lockstep tear-downs keep the pooled window as their reference', () => {
    const loops = [870, 871, 869, 870].map((c) => setUp('s', c, true, false));
    expect(diverging(loops, rates(1_000), 0.05)).toBe(true);
  });

  it('a lockstep thread that parts from its peers diverges', () => {
    const loops = [1_000, 1_000, 1_000, 1_250].map((c) => setUp('s', c, true));
    expect(diverging(loops, rates(1_000), 0.05)).toBe(true);
  });

  it('under an unfair lock (`noisy`) a gap within the thread’s own half-width is a draw, not a parting', () => {
    // Own cycles alternate 750 / 1,250 per loop around 1,000: mean 1,000, a wide own half-width.
    const wide = (c: number) => {
      const l = new Loop({ clock: 0 } as unknown as Thread, 1_000, 's', () => {}, true);
      lockstep(l);
      for (let i = 0; i < 8; i++) l.keep((i & 1 ? c + 250 : c - 250) * 32, 32, 0, 0);
      return l;
    };
    const loops = [1_000, 1_000, 1_000, 1_080].map(wide);
    expect(diverging(loops, rates(1_000), 0.05)).toBe(true);
    expect(diverging(loops, rates(1_000), 0.05, true)).toBe(false);
    // A gap past the half-width still parts them.
    expect(diverging([1_000, 1_000, 1_000, 1_600].map(wide), rates(1_000), 0.05, true)).toBe(true);
  });

  test.prop([
    fc.array(fc.integer({ min: 900, max: 1_100 }), { minLength: 1, maxLength: 16 }),
    fc.double({ min: 0.1, max: 10, noNaN: true }),
  ])('lockstep threads: the verdict depends on their own rates only, not on the pooled window', (own, scale) => {
    const loops = own.map((c) => setUp('s', c, true));
    expect(diverging(loops, rates(1_000 * scale), 0.05)).toBe(diverging(loops, rates(1_000), 0.05));
  });
});

describe('kworkerBesideBuilder: no skip while a kworker runs beside a state-building loop', () => {
  const steady = () => new Loop({ clock: 0 } as unknown as Thread, 1_000, 'm', null, false);
  it('holds a mix with a builder while a kworker is live, and nothing else', () => {
    expect(kworkerBesideBuilder(1, [steady(), setUp('s', 1_000, true)])).toBe(true);
    expect(kworkerBesideBuilder(0, [steady(), setUp('s', 1_000, true)])).toBe(false);
    expect(kworkerBesideBuilder(3, [steady(), steady()])).toBe(false);
  });

  it('reads a one-shot iterator (the sampler passes Map.values())', () => {
    const loops = new Map([
      [0, steady()],
      [1, setUp('s', 1_000, false)],
    ]);
    expect(kworkerBesideBuilder(1, loops.values())).toBe(true);
  });
});
