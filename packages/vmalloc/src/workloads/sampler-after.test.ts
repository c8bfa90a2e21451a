import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AfterSkip } from './sampler-after.js';
import { emptyKind, type Kind, type Loop, type TagReport } from './sampler-loop.js';

/** A thread's loop of kind `tag` at position `done`, its last iteration `y` cycles long. */
function loop(tag: string, done: number, y = 0, fast = false): Loop {
  return {
    tag,
    done,
    fast: fast ? () => {} : null,
    t: { clock: 1_000 + y },
    lastClock: 1_000,
    errCycles: 0,
  } as unknown as Loop;
}

function report(): TagReport {
  return { loops: 0, skipped: 0, errCycles: 0, detailedCycles: 0, extrapolatedCycles: 0 };
}

/** A kind skipped at round `skip` at rate `c`, then `rates.length` rounds (one loop per thread each, 4 threads). */
function kind(skip: number, c: number, rates: number[], model: Partial<Kind> = {}): Kind {
  const k: Kind = { ...emptyKind(), skipRound: skip, lastC: c, ...model };
  rates.forEach((x, i) => {
    k.round.push(skip + 1 + i);
    k.y.push(4 * x);
    k.n.push(4);
    k.k.push(4);
  });
  return k;
}

describe('AfterSkip: what a loop in detail after a skip carries', () => {
  it('charges the base share of each iteration to the loop and its kind', () => {
    const a = new AfterSkip(0.06);
    const r = report();
    const l = loop('main', 10, 500);
    expect(a.charge(l, r)).toBeCloseTo(30);
    expect([l.errCycles, r.errCycles]).toEqual([30, 30]);
  });

  it("raises a kind's share to its rate's move across its skip, back-charging the cycles already charged", () => {
    const a = new AfterSkip(0.06);
    const r = report();
    const kinds = new Map([['main', kind(5, 100, [])]]);
    a.scan([loop('main', 10)], kinds, 5, 8, 0, new Map([['main', r]]));
    a.charge(loop('main', 10, 1_000), r);
    kinds.set('main', kind(5, 100, Array(8).fill(90)));
    a.scan([loop('main', 20)], kinds, 5, 8, 0, new Map([['main', r]]));
    expect(a.share('main')).toBeCloseTo(0.1);
    expect(a.owed()).toBeCloseTo(40);
    expect(r.errCycles).toBeCloseTo(100);
    expect(a.owed()).toBe(0);
    // Measured once per skip; the next skip starts again from the base.
    kinds.set('main', kind(5, 100, Array(8).fill(50)));
    a.scan([loop('main', 30)], kinds, 5, 8, 0, new Map([['main', r]]));
    expect(a.share('main')).toBeCloseTo(0.1);
    kinds.set('main', kind(40, 100, []));
    a.scan([loop('main', 50)], kinds, 40, 8, 0, new Map([['main', r]]));
    expect(a.share('main')).toBe(0.06);
  });

  it('waits for `need` rounds after the skip, and skips kinds that were not in the last skip', () => {
    const a = new AfterSkip(0.06);
    const kinds = new Map([
      ['few', kind(5, 100, Array(7).fill(50))],
      ['other', kind(3, 100, Array(8).fill(50))],
    ]);
    a.scan([loop('few', 20), loop('other', 20)], kinds, 5, 8, 0, new Map());
    expect([a.share('few'), a.share('other')]).toEqual([0.06, 0.06]);
  });

  it('counts only rounds of the present mix', () => {
    const a = new AfterSkip(0.06);
    const kinds = new Map([['main', kind(5, 100, Array(11).fill(50))]]);
    a.scan([loop('main', 20)], kinds, 5, 8, 10, new Map());
    expect(a.share('main')).toBe(0.06);
    a.scan([loop('main', 20)], kinds, 5, 8, 9, new Map());
    expect(a.share('main')).toBeCloseTo(0.5);
  });

  it("a tear-down's rate moved along its line is no move; off the line it is", () => {
    // Skipped at position 100 at 1,000 cycles per loop, falling 2 per loop; 8 rounds of one loop per thread after
    // it, the threads now at 308: the rounds' middle is 304, where the line gives 592.
    const on = new AfterSkip(0.06);
    const model = { lastAt: 100, lastSlope: -2 };
    on.scan(
      [loop('td', 308, 0, true)],
      new Map([['td', kind(5, 1_000, Array(8).fill(592), model)]]),
      5,
      8,
      0,
      new Map(),
    );
    expect(on.share('td')).toBe(0.06);
    const off = new AfterSkip(0.06);
    off.scan(
      [loop('td', 308, 0, true)],
      new Map([['td', kind(5, 1_000, Array(8).fill(500), model)]]),
      5,
      8,
      0,
      new Map(),
    );
    expect(off.share('td')).toBeCloseTo(92 / 592);
  });

  test.prop([fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0.5, max: 2, noNaN: true })])(
    'the share never falls below the base, and the back-charge is the raise times the cycles charged',
    (base, f) => {
      const a = new AfterSkip(base);
      const r = report();
      a.scan([loop('main', 1)], new Map([['main', kind(0, 100, [])]]), 0, 8, 0, new Map());
      a.charge(loop('main', 1, 1_000), r);
      a.scan([loop('main', 9)], new Map([['main', kind(0, 100, Array(8).fill(100 * f))]]), 0, 8, 0, new Map());
      const share = Math.max(base, Math.abs(f - 1));
      expect(a.share('main')).toBeCloseTo(share, 9);
      expect(a.owed()).toBeCloseTo((share - base) * 1_000, 6);
    },
  );
});
