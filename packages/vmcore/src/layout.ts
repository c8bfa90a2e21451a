// Physical layout of the crashed machine as /proc/vmcore's ELF header shows it: PT_LOAD ranges (RAM) and the holes
// between them, per arch, plus where the kernel image and the mem_map sit. The arch is injected: packages never
// import an arch plugin, so layouts are keyed by the profile's name with a flat fallback for plugin arches.
import { LAYOUTS } from './params.js';

/** A range of physical frames [startPfn, startPfn + pages). */
export interface PfnRange {
  /** First frame. */
  startPfn: number;
  /** Frames in the range. */
  pages: number;
}

/** What the vmcore model needs of an arch profile (an `ArchProfile` has it). */
export interface ArchLike {
  /** The arch's name; keys the physical layout (LAYOUTS; a flat one for plugin arches). */
  name: string;
  /** Page size, bytes. */
  pageBytes: number;
  /** sizeof(struct page), bytes. */
  structPageBytes: number;
}

/** A machine's physical layout: RAM as PT_LOAD ranges, the holes, where the kernel and the mem_map go. */
export interface Layout {
  /** The PT_LOAD ranges, ascending. */
  loads: PfnRange[];
  /** The holes between them. */
  holes: PfnRange[];
  /** One past the highest pfn of RAM: the mem_map covers pfn 0 .. maxPfn-1 (flat model). */
  maxPfn: number;
  /** Where the kernel image starts (the kernel data block with page tables sits at its start). */
  kernelImagePfn: number;
  /** Alignment of the mem_map's first pfn, in pages (x86_64: 2 MiB vmemmap mappings). */
  memMapAlignPages: number;
}

/** The PT_LOAD ranges of a machine with `memBytes` of RAM. */
export function layoutFor(arch: ArchLike, memBytes: number, extraLoadBytes?: number): Layout {
  const L = LAYOUTS[arch.name] ?? LAYOUTS.generic;
  const extra = extraLoadBytes ?? L.extraLoadBytes;
  const page = arch.pageBytes;
  let left = Math.floor(memBytes / page);
  if (left < 1) throw new RangeError(`memory of ${memBytes} bytes holds no ${page}-byte page`);
  const loads: PfnRange[] = [];
  // RAM fills the arch's usable windows in order (x86: 4 KiB..636 KiB, 1 MiB..3 GiB, then above 4 GiB).
  for (const [fromBytes, toBytes] of L.ramWindowsBytes) {
    if (left === 0) break;
    const start = Math.ceil(fromBytes / page);
    const end = toBytes === Number.POSITIVE_INFINITY ? Number.POSITIVE_INFINITY : Math.floor(toBytes / page);
    const pages = Math.min(left, end - start);
    if (pages <= 0) continue;
    loads.push({ startPfn: start, pages });
    left -= pages;
  }
  if (extra > 0) {
    // A PT_LOAD beyond RAM (an experiment's setup: see experiments/seed001.ts).
    const last = loads[loads.length - 1];
    loads.push({ startPfn: last.startPfn + last.pages, pages: Math.floor(extra / page) });
  }
  const merged: PfnRange[] = [];
  for (const r of loads) {
    const prev = merged[merged.length - 1];
    if (prev && prev.startPfn + prev.pages === r.startPfn) prev.pages += r.pages;
    else merged.push({ ...r });
  }
  const holes: PfnRange[] = [];
  let at = 0;
  for (const r of merged) {
    if (r.startPfn > at) holes.push({ startPfn: at, pages: r.startPfn - at });
    at = r.startPfn + r.pages;
  }
  const kernelPfn = Math.floor(L.kernelImageAtBytes / page);
  const inLoad = merged.find((r) => kernelPfn >= r.startPfn && kernelPfn < r.startPfn + r.pages);
  const biggest = merged.reduce((a, b) => (b.pages > a.pages ? b : a));
  return {
    loads: merged,
    holes,
    maxPfn: at,
    kernelImagePfn: inLoad ? kernelPfn : biggest.startPfn,
    memMapAlignPages: Math.max(1, Math.floor(L.memMapAlignBytes / page)),
  };
}

/** Pages of the mem_map (struct page of every pfn below maxPfn), rounded up to its alignment. */
export function memMapPages(arch: ArchLike, maxPfn: number, alignPages: number): number {
  const pages = Math.ceil((maxPfn * arch.structPageBytes) / arch.pageBytes);
  return Math.ceil(pages / alignPages) * alignPages;
}
