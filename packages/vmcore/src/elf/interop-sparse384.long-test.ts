// Full interop matrix (interop-matrix.ts), one case: 384 MiB busy-server, 1 CPU, SPARSEMEM (mem_section): single bits, --non-mmap, cycles, -E.
import { SPARSE_384 } from './interop-matrix.js';
import { matrixSuite } from './interop-suite.js';

matrixSuite(SPARSE_384);
