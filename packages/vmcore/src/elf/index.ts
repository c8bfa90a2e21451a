// Synthetic x86_64 ELF vmcores from the image model (browser-safe parts; the file writer, reader and the
// real-tool runner are in @kmemsim/vmcore/node).
export { pageBytes } from './content.js';
export { elfSourceFromImage } from './from-image.js';
export { type KernelLayout, kernelLayout } from './kernel-layout.js';
export { classAt as elfClassAt, expectedPage } from './page-model.js';
export type { ElfImageSource, ElfPageClass, ElfRun } from './source.js';
export { vmcoreinfoText } from './vmcoreinfo.js';
