// The vmcore image model (image.ts) as the ELF writer sees it: runs in pfn order with free runs split into buddy
// blocks by the model's own classRuns (so the file and the model's makedumpfile prediction agree on every order).
import type { VmcoreImage } from '../image.js';
import { classRuns } from '../runs.js';
import type { ElfImageSource } from './source.js';
import { PAGE_SIZE, STRUCT_PAGE_SIZE } from './x86.js';

/** An image model as the ELF writer takes it: its loads and runs, `cpus` NT_PRSTATUS notes, optional hwpoison. */
export function elfSourceFromImage(img: VmcoreImage, o: { cpus: number; hwpoison?: boolean }): ElfImageSource {
  if (img.arch !== 'x86_64' || img.pageBytes !== PAGE_SIZE || img.memMap.structPageBytes !== STRUCT_PAGE_SIZE) {
    throw new RangeError(
      `an ELF vmcore is written for x86_64 images (4 KiB pages, 64-byte struct page); got ${img.arch} with ` +
        `${img.pageBytes}-byte pages and ${img.memMap.structPageBytes}-byte struct pages`,
    );
  }
  return {
    loads: img.loads,
    runs: () => classRuns(img),
    memMapPfn: img.memMap.startPfn,
    kernelDataPfn: img.kernelDataPfn,
    cpus: o.cpus,
    seed: img.seed,
    hwpoison: o.hwpoison ?? false,
    memoryModel: img.memoryModel,
  };
}
