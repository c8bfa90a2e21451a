import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AfterSkip } from './sampler-after.js';
import { skippedLoop as skipped } from './sampler-loop.cases.js';
import { emptyKind, type Kind, type Loop, type Rate, type TagReport } from './sampler-loop.js';
import type { WaitTally } from './sampler-wait.js';

/** A thread's loop of kind `tag` at position `done`, its last iteration `y` cycles long. */
function loop(tag: string, done: number, y = 0, fast = false, cpu = 0): Loop {
  return {
    tag,
    done,
    fast: fast ? () => {} : null,
    t: { clock: 1_000 + y, cpu },
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

  describe("the arrival term: phases after another kind's skip", () => {
    /** A stand-in for sampler-wait.ts: each iteration waited `w(l)` cycles. */
    function tally(w: (l: Loop) => number): WaitTally {
      return { start() {}, mark() {}, jumped() {}, waited: w } as unknown as WaitTally;
    }
    /** Worker 1 waits all its cycles, worker 0 none. */
    const cpu1Waits = (): AfterSkip =>
      new AfterSkip(
        0,
        tally((l) => (l.t.cpu === 1 ? l.t.clock - l.lastClock : 0)),
      );
    /**
     * A skip of kind `tag` by one loop of workers 0 and 1 in step: worker 0's own rate 2 × the pooled, worker 1's
     * the pooled: they stand `err` cycles apart, each `err` / 2 from their mean.
     */
    function skipOf(a: AfterSkip, err: number, tag: string): void {
      const l = (cpu: number, y: number) => skipped(tag, cpu, y, 1, 1);
      const r = { c: err, ref: err, h: 0, perRound: 1, spread: 0, slope: Number.NaN, growth: Number.NaN, trend: 0 };
      a.skip([l(0, 2 * err), l(1, err)], new Map([[tag, { ...r, moved: 0, window: 1 } as Rate]]), 1);
    }
    /** One iteration of `y` cycles of kind `tag` on each of `cpus`, charged. */
    function run(a: AfterSkip, tag: string, y: number, cpus: number[], r: TagReport): void {
      for (const cpu of cpus) {
        const l = loop(tag, 0, y, false, cpu);
        a.enter(l);
        a.charge(l, r);
      }
    }

    it('keeps each worker’s waits and cycles whatever order the CPUs first charge in (the per-CPU slots grow)', () => {
      const settle = (cpus: number[]): number => {
        const a = new AfterSkip(
          0,
          tally((l) => 100 * (l.t.cpu + 1)),
        );
        skipOf(a, 300, 'main');
        const r = report();
        for (const cpu of cpus) run(a, 'tear-down', 1_000 + cpu, [cpu], r);
        return a.settled(new Map([['tear-down', r]]));
      };
      // Workers 0 and 1 each placed 150 from their mean; wait rates 0.1 (worker 0), 0.2 (1), 0.5 (4, not moved).
      const far = 500 / 1_004;
      expect(settle([4, 1, 0])).toBeCloseTo(2 * 150 * (far - 100 / 1_000 + (far - 200 / 1_001)), 6);
      expect(settle([1, 0, 4])).toBe(settle([4, 1, 0]));
    });

    it("carries 2 × the arrival × the moved worker's distance to the far end of the wait rates, at most its waits; not its own skip's", () => {
      // Worker 0 (skipped, moved 300 cycles) waited 10 % of its cycles, worker 1 40 %.
      const a = new AfterSkip(
        0.06,
        tally((l) => (l.t.cpu === 0 ? 100 : 400)),
      );
      skipOf(a, 300, 'main');
      const r = report();
      run(a, 'tear-down', 1_000, [0, 1], r);
      expect(r.errCycles).toBeCloseTo(120);
      const byTag = new Map([['tear-down', r]]);
      // min(2 · 300 · 0.3, 500)
      expect(a.settled(byTag)).toBeCloseTo(180);
      expect(r.errCycles).toBeCloseTo(300);
      expect(a.settled(byTag)).toBe(0);
      const own = report();
      run(a, 'main', 1_000, [0, 1], own);
      expect(a.settled(new Map([['main', own]]))).toBe(0);
      // An arrival far beyond the phase: its waits at most.
      skipOf(a, 1e6, 'other');
      const late = report();
      run(a, 'late', 1_000, [0, 1], late);
      expect(a.settled(new Map([['late', late]]))).toBeCloseTo(500);
    });

    it("places a steady loop's workers by their walk against the exact run's and their own rate's gap", () => {
      // Worker 1 waits all its cycles, worker 0 none: the term is 2 × the arrival.
      const a = cpu1Waits();
      // 10 loops per round at 100 cycles, σ = 2 loops per round; dt = 4 rounds; worker 0 ran 105 cycles per loop,
      // worker 1 the pooled 100: 200 cycles apart.
      const l = (cpu: number, y: number) => skipped('main', cpu, y, 10, 40, false);
      const both = [l(0, 1_050), l(1, 1_000)];
      const rate = { c: 100, ref: 100, h: 0, perRound: 10, spread: 2 } as Rate;
      a.skip(both, new Map([['main', rate]]), 4_000);
      const r = report();
      run(a, 'next', 1e9, [0, 1], r);
      // Each worker: its walk 2√2 · 2 · √4 · 100, and 100 off the two's mean gap.
      expect(a.settled(new Map([['next', r]]))).toBeCloseTo(2 * 2 * (800 * Math.SQRT2 + 100));
      // A second such skip: the walks add in quadrature (√2 × the first's), the gaps add.
      a.skip(both, new Map([['main', rate]]), 4_000);
      const later = report();
      run(a, 'later', 1e9, [0, 1], later);
      expect(a.settled(new Map([['later', later]]))).toBeCloseTo(2 * 2 * (1_600 + 200));
    });

    it('a gap every worker shares, or one reversed in the next skip, places no one', () => {
      const a = cpu1Waits();
      const l = (cpu: number, y: number) => skipped('main', cpu, y, 10, 40);
      const rate = { c: 100, ref: 100, h: 0, perRound: 10, spread: 2, slope: Number.NaN, growth: Number.NaN, trend: 0 };
      const rates = new Map([['main', { ...rate, moved: 0, window: 1 } as Rate]]);
      a.skip([l(0, 1_050), l(1, 1_050)], rates, 4_000);
      a.skip([l(0, 1_050), l(1, 950)], rates, 4_000);
      a.skip([l(0, 950), l(1, 1_050)], rates, 4_000);
      const r = report();
      run(a, 'next', 1e9, [0, 1], r);
      expect(a.settled(new Map([['next', r]]))).toBe(0);
    });

    it('in shuffled order (a skip of several kinds) a gap all share still places each worker', () => {
      const a = cpu1Waits();
      const l = (tag: string, cpu: number) => skipped(tag, cpu, 1_050, 10, 10);
      const rate = { c: 100, ref: 100, h: 5, perRound: 10, spread: 0, slope: Number.NaN, growth: Number.NaN, trend: 0 };
      const r0 = { ...rate, moved: 0, window: 1 } as Rate;
      a.skip([l('x', 0), l('x', 1)], new Map([['x', r0]]), 1_000);
      const same = report();
      run(a, 'same', 1e9, [0, 1], same);
      expect(a.settled(new Map([['same', same]]))).toBe(0);
      // Worker 0 in x, worker 1 in y, each 10 loops × 5 cycles over the pooled rate: 50 each.
      a.skip(
        [l('x', 0), l('y', 1)],
        new Map([
          ['x', r0],
          ['y', r0],
        ]),
        1_000,
      );
      const next = report();
      run(a, 'next', 1e9, [0, 1], next);
      expect(a.settled(new Map([['next', next]]))).toBeCloseTo(2 * 2 * 50);
    });

    test.prop([
      fc.array(
        fc.record({
          y: fc.integer({ min: 1, max: 10_000 }),
          w: fc.integer({ min: 0, max: 10_000 }),
          cpu: fc.integer({ min: 0, max: 3 }),
        }),
        { minLength: 1, maxLength: 30 },
      ),
      fc.integer({ min: 0, max: 1e7 }),
    ])(
      'the kind ends charged base × cycles + min(2 · Σ arrival · distance to the far end of the wait rates, waits)',
      (its, err) => {
        let i = 0;
        const a = new AfterSkip(
          0.06,
          tally(() => Math.min(its[i].w, its[i].y)),
        );
        skipOf(a, err, 'main');
        const r = report();
        const per = new Map<number, [number, number]>();
        let y = 0;
        let w = 0;
        for (; i < its.length; i++) {
          run(a, 'next', its[i].y, [its[i].cpu], r);
          if (i % 7 === 3) a.settled(new Map([['next', r]]));
          const wi = Math.min(its[i].w, its[i].y);
          const p = per.get(its[i].cpu) ?? [0, 0];
          per.set(its[i].cpu, [p[0] + wi, p[1] + its[i].y]);
          y += its[i].y;
          w += wi;
        }
        a.settled(new Map([['next', r]]));
        const rates = [...per.values()].map(([pw, py]) => pw / py);
        const [lo, hi] = [Math.min(...rates), Math.max(...rates)];
        const far = (cpu: number) => {
          const p = per.get(cpu);
          return p === undefined ? hi - lo : Math.max(hi - p[0] / p[1], p[0] / p[1] - lo);
        };
        expect(r.errCycles).toBeCloseTo(0.06 * y + Math.min(2 * (err / 2) * (far(0) + far(1)), w), 3);
      },
    );
  });
});
