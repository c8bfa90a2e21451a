// Full interop matrix (interop-matrix.ts), one case: 4.5 GiB, file offsets past 2^32 (a sparse file).
import { expect, it } from 'vitest';
import { layoutFor } from '../layout.js';
import { PAST_4GIB } from './interop-matrix.js';
import { interopSuite, MATRIX_TITLE, matrixSuite } from './interop-suite.js';

interopSuite(MATRIX_TITLE, () => {
  it('the past-4 GiB case does put file offsets past 2^32', () => {
    const lay = layoutFor({ name: 'x86_64', pageBytes: 4096, structPageBytes: 64 }, PAST_4GIB.mib * 2 ** 20);
    expect(lay.loads.length).toBe(3);
    expect(lay.loads.reduce((a, l) => a + l.pages, 0) * 4096).toBeGreaterThan(2 ** 32 + 2 ** 28);
  });
});
matrixSuite(PAST_4GIB);
