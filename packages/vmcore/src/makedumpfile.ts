// A makedumpfile model: which pages of /proc/vmcore it touches, in which order, and through which system calls.
// kdump-compressed output: headers, kernel analysis (VMCOREINFO symbols through readmem), mem_map walks in chunks
// of 512 struct pages (each page of them after a page-table walk), then every page kept in the bitmap is read,
// zero-checked if bit 1 is set, and written. 1.5.7 runs cyclic with a counting pass (get_num_dumpable_cyclic)
// before the writing cycles; 1.7 keeps the whole bitmap (non-cyclic) when --cyclic-buffer allows it.
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
import { MAKEDUMPFILE } from './params.js';
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
  const analysis = needMemMap || o.version === '1.7';
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

  file.fileReads(M.headerReads);
  if (analysis) {
    file.access(kd, M.kernelDataPages, kdEnd);
    out.readmemCalls += M.kernelDataPages;
    out.copiedPages += M.kernelDataPages;
  }

  const mm = img.memMap;
  const mmEnd = loadEndOf(mm.startPfn);
  const chunk = M.memMapChunkStructs;
  const walk = (a: number, b: number) => {
    // Struct pages of pfns [a, b) in chunks of 512; the chunk reads cover whole pages of the mem_map.
    const first = Math.floor(a / chunk);
    const last = Math.ceil(b / chunk);
    const p0 = mm.startPfn + Math.floor((first * chunk * mm.structPageBytes) / page);
    const p1 = mm.startPfn + Math.ceil((Math.min(last * chunk, mm.structs) * mm.structPageBytes) / page);
    file.accessTranslated(p0, p1 - p0, mmEnd, kd, M.translationPages, kdEnd);
    out.readmemCalls += last - first;
    out.translations += p1 - p0;
    out.copiedPages += p1 - p0;
    out.structPages += Math.min(last * chunk, mm.structs) - first * chunk;
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
  const cyclic = o.version === '1.5.7' || cycles.length > 1;
  if (format === 'elf' && zeroBit) {
    // ELF program headers need the final segments first: a pass finds the zero pages (exclude_zero_pages) [U].
    if (needMemMap) for (const [a, b] of cycles) walk(a, b);
    for (const [a, b] of cycles) data(a, b, false);
  } else if (needMemMap && cyclic && format === 'kdump') {
    for (const [a, b] of cycles) walk(a, b); // get_num_dumpable_cyclic
  }
  for (const [i, [a, b]] of cycles.entries()) {
    if (needMemMap && (cyclic || i === 0)) walk(a, b);
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

/** The prediction part B's interop test compares with strace: calls on the vmcore file only. */
export function predictVmcoreSyscalls(
  img: VmcoreImage,
  o: Omit<DumpOptions, 'onDumped'>,
): { mmap: number; munmap: number; read: number; lseek: number } {
  const c = simulateMakedumpfile(img, o).vmcore;
  return { mmap: c.mmap, munmap: c.munmap, read: c.read, lseek: c.lseek };
}
