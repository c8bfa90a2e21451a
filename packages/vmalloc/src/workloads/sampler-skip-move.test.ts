import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { AfterSkip } from './sampler-after.js';
import { skippedLoop } from './sampler-loop.cases.js';
import { emptyKind, type Kind, poolCycle, type Rate, type TagReport } from './sampler-loop.js';
import { logRound } from './sampler-round-log.js';
import { SkipMove } from './sampler-skip-move.js';

function report(): TagReport {
  return { loops: 0, skipped: 0, errCycles: 0, detailedCycles: 0, extrapolatedCycles: 0 };
}

/** A steady rate `c` cycles per loop. */
function rate(c: number): Rate {
  return { c, h: 0.01 * c, ref: c, perRound: 1, spread: 0, slope: Number.NaN, growth: Number.NaN } as Rate;
}

/** Rounds [from, from + rounds) of 4 threads, one loop each at `c` cycles, a flush every 4th round: whole cycles. */
function feed(k: Kind, from: number, rounds: number, c: number): void {
  let ev = k.ev.length > 0 ? k.ev[k.ev.length - 1] : 0;
  for (let r = from; r < from + rounds; r++) {
    if (r % 4 === 0) ev++;
    for (let t = 0; t < 4; t++) {
      poolCycle(k, r, ev, c, 1, 256);
      logRound(k);
    }
  }
}

/**
 * A skip at round 20 of the steady kind 'main' (two workers, 500 loops each, at 100 cycles per loop), beside a
 * set-up (`builder`) or not; the kind then runs at `after` cycles per loop in the same mix.
 */
function run(after: number, builder: boolean, mixFrom = 0): { term: number; r: TagReport; m: SkipMove } {
  const m = new SkipMove();
  const k = emptyKind();
  feed(k, 0, 20, 100);
  const loops = [skippedLoop('main', 0, 100, 1, 500, false), skippedLoop('main', 1, 100, 1, 500, false)];
  if (builder) loops.push(skippedLoop('b:set-up', 2, 50, 1, 200, true));
  const rates = new Map([['main', rate(100)]]);
  if (builder) rates.set('b:set-up', rate(50));
  m.skip(loops, rates, 20, 0);
  k.skipRound = 20;
  feed(k, 21, 40, after);
  const r = report();
  const kinds = new Map([['main', k]]);
  const byTag = new Map([['main', r]]);
  const term = m.settle(kinds, mixFrom, byTag);
  return { term, r, m };
}

describe("SkipMove: a steady kind's skip beside a builder carries its rate's move", () => {
  it('charges half the jump to the level after the skip over the loops skipped', () => {
    // 1,000 loops at 100, the level after 110: half of 10 % over 100,000 cycles.
    const { term, r } = run(110, true);
    expect(term).toBeCloseTo(5_000, 6);
    expect(r.errCycles).toBeCloseTo(5_000, 6);
    // Downwards alike.
    expect(run(96, true).term).toBeCloseTo(2_000, 6);
  });

  it('charges nothing without a builder beside it (a skip of steady loops alone keeps its h)', () => {
    expect(run(110, false).term).toBe(0);
  });

  it('charges nothing where the rate did not move', () => {
    expect(run(100, true).term).toBe(0);
  });

  it("counts only cycles of the skip's mix, and lacking one takes the kind's last measured jump", () => {
    const m = new SkipMove();
    const k = emptyKind();
    feed(k, 0, 20, 100);
    const loops = () => [skippedLoop('main', 0, 100, 1, 500, false), skippedLoop('b:set-up', 2, 50, 1, 200, true)];
    const rates = new Map([
      ['main', rate(100)],
      ['b:set-up', rate(50)],
    ]);
    const r = report();
    const byTag = new Map([['main', r]]);
    m.skip(loops(), rates, 20, 0);
    k.skipRound = 20;
    feed(k, 21, 40, 110);
    expect(m.settle(new Map([['main', k]]), 0, byTag)).toBeCloseTo(2_500, 6);
    // The next skip, at round 60 and the rate 110: the mix changes at once, and its cycles after run at 200.
    m.skip(loops(), new Map([...rates, ['main', rate(110)]]), 60, 0);
    k.skipRound = 60;
    feed(k, 61, 40, 200);
    // Its term: 500 loops × 110 × the last jump 10 % / 2; the first skip's stays (its bound: the next skip).
    expect(m.settle(new Map([['main', k]]), 61, byTag)).toBeCloseTo(2_750, 6);
    expect(r.errCycles).toBeCloseTo(5_250, 6);
  });

  it('is charged through AfterSkip: at its next scan and in the report (`settled`)', () => {
    const a = new AfterSkip(0);
    const k = emptyKind();
    feed(k, 0, 20, 100);
    const kinds = new Map([['main', k]]);
    const r = report();
    const byTag = new Map([['main', r]]);
    a.scan([], kinds, -1, 8, 0, byTag);
    k.skipRound = 20; // noteSkip comes first
    const rates = new Map([
      ['main', rate(100)],
      ['b:set-up', rate(50)],
    ]);
    a.skip(
      [skippedLoop('main', 0, 100, 1, 1_000, false), skippedLoop('b:set-up', 2, 50, 1, 200, true)].values(),
      rates,
      1,
      20,
    );
    feed(k, 21, 40, 90);
    expect(a.settled(byTag)).toBeCloseTo(5_000, 6);
    expect(r.errCycles).toBeCloseTo(5_000, 6);
    expect(a.moves.all.map((s) => [s.round, s.k, s.jump])).toEqual([[20, 1_000, expect.closeTo(0.1, 9)]]);
  });

  test.prop([fc.double({ min: 0.5, max: 2, noNaN: true }), fc.integer({ min: 1, max: 5 })])(
    'the term is K · c · |jump| / 2, whatever the jump, and settling again adds nothing',
    (f, calls) => {
      const { term, m } = run(100 * f, true);
      expect(term).toBeCloseTo((1_000 * 100 * Math.abs(f - 1)) / 2, 3);
      for (let i = 0; i < calls; i++) expect(m.settle(new Map(), 0, new Map())).toBe(0);
    },
  );
});
