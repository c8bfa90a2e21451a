import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { alignUp, IntervalSet } from './intervals.js';

/** The obvious model: a sorted array of [start, end). */
class Naive {
  a: [number, number][] = [];
  private at(s: number) {
    let lo = 0;
    let hi = this.a.length;
    while (lo < hi) {
      const m = (lo + hi) >> 1;
      if (this.a[m][0] < s) lo = m + 1;
      else hi = m;
    }
    return lo;
  }
  insert(s: number, e: number) {
    this.a.splice(this.at(s), 0, [s, e]);
  }
  remove(s: number) {
    const i = this.at(s);
    const ok = this.a[i]?.[0] === s;
    if (ok) this.a.splice(i, 1);
    return ok;
  }
  floor(k: number) {
    return this.a[this.at(k + 1) - 1] ?? null;
  }
  rank(k: number) {
    return this.at(k);
  }
  fit(need: number, align: number, lo: number, hi: number, pad: number, padFree: number) {
    for (const [s, e] of this.a) {
      const from = s === padFree ? s : s + pad;
      const at = alignUp(Math.max(from, lo), align);
      if (at + need <= Math.min(e, hi)) return at;
    }
    return -1;
  }
  maxLen(lo: number, hi: number) {
    return Math.max(0, ...this.a.filter(([s]) => s >= lo && s < hi).map(([s, e]) => e - s));
  }
}

/** Deterministic xorshift so the big runs are reproducible. */
function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

function compare(t: IntervalSet, n: Naive, r: (n: number) => number) {
  expect(t.size).toBe(n.a.length);
  expect(t.toArray()).toEqual(n.a);
  for (let q = 0; q < 20; q++) {
    const k = r(40_000) - 100;
    const f = t.floor(k);
    const nf = n.floor(k);
    expect(f < 0 ? null : [t.startAt(f), t.endAt(f)]).toEqual(nf);
    expect(t.rank(k)).toBe(n.rank(k));
    const c = t.ceil(k);
    const nc = n.a.find((x) => x[0] >= k) ?? null;
    expect(c < 0 ? null : [t.startAt(c), t.endAt(c)]).toEqual(nc);
    if (c >= 0) {
      const nx = t.next(c);
      const i = n.a.indexOf(nc as [number, number]);
      expect(nx < 0 ? null : [t.startAt(nx), t.endAt(nx)]).toEqual(n.a[i + 1] ?? null);
    }
    const need = 1 + r(30);
    const align = 1 << r(5);
    const lo = r(30_000);
    const hi = lo + r(20_000);
    const pad = r(2);
    const padFree = n.a[0]?.[0] ?? -1;
    const fc = t.lowestFit(need, align, lo, hi, pad, padFree);
    expect(fc < 0 ? -1 : t.fitAt).toBe(n.fit(need, align, lo, hi, pad, padFree));
    expect(t.maxLenIn(lo, hi)).toBe(n.maxLen(lo, hi));
  }
}

describe('IntervalSet (B+tree)', () => {
  it('agrees with a sorted array over 30,000 random inserts, removes and resizes (several tree levels)', () => {
    const r = rng(7);
    const t = new IntervalSet();
    const n = new Naive();
    // Disjoint intervals on a grid of 10-page cells: cell c holds at most one interval inside it.
    const used = new Map<number, [number, number]>();
    for (let step = 0; step < 30_000; step++) {
      const cell = r(4000);
      const op = r(10);
      const have = used.get(cell);
      if (have === undefined && op < 6) {
        const s = cell * 10 + r(5);
        const e = s + 1 + r(10 - (s - cell * 10));
        t.insert(s, e);
        n.insert(s, e);
        used.set(cell, [s, e]);
      } else if (have !== undefined && op < 9) {
        if (op < 3) expect(t.take(have[0])).toBe(have[1] - have[0]);
        else expect(t.remove(have[0])).toBe(true);
        n.remove(have[0]);
        used.delete(cell);
      } else if (have !== undefined) {
        const ns = cell * 10;
        const ne = cell * 10 + 10;
        t.resize(have[0], ns, ne);
        n.remove(have[0]);
        n.insert(ns, ne);
        used.set(cell, [ns, ne]);
      }
      if (step % 3000 === 2999) compare(t, n, r);
    }
    expect(t.remove(-5)).toBe(false);
    expect(t.take(-5)).toBe(-1);
    for (const [, [s]] of used) t.remove(s);
    expect(t.size).toBe(0);
    expect(t.toArray()).toEqual([]);
    expect(t.floor(100)).toBe(-1);
    t.insert(3, 4);
    expect(t.toArray()).toEqual([[3, 4]]);
  });

  test.prop([fc.array(fc.tuple(fc.nat(200), fc.integer({ min: 1, max: 4 }), fc.boolean()), { maxLength: 300 })], {
    numRuns: 200,
  })('small sequences agree with a sorted array', (ops) => {
    const t = new IntervalSet();
    const n = new Naive();
    const taken = new Set<number>();
    for (const [cell, len, del] of ops) {
      const s = cell * 5;
      if (taken.has(cell) && del) {
        t.remove(s);
        n.remove(s);
        taken.delete(cell);
      } else if (!taken.has(cell)) {
        t.insert(s, s + len);
        n.insert(s, s + len);
        taken.add(cell);
      }
    }
    compare(t, n, rng(ops.length + 1));
  });
  it('keeps the largest length right when many intervals share it (removes and shrinking resizes)', () => {
    // full_fit's pattern: thousands of equal areas, so a removed or shrunk interval is rarely its subtree's only
    // longest one; the summaries stop being recomputed at the first level that still holds one as long.
    const r = rng(11);
    const t = new IntervalSet();
    const n = new Naive();
    const live = new Map<number, number>();
    for (let c = 0; c < 6000; c++) {
      const len = c % 1500 === 0 ? 5 : 2;
      t.insert(c * 6, c * 6 + len);
      n.insert(c * 6, c * 6 + len);
      live.set(c, c * 6);
    }
    for (let step = 0; step < 12_000; step++) {
      const c = r(6000);
      const s = live.get(c);
      if (s === undefined) continue;
      if (r(3) === 0) {
        // Shrink from either end, or move within the cell.
        const e = s + 1;
        const ns = r(2) === 0 ? s : c * 6;
        t.resize(s, ns, Math.max(ns + 1, e));
        n.remove(s);
        n.insert(ns, Math.max(ns + 1, e));
        live.set(c, ns);
      } else {
        expect(t.remove(s)).toBe(true);
        n.remove(s);
        live.delete(c);
      }
      if (step % 2000 === 1999) compare(t, n, r);
    }
    compare(t, n, r);
  });
  it('takeSorted removes a sorted batch at once, as one remove each would (with misses, whole subtrees, all)', () => {
    const r = rng(23);
    const t = new IntervalSet();
    const n = new Naive();
    // 9,000 intervals (height 2), with longer ones here and there so the largest-length summaries move.
    for (let c = 0; c < 9000; c++) {
      const len = c % 700 === 0 ? 4 : 2;
      t.insert(c * 4, c * 4 + len);
      n.insert(c * 4, c * 4 + len);
    }
    for (const density of [10, 2, 1]) {
      // Every `density`-th live interval picked at random, a contiguous block of 3,000 (whole leaves), and a miss.
      const picked = n.a.filter(() => r(density) === 0).map(([s]) => s);
      const from = n.a.length > 4000 ? r(n.a.length - 3000) : 0;
      for (const [s] of n.a.slice(from, from + 3000)) picked.push(s);
      const keys = Float64Array.from(new Set(picked)).sort();
      const withMiss = Float64Array.from([...keys, 1e9]);
      const lens = new Float64Array(withMiss.length);
      const expected = [...withMiss].map((k) => {
        const hit = n.a.find(([s]) => s === k);
        return hit === undefined ? -1 : hit[1] - hit[0];
      });
      t.takeSorted(withMiss, withMiss.length, lens);
      for (const k of keys) n.remove(k);
      expect([...lens]).toEqual(expected);
      compare(t, n, r);
      // The tree still takes inserts and single removes after the batch.
      for (let q = 0; q < 200; q++) {
        const c = 9000 + r(3000);
        if (n.a.some(([s]) => s === c * 4)) continue;
        t.insert(c * 4, c * 4 + 1);
        n.insert(c * 4, c * 4 + 1);
      }
      compare(t, n, r);
    }
    const all = Float64Array.from(n.a.map(([s]) => s));
    t.takeSorted(all, all.length, new Float64Array(all.length));
    expect(t.size).toBe(0);
    expect(t.toArray()).toEqual([]);
    t.insert(5, 6);
    expect(t.toArray()).toEqual([[5, 6]]);
  });

  it('takes the largest length from the intervals starting in [lo, hi), hi itself excluded, at every level', () => {
    const t = new IntervalSet();
    const n = new Naive();
    const r = rng(11);
    // 20,000 intervals of 1–9 pages with gaps: three levels; bounds at the starts themselves and beside them.
    let at = 0;
    for (let i = 0; i < 20_000; i++) {
      at += 1 + r(5);
      const e = at + 1 + r(9);
      t.insert(at, e);
      n.insert(at, e);
      at = e;
    }
    for (let q = 0; q < 300; q++) {
      const x = n.a[r(n.a.length)][0];
      const y = n.a[r(n.a.length)][0];
      for (const [lo, hi] of [
        [Math.min(x, y), Math.max(x, y)],
        [x, x + 1],
        [x - 1, x],
        [x, n.a[Math.min(n.a.length - 1, n.a.findIndex(([s]) => s === x) + 2)][0]],
      ])
        expect(t.maxLenIn(lo, hi)).toBe(n.maxLen(lo, hi));
    }
  });
});
