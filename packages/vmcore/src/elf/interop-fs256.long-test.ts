// Full interop matrix (interop-matrix.ts), one case: 256 MiB file-server, 1 CPU: every single dump-level bit; mixed levels --non-mmap.
import { FILE_SERVER_256 } from './interop-matrix.js';
import { matrixSuite } from './interop-suite.js';

matrixSuite(FILE_SERVER_256);
