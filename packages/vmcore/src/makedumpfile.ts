// The makedumpfile model as the rest of kmemsim uses it: a DumpSpec (from the image model, or from a real vmcore
// file) run through mdf/simulate.ts — every call on /proc/vmcore, call by call from each version's source — plus
// the process's own calls (libraries, /proc, the VMCOREINFO temp file) and the output writes, as perf stat counts
// them for the whole process.
import type { ClassCounts } from './classes.js';
import type { VmcoreImage } from './image.js';
import type { VmcoreKernel } from './kernel-era.js';
import { type SpecOptions, specFromImage } from './mdf/from-image.js';
import { type MdfOptions, simulate } from './mdf/simulate.js';
import { type DumpSpec, MDF_VERSIONS, type MdfVersion } from './mdf/types.js';
import { MAKEDUMPFILE } from './params.js';

/** Versions modelled; '1.7' is accepted for 1.7.2 (the name used before the per-version rework). */
export const MAKEDUMPFILE_VERSIONS = [...MDF_VERSIONS, '1.7'] as const;
/** A makedumpfile version name `--makedumpfile` accepts (1.5.7 … 1.7.2, and '1.7' for 1.7.2). */
export type MakedumpfileVersion = (typeof MAKEDUMPFILE_VERSIONS)[number];
/** How /proc/vmcore is read: mmap windows (every version's default) or read() (`--non-mmap`). */
export type AccessMode = 'mmap' | 'read';
/** Output format: kdump-compressed (default) or ELF (`-E`). */
export type OutputFormat = 'kdump' | 'elf';

/** The modelled version a name stands for ('1.7' → '1.7.2'; the others as they are). */
export function resolveVersion(v: MakedumpfileVersion): MdfVersion {
  return v === '1.7' ? '1.7.2' : v;
}

/** The process's own calls outside /proc/vmcore and the output (perf stat counts them too). */
export interface ProcessCalls {
  /** mmap calls (the dynamic loader, malloc arenas). */
  mmap: number;
  /** munmap calls. */
  munmap: number;
  /** read calls (/proc files, the VMCOREINFO temp file, libraries). */
  read: number;
}

/** How makedumpfile is run over a dump: version, access mode, dump level and output format. */
export interface DumpOptions {
  /** The makedumpfile version whose code paths are followed. */
  version: MakedumpfileVersion;
  /** mmap (default of every version) or read (--non-mmap). */
  access: AccessMode;
  /** `-d`: the exclusion bit mask, 0..31 (1 zero, 2 cache, 4 cache private, 8 user, 16 free). */
  dumpLevel: number;
  /** kdump-compressed (default) or ELF (`-E`). */
  format?: OutputFormat;
  /** --cyclic-buffer in bytes. Default: sized from MemFree as the version does. */
  cyclicBufferBytes?: number;
  /** MemFree of the capture kernel (sizes the default cyclic buffer). Default: plenty. */
  memFreeBytes?: number;
  /** VMCOREINFO carries NUMBER(PG_hwpoison): mem_map is walked even at -d 0. */
  hwpoison?: boolean;
  /** CPUs of the crashed machine (their notes are read at start-up). Default 1. */
  crashCpus?: number;
  /** 1.5.7: initialize_mmap with commit f822608 (default true; stock 1.5.7 cannot mmap on s390). */
  fixedInitMmap157?: boolean;
  /** The capture kernel's /proc/vmcore by era (kernel-era.ts; default DEFAULT_KERNEL): mmap support (3.11+). */
  kernel?: VmcoreKernel;
  /** The process's own calls (an experiment may set them); default MAKEDUMPFILE.process*. */
  process?: Partial<ProcessCalls>;
  /** Page by page, no shortcuts (the reference of the tests; small images only). */
  callByCall?: boolean;
}

/** System calls of the whole makedumpfile process, as `perf stat -e 'syscalls:sys_enter_*'` counts them. */
export interface SyscallCounts {
  /** mmap calls: the vmcore windows and the process's own. */
  mmap: number;
  /** munmap calls entered (1.5.7's munmap(MAP_FAILED, 0) included). */
  munmap: number;
  /** read calls: on the vmcore (--non-mmap, headers, notes) and the process's own. */
  read: number;
  /** lseek calls on the vmcore. */
  lseek: number;
  /** write calls to the output file (header, bitmaps, page descriptors, page data in write-buffer pieces). */
  write: number;
}

/** Calls on /proc/vmcore only, as `strace -y` attributes them to the file. */
export interface VmcoreCalls {
  /** mmap calls on the vmcore (each a window, or a failed first try where the kernel cannot mmap it). */
  mmap: number;
  /** munmap calls of a live window. */
  munmap: number;
  /** read calls on the vmcore (ELF headers, notes, and pages with --non-mmap or -E). */
  read: number;
  /** lseek calls on the vmcore. */
  lseek: number;
  /** Pages mapped by all mmap calls together. */
  mmapPages: number;
  /** Pages unmapped by all munmap calls together. */
  munmapPages: number;
  /** munmaps of a live window by size in pages. */
  munmapSizes: Record<number, number>;
  /** Every munmap call, with 1.5.7's munmap(MAP_FAILED, 0) that unmap nothing. */
  munmapCalls: number;
}

/** What one makedumpfile run does, counted: calls on the vmcore and in total, the walk, pages dumped and excluded. */
export interface DumpCounts {
  /** Calls on the vmcore file only (what strace -y attributes to it). */
  vmcore: VmcoreCalls;
  /** The whole process, as perf stat counts: vmcore + output + the process's own. */
  syscalls: SyscallCounts;
  /** Cyclic passes over the pfn range (1 when cyclic mode is off). */
  cycles: number;
  /** Cyclic mode was on (the bitmaps did not fit the buffer whole, or --cyclic-buffer was given). */
  cyclic: boolean;
  /** Passes of the mem_map walk (__exclude_unnecessary_pages calls; 0 when nothing needs struct pages). */
  memMapWalks: number;
  /** readmem calls: mem_map chunks read by the walk plus page-data reads. */
  readmemCalls: number;
  /** Pages delivered to makedumpfile (each a copy from a window, a cache page or a read()). */
  copiedPages: number;
  /** Pages whose address readmem translated (a virtual or physical address to a file offset). */
  translations: number;
  /** struct pages the mem_map walk read. */
  structPages: number;
  /** Pages read to test whether they are all zeroes (dump level bit 1). */
  zeroChecked: number;
  /** Pages written to the dump. */
  dumpedPages: number;
  /** Pages excluded, by page class. */
  excluded: ClassCounts;
  /** Bytes of the output file (headers, bitmaps, page descriptors, page data; uncompressed). */
  outputBytes: number;
  /** PT_LOAD segments written (ELF output). */
  elfSegments: number;
  /** Every call on the vmcore in order, when asked for (tests); null otherwise. */
  trace: string[] | null;
}

export function specOptionsOf(o: Pick<DumpOptions, 'crashCpus' | 'hwpoison' | 'kernel'>): SpecOptions {
  return { crashCpus: o.crashCpus ?? 1, hwpoison: o.hwpoison, pageAlignedSegments: o.kernel?.mmap ?? true };
}

/** Runs the model over an image; pure counting (no engine), deterministic. */
export function simulateMakedumpfile(img: VmcoreImage, o: DumpOptions & { trace?: boolean }): DumpCounts {
  return simulateSpec(specFromImage(img, specOptionsOf(o)), o);
}

/** Runs the model over any DumpSpec (an image model's or a real vmcore file's). */
export function simulateSpec(spec: DumpSpec, o: DumpOptions & { trace?: boolean }): DumpCounts {
  const version = resolveVersion(o.version);
  const format = o.format ?? 'kdump';
  const mo: MdfOptions = {
    version,
    access: o.access,
    dumpLevel: o.dumpLevel,
    format,
    cyclicBufferBytes: o.cyclicBufferBytes,
    memFreeBytes: o.memFreeBytes,
    fixedInitMmap157: o.fixedInitMmap157,
    vmcoreMmap: o.kernel?.mmap ?? true,
    trace: o.trace,
    callByCall: o.callByCall,
  };
  const r = simulate(spec, mo);
  const M = MAKEDUMPFILE;
  const page = spec.pageBytes;
  const buf = M.writeBufferBytes;
  const dumpedBytes = r.dumpedPages * page;
  let writes: number;
  let outputBytes: number;
  if (format === 'kdump') {
    const bitmapBytes = Math.ceil(spec.maxMapnr / 8);
    const descBytes = r.dumpedPages * M.pageDescBytes;
    // Each bitmap is written once per cycle; page data leave in buffers of 64 KiB less one page, each flush
    // preceded by the page_descs gathered since (observed 1.7.2, params.ts).
    const pagesPerWrite = Math.max(1, Math.floor(buf / page) - 1);
    writes = M.kdumpHeaderWrites + 2 * r.cycles + 2 * Math.ceil(r.dumpedPages / pagesPerWrite);
    outputBytes = 2 * page + 2 * bitmapBytes + descBytes + dumpedBytes;
  } else {
    // -E writes every page of its segments (short excluded runs too) through one 64 KiB buffer.
    const segmentBytes = r.elfPages * page;
    writes = M.elfHeaderWrites + Math.ceil(segmentBytes / buf);
    outputBytes = page + segmentBytes;
  }
  const own: ProcessCalls = {
    mmap: o.process?.mmap ?? M.processMmaps,
    munmap: o.process?.munmap ?? M.processMunmaps,
    read: o.process?.read ?? M.processReads,
  };
  const v = r.vmcore;
  return {
    vmcore: {
      mmap: v.mmap,
      munmap: v.munmap,
      read: v.read,
      lseek: v.lseek,
      mmapPages: v.mmapPages,
      munmapPages: v.munmapPages,
      munmapSizes: v.munmapSizes,
      munmapCalls: v.munmapCalls,
    },
    syscalls: {
      mmap: v.mmap + own.mmap,
      // perf stat counts every munmap entered, including 1.5.7's munmap(MAP_FAILED, 0).
      munmap: v.munmapCalls + own.munmap,
      read: v.read + own.read,
      lseek: v.lseek,
      write: writes,
    },
    cycles: r.cycles,
    cyclic: r.cyclic,
    memMapWalks: r.walk.walks,
    readmemCalls: r.walk.chunks + r.dataReads,
    copiedPages: r.pieces,
    translations: r.translations,
    structPages: r.walk.structPages,
    zeroChecked: r.zeroChecked,
    dumpedPages: r.dumpedPages,
    excluded: r.excluded,
    outputBytes,
    elfSegments: r.elfSegments,
    trace: r.trace,
  };
}

/** Calls on the vmcore file only, as `strace -y` attributes them (the interop tests compare these). */
export function predictVmcoreSyscalls(
  img: VmcoreImage,
  o: DumpOptions,
): { mmap: number; munmap: number; read: number; lseek: number } {
  const c = simulateMakedumpfile(img, o).vmcore;
  return { mmap: c.mmap, munmap: c.munmap, read: c.read, lseek: c.lseek };
}
