// Full interop matrix (interop-matrix.ts), one case: 320 MiB idle-guest, 2 CPUs: -E output, a 2 KiB cyclic buffer --non-mmap.
import { IDLE_320_ELF } from './interop-matrix.js';
import { matrixSuite } from './interop-suite.js';

matrixSuite(IDLE_320_ELF);
