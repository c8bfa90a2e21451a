import { test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { SEQ_AT, SEQUENCES, SPREAD, SPREAD_BASE } from './chunked-starts.cases.js';
import { IntervalSet } from './intervals.js';
import { VmlistStarts } from './vmlist-starts.js';

describe('VmlistStarts', () => {
  it('ranks starts within a bucket, across buckets and across chunks a vmalloc space apart', () => {
    const s = new VmlistStarts();
    const base = SPREAD_BASE;
    for (const v of SPREAD) s.insert(v);
    expect(s.size).toBe(6);
    expect(s.rank(base)).toBe(0);
    expect(s.rank(base + 32)).toBe(2);
    expect(s.rank(base + 33)).toBe(3);
    expect(s.rank(base + 64)).toBe(4);
    expect(s.rank(base + 65)).toBe(5);
    expect(s.rank(2 ** 35 - 1)).toBe(5);
    expect(s.has(base + 31)).toBe(true);
    expect(s.remove(base + 31)).toBe(true);
    expect(s.remove(base + 31)).toBe(false);
    expect(s.has(base + 31)).toBe(false);
    expect(s.rank(base + 64)).toBe(3);
    expect(s.size).toBe(5);
  });

  // The mirror's list was an IntervalSet of one-page stubs: the same ranks after any inserts and removals, a start
  // put in twice counting twice (dense: copies and neighbours in one bucket; wide: across buckets and chunks).
  for (const { name, ops: seqs } of SEQUENCES) {
    test.prop([seqs])(`ranks as an IntervalSet of one-page stubs does (${name})`, (ops) => {
      const s = new VmlistStarts();
      const ref = new IntervalSet();
      const at = SEQ_AT;
      for (const [add, x, probe] of ops) {
        const v = at + x;
        if (add) {
          s.insert(v);
          ref.insert(v, v + 1);
        } else expect(s.remove(v)).toBe(ref.remove(v));
        for (const p of [v, v + 1, at + probe]) expect(s.rank(p)).toBe(ref.rank(p));
        expect(s.has(v)).toBe(ref.get(v) >= 0);
        expect(s.size).toBe(ref.size);
      }
    });
  }
});
