// What the ELF writer needs from an image: PT_LOAD ranges, page-class runs in pfn order and where the kernel keeps
// its mem_map and page tables. An adapter (fromImage.ts) builds this from the vmcore image model.

import type { PageClass } from '../classes.js';

/** A page class as the ELF writer stores it in struct page (same names as {@link PageClass}). */
export type ElfPageClass = PageClass;

/** A run of pages of one class. For `free`, the run is a sequence of buddy blocks of 2^order pages each. */
export interface ElfRun {
  /** First frame of the run. */
  startPfn: number;
  /** Frames in the run. */
  pages: number;
  /** The pages' class. */
  cls: ElfPageClass;
  /** Buddy order of each free block (2^order pages); 0 for other classes. */
  order: number;
}

/** What the ELF writer needs of a crashed machine's memory (built from an image by elfSourceFromImage). */
export interface ElfImageSource {
  /** RAM ranges (one PT_LOAD each), ascending and disjoint. */
  loads: readonly { startPfn: number; pages: number }[];
  /** Runs covering every pfn of every load exactly once, in pfn order. */
  runs(): Iterable<ElfRun>;
  /** First pfn of the mem_map array (struct page of pfn 0 .. maxPfn-1): kernel pages, 2 MiB aligned. */
  memMapPfn: number;
  /** First pfn of the kernel data block (page tables, init_uts_ns, the mem_map pointer): kernel pages. */
  kernelDataPfn: number;
  /** CPUs: one NT_PRSTATUS note each. */
  cpus: number;
  /** Seeds the page contents. */
  seed: number;
  /** VMCOREINFO carries NUMBER(PG_hwpoison) (CONFIG_MEMORY_FAILURE): makedumpfile then walks mem_map at -d 0. */
  hwpoison?: boolean;
  /** flat (SYMBOL(mem_map)) or sparse (SPARSEMEM_EXTREME: SYMBOL(mem_section), as x86_64 kernels are). */
  memoryModel?: 'flat' | 'sparse';
}

/** One past the highest pfn of RAM: the length of the mem_map array (flat memory model). */
export function maxPfnOf(src: Pick<ElfImageSource, 'loads'>): number {
  const last = src.loads[src.loads.length - 1];
  return last ? last.startPfn + last.pages : 0;
}
