// Full interop matrix (interop-matrix.ts), one case: a vmcore another generator wrote, with KASLR.
import { FOREIGN_KASLR } from './interop-matrix.js';
import { foreignSuite } from './interop-suite.js';

foreignSuite(FOREIGN_KASLR);
