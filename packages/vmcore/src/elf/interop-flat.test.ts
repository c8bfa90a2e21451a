// The real makedumpfile 1.7.2 under strace (fast subset, one case a file; the full matrix is interop-*.long-test.ts):
// a flat mem_map, every call count on the vmcore equals the model and --image. Skips, saying why, where makedumpfile
// or strace is missing.
import { expect, it } from 'vitest';
import { checkCase } from './interop-check.js';
import { FAST_SUBSET, interopSuite } from './interop-suite.js';
import type { RealDumpOptions } from './real-tool.js';

interopSuite(FAST_SUBSET, (dir) => {
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
});
