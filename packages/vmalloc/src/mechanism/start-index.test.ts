import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SEQ_AT, SEQUENCES, SPREAD, SPREAD_BASE } from './chunked-starts.cases.js';
import { IntervalSet } from './intervals.js';
import { StartIndex } from './start-index.js';

describe('StartIndex', () => {
  it('ranks, selects and floors within a bucket, across buckets and across chunks a vmalloc space apart', () => {
    const s = new StartIndex();
    const base = SPREAD_BASE;
    for (const v of SPREAD) s.insert(v);
    expect(s.size).toBe(6);
    expect(s.rank(base + 33)).toBe(3);
    expect([1, 2, 3, 4, 5, 6].map((k) => s.select(k) - base)).toEqual([0, 31, 32, 63, 64, 2 ** 35 - 1 - base]);
    expect(s.floor(base - 1)).toBe(-1);
    expect(s.floor(base + 30)).toBe(base);
    expect(s.floor(base + 62)).toBe(base + 32);
    expect(s.floor(2 ** 35)).toBe(2 ** 35 - 1);
    s.remove(base + 32);
    expect(s.floor(base + 62)).toBe(base + 31);
    expect(s.rank(base + 64)).toBe(3);
    expect(s.size).toBe(5);
  });

  // BusyAreas' ordered queries were an IntervalSet's: the same rank and floor after any inserts and removals
  // (dense: neighbours in one bucket and its two words; wide: across buckets and chunks).
  for (const { name, ops: seqs } of SEQUENCES) {
    test.prop([seqs])(`ranks and floors as an IntervalSet does (${name})`, (ops) => {
      const s = new StartIndex();
      const ref = new IntervalSet();
      const at = SEQ_AT;
      for (const [add, x, probe] of ops) {
        const v = at + x;
        if (add && ref.get(v) < 0) {
          s.insert(v);
          ref.insert(v, v + 1);
        } else if (!add && ref.remove(v)) s.remove(v);
        for (const p of [v - 1, v, v + 1, at + probe]) {
          expect(s.rank(p)).toBe(ref.rank(p));
          const f = ref.floor(p);
          expect(s.floor(p)).toBe(f < 0 ? -1 : ref.startAt(f));
        }
        expect(s.size).toBe(ref.size);
      }
    });
  }
});
