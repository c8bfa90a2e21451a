import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { BucketCounts, CHUNK_SIZE } from './bucket-counts.js';

describe('BucketCounts', () => {
  it('sums the buckets below a bucket across blocks, words and a word’s first bytes', () => {
    const c = new BucketCounts();
    c.add(0, 3);
    c.add(5, 64);
    c.add(63, 2);
    c.add(64, 1);
    c.add(130, 255);
    c.add(CHUNK_SIZE - 1, 7);
    expect(c.below(0)).toBe(0);
    expect(c.below(5)).toBe(3);
    expect(c.below(6)).toBe(67);
    expect(c.below(64)).toBe(69);
    expect(c.below(131)).toBe(325);
    expect(c.total).toBe(332);
    c.add(5, -64);
    expect(c.below(CHUNK_SIZE - 1)).toBe(261);
    // A word's lane of two bytes past 255.
    const d = new BucketCounts();
    d.add(64, 200);
    d.add(65, 200);
    d.add(66, 100);
    expect(d.below(68)).toBe(500);
  });

  test.prop([
    fc.array(fc.tuple(fc.integer({ min: 0, max: CHUNK_SIZE - 1 }), fc.integer({ min: 1, max: 64 }), fc.boolean()), {
      maxLength: 400,
    }),
    fc.array(fc.integer({ min: 0, max: CHUNK_SIZE }), { maxLength: 30 }),
  ])('agrees with a plain count per bucket, full buckets included', (ops, probes) => {
    const c = new BucketCounts();
    const plain = new Array<number>(CHUNK_SIZE).fill(0);
    for (const [x, d, up] of ops) {
      // Counts stay within a byte: add up to 255, take at most what is there.
      const by = up ? Math.min(d, 255 - plain[x]) : -Math.min(d, plain[x]);
      c.add(x, by);
      plain[x] += by;
    }
    for (const x of [...probes, CHUNK_SIZE]) expect(c.below(x)).toBe(plain.slice(0, x).reduce((a, b) => a + b, 0));
    expect(c.total).toBe(plain.reduce((a, b) => a + b, 0));
  });
});
