// The full real-tool matrix (pnpm test:long): CPUs 1/2/4, 256 MiB … 6 GiB (one to three PT_LOADs), every single
// dump-level bit and mixed levels without bit 16, mmap and --non-mmap, cyclic buffers, -E, NUMBER(PG_hwpoison);
// each run compared for equality with the model and with --image on the written file (interop.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Case, checkCase, checkForeign, SKIP, TOOLS } from './interop-check.js';
import type { RealDumpOptions } from './real-tool.js';

const both = (o: Omit<RealDumpOptions, 'mmap'>): RealDumpOptions[] => [
  { ...o, mmap: true },
  { ...o, mmap: false },
];
const levels = (ls: number[], mmap: boolean) => ls.map((dumpLevel) => ({ dumpLevel, mmap }));

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
    runs: [...both({ dumpLevel: 12 }), ...both({ dumpLevel: 31, cyclicBufferKiB: 8 })],
  },
  {
    mib: 1600,
    profile: 'busy-server',
    seed: 5,
    cpus: 2,
    runs: [...both({ dumpLevel: 31 }), { dumpLevel: 3, mmap: true }],
  },
  {
    mib: 3584,
    profile: 'idle-guest',
    seed: 4,
    cpus: 1,
    hwpoison: true,
    runs: [
      { dumpLevel: 2, mmap: true },
      { dumpLevel: 0, mmap: true },
    ],
  },
  {
    mib: 6144,
    profile: 'idle-guest',
    seed: 6,
    cpus: 4,
    runs: [...both({ dumpLevel: 31 }), { dumpLevel: 14, mmap: true }, { dumpLevel: 31, mmap: true, elf: true }],
  },
  {
    mib: 512,
    profile: 'idle-guest',
    seed: 8,
    cpus: 2,
    runs: [
      ...both({ dumpLevel: 0, elf: true }),
      ...both({ dumpLevel: 31, elf: true }),
      { dumpLevel: 8, mmap: false, cyclicBufferKiB: 2 },
    ],
  },
];

describe.skipIf(!TOOLS)(`real makedumpfile 1.7.2, full matrix${SKIP}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kmemsim-interop-long-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  for (const c of CASES) {
    it(`${c.mib} MiB ${c.profile}, ${c.cpus} CPU(s)${c.hwpoison ? ', PG_hwpoison' : ''}: every count equal`, async () => {
      expect(await checkCase(dir, c)).toEqual([]);
    });
  }
  it('an ELF vmcore written by makedumpfile -E, more levels', async () => {
    expect(await checkForeign(dir, [...levels([0, 2, 16, 31], true), ...levels([4, 31], false)])).toEqual([]);
  });
});
