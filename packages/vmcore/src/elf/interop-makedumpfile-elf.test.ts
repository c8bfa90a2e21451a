// The real makedumpfile 1.7.2 under strace (fast subset, one case a file): an ELF vmcore makedumpfile -E wrote,
// read through --image. Skips, saying why, where makedumpfile or strace is missing.
import { expect, it } from 'vitest';
import { checkForeign } from './interop-check.js';
import { FAST_SUBSET, interopSuite } from './interop-suite.js';

interopSuite(FAST_SUBSET, (dir) => {
  it('an ELF vmcore written by makedumpfile -E, through --image', async () => {
    expect(
      await checkForeign(dir, [
        { dumpLevel: 31, mmap: true },
        { dumpLevel: 8, mmap: false },
      ]),
    ).toEqual([]);
  }, 240_000);
});
