// The full real-tool matrix (pnpm test:long): CPUs 1/2/4, 256 MiB … 4.5 GiB (one to three PT_LOADs; file offsets
// past 4 GiB in a sparse file), every single dump-level bit and mixed levels without bit 16, mmap and --non-mmap,
// cyclic buffers, -E, NUMBER(PG_hwpoison), flat and sparse mem_map, vmcores by an independent generator (KASLR,
// kernel-text PT_LOAD, 2 MiB direct map); then images no test chose: drawn from KMEMSIM_INTEROP_SEED (default
// fixed; set it to try others). Each run compared for equality with the model and with --image on the written file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@kmemsim/core';
import { afterAll, describe, expect, it } from 'vitest';
import { layoutFor } from '../layout.js';
import { checkForeignCore } from '../testing/foreign-check.js';
import type { ForeignOptions } from '../testing/foreign-core.js';
import { type Case, checkCase, checkForeign, SKIP, TOOLS } from './interop-check.js';
import type { RealDumpOptions } from './real-tool.js';

const both = (o: Omit<RealDumpOptions, 'mmap'>): RealDumpOptions[] => [
  { ...o, mmap: true },
  { ...o, mmap: false },
];
const levels = (ls: number[], mmap: boolean) => ls.map((dumpLevel) => ({ dumpLevel, mmap }));

// CI budget (.ci/run, 2 cores): this file stays near 10 minutes. Cost is image bytes written, pages dumped (one
// traced write each) and --non-mmap reads, so the large layouts (three PT_LOADs around the PCI hole) are just above
// 3 GiB with -d 31/-d 2 runs: 6 GiB images take the same code paths and only multiply the calls.
const CASES: Case[] = [
  {
    mib: 256,
    profile: 'file-server',
    seed: 2,
    cpus: 1,
    runs: [...levels([0, 1, 2, 4, 8, 16, 31], true), ...levels([6, 10, 14], false)],
  },
  {
    mib: 384,
    profile: 'busy-server',
    seed: 3,
    cpus: 4,
    hwpoison: true,
    runs: [...both({ dumpLevel: 12 }), ...both({ dumpLevel: 31, cyclicBufferKiB: 8 }), { dumpLevel: 0, mmap: true }],
  },
  {
    // ≈ 1.5–1.75 GiB: the memory maps that need about 7 mmap windows.
    mib: 1600,
    profile: 'busy-server',
    seed: 5,
    cpus: 2,
    runs: [...both({ dumpLevel: 31 }), { dumpLevel: 3, mmap: true }],
  },
  {
    mib: 3200,
    profile: 'idle-guest',
    seed: 4,
    cpus: 1,
    hwpoison: true,
    runs: [
      { dumpLevel: 2, mmap: true },
      { dumpLevel: 31, mmap: true, cyclicBufferKiB: 64 },
    ],
  },
  {
    mib: 320,
    profile: 'idle-guest',
    seed: 8,
    cpus: 2,
    runs: [
      { dumpLevel: 0, mmap: true, elf: true },
      ...both({ dumpLevel: 31, elf: true }),
      { dumpLevel: 8, mmap: false, cyclicBufferKiB: 2 },
    ],
  },
];

CASES.push({
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
});

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
    // Levels that dump few pages (each dumped page is a write() strace stops on): -d 14 walks every pfn.
    { dumpLevel: 30, mmap: true, cyclicBufferKiB: 48 },
    { dumpLevel: 14, mmap: true },
    { dumpLevel: 30, mmap: false, cyclicBufferKiB: 48 },
  ],
};
CASES.push(PAST_4GIB);

/** Images and runs drawn at random: sizes, fragmentation, CPUs, levels, modes, cycles, -E, memory model. */
function drawn(seed: number, n: number): Case[] {
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

const SEED = Number(process.env.KMEMSIM_INTEROP_SEED ?? 77);

const FOREIGN: [string, ForeignOptions][] = [
  [
    'KASLR, 3.2 GiB across the PCI hole, 2 MiB direct map',
    {
      ramMiB: 3300,
      cpus: 4,
      seed: 31,
      sparse: true,
      textLoad: true,
      directMap: '2m',
      kaslr: true,
    },
  ],
  [
    'flat mem_map in the direct map, kernel-text PT_LOAD',
    {
      ramMiB: 400,
      cpus: 1,
      seed: 32,
      sparse: false,
      textLoad: true,
      directMap: '1g',
    },
  ],
];

describe.skipIf(!TOOLS)(`real makedumpfile 1.7.2, full matrix${SKIP}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kmemsim-interop-long-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('the past-4 GiB case does put file offsets past 2^32', () => {
    const lay = layoutFor({ name: 'x86_64', pageBytes: 4096, structPageBytes: 64 }, PAST_4GIB.mib * 2 ** 20);
    expect(lay.loads.length).toBe(3);
    expect(lay.loads.reduce((a, l) => a + l.pages, 0) * 4096).toBeGreaterThan(2 ** 32 + 2 ** 28);
  });
  for (const c of CASES) {
    it(`${c.mib} MiB ${c.profile}, ${c.cpus} CPU(s)${c.hwpoison ? ', PG_hwpoison' : ''}: every count equal`, async () => {
      expect(await checkCase(dir, c)).toEqual([]);
    });
  }
  for (const c of drawn(SEED, 3)) {
    it(`drawn (KMEMSIM_INTEROP_SEED=${SEED}): ${JSON.stringify(c)}`, async () => {
      expect(await checkCase(dir, c)).toEqual([]);
    });
  }
  const foreignRuns: RealDumpOptions[][] = [
    [
      { dumpLevel: 31, mmap: true },
      { dumpLevel: 16, mmap: true },
      { dumpLevel: 31, mmap: true, cyclicBufferKiB: 16 },
    ],
    [...both({ dumpLevel: 31 }), ...levels([1, 2, 4, 8], true), { dumpLevel: 30, mmap: true, elf: true }],
  ];
  for (const [i, [name, o]] of FOREIGN.entries()) {
    it(`a vmcore another generator wrote (${name}): model from --image equals the real tool`, async () => {
      const runs = foreignRuns[i];
      expect(await checkForeignCore(join(dir, `foreign-${o.seed}.vmcore`), o, runs)).toEqual([]);
    });
  }
  it('an ELF vmcore written by makedumpfile -E, more levels', async () => {
    expect(await checkForeign(dir, [...levels([0, 2, 16, 31], true), ...levels([4, 31], false)])).toEqual([]);
  });
});
