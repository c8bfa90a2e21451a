import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BusyAreas } from './busy-areas.js';
import { IntervalSet } from './intervals.js';

describe('BusyAreas', () => {
  it('adds, finds and takes areas by their start, across chunks', () => {
    const b = new BusyAreas(1000);
    b.insert(1000, 1002);
    b.insert(1000 + 9000, 1000 + 9101);
    expect(b.size).toBe(2);
    expect(b.lengthAt(1000)).toBe(2);
    expect(b.lengthAt(1001)).toBe(-1);
    expect(b.lengthAt(999)).toBe(-1);
    expect(b.lengthAt(1e12)).toBe(-1);
    expect(b.toArray()).toEqual([
      [1000, 1002],
      [10000, 10101],
    ]);
    expect(b.take(1001)).toBe(-1);
    expect(b.take(10000)).toBe(101);
    expect(b.take(10000)).toBe(-1);
    expect(b.size).toBe(1);
  });

  it('keeps areas a vmalloc space apart (past the packed chunks) in order, near and far alike', () => {
    const base = 2 ** 33;
    const b = new BusyAreas(base);
    const far = base + 2 ** 33 - 4096;
    for (const s of [far + 8, base + 5, far, base + 2 ** 28 + 1]) b.insert(s, s + 4);
    expect(b.toArray().map(([s]) => s - base)).toEqual([5, 2 ** 28 + 1, far - base, far + 8 - base]);
    expect(b.rank(far + 8)).toBe(3);
    expect(b.floor(far + 7)).toBe(far);
    expect(b.lengthAt(far + 8)).toBe(4);
    expect(b.take(far)).toBe(4);
    expect(b.floor(far + 7)).toBe(base + 2 ** 28 + 1);
    expect(b.size).toBe(3);
  });

  it('keeps order from the first ordered query and answers the same after', () => {
    const b = new BusyAreas(0);
    for (const s of [40, 0, 10]) b.insert(s, s + 5);
    expect(b.rank(11)).toBe(2);
    const c = b.floor(39);
    expect([b.startAt(c), b.endAt(c)]).toEqual([10, 15]);
    b.insert(20, 30);
    expect(b.lengthAt(20)).toBe(10);
    expect(b.take(0)).toBe(5);
    expect(b.toArray()).toEqual([
      [10, 15],
      [20, 30],
      [40, 45],
    ]);
    expect(b.size).toBe(3);
  });

  // Ops: insert into a free slot, take by start (present or not), a sorted batch take, or an ordered query (which
  // starts the ordered index): every answer as the IntervalSet's.
  test.prop(
    [
      fc.array(
        fc.record({
          op: fc.integer({ min: 0, max: 9 }),
          at: fc.integer({ min: 0, max: 199 }),
          len: fc.integer({ min: 1, max: 9 }),
        }),
        { maxLength: 200 },
      ),
    ],
    { numRuns: 300 },
  )('answers as an IntervalSet under any mix of operations', (ops) => {
    const b = new BusyAreas(5000);
    const t = new IntervalSet();
    const lens = new Float64Array(8);
    const want = new Float64Array(8);
    for (const { op, at, len } of ops) {
      const s = 5000 + at * 10;
      if (op < 5) {
        if (t.get(s) < 0) {
          b.insert(s, s + len);
          t.insert(s, s + len);
        }
      } else if (op < 7) expect(b.take(s)).toBe(t.take(s));
      else if (op === 7) {
        const keys = Float64Array.from(new Set([s, s + 10, s + 30, s + 70])).sort();
        b.takeSorted(keys, keys.length, lens);
        t.takeSorted(keys, keys.length, want);
        expect([...lens.subarray(0, keys.length)]).toEqual([...want.subarray(0, keys.length)]);
      } else if (op === 8) {
        expect(b.rank(s)).toBe(t.rank(s));
        const f = t.floor(s + len);
        const c = b.floor(s + len);
        expect(c < 0 ? null : [b.startAt(c), b.endAt(c)]).toEqual(f < 0 ? null : [t.startAt(f), t.endAt(f)]);
      } else expect(b.lengthAt(s)).toBe(t.get(s) < 0 ? -1 : t.endAt(t.get(s)) - s);
      expect(b.size).toBe(t.size);
    }
    expect(b.toArray()).toEqual(t.toArray());
  });
});
