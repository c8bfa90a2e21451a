// Full interop matrix (interop-matrix.ts): three images and runs no test chose, drawn from KMEMSIM_INTEROP_SEED.
import { drawn, SEED } from './interop-matrix.js';
import { matrixSuite } from './interop-suite.js';

for (const c of drawn(SEED, 3)) matrixSuite(c, `drawn (KMEMSIM_INTEROP_SEED=${SEED}): ${JSON.stringify(c)}`);
