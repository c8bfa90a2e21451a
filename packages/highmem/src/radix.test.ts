import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bdevTreeWalk, fileTreeWalks, RADIX, radixLookupCycles, slotsPerLine } from './radix.js';

/** The 2.6.29 walk of an appended file's tree, lookup by lookup (the closed form must agree). */
function walkOne(i: number): { withNode: number; reads: number; coldReads: number } {
  if (i === 0) return { withNode: 0, reads: 0, coldReads: 0 }; // empty tree
  let h = 1;
  while (64 ** h < i) h++; // the tree of indexes 0..i−1
  if (i > 64 ** h - 1) return { withNode: 1, reads: 0, coldReads: 0 }; // beyond maxindex
  let reads = 0;
  let coldReads = 0;
  for (let L = h; L >= 1; L--) {
    if (L < h && i % 64 ** L === 0) break; // the level-L node holds no index below i: not allocated
    reads++;
    if (i % (16 * 64 ** (L - 1)) === 0) coldReads++;
  }
  return { withNode: 1, reads, coldReads };
}

function sum(start: number, n: number) {
  const out = { withNode: 0, reads: 0, coldReads: 0 };
  for (let i = start; i < start + n; i++) {
    const w = walkOne(i);
    out.withNode += w.withNode;
    out.reads += w.reads;
    out.coldReads += w.coldReads;
  }
  return out;
}

describe('radix_tree_lookup_slot walks (2.6.29 lib/radix-tree.c)', () => {
  it('small cases, exact: heights 1, 2, 3 and the lookups at 64^h', () => {
    expect(fileTreeWalks(0, 1, RADIX)).toEqual({ withNode: 0, reads: 0, coldReads: 0 });
    expect(fileTreeWalks(5, 1, RADIX)).toEqual({ withNode: 1, reads: 1, coldReads: 0 });
    expect(fileTreeWalks(16, 1, RADIX)).toEqual({ withNode: 1, reads: 1, coldReads: 1 });
    expect(fileTreeWalks(64, 1, RADIX)).toEqual({ withNode: 1, reads: 0, coldReads: 0 });
    expect(fileTreeWalks(65, 1, RADIX)).toEqual({ withNode: 1, reads: 2, coldReads: 0 });
    expect(fileTreeWalks(128, 1, RADIX)).toEqual({ withNode: 1, reads: 1, coldReads: 0 });
    expect(fileTreeWalks(5000, 1, RADIX)).toEqual({ withNode: 1, reads: 3, coldReads: 0 });
    expect(fileTreeWalks(8192, 1, RADIX)).toEqual({ withNode: 1, reads: 1, coldReads: 0 });
    expect(fileTreeWalks(1024, 1, RADIX)).toEqual({ withNode: 1, reads: 1, coldReads: 1 });
    expect(fileTreeWalks(1040, 1, RADIX)).toEqual({ withNode: 1, reads: 2, coldReads: 1 });
  });

  it('the closed form over runs equals the walk lookup by lookup', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300_000 }), fc.integer({ min: 1, max: 5_000 }), (start, n) => {
        expect(fileTreeWalks(start, n, RADIX)).toEqual(sum(start, n));
      }),
      { numRuns: 300 },
    );
    expect(fileTreeWalks(0, 204_800, RADIX)).toEqual(sum(0, 204_800));
  });

  it('the device tree: height − 1 levels for a data block, the leaf for 63 of 1,024', () => {
    const b = bdevTreeWalk(RADIX);
    expect(b.reads).toBeCloseTo(3 + 63 / 1024, 12);
    expect(bdevTreeWalk({ ...RADIX, bdevTreeHeight: 3 }).reads).toBeCloseTo(2 + 63 / 1024, 12);
  });

  it('cycles: runs add up, and a page of a 800 MiB dump costs ~0.1–0.2 k cycles of bare walk', () => {
    let runs = 0;
    for (let a = 0; a < 204_800; a += 4096) runs += radixLookupCycles(a, 4096, RADIX);
    const whole = radixLookupCycles(0, 204_800, RADIX);
    expect(Math.abs(runs - whole)).toBeLessThanOrEqual(50); // rounding per run only
    expect(whole / 204_800).toBeGreaterThan(100);
    expect(whole / 204_800).toBeLessThan(200);
  });
});

describe('slots per line', () => {
  it('the arch line over its pointer: 16 on i386 (Core 2), 8 on x86_64, 16 on ia64 (128-byte lines)', () => {
    expect(slotsPerLine({ cacheLineBytes: 64, wordBits: 32 })).toBe(16);
    expect(slotsPerLine({ cacheLineBytes: 64, wordBits: 64 })).toBe(8);
    expect(slotsPerLine({ cacheLineBytes: 128, wordBits: 64 })).toBe(16);
    // a new line every 8 slots on x86_64: twice the cold reads of the file tree's leaves
    expect(fileTreeWalks(65, 63, RADIX, 8).coldReads).toBe(7);
    expect(fileTreeWalks(65, 63, RADIX, 16).coldReads).toBe(3);
  });
});
