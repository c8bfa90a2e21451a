// What any single page of a written vmcore must hold, computed page by page from the source (the writer streams
// instead): used to check the file byte for byte and by tools that want one page without reading the file.
import { pageBytes } from './content.js';
import { fillKernelDataPage } from './kernel-data.js';
import type { KernelLayout } from './kernel-layout.js';
import type { ElfImageSource, ElfPageClass, ElfRun } from './source.js';
import { writeStructPage } from './struct-page.js';
import { PAGE_SIZE, STRUCT_PAGE_SIZE } from './x86.js';

export interface PageClassInfo {
  cls: ElfPageClass | 'hole';
  /** Free pages: whether the page heads its buddy block, and the block's order. */
  head: boolean;
  order: number;
}

export type ClassLookup = (pfn: number) => PageClassInfo;

/** A lookup of any pfn's class by binary search over the source's runs (materialised once). */
export function classLookup(src: ElfImageSource): ClassLookup {
  const runs: ElfRun[] = [...src.runs()];
  return (pfn) => {
    let lo = 0;
    let hi = runs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = runs[mid];
      if (pfn < r.startPfn) hi = mid - 1;
      else if (pfn >= r.startPfn + r.pages) lo = mid + 1;
      else return { cls: r.cls, head: r.cls === 'free' && (pfn - r.startPfn) % 2 ** r.order === 0, order: r.order };
    }
    return { cls: 'hole', head: false, order: 0 };
  };
}

/** Class of one pfn (builds a lookup: for many pfns, keep one from classLookup). */
export function classAt(src: ElfImageSource, pfn: number): PageClassInfo {
  return classLookup(src)(pfn);
}

/**
 * The 4 KiB a written vmcore holds for `pfn`: kernel data (page tables, init_uts_ns), struct pages of the mem_map,
 * zeroes for a zero page, or the seeded content of any other page. Pass a `lookup` when asking for many pfns.
 */
export function expectedPage(src: ElfImageSource, l: KernelLayout, pfn: number, lookup?: ClassLookup): Uint8Array {
  const classOf = lookup ?? classLookup(src);
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
      const c = classOf(first + i);
      writeStructPage(view, i * STRUCT_PAGE_SIZE, first + i, c.cls, c.head, c.order);
    }
    return page;
  }
  return classOf(pfn).cls === 'zero' ? page : pageBytes(pfn, src.seed);
}
