// A makedumpfile model: which pages of /proc/vmcore it touches, in which order, and through which system calls.
// kdump-compressed output: headers, notes and the kernel's init page-table walk with read(); at -d ≥ 2 the
// mem_map in chunks of 512 struct pages (each page of them after a vmemmap page-table walk through the cache),
// once to count dumpable pages and once per writing cycle (--cyclic-buffer sizes the cycles); then every page kept
// in the bitmap is read once, zero-checked if bit 1 is set, and written. How the reads reach the file: access.ts.
// Observed 1.7.2 behaviour (elf/makedumpfile-1.7.2-observed.md) is reproduced call for call on x86_64 images.
// ELF output (-E) reads page data with read() even in mmap mode (observed 1.7.2).

import { type AccessKind, type FileCounts, VmcoreAccess } from './access.js';
import {
  CLASS_CODE,
  type ClassCounts,
  checkDumpLevel,
  emptyCounts,
  excludedByMemMap,
  PAGE_CLASSES,
} from './classes.js';
import type { VmcoreImage } from './image.js';
import { IMAGE, MAKEDUMPFILE } from './params.js';
import { forEachRun } from './runs.js';

export const MAKEDUMPFILE_VERSIONS = ['1.5.7', '1.7'] as const;
export type MakedumpfileVersion = (typeof MAKEDUMPFILE_VERSIONS)[number];
export type AccessMode = 'mmap' | 'read';
export type OutputFormat = 'kdump' | 'elf';

export interface DumpOptions {
  version: MakedumpfileVersion;
  /** mmap (default of both versions) or read (--non-mmap). */
  access: AccessMode;
  dumpLevel: number;
  format?: OutputFormat;
  /** --cyclic-buffer in bytes: one cycle covers bytes × 8 pfns. Default: the whole bitmap in one cycle. */
  cyclicBufferBytes?: number;
  /** VMCOREINFO carries NUMBER(PG_hwpoison): mem_map is walked even at -d 0 (observed 1.7.2). */
  hwpoison?: boolean;
  /** Called for every run of dumped pages, in the order they are written. */
  onDumped?: (pfn: number, pages: number) => void;
}

export interface SyscallCounts {
  mmap: number;
  munmap: number;
  read: number;
  lseek: number;
  write: number;
}

export interface DumpCounts {
  /** Calls on the vmcore file only (what strace -y attributes to it). */
  vmcore: FileCounts;
  /** The whole process, as perf stat counts: vmcore + output + the process's own (libraries, malloc, /proc). */
  syscalls: SyscallCounts;
  cycles: number;
  memMapWalks: number;
  readmemCalls: number;
  /** Pages readmem delivered to makedumpfile (each a copy from a window or a cache page). */
  copiedPages: number;
  translations: number;
  structPages: number;
  zeroChecked: number;
  dumpedPages: number;
  excluded: ClassCounts;
  outputBytes: number;
  /** PT_LOAD segments written (ELF output). */
  elfSegments: number;
}

function accessKind(o: DumpOptions, forData: boolean): AccessKind {
  if (o.access === 'read' || (forData && o.format === 'elf')) return 'read';
  return o.version === '1.5.7' ? 'window' : 'lru';
}

/** Runs the model over an image; pure counting (no engine), deterministic. */
export function simulateMakedumpfile(img: VmcoreImage, o: DumpOptions): DumpCounts {
  checkDumpLevel(o.dumpLevel);
  const M = MAKEDUMPFILE;
  const format = o.format ?? 'kdump';
  const page = img.pageBytes;
  const windowPages = Math.max(1, Math.floor(M.mapRegionBytes / page));
  const file = new VmcoreAccess(accessKind(o, false), M.cacheEntries, windowPages);
  // ELF output in mmap mode: page data through read(), mem_map and kernel data still through windows.
  const dataFile = accessKind(o, true) === file.kind ? file : new VmcoreAccess('read', M.cacheEntries, windowPages);
  const level = o.dumpLevel;
  const needMemMap = (level & ~1) !== 0 || o.hwpoison === true;
  const out: DumpCounts = {
    vmcore: file.c,
    syscalls: { mmap: 0, munmap: 0, read: 0, lseek: 0, write: 0 },
    cycles: 0,
    memMapWalks: 0,
    readmemCalls: 0,
    copiedPages: 0,
    translations: 0,
    structPages: 0,
    zeroChecked: 0,
    dumpedPages: 0,
    excluded: emptyCounts(),
    outputBytes: 0,
    elfSegments: 0,
  };
  const loadEndOf = (pfn: number): number => {
    for (const l of img.loads) if (pfn < l.startPfn + l.pages) return l.startPfn + l.pages;
    return pfn + 1;
  };
  const kd = img.kernelDataPfn;
  const kdEnd = loadEndOf(kd);
  // Headers, notes, the init page-table walk and the PT_NOTE: read() outside the cache in every mode.
  file.fileReads(M.fixedReads, M.fixedReads - M.fixedReadsWithoutLseek);

  if (needMemMap && file.kind === 'lru') {
    // Observed 1.7.2: filtering first maps the first PT_LOAD's first window outside the cache; it is never
    // used again nor unmapped (one more mapping than the cache holds at exit).
    const l0 = img.loads[0];
    file.c.mmap += M.filterProbeMaps17;
    file.c.mmapPages += M.filterProbeMaps17 * Math.min(windowPages, l0.pages);
  }

  const mm = img.memMap;
  const mmEnd = loadEndOf(mm.startPfn);
  const chunk = M.memMapChunkStructs;
  const skipped = needMemMap ? skippedChunks(img, chunk) : new Float64Array(0);
  const pin = kd + M.translationTableOffsetPages;
  const pagesOf = (c0: number, c1: number): [number, number] => [
    mm.startPfn + Math.floor((c0 * chunk * mm.structPageBytes) / page),
    mm.startPfn + Math.ceil((Math.min(c1 * chunk, mm.structs) * mm.structPageBytes) / page),
  ];
  const walk = (a: number, b: number) => {
    // Struct pages of pfns [a, b) in chunks of 512, skipping chunks wholly inside a free buddy block past its
    // head (the walk jumps pfn += 2^order); consecutive chunks' pages are read as one sequential range.
    const first = Math.floor(a / chunk);
    const last = Math.ceil(Math.min(b, mm.structs) / chunk);
    let k = lowerBound(skipped, first);
    let c = first;
    while (c < last) {
      const next = k < skipped.length && skipped[k] < last ? skipped[k] : last;
      if (next > c) {
        const [p0, p1] = pagesOf(c, next);
        file.accessTranslated(p0, p1 - p0, mmEnd, pin, M.translationPages, kdEnd);
        out.readmemCalls += next - c;
        out.translations += p1 - p0;
        out.copiedPages += p1 - p0;
        out.structPages += Math.min(next * chunk, mm.structs) - c * chunk;
      }
      c = next + 1;
      k++;
    }
    out.memMapWalks++;
  };

  const zeroBit = (level & 1) !== 0;
  const split = M.elfSplitExcludedPages;
  let segGap = Number.POSITIVE_INFINITY;
  let segLoadEnd = -1;
  const data = (a: number, b: number, write: boolean) => {
    let loadEnd = 0;
    forEachRun(
      img,
      (s, n, code) => {
        if (s >= loadEnd) loadEnd = loadEndOf(s);
        if (needMemMap && excludedByMemMap(level, code)) {
          if (write) {
            out.excluded[PAGE_CLASSES[code]] += n;
            segGap += n;
          }
          return;
        }
        dataFile.access(s, n, loadEnd);
        out.readmemCalls += n;
        out.copiedPages += n;
        if (zeroBit) out.zeroChecked += n;
        if (zeroBit && code === CLASS_CODE.zero) {
          if (write) {
            out.excluded.zero += n;
            segGap += n;
          }
          return;
        }
        if (!write) return;
        if (segGap >= split || loadEnd !== segLoadEnd) out.elfSegments++;
        segGap = 0;
        segLoadEnd = loadEnd;
        out.dumpedPages += n;
        o.onDumped?.(s, n);
      },
      a,
      b,
    );
  };

  const perCycle = o.cyclicBufferBytes === undefined ? Number.POSITIVE_INFINITY : o.cyclicBufferBytes * 8;
  const cycles: [number, number][] = [];
  for (let a = 0; a < img.maxPfn; a += perCycle) cycles.push([a, Math.min(img.maxPfn, a + perCycle)]);
  out.cycles = cycles.length;
  if (format === 'elf' && zeroBit) {
    // ELF program headers need the final segments first: a pass finds the zero pages (exclude_zero_pages) [U].
    if (needMemMap) for (const [a, b] of cycles) walk(a, b);
    for (const [a, b] of cycles) data(a, b, false);
  } else if (needMemMap && format === 'kdump') {
    // Both versions count dumpable pages in a pass of their own before writing (observed 1.7.2: two walks
    // even with one cycle).
    for (const [a, b] of cycles) walk(a, b);
  }
  for (const [a, b] of cycles) {
    if (needMemMap) walk(a, b);
    data(a, b, true);
  }

  const buf = M.writeBufferBytes;
  const dumpedBytes = out.dumpedPages * page;
  let writes: number;
  if (format === 'kdump') {
    const bitmapBytes = Math.ceil(img.maxPfn / 8);
    const descBytes = out.dumpedPages * M.pageDescBytes;
    writes = M.kdumpHeaderWrites + 2 * Math.ceil(bitmapBytes / buf) + Math.ceil(descBytes / buf);
    writes += Math.ceil(dumpedBytes / buf);
    out.outputBytes = 2 * page + 2 * bitmapBytes + descBytes + dumpedBytes;
  } else {
    writes = M.elfHeaderWrites + Math.ceil(dumpedBytes / buf);
    out.outputBytes = page + dumpedBytes;
  }
  const v157 = o.version === '1.5.7';
  const d = dataFile === file ? null : dataFile.c;
  const vm = file.c;
  if (d) {
    vm.read += d.read;
    vm.lseek += d.lseek;
  }
  out.syscalls = {
    mmap: vm.mmap + (v157 ? M.processMmaps157 : M.processMmaps17),
    munmap: vm.munmap + (v157 ? M.processMunmaps157 : M.processMunmaps17),
    read: vm.read + (v157 ? M.processReads157 : M.processReads17),
    lseek: vm.lseek,
    write: writes,
  };
  return out;
}

/** Chunk indices (sorted) whose struct pages all belong to buddy-block tails: never read by the walk. */
export function skippedChunks(img: VmcoreImage, chunk: number): Float64Array {
  const block = 2 ** IMAGE.maxOrder;
  if (block <= chunk) return new Float64Array(0);
  let out = new Float64Array(1024);
  let n = 0;
  forEachRun(img, (s, len, code) => {
    if (code !== CLASS_CODE.free) return;
    // The buddy decomposition of a free run holds every max-order-aligned block lying wholly inside it.
    for (let b = Math.ceil(s / block) * block; b + block <= s + len; b += block) {
      for (let c = (b + chunk) / chunk; c < (b + block) / chunk; c++) {
        if (n === out.length) {
          const g = new Float64Array(n * 2);
          g.set(out);
          out = g;
        }
        out[n++] = c;
      }
    }
  });
  return out.subarray(0, n);
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The prediction part B's interop test compares with strace: calls on the vmcore file only. */
export function predictVmcoreSyscalls(
  img: VmcoreImage,
  o: Omit<DumpOptions, 'onDumped'>,
): { mmap: number; munmap: number; read: number; lseek: number } {
  const c = simulateMakedumpfile(img, o).vmcore;
  return { mmap: c.mmap, munmap: c.munmap, read: c.read, lseek: c.lseek };
}
