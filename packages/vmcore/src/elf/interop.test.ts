// The real makedumpfile 1.7.2 under strace: every count on the vmcore equals the model and --image (fast subset;
// the full matrix is interop.long-test.ts). Skips, saying why, where makedumpfile or strace is missing.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkCase, checkForeign, SKIP, TOOLS } from './interop-check.js';
import type { RealDumpOptions } from './real-tool.js';

describe.skipIf(!TOOLS)(`interop with the real makedumpfile 1.7.2 (fast subset)${SKIP}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'kmemsim-interop-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('every call count on the vmcore equals the model and --image (256 MiB, 2 CPUs: levels, modes, -E, cycles)', async () => {
    const runs: RealDumpOptions[] = [
      { dumpLevel: 31, mmap: true },
      { dumpLevel: 31, mmap: false },
      { dumpLevel: 4, mmap: false },
      { dumpLevel: 16, mmap: true },
      { dumpLevel: 31, mmap: true, elf: true },
      { dumpLevel: 30, mmap: false, elf: true },
      { dumpLevel: 31, mmap: false, cyclicBufferKiB: 4 },
    ];
    expect(await checkCase(dir, { mib: 256, profile: 'busy-server', seed: 1, cpus: 2, runs })).toEqual([]);
  }, 240_000);

  it('SPARSEMEM (mem_section roots and sections, as x86_64 kernels): every count equal, model and --image', async () => {
    const runs: RealDumpOptions[] = [
      { dumpLevel: 31, mmap: true },
      { dumpLevel: 8, mmap: false },
      { dumpLevel: 0, mmap: true },
    ];
    const c = { mib: 320, profile: 'idle-guest' as const, seed: 4, cpus: 3, memoryModel: 'sparse' as const, runs };
    expect(await checkCase(dir, c)).toEqual([]);
  }, 240_000);

  it('an ELF vmcore written by makedumpfile -E, through --image', async () => {
    expect(
      await checkForeign(dir, [
        { dumpLevel: 31, mmap: true },
        { dumpLevel: 8, mmap: false },
      ]),
    ).toEqual([]);
  }, 240_000);
});
