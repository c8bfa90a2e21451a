// Small hand-made image sources for the ELF tests: a low 640 KiB range and one main range, classes in blocks.
import type { ElfImageSource, ElfPageClass, ElfRun } from './source.js';

export interface TinySpec {
  /** Pages of the main range after the kernel block (multiple of 1024). */
  pages: number;
  /** Class of each 1024-page block after the kernel block (free blocks are order-10 buddies). */
  blocks: ElfPageClass[];
  seed: number;
}

/** pfn 1..159 kernel; main range from pfn 256: 1792 kernel pages (data block at 256, mem_map at 1024), blocks. */
export function tinySource(spec: Omit<TinySpec, 'pages'>): ElfImageSource {
  const runs: ElfRun[] = [
    { startPfn: 1, pages: 159, cls: 'kernel', order: 0 },
    { startPfn: 256, pages: 1792, cls: 'kernel', order: 0 },
  ];
  spec.blocks.forEach((cls, i) => {
    const startPfn = 2048 + i * 1024;
    const prev = runs[runs.length - 1];
    if (prev.cls === cls && cls !== 'free') prev.pages += 1024;
    else runs.push({ startPfn, pages: 1024, cls, order: cls === 'free' ? 10 : 0 });
  });
  return {
    loads: [
      { startPfn: 1, pages: 159 },
      { startPfn: 256, pages: 1792 + spec.blocks.length * 1024 },
    ],
    runs: () => runs,
    memMapPfn: 1024,
    kernelDataPfn: 256,
    cpus: 2,
    seed: spec.seed,
  };
}
