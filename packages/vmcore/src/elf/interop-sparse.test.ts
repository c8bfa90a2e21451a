// The real makedumpfile 1.7.2 under strace (fast subset, one case a file): SPARSEMEM, every call count on the
// vmcore equals the model and --image. Skips, saying why, where makedumpfile or strace is missing.
import { expect, it } from 'vitest';
import { checkCase } from './interop-check.js';
import { FAST_SUBSET, interopSuite } from './interop-suite.js';
import type { RealDumpOptions } from './real-tool.js';

interopSuite(FAST_SUBSET, (dir) => {
  it('SPARSEMEM (mem_section roots and sections, as x86_64 kernels): every count equal, model and --image', async () => {
    const runs: RealDumpOptions[] = [
      { dumpLevel: 31, mmap: true },
      { dumpLevel: 8, mmap: false },
      { dumpLevel: 0, mmap: true },
    ];
    const c = { mib: 320, profile: 'idle-guest' as const, seed: 4, cpus: 3, memoryModel: 'sparse' as const, runs };
    expect(await checkCase(dir, c)).toEqual([]);
  }, 240_000);
});
