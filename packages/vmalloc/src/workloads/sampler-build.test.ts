import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { keepInStep, lockstep } from './sampler-build.js';
import type { Loop } from './sampler-loop.js';
import type { MixedShare } from './sampler-mixed.js';

/** A decided skip of `k` loops of phase `tag` (with error `err`), marked lockstep or not. */
function share(tag: string, k: number, err: number, inStep: boolean): MixedShare {
  const l = { tag, pendingK: k, pendingErr: err } as unknown as Loop;
  if (inStep) lockstep(l);
  return { l, from: 10, k };
}

describe('keepInStep: a FIFO lock’s workers skip the same count', () => {
  it('gives each lockstep loop of a phase the smallest count, its error scaled; others keep theirs', () => {
    const b = [
      share('set-up', 8637, 100, true),
      share('set-up', 8603, 50, true),
      share('tear-down', 40, 4, true),
      share('set-up', 9000, 90, false),
    ];
    keepInStep(b);
    expect(b.map((x) => [x.k, x.l.pendingK, x.l.pendingErr])).toEqual([
      [8603, 8603, (100 * 8603) / 8637],
      [8603, 8603, 50],
      [40, 40, 4],
      [9000, 9000, 90],
    ]);
  });

  it('leaves a loop whose skip was already applied (pendingK consumed) alone', () => {
    const a = share('set-up', 20, 2, true);
    a.l.pendingK = 0;
    const b = share('set-up', 30, 3, true);
    keepInStep([a, b]);
    expect([a.k, b.k, b.l.pendingK]).toEqual([20, 30, 30]);
  });

  test.prop([
    fc.array(fc.record({ k: fc.nat(100_000), tag: fc.constantFrom('a', 'b'), on: fc.boolean() }), { maxLength: 12 }),
  ])('every lockstep loop of a tag ends at that tag’s least count; none grows', (xs) => {
    const b = xs.map((x) => share(x.tag, x.k, x.k / 10, x.on));
    keepInStep(b);
    for (const tag of ['a', 'b']) {
      const on = xs.filter((x) => x.tag === tag && x.on).map((x) => x.k);
      const least = Math.min(...on);
      b.forEach((y, i) => {
        expect(y.k).toBeLessThanOrEqual(xs[i].k);
        expect(y.l.pendingK).toBe(y.k);
        if (xs[i].tag === tag && xs[i].on) expect(y.k).toBe(least);
        if (!xs[i].on) expect(y.k).toBe(xs[i].k);
      });
    }
  });
});
