// @kmemsim/vmcore/node: the parts that need Node (fs, child_process, os): writing an image as an ELF vmcore file,
// reading a vmcore file for `vmcore-dump --image`, and running the real makedumpfile under strace.
export { type ElfLoad, VmcoreReader } from './elf/reader.js';
export { haveTool, type RealDump, type RealDumpOptions, runRealMakedumpfile } from './elf/real-tool.js';
export { type DumpReport, parseDumpReport } from './elf/report.js';
export { countFileSyscalls, type FileSyscalls } from './elf/strace.js';
export { translate } from './elf/walk.js';
export { type WrittenVmcore, writeImageVmcore, writeVmcore } from './elf/writer.js';
export { readVmcoreFile, VmcoreFileError, type VmcoreFileInfo } from './node/vmcore-file.js';
export type { Vmcoreinfo } from './node/vmcoreinfo-parse.js';
