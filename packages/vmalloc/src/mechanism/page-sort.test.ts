import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PageSorter } from './page-sort.js';

function native(keys: number[]): number[] {
  return Array.from(Float64Array.from(keys).sort());
}

function sorted(sorter: PageSorter, keys: number[], extra = 0): number[] {
  const a = new Float64Array(keys.length + extra).fill(-1);
  a.set(keys);
  sorter.sort(a, keys.length);
  // Slots past k are not touched.
  for (let i = keys.length; i < a.length; i++) expect(a[i]).toBe(-1);
  return Array.from(a.subarray(0, keys.length));
}

describe('PageSorter', () => {
  it('orders page numbers as the native sort does, at every span and size', () => {
    const sorter = new PageSorter();
    const base = fc.integer({ min: 0, max: 2 ** 52 - 2 ** 34 });
    const offsets = fc.array(fc.integer({ min: 0, max: 2 ** 33 }), { maxLength: 3000 });
    fc.assert(
      fc.property(base, offsets, fc.integer({ min: 0, max: 33 }), (b, off, bits) => {
        const keys = off.map((o) => b + (o % 2 ** bits));
        expect(sorted(sorter, keys, 3)).toEqual(native(keys));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps duplicates, a one-key span, and batches spanning 2^31 pages or more', () => {
    const sorter = new PageSorter();
    const many = (n: number, f: (i: number) => number) => Array.from({ length: n }, (_, i) => f(i));
    for (const keys of [
      many(200, () => 7),
      many(200, (i) => 5e15 + ((i * 7919) % 200)),
      many(200, (i) => (i % 2 ? 2 ** 31 : 0) + i),
      many(200, (i) => (i * 104729) % 2 ** 40),
    ])
      expect(sorted(sorter, keys)).toEqual(native(keys));
  });

  it('leaves keys that are not page numbers to the native sort', () => {
    const sorter = new PageSorter();
    const keys = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 0.5);
    keys.push(Number.NaN, -1, 0.25);
    expect(sorted(sorter, keys)).toEqual(native(keys));
  });
});
