// Full interop matrix (interop-matrix.ts), one case: an ELF vmcore written by makedumpfile -E (not by kmemsim).
import { expect, it } from 'vitest';
import { checkForeign } from './interop-check.js';
import { MAKEDUMPFILE_ELF_RUNS } from './interop-matrix.js';
import { interopSuite, MATRIX_TITLE } from './interop-suite.js';

interopSuite(MATRIX_TITLE, (dir) => {
  it('an ELF vmcore written by makedumpfile -E, more levels', async () => {
    expect(await checkForeign(dir, MAKEDUMPFILE_ELF_RUNS)).toEqual([]);
  });
});
