import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PteTable } from './pte-table.js';

describe('PteTable, exact small cases', () => {
  it('maps, remaps, unmaps single pages and counts them', () => {
    const t = new PteTable();
    expect(t.get(5)).toBeUndefined();
    t.set(5, 42).set(6, 0);
    expect([t.get(5), t.get(6), t.has(6), t.size]).toEqual([42, 0, true, 2]);
    t.set(5, 43);
    expect([t.get(5), t.size]).toEqual([43, 2]);
    expect(t.delete(5)).toBe(true);
    expect(t.delete(5)).toBe(false);
    expect([t.has(5), t.get(5), t.size]).toEqual([false, undefined, 1]);
  });

  it('ranges across page-table pages (512 slots), negative and 2⁵²-scale vpns', () => {
    const t = new PteTable();
    t.setRange(510, 1000, 4); // 510, 511 | 512, 513
    expect([t.get(510), t.get(511), t.get(512), t.get(513), t.get(514), t.size]).toEqual([
      1000,
      1001,
      1002,
      1003,
      undefined,
      4,
    ]);
    t.clearRange(511, 2);
    expect([t.has(510), t.has(511), t.has(512), t.has(513), t.size]).toEqual([true, false, false, true, 2]);
    const hi = 2 ** 52 - 3;
    t.setRange(hi, 7, 2);
    t.set(-1, 9);
    expect([t.get(hi + 1), t.get(-1), t.get(-513), t.size]).toEqual([8, 9, undefined, 5]);
    t.clear();
    expect([t.size, t.get(510)]).toEqual([0, undefined]);
  });

  it('pages far above the first one: in the index up to 4 TiB of pages away, in the far Map beyond', () => {
    const t = new PteTable();
    t.setRange(512 * 1000, 1, 2);
    const near = 512 * (1000 + 300_000); // beyond the old 64 Ki-page index, within the new one
    const far = 512 * (1000 + (1 << 21)) + 7; // just beyond the index
    t.setRange(near - 1, 10, 3);
    t.set(far, 20);
    expect([t.get(near - 1), t.get(near + 1), t.get(far), t.get(far - 1), t.size]).toEqual([10, 12, 20, undefined, 6]);
    t.clearRange(near - 1, 3);
    expect([t.delete(far), t.has(near), t.get(512 * 1000 + 1), t.size]).toEqual([true, false, 2, 2]);
  });

  it('a non-integer vpn is never mapped (as a Map of integer keys) and cannot be set', () => {
    const t = new PteTable();
    t.set(3, 1);
    expect([t.get(3.5), t.has(3.5), t.delete(3.5)]).toEqual([undefined, false, false]);
    t.clearRange(2.5, 3);
    expect(t.get(3)).toBe(1);
    expect(() => t.set(1.5, 1)).toThrow(RangeError);
    expect(() => t.setRange(Number.NaN, 1, 2)).toThrow(RangeError);
  });

  it('a NaN frame cannot be set; frames of an emptied, reused page read as unmapped', () => {
    const t = new PteTable();
    expect(() => t.set(7, Number.NaN)).toThrow(RangeError);
    expect(() => t.setRange(7, Number.NaN, 2)).toThrow(RangeError);
    expect([t.size, t.has(7)]).toEqual([0, false]);
    t.setRange(0, 100, 512); // fills page 0, then empties it: it becomes a spare
    t.clearRange(0, 512);
    t.set(1024, 5); // page 2 reuses the spare
    expect([t.get(1024), t.get(1025), t.has(1535), t.size]).toEqual([5, undefined, false, 1]);
  });

  it('pages cut from several slabs (64 pages each) keep their own slots, through emptying and reuse', () => {
    const t = new PteTable();
    const pages = 200; // more than three slabs
    for (let p = 0; p < pages; p++) t.setRange(p * 512 + 510, p * 10, 4); // slots 510, 511 of page p; 0, 1 of p + 1
    const expected = (v: number): number | undefined => {
      const p = Math.floor((v - 510) / 512);
      const k = v - (p * 512 + 510);
      return p >= 0 && p < pages && k >= 0 && k < 4 ? p * 10 + k : undefined;
    };
    const check = () => {
      for (let v = 0; v < (pages + 1) * 512; v += 1)
        if (v % 512 < 3 || v % 512 > 508) expect(t.get(v)).toBe(expected(v));
    };
    check();
    expect(t.size).toBe(pages * 4);
    for (let p = 0; p < pages; p += 2) t.clearRange(p * 512 + 510, 4); // every other range: pages empty, spares
    for (let p = 0; p < pages; p += 2) t.setRange(p * 512 + 510, p * 10, 4); // refilled from the spares
    check();
    expect(t.size).toBe(pages * 4);
  });
});

// One operation of a random sequence: vpns cluster around a few page-table-page boundaries so that ranges cross them.
type Op =
  | { k: 'set'; vpn: number; pfn: number }
  | { k: 'del'; vpn: number }
  | { k: 'setRange'; vpn: number; pfn: number; n: number }
  | { k: 'clearRange'; vpn: number; n: number }
  | { k: 'clear' };

const vpnArb = fc
  .tuple(fc.constantFrom(0, 512, 1024, -512, 2 ** 40), fc.integer({ min: -40, max: 40 }))
  .map(([b, d]) => b + d);
// Frames a 32-bit slot holds (pfn + 1 up to 2^32 − 2) and ones it does not (the side Map): around the limit,
// negative, fractional, −0, beyond 2^53 (where the range's f++ stops counting).
const wideArb = fc.oneof(
  fc.integer(),
  fc.integer({ min: 2 ** 32 - 1100, max: 2 ** 32 + 4 }),
  fc.double({ noNaN: true }),
  fc.constantFrom(-0, 0.5, 2 ** 53, 2 ** 53 - 2, 2 ** 32 - 3, 2 ** 32 - 2),
);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('set' as const), vpn: vpnArb, pfn: wideArb }) },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('del' as const), vpn: vpnArb }) },
  {
    weight: 3,
    arbitrary: fc.record({
      k: fc.constant('setRange' as const),
      vpn: vpnArb,
      pfn: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 1e6 }) }, { weight: 1, arbitrary: wideArb }),
      n: fc.integer({ min: 0, max: 1100 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ k: fc.constant('clearRange' as const), vpn: vpnArb, n: fc.integer({ min: 0, max: 1100 }) }),
  },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('clear' as const) }) },
);

/** setRange on a Map: frame pfn + (v − vpn) at each page-table page's first slot, then f++ (exact below 2^53). */
function setRangeModel(m: Map<number, number>, vpn: number, pfn: number, n: number): void {
  let f = 0;
  for (let v = vpn; v < vpn + n; v++, f++) {
    if (v === vpn || v % 512 === 0) f = pfn + (v - vpn);
    m.set(v, f);
  }
}

describe('PteTable against a Map model', () => {
  it('random map / clear / lookup sequences give the same lookups, sizes and delete results', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 60 }),
        fc.array(vpnArb, { minLength: 20, maxLength: 40 }),
        (ops, probes) => {
          const t = new PteTable();
          const m = new Map<number, number>();
          for (const o of ops) {
            if (o.k === 'set') {
              t.set(o.vpn, o.pfn);
              m.set(o.vpn, o.pfn);
            } else if (o.k === 'del') expect(t.delete(o.vpn)).toBe(m.delete(o.vpn));
            else if (o.k === 'setRange') {
              t.setRange(o.vpn, o.pfn, o.n);
              setRangeModel(m, o.vpn, o.pfn, o.n);
            } else if (o.k === 'clearRange') {
              t.clearRange(o.vpn, o.n);
              for (let i = 0; i < o.n; i++) m.delete(o.vpn + i);
            } else {
              t.clear();
              m.clear();
            }
            expect(t.size).toBe(m.size);
            for (const v of probes) {
              expect(t.get(v)).toBe(m.get(v));
              expect(t.has(v)).toBe(m.has(v));
            }
          }
          for (const [v, f] of m) expect(t.get(v)).toBe(f);
        },
      ),
      { numRuns: 400 },
    );
  });
});
