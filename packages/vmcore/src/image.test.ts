import { fc, test } from '@fast-check/vitest';
import { s390 } from '@kmemsim/arch-s390';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { describe, expect, it } from 'vitest';
import { PAGE_CLASSES } from './classes.js';
import { buildImage } from './image.js';
import { classAt, classRuns, forEachBuddyBlock, forEachRun, forEachRunOf } from './runs.js';

const MiB = 2 ** 20;

describe('buildImage', () => {
  it('x86_64 1 GiB: PC layout with the 640 KiB and page-0 holes, mem_map at the top, 2 MiB aligned', () => {
    const img = buildImage({ arch: x86_64, memBytes: 1024 * MiB, seed: 1 });
    expect(img.loads).toEqual([
      { startPfn: 1, pages: 159 },
      { startPfn: 256, pages: 262144 - 159 },
    ]);
    expect(img.holes).toEqual([
      { startPfn: 0, pages: 1 },
      { startPfn: 160, pages: 96 },
    ]);
    expect(img.totalPages).toBe(262144);
    expect(img.maxPfn).toBe(262241);
    // 262,241 struct pages × 64 B = 4,097.5 pages, rounded up to 2 MiB (512 pages): 4,608.
    expect(img.memMap).toEqual({ startPfn: 257536, pages: 4608, structPageBytes: 64, structs: 262241 });
    expect(img.kernelImage.startPfn).toBe(4096);
    expect(img.kernelDataPfn).toBe(4096);
  });

  it('x86_64 above 3 GiB leaves the PCI hole; s390 is one PT_LOAD, grown by the extra 256 MiB of the seed 001 experiment', () => {
    const x = buildImage({ arch: x86_64, memBytes: 4096 * MiB, seed: 1 });
    expect(x.loads.map((l) => l.startPfn)).toEqual([1, 256, 1048576]);
    expect(x.totalPages).toBe(1048576);
    const s = buildImage({ arch: s390, memBytes: 1536 * MiB, seed: 1 });
    expect(s.loads).toEqual([{ startPfn: 0, pages: 393216 }]);
    const e = buildImage({ arch: s390, memBytes: 1536 * MiB, seed: 1, extraLoadBytes: 256 * MiB });
    expect(e.loads).toEqual([{ startPfn: 0, pages: 458752 }]); // contiguous with RAM: one PT_LOAD of 1.75 GiB
  });

  it('composition: class counts sum to the pages and follow the fractions to a page', () => {
    const img = buildImage({ arch: x86_64, memBytes: 512 * MiB, seed: 7, profile: 'busy-server' });
    const sum = PAGE_CLASSES.reduce((a, c) => a + img.counts[c], 0);
    expect(sum).toBe(img.totalPages);
    for (const c of PAGE_CLASSES) {
      if (c === 'kernel') continue;
      expect(Math.abs(img.counts[c] - img.fractions[c] * img.totalPages)).toBeLessThanOrEqual(2);
    }
  });

  it('explicit fractions and fragmentation', () => {
    const img = buildImage({
      arch: x86_64,
      memBytes: 256 * MiB,
      fractions: { kernel: 1, user: 1, free: 2 },
      meanRunPages: 64,
      seed: 3,
    });
    expect(img.profile).toBe('custom');
    expect(img.counts.cache + img.counts.zero + img.counts.private).toBe(0);
    expect(Math.abs(img.counts.free - img.totalPages / 2)).toBeLessThanOrEqual(1);
    // Mean run near 64 pages (maximal runs of two alternating classes are somewhat longer).
    expect(img.totalPages / img.runCount).toBeGreaterThan(40);
    expect(img.totalPages / img.runCount).toBeLessThan(200);
  });

  it('is deterministic from the seed', () => {
    const a = buildImage({ arch: x86_64, memBytes: 128 * MiB, seed: 5 });
    const b = buildImage({ arch: x86_64, memBytes: 128 * MiB, seed: 5 });
    const c = buildImage({ arch: x86_64, memBytes: 128 * MiB, seed: 6 });
    expect(b.runPages).toEqual(a.runPages);
    expect(b.runClass).toEqual(a.runClass);
    expect(c.runPages).not.toEqual(a.runPages);
  });

  it('coarsens fragmentation beyond the run budget and says so', () => {
    const img = buildImage({ arch: x86_64, memBytes: 256 * MiB, meanRunPages: 1, maxRuns: 1000 });
    expect(img.coarsening).toBeGreaterThan(1);
    expect(img.runCount).toBeLessThan(2000);
  });

  it('struct page size per era: 56-byte struct pages shrink the mem_map', () => {
    const img = buildImage({ arch: x86_64, memBytes: 1024 * MiB, seed: 1, structPageBytes: 56 });
    // 262,241 × 56 B = 3,585.3 pages → 3,586, rounded up to 2 MiB: 4,096.
    expect(img.memMap).toMatchObject({ pages: 4096, structPageBytes: 56 });
    expect(() => buildImage({ arch: x86_64, memBytes: 64 * MiB, structPageBytes: 3 })).toThrow(/struct page/);
  });

  it('rejects a memory too small for a kernel and a mem_map', () => {
    expect(() => buildImage({ arch: x86_64, memBytes: 64 * 1024 })).toThrow(/too small/);
  });

  test.prop(
    [
      fc.integer({ min: 64, max: 300 }),
      fc.integer({ min: 0, max: 1000 }),
      fc.constantFrom('idle-guest', 'busy-server', 'file-server'),
    ],
    { numRuns: 25 },
  )(
    'runs tile every PT_LOAD exactly, are maximal, and the kernel image and mem_map are kernel pages',
    (mib, seed, profile) => {
      const img = buildImage({ arch: x86_64, memBytes: mib * MiB, seed, profile });
      let prevEnd = -1;
      let prevCode = -1;
      let pages = 0;
      let bad = 0;
      const inLoad = (p: number) => img.loads.some((l) => p >= l.startPfn && p < l.startPfn + l.pages);
      forEachRun(img, (s, n, code) => {
        if (!inLoad(s) || !inLoad(s + n - 1) || s < prevEnd || (s === prevEnd && code === prevCode)) bad++;
        prevEnd = s + n;
        prevCode = code;
        pages += n;
      });
      expect(bad).toBe(0);
      expect(pages).toBe(img.totalPages);
      expect(classAt(img, img.kernelDataPfn)).toBe('kernel');
      expect(classAt(img, img.memMap.startPfn + img.memMap.pages - 1)).toBe('kernel');
      expect(classAt(img, 0)).toBeUndefined();
    },
  );
});

describe('runs', () => {
  it('forEachRun clips to a pfn range', () => {
    const img = buildImage({ arch: x86_64, memBytes: 64 * MiB, seed: 2 });
    let n = 0;
    forEachRun(img, (_s, k) => (n += k), 1000, 2000);
    expect(n).toBe(1000);
  });

  it('forEachRunOf visits the wanted classes as forEachRun does and sums the others, over any pfn range', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1 << 20 }),
        fc.nat(1_500_000),
        fc.nat(1_500_000),
        fc.integer({ min: 1, max: 62 }),
        (seed, x, y, mask) => {
          const img = buildImage({ arch: x86_64, memBytes: 3300 * MiB, seed, profile: 'busy-server' });
          const [from, to] = x <= y ? [x, y] : [y, x];
          const want = Uint8Array.from({ length: 6 }, (_, k) => (mask >> k) & 1);
          const seen: number[][] = [];
          const other = new Float64Array(6);
          forEachRun(
            img,
            (s, n, code) => {
              if (want[code]) seen.push([s, n, code]);
              else other[code] += n;
            },
            from,
            to,
          );
          const got: number[][] = [];
          const skipped = new Float64Array(6);
          forEachRunOf(img, want, skipped, (s, n, code) => got.push([s, n, code]), from, to);
          expect(got).toEqual(seen);
          expect([...skipped]).toEqual([...other]);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('buddy blocks are maximal aligned power-of-two blocks up to order 10', () => {
    const blocks: [number, number][] = [];
    forEachBuddyBlock(3, 3000, (pfn, order) => blocks.push([pfn, order]));
    expect(blocks.slice(0, 4)).toEqual([
      [3, 0],
      [4, 2],
      [8, 3],
      [16, 4],
    ]);
    expect(blocks).toContainEqual([1024, 10]);
    for (const [pfn, order] of blocks) expect(pfn % 2 ** order).toBe(0);
    expect(blocks.reduce((a, [, o]) => a + 2 ** o, 0)).toBe(3000);
  });

  it('classRuns splits free runs by buddy order and covers every page', () => {
    const img = buildImage({ arch: x86_64, memBytes: 64 * MiB, seed: 4 });
    let pages = 0;
    for (const r of classRuns(img)) {
      pages += r.pages;
      if (r.cls === 'free') {
        expect(r.pages % 2 ** r.order).toBe(0);
        expect(r.startPfn % 2 ** r.order).toBe(0);
      } else expect(r.order).toBe(0);
    }
    expect(pages).toBe(img.totalPages);
  });
});
