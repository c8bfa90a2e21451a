import type { Thread } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { Loop } from './sampler-loop.js';
import { WalkTally } from './walk-tally.js';

/** A loop of kind `tag` on CPU `cpu`, its thread's clock settable. */
function loopOn(cpu: number, tag: string): Loop {
  return new Loop({ cpu, clock: 0 } as unknown as Thread, 100, tag, null, false);
}

/** One detailed iteration of `l` that took `cycles` (the sampler moves lastClock after the note). */
function iterate(w: WalkTally, l: Loop, cycles: number): void {
  (l.t as { clock: number }).clock += cycles;
  w.note(l);
  l.lastClock = l.t.clock;
}

describe('WalkTally: the vmlist walks per loop kind', () => {
  it('counts how far a walk lies from the in-step rank: the boot areas, N × the walker’s own below, half a round', () => {
    // 4 workers, 10 boot areas: in step, a walker with 100 own areas below passes 10 + 4 × 100 + 1.5 areas.
    const w = new WalkTally(4, 10, 4);
    const a = loopOn(0, 'tear-down');
    iterate(w, a, 0);
    // 100 areas more than in step (the others' lagging areas below it): 100 of its 512 steps.
    w.add(0, 511.5, 100, 5_125, 511.5);
    // A set-up's insert above every live area, the others ahead of it by as much as it is ahead of others: nothing.
    w.add(0, 411.5, 100, 4_125, 411.5);
    // A walk 50 areas short of the in-step one (the others behind it): −50 of its 362 steps.
    w.add(0, 361.5, 100, 3_625, 361.5);
    iterate(w, a, 20_000);
    const k = w.kinds.get('tear-down');
    expect(k?.own).toBe(5_125 + 4_125 + 3_625);
    expect(k?.arr).toBeCloseTo(1_000 - 500, 9);
    expect(k?.cycles).toBe(20_000);
  });

  it("splits the walks a kind's iterations waited through into its own kind's and other kinds'", () => {
    const w = new WalkTally(3, 0, 3);
    const late = loopOn(0, 'fix_size');
    const peer = loopOn(1, 'fix_size');
    const early = loopOn(2, 'set-up');
    for (const l of [late, peer, early]) iterate(w, l, 0);
    w.add(1, 0, 0, 50, 0); // the peer's walk, credited to fix_size at its boundary
    iterate(w, peer, 100);
    w.add(2, 9, 0, 900, 9); // the early worker's set-up walk
    w.add(0, 0, 0, 40, 0); // the late worker's own
    iterate(w, late, 1_000);
    const k = w.kinds.get('fix_size');
    // The late worker's iteration: everyone's walks 990, its own kind's 50 + 40, so 900 of another kind's.
    expect(k?.cycles).toBe(1_100);
    expect(k?.global).toBe(50 + 990);
    expect(k?.same).toBe(50 + 90);
    expect(k?.own).toBe(90);
  });

  it('sorts its own walks into those that reached the top of the list and those that stopped in a hole', () => {
    // 2 workers, 10 boot areas, a list of 1,000: the top is within 2 × 2 + 10 areas of its end.
    const w = new WalkTally(2, 10, 2);
    const a = loopOn(0, 'main');
    iterate(w, a, 0);
    w.add(0, 995, 0, 996, 1_000); // a top insert
    w.add(0, 99, 0, 100, 1_000); // a hole at rank 99: it could have lain 901 higher (1 cycle an area)
    w.add(0, 899, 0, 900, 1_000); // a hole at rank 899: it could have lain 889 lower
    iterate(w, a, 5_000);
    const k = w.kinds.get('main');
    expect(k?.top).toBe(996);
    expect(k?.hole).toBeCloseTo(901 + 889, 9);
  });

  it("a thread's first iteration of a kind only sets its marks", () => {
    const w = new WalkTally(1, 0, 1);
    const a = loopOn(0, 'a');
    iterate(w, a, 10);
    w.add(0, 3, 0, 30, 3);
    const b = loopOn(0, 'b');
    iterate(w, b, 10);
    expect(w.kinds.size).toBe(0);
    iterate(w, b, 10);
    expect(w.kinds.get('b')).toEqual({ cycles: 10, global: 0, same: 0, own: 0, arr: 0, top: 0, hole: 0 });
  });
});
