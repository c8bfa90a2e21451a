// The full real-tool matrix (pnpm test:long), one case a file (interop-*.long-test.ts): CPUs 1/2/4, 256 MiB …
// 4.5 GiB (one to three PT_LOADs; file offsets past 4 GiB in a sparse file), every single dump-level bit and mixed
// levels without bit 16, mmap and --non-mmap, cyclic buffers, -E, NUMBER(PG_hwpoison), flat and sparse mem_map,
// vmcores by an independent generator (KASLR, kernel-text PT_LOAD, 2 MiB direct map); then images no test chose:
// drawn from KMEMSIM_INTEROP_SEED (default fixed; set it to try others). Each run compared for equality with the
// model and with --image on the written file.
//
// CI budget (.ci/run, 2 cores): cost is image bytes written, pages dumped (each traced call stops makedumpfile) and
// --non-mmap reads, so the large layouts (three PT_LOADs around the PCI hole) are just above 3 GiB with -d 31/-d 2
// runs: 6 GiB images take the same code paths and only multiply the calls.
import { Rng } from '@kmemsim/core';
import type { ForeignOptions } from '../testing/foreign-core.js';
import type { Case } from './interop-check.js';
import type { RealDumpOptions } from './real-tool.js';

export const both = (o: Omit<RealDumpOptions, 'mmap'>): RealDumpOptions[] => [
  { ...o, mmap: true },
  { ...o, mmap: false },
];
export const levels = (ls: number[], mmap: boolean) => ls.map((dumpLevel) => ({ dumpLevel, mmap }));

/** Every single dump-level bit, 1 CPU, flat mem_map. */
export const FILE_SERVER_256: Case = {
  mib: 256,
  profile: 'file-server',
  seed: 2,
  cpus: 1,
  runs: [...levels([0, 1, 2, 4, 8, 16, 31], true), ...levels([6, 10, 14], false)],
};

export const BUSY_384_HWPOISON: Case = {
  mib: 384,
  profile: 'busy-server',
  seed: 3,
  cpus: 4,
  hwpoison: true,
  runs: [...both({ dumpLevel: 12 }), ...both({ dumpLevel: 31, cyclicBufferKiB: 8 }), { dumpLevel: 0, mmap: true }],
};

/** ≈ 1.5–1.75 GiB: the memory maps that need about 7 mmap windows. */
export const BUSY_1600: Case = {
  mib: 1600,
  profile: 'busy-server',
  seed: 5,
  cpus: 2,
  runs: [...both({ dumpLevel: 31 }), { dumpLevel: 3, mmap: true }],
};

export const IDLE_3200_HWPOISON: Case = {
  mib: 3200,
  profile: 'idle-guest',
  seed: 4,
  cpus: 1,
  hwpoison: true,
  runs: [
    { dumpLevel: 2, mmap: true },
    { dumpLevel: 31, mmap: true, cyclicBufferKiB: 64 },
  ],
};

export const IDLE_320_ELF: Case = {
  mib: 320,
  profile: 'idle-guest',
  seed: 8,
  cpus: 2,
  runs: [
    { dumpLevel: 0, mmap: true, elf: true },
    ...both({ dumpLevel: 31, elf: true }),
    { dumpLevel: 8, mmap: false, cyclicBufferKiB: 2 },
  ],
};

export const SPARSE_384: Case = {
  mib: 384,
  profile: 'busy-server',
  seed: 11,
  cpus: 1,
  memoryModel: 'sparse',
  runs: [
    ...levels([1, 2, 4, 8, 16], true),
    ...levels([31, 10], false),
    { dumpLevel: 31, mmap: true, cyclicBufferKiB: 32 },
    { dumpLevel: 31, mmap: false, elf: true },
  ],
};

// Past 4 GiB of file: the 3.2 GiB case above has RAM above 4 GiB (its third PT_LOAD starts at physical 4 GiB) but
// a file under 4 GiB. This one — 4.5 GiB of RAM, three PT_LOADs, 1.5 GiB of them above the PCI hole — puts file
// offsets, mmap offsets and lseek targets past 2^32 and a cyclic-buffer boundary (48 KiB: 1.5 GiB cycles) inside
// the PT_LOAD above 4 GiB, as the 3.5–6 GiB images did. Its file is sparse (no page contents: mem_map and
// kernel data only), so it costs a 70 MiB write, not 4.5 GiB; its levels lack bit 1 (every page reads as zeros).
export const PAST_4GIB: Case = {
  mib: 4608,
  profile: 'file-server',
  seed: 12,
  cpus: 3,
  memoryModel: 'sparse',
  pageData: false,
  runs: [
    // Levels that dump few pages (dumped pages cost output lseeks, which strace stops on): -d 14 walks every pfn.
    { dumpLevel: 30, mmap: true, cyclicBufferKiB: 48 },
    { dumpLevel: 14, mmap: true },
    { dumpLevel: 30, mmap: false, cyclicBufferKiB: 48 },
  ],
};

/** The seed of the drawn cases: KMEMSIM_INTEROP_SEED, default 77. */
export const SEED = Number(process.env.KMEMSIM_INTEROP_SEED ?? 77);

/** Images and runs drawn at random: sizes, fragmentation, CPUs, levels, modes, cycles, -E, memory model. */
export function drawn(seed: number, n: number): Case[] {
  const rng = new Rng(seed);
  const below = (k: number) => Math.floor((rng.u32() / 2 ** 32) * k);
  const pick = <T>(a: readonly T[]) => a[below(a.length)];
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const mib = pick([64, 100, 200, 333, 500, 700]);
    const meanRun = below(3) === 0 ? pick([3, 9, 40, 300]) : undefined;
    // --non-mmap and -E make a traced call per page (and per cycle: tiny cyclic buffers re-read mem_map), so they
    // are drawn on small images only (a 500 MiB one with four --non-mmap runs took 4 minutes of the CI budget).
    const heavyOk = mib <= 200 && (meanRun === undefined || meanRun >= 9);
    const runs: RealDumpOptions[] = [];
    for (let j = 0; j < 4; j++) {
      const mmap = !heavyOk || below(2) === 0;
      runs.push({
        dumpLevel: below(32),
        mmap,
        elf: heavyOk && below(5) === 0,
        cyclicBufferKiB: below(4) === 0 ? pick([1, 3, 7, 16, 64]) : undefined,
      });
    }
    out.push({
      mib,
      profile: pick(['idle-guest', 'busy-server', 'file-server']),
      seed: below(1000),
      cpus: pick([1, 2, 3, 4, 7]),
      meanRun,
      hwpoison: below(6) === 0,
      memoryModel: pick(['flat', 'sparse'] as const),
      runs,
    });
  }
  return out;
}

/** A vmcore another generator wrote (testing/foreign-core.ts): what it is, how, and the runs on it. */
export interface ForeignCase {
  name: string;
  options: ForeignOptions;
  runs: RealDumpOptions[];
}

export const FOREIGN_KASLR: ForeignCase = {
  name: 'KASLR, 3.2 GiB across the PCI hole, 2 MiB direct map',
  options: { ramMiB: 3300, cpus: 4, seed: 31, sparse: true, textLoad: true, directMap: '2m', kaslr: true },
  runs: [
    { dumpLevel: 31, mmap: true },
    { dumpLevel: 16, mmap: true },
    { dumpLevel: 31, mmap: true, cyclicBufferKiB: 16 },
  ],
};

export const FOREIGN_FLAT: ForeignCase = {
  name: 'flat mem_map in the direct map, kernel-text PT_LOAD',
  options: { ramMiB: 400, cpus: 1, seed: 32, sparse: false, textLoad: true, directMap: '1g' },
  runs: [...both({ dumpLevel: 31 }), ...levels([1, 2, 4, 8], true), { dumpLevel: 30, mmap: true, elf: true }],
};

/** Runs on an ELF vmcore written by makedumpfile -E (interop-check.ts checkForeign). */
export const MAKEDUMPFILE_ELF_RUNS: RealDumpOptions[] = [...levels([0, 2, 16, 31], true), ...levels([4, 31], false)];
