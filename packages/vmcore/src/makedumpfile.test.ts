import { fc, test } from '@fast-check/vitest';
import { s390 } from '@kmemsim/arch-s390';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { describe, expect, it } from 'vitest';
import { excludes, PAGE_CLASSES } from './classes.js';
import { SEED001 } from './experiments/seed001.js';
import { buildImage } from './image.js';
import { type DumpOptions, predictVmcoreSyscalls, simulateMakedumpfile } from './makedumpfile.js';

const MiB = 2 ** 20;
const PUBLISHED = {
  mmap: { mmap: 482, munmap: 443, read: 165 },
  read: { mmap: 34, munmap: 3, read: 458_917 },
} as const;

const seedImage = () =>
  buildImage({
    arch: s390,
    memBytes: SEED001.config.memBytes,
    extraLoadBytes: SEED001.values.extraLoadBytes,
    profile: SEED001.config.profile,
    seed: 1,
  });
const seedRun = (access: 'mmap' | 'read', dumpLevel: number, version: DumpOptions['version'] = '1.5.7') =>
  simulateMakedumpfile(seedImage(), {
    version,
    access,
    dumpLevel,
    crashCpus: SEED001.values.crashCpus,
    fixedInitMmap157: true,
    process: { read: SEED001.values.processReads },
  });

describe('seed 001: s390, 1.5 GiB guest, makedumpfile 1.5.7, -d 0 (experiment seed001)', () => {
  it('model values (published: mmap 482/443/165, non-mmap 34/3/458,917)', () => {
    const m = seedRun('mmap', 0).syscalls;
    const r = seedRun('read', 0).syscalls;
    // 448 windows (munmap before each, the first munmap(MAP_FAILED, 0) included) + 34/2 of the process.
    expect([m.mmap, m.munmap, m.read]).toEqual([482, 450, 165]);
    // pfn 0 holds the kernel data read at start-up: still cached when the data pass reaches it.
    expect([r.mmap, r.munmap, r.read]).toEqual([34, 2, 458_916]);
  });
  it('within ±10 % but the non-mmap munmap (2 vs 3: the process frees one buffer fewer than the 2015 build)', () => {
    const off: string[] = [];
    for (const access of ['mmap', 'read'] as const) {
      const s = seedRun(access, 0).syscalls;
      for (const k of ['mmap', 'munmap', 'read'] as const) {
        const p = PUBLISHED[access][k];
        if (Math.abs(s[k] - p) / p > 0.1) off.push(`${access} ${k} ${s[k]} vs ${p}`);
      }
    }
    expect(off).toEqual(['read munmap 2 vs 3']);
  });
  it('stock 1.5.7 cannot mmap on s390: initialize_mmap fails and everything is read()', () => {
    const img = seedImage();
    const stock = simulateMakedumpfile(img, {
      version: '1.5.7',
      access: 'mmap',
      dumpLevel: 0,
      fixedInitMmap157: false,
    });
    expect(stock.vmcore.mmap).toBe(0);
    expect(stock.vmcore.read).toBe(seedRun('read', 0).vmcore.read);
  });
  it('-d 31 (prediction from the 1.5.7 source): page tables hit the 8-page cache, the one window does not thrash', () => {
    const v157 = seedRun('mmap', 31).vmcore;
    const v172 = seedRun('mmap', 31, '1.7.2').vmcore;
    // One window change per 4 MiB of mem_map walked (twice) and of kept data; the last window stays mapped.
    expect(v157.munmap).toBe(v157.mmap - 1);
    expect(v157.mmap).toBeLessThan(200);
    expect(v172.munmap).toBe(v172.mmap - 8); // the 8 cache entries stay mapped (initialize_mmap's was reused)
  });
});

describe('makedumpfile 1.7.2 on x86_64 (hand-counted; the interop tests check these against the real tool)', () => {
  const img = buildImage({ arch: x86_64, memBytes: 256 * MiB, seed: 1, profile: 'busy-server' });
  it('-d 0, mmap: initialize_mmap maps the 640 KiB PT_LOAD, reused for its data; 64 windows; 8 left mapped', () => {
    expect(predictVmcoreSyscalls(img, { version: '1.7.2', access: 'mmap', dumpLevel: 0, crashCpus: 2 })).toEqual({
      mmap: 65,
      munmap: 57,
      read: 25,
      lseek: 22,
    });
  });
  it('-d 0, --non-mmap: 19 start-up reads (3 phdrs, 3 notes) + 5 kernel pages + the PT_NOTE + every page', () => {
    expect(predictVmcoreSyscalls(img, { version: '1.7.2', access: 'read', dumpLevel: 0, crashCpus: 2 })).toEqual({
      mmap: 0,
      munmap: 0,
      read: 25 + 65536,
      lseek: 22 + 65536,
    });
  });
  it('each crashed CPU adds one note: an lseek and two reads', () => {
    const one = predictVmcoreSyscalls(img, { version: '1.7.2', access: 'mmap', dumpLevel: 31, crashCpus: 1 });
    const four = predictVmcoreSyscalls(img, { version: '1.7.2', access: 'mmap', dumpLevel: 31, crashCpus: 4 });
    expect([four.read - one.read, four.lseek - one.lseek]).toEqual([6, 3]);
  });
  it('observed 256 MiB busy-server counts (strace of the real 1.7.2, see elf/makedumpfile-1.7.2-observed.md)', () => {
    const p = (o: Partial<DumpOptions>) =>
      predictVmcoreSyscalls(img, { version: '1.7.2', access: 'read', dumpLevel: 31, crashCpus: 2, ...o });
    expect(p({})).toEqual({ mmap: 0, munmap: 0, read: 8633, lseek: 8630 });
    expect(p({ dumpLevel: 4 })).toEqual({ mmap: 0, munmap: 0, read: 38124, lseek: 38121 });
    expect(p({ cyclicBufferBytes: 4096 })).toEqual({ mmap: 0, munmap: 0, read: 8639, lseek: 8636 });
    expect(p({ access: 'mmap', cyclicBufferBytes: 4096 })).toEqual({ mmap: 64, munmap: 55, read: 25, lseek: 22 });
    expect(p({ format: 'elf', dumpLevel: 30 })).toEqual({ mmap: 0, munmap: 0, read: 54360, lseek: 3145 });
    expect(p({ format: 'elf', access: 'mmap' })).toEqual({ mmap: 177, munmap: 168, read: 5279, lseek: 36 });
  });
});

describe('invariants', () => {
  test.prop(
    [
      fc.integer({ min: 32, max: 160 }),
      fc.integer({ min: 0, max: 31 }),
      fc.constantFrom('1.5.7' as const, '1.5.8' as const, '1.7.2' as const),
      fc.constantFrom('kdump' as const, 'elf' as const),
      fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
      fc.constantFrom('idle-guest', 'busy-server', 'file-server'),
      fc.nat(100),
    ],
    { numRuns: 25 },
  )(
    'read and mmap modes exclude and dump the same pages; exclusions follow the level; identities of each cache',
    (mib, level, version, format, kib, profile, seed) => {
      const img = buildImage({ arch: x86_64, memBytes: mib * MiB, seed, profile });
      const o = { version, dumpLevel: level, format, cyclicBufferBytes: kib && kib * 1024, crashCpus: 2 };
      const m = simulateMakedumpfile(img, { ...o, access: 'mmap' });
      const r = simulateMakedumpfile(img, { ...o, access: 'read' });
      expect(m.excluded).toEqual(r.excluded);
      expect(m.dumpedPages).toBe(r.dumpedPages);
      for (const cls of PAGE_CLASSES) {
        const want = excludes(level, PAGE_CLASSES.indexOf(cls)) ? img.counts[cls] : 0;
        expect(m.excluded[cls], cls).toBe(want);
      }
      expect(m.dumpedPages + PAGE_CLASSES.reduce((s, c) => s + m.excluded[c], 0)).toBe(img.totalPages);
      expect(r.vmcore.mmap).toBe(0);
      expect(r.vmcore.read - r.vmcore.lseek).toBe(format === 'elf' ? r.vmcore.read - r.vmcore.lseek : 3);
      if (version === '1.5.7') expect(m.vmcore.munmap).toBe(Math.max(0, m.vmcore.mmap - 1));
      else expect(m.vmcore.munmap).toBeLessThanOrEqual(m.vmcore.mmap - Math.min(m.vmcore.mmap, 1));
    },
  );

  it('PG_hwpoison in VMCOREINFO walks the mem_map even at -d 0', () => {
    const img = buildImage({ arch: x86_64, memBytes: 64 * MiB, seed: 1 });
    const plain = simulateMakedumpfile(img, { version: '1.7.2', access: 'read', dumpLevel: 0 });
    const hw = simulateMakedumpfile(img, { version: '1.7.2', access: 'read', dumpLevel: 0, hwpoison: true });
    expect(plain.structPages).toBe(0);
    expect(hw.structPages).toBeGreaterThan(0);
    expect(hw.dumpedPages).toBe(plain.dumpedPages);
  });
});
