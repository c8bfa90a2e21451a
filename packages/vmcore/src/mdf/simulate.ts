// makedumpfile on a vmcore, call by call (sources-vmcore.md, read from 1.5.7 / 1.5.8 / 1.7.2): start-up reads,
// initial()'s kernel reads before initialize_mmap, the count pass and the write loop per cycle, each mem_map
// walk and each page read through readmem()'s cache. Counts every read/lseek/mmap/munmap on the vmcore file.
import { CLASS_CODE, type ClassCounts, checkDumpLevel, emptyCounts, PAGE_CLASSES } from '../classes.js';
import { cyclesOf } from './cycles.js';
import { elfOutput } from './elf-output.js';
import { DumpFile, type FileCalls } from './file.js';
import { Readmem } from './readmem.js';
import { walkCycleReference } from './reference.js';
import { type DumpSpec, forEachClassRun, type MdfVersion } from './types.js';
import { excludedByWalk, type WalkCounts, walkCycle } from './walk.js';

/** Options of {@link simulate}: the version's code paths, access mode, dump level, format and cyclic buffer. */
export interface MdfOptions {
  /** The makedumpfile version whose code paths are followed. */
  version: MdfVersion;
  /** mmap (the default of every version) or read (--non-mmap). */
  access: 'mmap' | 'read';
  /** `-d`: the exclusion bit mask, 0..31. */
  dumpLevel: number;
  /** kdump-compressed (default) or ELF (-E). */
  format?: 'kdump' | 'elf';
  /** --cyclic-buffer, in bytes (the option takes KiB). */
  cyclicBufferBytes?: number;
  /** MemFree of the capture kernel (/proc/meminfo), which sizes the default cyclic buffer. Default: plenty. */
  memFreeBytes?: number;
  /** 1.5.7 only: initialize_mmap with commit f822608 (PT_LOAD[0]'s file offset); stock 1.5.7 passes phys_start. */
  fixedInitMmap157?: boolean;
  /** /proc/vmcore can be mmap()ed (kernel 3.11+, the default); otherwise the first mmap fails and read() is used. */
  vmcoreMmap?: boolean;
  /** Record the call trace (tests). */
  trace?: boolean;
  /** Page by page and pfn by pfn, no shortcuts: the reference the fast path is tested against (small images). */
  callByCall?: boolean;
}

/** What {@link simulate} counts: the calls on /proc/vmcore, the cycles, the walk and the pages' fates. */
export interface MdfResult {
  /** Calls on /proc/vmcore. */
  vmcore: FileCalls;
  /** Every call on the vmcore in order (with `trace`); null otherwise. */
  trace: string[] | null;
  /** Cyclic mode was on. */
  cyclic: boolean;
  /** Cyclic passes over the pfn range (1 when cyclic mode is off). */
  cycles: number;
  /** Pfns one cyclic pass covers (info->pfn_cyclic: the bitmap buffer's bytes × 8). */
  pfnCyclic: number;
  /** The mem_map walk: passes, struct pages read, readmem chunks. */
  walk: WalkCounts;
  /** readmem page pieces delivered (each a copy from a window or a cache page) and translations done. */
  pieces: number;
  /** Pages whose address readmem translated to a file offset. */
  translations: number;
  /** Pages read for the dump's data and zero checks (through readmem or, -E, plain read()). */
  dataReads: number;
  /** Pages read to test for all zeroes (dump level bit 1). */
  zeroChecked: number;
  /** Pages written to the dump. */
  dumpedPages: number;
  /** Pages excluded, by page class. */
  excluded: ClassCounts;
  /** PT_LOAD segments written (ELF output; 0 for kdump-compressed). */
  elfSegments: number;
  /** Pages those segments hold: kept pages and the excluded runs too short to split a segment. */
  elfPages: number;
}

/** Does this run walk the mem_map (sources-vmcore.md §4, "When it runs")? */
export function walksMemMap(spec: DumpSpec, level: number): boolean {
  const k = spec.kernel;
  if (!k.vmcoreinfo) return false;
  return (level & (2 | 4 | 8)) !== 0 || k.hwpoison || ((level & 16) !== 0 && k.buddyHandler);
}

/**
 * Runs makedumpfile's model over a dump: every call it makes on /proc/vmcore (reading headers and notes, the
 * mem_map walk, the page data), per the version's source (sources-vmcore.md), in cyclic passes. Pure counting,
 * deterministic; throws RangeError for a dump level the dump cannot serve (bits ≥ 2 without VMCOREINFO).
 */
export function simulate(spec: DumpSpec, o: MdfOptions): MdfResult {
  checkDumpLevel(o.dumpLevel);
  const level = o.dumpLevel;
  if (level >= 2 && !spec.kernel.vmcoreinfo) {
    throw new RangeError(`dump level ${level} needs VMCOREINFO (kernel data), which this vmcore lacks`);
  }
  const file = new DumpFile(o.version, spec.loads, spec.pageBytes, o.callByCall);
  if (o.trace) file.trace = [];
  const rm = new Readmem(file, spec.kernel, o.version, spec.pageBytes, o.callByCall);
  const walkOne = o.callByCall ? walkCycleReference : walkCycle;
  startup(spec, file);
  // initial(): the kernel reads before mmap is set up (check_release, get_mem_map, …), then initialize_mmap.
  if (spec.kernel.vmcoreinfo) for (const [v, n] of spec.kernel.startupReads(o.version)) rm.vaddr(v, n);
  if (o.access === 'mmap') file.initializeMmap(o.fixedInitMmap157 ?? true, o.vmcoreMmap ?? true);

  const cyc = cyclesOf(spec, o);
  const walk: WalkCounts = { walks: 0, structPages: 0, chunks: 0 };
  const res: MdfResult = {
    vmcore: file.c,
    trace: file.trace,
    cyclic: cyc.cyclic,
    cycles: cyc.ranges.length,
    pfnCyclic: cyc.pfnCyclic,
    walk,
    pieces: 0,
    translations: 0,
    dataReads: 0,
    zeroChecked: 0,
    dumpedPages: 0,
    excluded: emptyCounts(),
    elfSegments: 0,
    elfPages: 0,
  };
  const needWalk = walksMemMap(spec, level);
  const doWalk = (a: number, b: number) => {
    if (needWalk) walkOne(spec, rm, o.version, level, a, b, walk);
  };
  if ((o.format ?? 'kdump') === 'elf') {
    elfOutput(spec, o, file, rm, doWalk, res);
  } else {
    // Count pass (get_num_dumpable_cyclic / 1.7.2 create_2nd_bitmap per cycle); non-cyclic 1.7.2 builds the
    // bitmap once in a file instead.
    if (cyc.cyclic) for (const [a, b] of cyc.ranges) doWalk(a, b);
    else doWalk(0, cyc.end);
    // write_kdump_header: the whole PT_NOTE with one lseek + read().
    file.rawRead(spec.noteOffset, spec.noteBytes);
    // The write loop: per cycle the walk again (cyclic only), then every page left in bitmap2, in pfn order.
    for (const [a, b] of cyc.ranges) {
      if (cyc.cyclic) doWalk(a, b);
      writePages(spec, file, level, needWalk, a, b, res);
    }
  }
  res.pieces = rm.pieces + res.dataReads;
  res.translations = rm.translations;
  return res;
}

/** get_elf_info and friends: the ELF header, program headers and notes with lseek + read() (§1). */
function startup(spec: DumpSpec, file: DumpFile): void {
  file.rawRead(0, 464); // check_kdump_compressed: sizeof(struct disk_dump_header), on a second fd
  file.rawRead(0, 4096); // read_sadump_header: the header
  file.rawRead(0, 4096); // … the media header
  file.rawRead(4096, 4096); // … the partition header
  file.rawRead(0, 64); // check_elf_format: Elf64_Ehdr
  file.rawRead(0, 52); // … Elf32_Ehdr
  for (let pass = 0; pass < 2; pass++) {
    // check_elf_format counts PT_LOADs, then get_elf_info reads every phdr again (get_phdr_memory).
    for (let i = 0; i < spec.phnum; i++) file.rawRead(64 + 56 * i, 56);
  }
  let at = spec.noteOffset;
  let info: { off: number; bytes: number } | null = null;
  for (const n of spec.notes) {
    // get_pt_note_info: the Nhdr, then the name into a 15-byte buffer ("VMCOREINFO_XEN") if it fits.
    file.rawRead(at, 12);
    if (n.namesz > 0 && n.namesz <= 15) file.rawRead(at + 12, 15, false);
    const desc = at + 12 + pad4(n.namesz);
    if (n.name === 'VMCOREINFO') info = { off: desc, bytes: n.descsz };
    at = desc + pad4(n.descsz);
  }
  if (info) file.rawRead(info.off, info.bytes); // copy_vmcoreinfo
}

const pad4 = (n: number) => (n + 3) & ~3;

/** write_kdump_pages_cyclic: one readmem(PADDR) per page set in bitmap2, ascending (§6). */
function writePages(
  spec: DumpSpec,
  file: DumpFile,
  level: number,
  walked: boolean,
  a: number,
  b: number,
  res: MdfResult,
): void {
  const zeroBit = (level & 1) !== 0;
  const buddy = spec.kernel.buddyHandler;
  const out = PAGE_CLASSES.map((_, code) => walked && excludedByWalk(level, code, buddy));
  const excluded = new Float64Array(PAGE_CLASSES.length);
  let read = 0;
  let zero = 0;
  const visit = (s: number, n: number, code: number) => {
    if (out[code]) {
      excluded[code] += n;
      return;
    }
    file.pageRun(s, s + n);
    read += n;
    if (code === CLASS_CODE.zero) zero += n;
  };
  const cs = spec.classes;
  if (cs.forEachClassRunOf)
    cs.forEachClassRunOf(
      Uint8Array.from(out, (x) => (x ? 0 : 1)),
      excluded,
      visit,
      a,
      b,
    );
  else forEachClassRun(cs, visit, a, b);
  for (const [code, cls] of PAGE_CLASSES.entries()) res.excluded[cls] += excluded[code];
  res.dataReads += read;
  if (zeroBit) {
    res.zeroChecked += read;
    res.excluded.zero += zero;
    res.dumpedPages += read - zero;
  } else res.dumpedPages += read;
}
