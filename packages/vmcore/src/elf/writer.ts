// Writes an ElfImageSource as a sparse x86_64 ELF vmcore: header and notes, page contents for every non-zero
// page (zero pages stay holes), then the mem_map array and the kernel data block over their kernel pages.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import { type ClassCounts, emptyCounts } from '../classes.js';
import type { VmcoreImage } from '../image.js';
import { fillPageWords } from './content.js';
import { buildElfHeader, buildNotes, type LoadSegment } from './elf-header.js';
import { elfSourceFromImage } from './from-image.js';
import { fillKernelDataPage } from './kernel-data.js';
import { type KernelLayout, kernelLayout } from './kernel-layout.js';
import type { ElfImageSource, ElfPageClass } from './source.js';
import { STRUCT_PAGE_SIZE, writeStructPage } from './struct-page.js';
import { vmcoreinfoText } from './vmcoreinfo.js';
import { PAGE_SIZE } from './x86.js';

const CHUNK_PAGES = 256;

/** What {@link writeVmcore} wrote: the file, its segments, the kernel layout and the VMCOREINFO text. */
export interface WrittenVmcore {
  /** The file written. */
  path: string;
  /** The file's size, bytes (holes included: the file is sparse). */
  fileBytes: number;
  /** Bytes actually written (header + non-zero pages + mem_map + kernel data), i.e. not holes. */
  writtenBytes: number;
  /** The PT_LOAD segments written, in order. */
  segments: LoadSegment[];
  /** Where the kernel's page tables, utsname and mem_map are. */
  layout: KernelLayout;
  /** The VMCOREINFO note's text. */
  vmcoreinfo: string;
  /** Pages planted per class. */
  planted: ClassCounts;
  /** Kernel pages written all zero (unused mem_section roots): makedumpfile's -d 1 excludes them as zero pages. */
  zeroKernelPages: number;
}

/** Writes the image model `img` as an ELF vmcore at `path` (x86_64 images only). */
export function writeImageVmcore(
  img: VmcoreImage,
  path: string,
  o: { cpus: number; hwpoison?: boolean; pageData?: boolean },
): WrittenVmcore {
  return writeVmcore(elfSourceFromImage(img, o), path, { pageData: o.pageData });
}

class PageSink {
  written = 0;
  constructor(
    private fd: number,
    private segments: LoadSegment[],
  ) {}

  offsetOf(pfn: number): number {
    for (const s of this.segments)
      if (pfn >= s.startPfn && pfn < s.startPfn + s.pages) return s.offset + (pfn - s.startPfn) * PAGE_SIZE;
    throw new Error(`pfn ${pfn} is not in any PT_LOAD`);
  }

  /** Writes `pages` pages from `buf` at pfn `pfn` (the pages must lie in one segment). */
  write(pfn: number, buf: Uint8Array, pages: number): void {
    const bytes = pages * PAGE_SIZE;
    writeFully(this.fd, buf, bytes, this.offsetOf(pfn));
    this.written += bytes;
  }
}

/** writeSync may write less than asked (a full disk, a file size limit): loop, and fail rather than leave a gap. */
function writeFully(fd: number, buf: Uint8Array, bytes: number, position: number): void {
  for (let off = 0; off < bytes; ) {
    const n = writeSync(fd, buf, off, bytes - off, position + off);
    if (n <= 0) throw Object.assign(new Error(`short write at offset ${position + off}`), { code: 'EIO' });
    off += n;
  }
}

function checkKernel(src: ElfImageSource, from: number, pages: number, what: string): void {
  for (const r of src.runs()) {
    const end = r.startPfn + r.pages;
    if (end <= from || r.startPfn >= from + pages) continue;
    if (r.cls !== 'kernel') throw new Error(`${what} (pfn ${from}+${pages}) overlaps ${r.cls} pages at ${r.startPfn}`);
  }
}

/**
 * `pageData: false` leaves every page's contents a hole (struct pages and kernel data are still written): a sparse
 * file whose calls under makedumpfile are the same in kdump format, for benchmarks of huge images.
 */
export function writeVmcore(src: ElfImageSource, path: string, o: { pageData?: boolean } = {}): WrittenVmcore {
  const layout = kernelLayout(src);
  checkKernel(src, layout.memMapPfn, layout.memMapPages, 'mem_map');
  checkKernel(src, layout.kernelDataPfn, layout.pages, 'kernel data');
  const info = vmcoreinfoText(layout, { hwpoison: src.hwpoison });
  const header = buildElfHeader(src.loads, buildNotes(src.cpus, info));
  const fd = openSync(path, 'w');
  try {
    ftruncateSync(fd, header.fileBytes);
    writeFully(fd, header.bytes, header.bytes.length, 0);
    const sink = new PageSink(fd, header.segments);
    const planted = writePages(src, sink, o.pageData ?? true);
    writeMemMap(src, layout, sink);
    const zeroKernelPages = writeKernelData(layout, sink);
    return {
      path,
      fileBytes: header.fileBytes,
      writtenBytes: sink.written + header.bytes.length,
      segments: header.segments,
      layout,
      vmcoreinfo: info,
      planted,
      zeroKernelPages,
    };
  } finally {
    closeSync(fd);
  }
}

function writePages(src: ElfImageSource, sink: PageSink, data: boolean): ClassCounts {
  const buf = new Uint8Array(CHUNK_PAGES * PAGE_SIZE);
  const words = new Uint32Array(buf.buffer);
  const planted = emptyCounts();
  for (const r of src.runs()) {
    planted[r.cls] += r.pages;
    if (r.cls === 'zero' || !data) continue;
    for (let at = 0; at < r.pages; at += CHUNK_PAGES) {
      const n = Math.min(CHUNK_PAGES, r.pages - at);
      for (let i = 0; i < n; i++) fillPageWords(words, (i * PAGE_SIZE) / 4, r.startPfn + at + i, src.seed);
      sink.write(r.startPfn + at, buf, n);
    }
  }
  return planted;
}

/** The struct pages of pfn 0 .. maxPfn-1 (holes included), streamed in pfn order into the mem_map pages. */
function writeMemMap(src: ElfImageSource, l: KernelLayout, sink: PageSink): void {
  const perPage = PAGE_SIZE / STRUCT_PAGE_SIZE;
  const buf = new Uint8Array(CHUNK_PAGES * PAGE_SIZE);
  const view = new DataView(buf.buffer);
  let filled = 0; // struct pages in buf
  let outPfn = l.memMapPfn;
  const flush = () => {
    if (filled === 0) return;
    const pages = Math.ceil(filled / perPage);
    buf.fill(0, filled * STRUCT_PAGE_SIZE, pages * PAGE_SIZE);
    sink.write(outPfn, buf, pages);
    outPfn += pages;
    filled = 0;
  };
  const put = (pfn: number, cls: ElfPageClass | 'hole', head: boolean, order: number) => {
    writeStructPage(view, filled * STRUCT_PAGE_SIZE, pfn, cls, head, order);
    if (++filled === CHUNK_PAGES * perPage) flush();
  };
  let next = 0;
  for (const r of src.runs()) {
    for (; next < r.startPfn; next++) put(next, 'hole', false, 0);
    const block = r.cls === 'free' ? 2 ** r.order : 1;
    for (let i = 0; i < r.pages; i++) put(r.startPfn + i, r.cls, i % block === 0, r.order);
    next = r.startPfn + r.pages;
  }
  flush();
}

/** Writes the kernel data block; returns how many of its pages are all zero. */
function writeKernelData(l: KernelLayout, sink: PageSink): number {
  const page = new Uint8Array(PAGE_SIZE);
  let zero = 0;
  for (let i = 0; i < l.pages; i++) {
    page.fill(0);
    fillKernelDataPage(l, i, page);
    if (page.every((b) => b === 0)) zero++;
    sink.write(l.kernelDataPfn + i, page, 1); // zeros too: NULL roots over the kernel image's contents
  }
  return zero;
}
