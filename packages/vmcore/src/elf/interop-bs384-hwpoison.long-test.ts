// Full interop matrix (interop-matrix.ts), one case: 384 MiB busy-server, 4 CPUs, NUMBER(PG_hwpoison): mmap and --non-mmap, cyclic buffers.
import { BUSY_384_HWPOISON } from './interop-matrix.js';
import { matrixSuite } from './interop-suite.js';

matrixSuite(BUSY_384_HWPOISON);
