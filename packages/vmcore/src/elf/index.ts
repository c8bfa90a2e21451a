// Real synthetic x86_64 ELF vmcores from the image model, and running the real makedumpfile on them.
export { pageBytes } from './content.js';
export { elfSourceFromImage } from './from-image.js';
export { type KernelLayout, kernelLayout } from './kernel-layout.js';
export { classAt as elfClassAt, expectedPage } from './page-model.js';
export { type ElfLoad, VmcoreReader } from './reader.js';
export { haveTool, type RealDump, runRealMakedumpfile } from './real-tool.js';
export { type DumpReport, parseDumpReport } from './report.js';
export type { ElfImageSource, ElfPageClass, ElfRun } from './source.js';
export { countFileSyscalls, type FileSyscalls } from './strace.js';
export { vmcoreinfoText } from './vmcoreinfo.js';
export { translate } from './walk.js';
export { type WrittenVmcore, writeImageVmcore, writeVmcore } from './writer.js';
