// Full interop matrix (interop-matrix.ts), one case: a vmcore another generator wrote, flat mem_map.
import { FOREIGN_FLAT } from './interop-matrix.js';
import { foreignSuite } from './interop-suite.js';

foreignSuite(FOREIGN_FLAT);
