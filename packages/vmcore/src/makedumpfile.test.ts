import { fc, test } from '@fast-check/vitest';
import { s390 } from '@kmemsim/arch-s390';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { describe, expect, it } from 'vitest';
import { excludes, PAGE_CLASSES } from './classes.js';
import { buildImage, type VmcoreImage } from './image.js';
import { type DumpOptions, predictVmcoreSyscalls, simulateMakedumpfile, skippedChunks } from './makedumpfile.js';
import { forEachRun } from './runs.js';

const MiB = 2 ** 20;
const SEED001 = {
  mmap: { mmap: 482, munmap: 443, read: 165 },
  read: { mmap: 34, munmap: 3, read: 458_917 },
} as const;

describe('seed 001 calibration: s390, 1.5 GiB, makedumpfile 1.5.7, -d 0 (±10 %)', () => {
  const img = buildImage({ arch: s390, memBytes: 1536 * MiB, seed: 1 });
  for (const access of ['mmap', 'read'] as const) {
    it(`${access} mode`, () => {
      const s = simulateMakedumpfile(img, { version: '1.5.7', access, dumpLevel: 0 }).syscalls;
      for (const k of ['mmap', 'munmap', 'read'] as const) {
        const published = SEED001[access][k];
        expect(Math.abs(s[k] - published) / published, `${access} ${k}: model ${s[k]} vs ${published}`).toBeLessThan(
          0.1,
        );
      }
    });
  }

  it('exact model values (the published ones are 482/443/165 and 34/3/458,917)', () => {
    const m = simulateMakedumpfile(img, { version: '1.5.7', access: 'mmap', dumpLevel: 0 }).syscalls;
    const r = simulateMakedumpfile(img, { version: '1.5.7', access: 'read', dumpLevel: 0 }).syscalls;
    expect([m.mmap, m.munmap, m.read]).toEqual([482, 450, 165]);
    // 448 windows of 4 MiB for 1.75 GiB of PT_LOADs + 34 of the process; 458,752 pages + 25 fixed + 140 other.
    expect([r.mmap, r.munmap, r.read]).toEqual([34, 3, 458_917]);
  });

  it('-d 31 with one window thrashes between the page tables and the mem_map (prediction)', () => {
    const v157 = simulateMakedumpfile(img, { version: '1.5.7', access: 'mmap', dumpLevel: 31 }).syscalls;
    const v17 = simulateMakedumpfile(img, { version: '1.7', access: 'mmap', dumpLevel: 31 }).syscalls;
    expect(v157.mmap).toBeGreaterThan(10 * v17.mmap);
  });
});

describe('makedumpfile 1.7 on x86_64 (hand-counted; the interop test checks these against the real 1.7.2)', () => {
  const img = buildImage({ arch: x86_64, memBytes: 256 * MiB, seed: 1 });
  it('-d 0, mmap: the 640 KiB PT_LOAD in one window, the main one in 4 MiB windows, 8 left mapped', () => {
    // [1, 160) + ceil(65,377 / 1,024) = 64 windows; 25 fixed reads, 22 of them after an lseek.
    expect(predictVmcoreSyscalls(img, { version: '1.7', access: 'mmap', dumpLevel: 0 })).toEqual({
      mmap: 65,
      munmap: 57,
      read: 25,
      lseek: 22,
    });
  });
  it('-d 0, --non-mmap: 25 fixed reads + every page', () => {
    expect(predictVmcoreSyscalls(img, { version: '1.7', access: 'read', dumpLevel: 0 })).toEqual({
      mmap: 0,
      munmap: 0,
      read: 25 + 65536,
      lseek: 22 + 65536,
    });
  });
  it('-d 31, --non-mmap: fixed reads + 2 table pages + 2 walks of the mem_map + kept pages (kernel and zero)', () => {
    const c = simulateMakedumpfile(img, { version: '1.7', access: 'read', dumpLevel: 31 });
    // 65,633 struct pages × 64 B = 1,026 pages, less 8 per chunk inside a free order-10 block's second half.
    const walked = 1026 - 8 * skippedChunks(img, 512).length;
    expect(c.vmcore.read).toBe(25 + 2 + 2 * walked + img.counts.kernel + img.counts.zero);
    expect(c.memMapWalks).toBe(2);
    expect(c.dumpedPages).toBe(img.counts.kernel);
  });
  it('-d 31, mmap: a probe mapping outside the cache stays mapped (9 at exit)', () => {
    const c = predictVmcoreSyscalls(img, { version: '1.7', access: 'mmap', dumpLevel: 31 });
    expect(c.munmap).toBe(c.mmap - 9);
  });
});

function expectedDumped(img: VmcoreImage, level: number): [number, number][] {
  const out: [number, number][] = [];
  forEachRun(img, (s, n, code) => {
    if (excludes(level, code)) return;
    const prev = out[out.length - 1];
    if (prev && prev[0] + prev[1] === s) prev[1] += n;
    else out.push([s, n]);
  });
  return out;
}

function dumpedRuns(img: VmcoreImage, o: Omit<DumpOptions, 'onDumped'>) {
  const out: [number, number][] = [];
  const c = simulateMakedumpfile(img, {
    ...o,
    onDumped: (s, n) => {
      const prev = out[out.length - 1];
      if (prev && prev[0] + prev[1] === s) prev[1] += n;
      else out.push([s, n]);
    },
  });
  return { out, c };
}

describe('invariants', () => {
  test.prop(
    [
      fc.integer({ min: 32, max: 160 }),
      fc.integer({ min: 0, max: 31 }),
      fc.constantFrom('1.5.7' as const, '1.7' as const),
      fc.constantFrom('kdump' as const, 'elf' as const),
      fc.option(fc.integer({ min: 512, max: 8192 }), { nil: undefined }),
      fc.constantFrom('idle-guest', 'busy-server', 'file-server'),
      fc.nat(100),
    ],
    { numRuns: 30 },
  )(
    'read and mmap dump the same pages, each non-excluded page once; exclusions equal the composition',
    (mib, level, version, format, cyclic, profile, seed) => {
      const img = buildImage({ arch: x86_64, memBytes: mib * MiB, seed, profile });
      const o = { version, dumpLevel: level, format, cyclicBufferBytes: cyclic };
      const viaMmap = dumpedRuns(img, { ...o, access: 'mmap' });
      const viaRead = dumpedRuns(img, { ...o, access: 'read' });
      expect(viaMmap.out).toEqual(viaRead.out);
      expect(viaMmap.out).toEqual(expectedDumped(img, level));
      for (const cls of PAGE_CLASSES) {
        const want = excludes(level, PAGE_CLASSES.indexOf(cls)) ? img.counts[cls] : 0;
        expect(viaMmap.c.excluded[cls]).toBe(want);
        expect(viaRead.c.excluded[cls]).toBe(want);
      }
      // System-call identities of each cache design.
      const m = viaMmap.c.vmcore;
      const probe = version === '1.7' && (level & ~1) !== 0 ? 1 : 0;
      if (version === '1.5.7') expect(m.munmap).toBe(Math.max(0, m.mmap - 1));
      else expect(m.munmap).toBe(Math.max(0, m.mmap - probe - 8));
      expect(viaRead.c.vmcore.mmap).toBe(0);
      expect(viaRead.c.vmcore.read).toBe(viaRead.c.vmcore.lseek + 3); // 3 note reads need no lseek
      // Every dumped page was read through the file at least once (ELF output reads with read() in mmap mode).
      expect(viaRead.c.vmcore.read).toBeGreaterThanOrEqual(viaRead.c.dumpedPages);
      if (format === 'elf') expect(m.read).toBeGreaterThanOrEqual(viaMmap.c.dumpedPages);
      else expect(m.mmapPages).toBeGreaterThanOrEqual(viaMmap.c.dumpedPages);
    },
  );

  it('a smaller --cyclic-buffer means more cycles and more mem_map walks', () => {
    const img = buildImage({ arch: x86_64, memBytes: 128 * MiB, seed: 1 });
    const one = simulateMakedumpfile(img, { version: '1.7', access: 'mmap', dumpLevel: 31 });
    const many = simulateMakedumpfile(img, {
      version: '1.7',
      access: 'mmap',
      dumpLevel: 31,
      cyclicBufferBytes: 1024,
    });
    expect(one.cycles).toBe(1);
    expect(one.memMapWalks).toBe(2); // counting pass + the writing cycle
    expect(many.cycles).toBe(Math.ceil(img.maxPfn / 8192));
    expect(many.memMapWalks).toBe(2 * many.cycles);
    expect(many.dumpedPages).toBe(one.dumpedPages);
  });

  it('PG_hwpoison in VMCOREINFO walks the mem_map even at -d 0', () => {
    const img = buildImage({ arch: x86_64, memBytes: 64 * MiB, seed: 1 });
    const plain = simulateMakedumpfile(img, { version: '1.7', access: 'read', dumpLevel: 0 });
    const hw = simulateMakedumpfile(img, { version: '1.7', access: 'read', dumpLevel: 0, hwpoison: true });
    expect(plain.structPages).toBe(0);
    expect(hw.structPages).toBeGreaterThanOrEqual(img.maxPfn);
    expect(hw.dumpedPages).toBe(plain.dumpedPages);
  });
});
