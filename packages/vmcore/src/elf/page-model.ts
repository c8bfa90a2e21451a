// What any single page of a written vmcore must hold, computed page by page from the source (the writer streams
// instead): used to check the file byte for byte and by tools that want one page without reading the file.
import { pageBytes } from './content.js';
import { fillKernelDataPage } from './kernel-data.js';
import type { KernelLayout } from './kernel-layout.js';
import type { ElfImageSource, ElfPageClass } from './source.js';
import { writeStructPage } from './struct-page.js';
import { PAGE_SIZE, STRUCT_PAGE_SIZE } from './x86.js';

/** Class of `pfn` (or 'hole') and, for free pages, whether it heads a buddy block and the block order. */
export function classAt(
  src: ElfImageSource,
  pfn: number,
): { cls: ElfPageClass | 'hole'; head: boolean; order: number } {
  for (const r of src.runs()) {
    if (pfn < r.startPfn) break;
    if (pfn < r.startPfn + r.pages) {
      const head = r.cls === 'free' && (pfn - r.startPfn) % 2 ** r.order === 0;
      return { cls: r.cls, head, order: r.order };
    }
  }
  return { cls: 'hole', head: false, order: 0 };
}

export function expectedPage(src: ElfImageSource, l: KernelLayout, pfn: number): Uint8Array {
  const page = new Uint8Array(PAGE_SIZE);
  if (pfn >= l.kernelDataPfn && pfn < l.kernelDataPfn + l.pages) {
    fillKernelDataPage(l, pfn - l.kernelDataPfn, page);
    return page;
  }
  const memMapUsed = Math.ceil((l.maxPfn * STRUCT_PAGE_SIZE) / PAGE_SIZE);
  if (pfn >= l.memMapPfn && pfn < l.memMapPfn + memMapUsed) {
    const view = new DataView(page.buffer);
    const per = PAGE_SIZE / STRUCT_PAGE_SIZE;
    const first = (pfn - l.memMapPfn) * per;
    for (let i = 0; i < per && first + i < l.maxPfn; i++) {
      const c = classAt(src, first + i);
      writeStructPage(view, i * STRUCT_PAGE_SIZE, first + i, c.cls, c.head, c.order);
    }
    return page;
  }
  return classAt(src, pfn).cls === 'zero' ? page : pageBytes(pfn, src.seed);
}
