// The real makedumpfile 1.7.2 under strace with write() traced (fast subset): its writes of the dump — header,
// bitmaps per cycle, page data in 64 KiB buffers with their page_descs, -E's headers and data — equal the model's
// (params.ts MAKEDUMPFILE, observed from this tool). Skips, saying why, where makedumpfile or strace is missing.
import { expect, it } from 'vitest';
import { checkCase } from './interop-check.js';
import { FAST_SUBSET, interopSuite } from './interop-suite.js';
import type { RealDumpOptions } from './real-tool.js';

interopSuite(FAST_SUBSET, (dir) => {
  it('write() calls on the dump equal the model: kdump-compressed and -E, one cycle and many', async () => {
    const runs: RealDumpOptions[] = [
      { dumpLevel: 0, mmap: true, writes: true },
      { dumpLevel: 31, mmap: true, writes: true },
      { dumpLevel: 31, mmap: false, cyclicBufferKiB: 1, writes: true },
      { dumpLevel: 0, mmap: true, elf: true, writes: true },
      { dumpLevel: 30, mmap: true, elf: true, writes: true },
    ];
    expect(await checkCase(dir, { mib: 256, profile: 'busy-server', seed: 2, cpus: 2, runs })).toEqual([]);
  }, 240_000);
});
