// Full interop matrix (interop-matrix.ts), one case: 3200 MiB idle-guest, 1 CPU: three PT_LOADs around the PCI hole, NUMBER(PG_hwpoison).
import { IDLE_3200_HWPOISON } from './interop-matrix.js';
import { matrixSuite } from './interop-suite.js';

matrixSuite(IDLE_3200_HWPOISON);
