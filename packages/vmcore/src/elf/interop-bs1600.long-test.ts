// Full interop matrix (interop-matrix.ts), one case: 1600 MiB busy-server, 2 CPUs: about 7 mmap windows.
import { BUSY_1600 } from './interop-matrix.js';
import { matrixSuite } from './interop-suite.js';

matrixSuite(BUSY_1600);
