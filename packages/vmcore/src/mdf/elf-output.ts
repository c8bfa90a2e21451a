// ELF output (-E), sources-vmcore.md §4 and §6 and observed 1.7.2: passes over each PT_LOAD's cycles
// (get_loads_dumpfile_cyclic, then write_elf_pages_cyclic), ELF header and program headers re-read from the
// vmcore, and the page data of each output segment read with one lseek and then read() page by page — outside
// readmem, its cache and mmap. An output segment runs from a kept page to the last kept page before a run of
// PFN_EXCLUDED (256) excluded pages; the excluded pages inside it are read too.
import { CLASS_CODE, PAGE_CLASSES } from '../classes.js';
import { cyclesOf } from './cycles.js';
import type { DumpFile } from './file.js';
import type { Readmem } from './readmem.js';
import type { MdfOptions, MdfResult } from './simulate.js';
import { walksMemMap } from './simulate.js';
import { type DumpSpec, forEachClassRun } from './types.js';
import { excludedByWalk } from './walk.js';

/** PFN_EXCLUDED in makedumpfile.h: a gap of this many excluded pages ends an output segment. */
export const PFN_EXCLUDED = 256;

export function elfOutput(
  spec: DumpSpec,
  o: MdfOptions,
  file: DumpFile,
  _rm: Readmem,
  walk: (a: number, b: number) => void,
  res: MdfResult,
): void {
  const level = o.dumpLevel;
  const zeroBit = (level & 1) !== 0;
  const v172 = o.version === '1.7.2';
  const walked = walksMemMap(spec, level);
  const buddy = spec.kernel.buddyHandler;
  const cyc = cyclesOf(spec, o);
  const kept = (code: number) => !(walked && excludedByWalk(level, code, buddy));
  /** exclude_zero_pages_cyclic / read_pfn: every kept page of [a, b) through readmem. */
  const zeroScan = (a: number, b: number) => {
    if (!zeroBit) return;
    forEachClassRun(
      spec.classes,
      (s, n, code) => {
        if (!kept(code)) return;
        file.pageRun(s, s + n);
        res.dataReads += n;
        res.zeroChecked += n;
      },
      a,
      b,
    );
  };
  /** create_2nd_bitmap of one cycle: the walk, then (1.7.2) the zero scan. */
  const bitmap = (a: number, b: number, zero: boolean) => {
    walk(a, b);
    if (zero) zeroScan(a, b);
  };
  /** The cycles of one PT_LOAD: 1.7.2 from round(pfn_start, 8) clipped to the load; 1.5.x whole cycles. */
  const loadCycles = (ps: number, pe: number): [number, number][] => {
    const out: [number, number][] = [];
    const step = cyc.pfnCyclic;
    if (v172) {
      if (!cyc.cyclic) return [[ps, pe]];
      for (let c = Math.floor(ps / 8) * 8; c < pe; c += step) out.push([Math.max(c, ps), Math.min(pe, c + step)]);
    } else {
      for (let c = Math.floor(ps / step) * step; c < pe; c += step) out.push([c, Math.min(cyc.end, c + step)]);
    }
    return out;
  };
  const phdr = (i: number) => file.rawRead(64 + 56 * i, 56);

  // The first bitmap over every cycle (create_dump_bitmap / the first get_num_dumpable pass).
  if (cyc.cyclic || v172) for (const [a, b] of cyc.ranges) bitmap(a, b, v172);
  // get_loads_dumpfile_cyclic: the ELF header, each phdr, and per PT_LOAD-cycle a bitmap (cyclic) — 1.5.x
  // zero-checks with read_pfn here.
  file.rawRead(0, 64);
  const perLoad = (zero: boolean) => {
    for (let i = 0; i < spec.phnum; i++) {
      phdr(i);
      const li = loadIndexOfPhdr(spec, i);
      if (li < 0 || !cyc.cyclic) continue;
      const l = spec.loads[li];
      for (const [a, b] of loadCycles(l.startPfn, l.startPfn + l.pages)) bitmap(a, b, zero);
    }
  };
  perLoad(true);
  // get_elf64_ehdr, get_phnum_memory (+ phdrs up to PT_NOTE), then the whole PT_NOTE.
  file.rawRead(0, 64);
  file.rawRead(0, 64);
  for (let i = 0; i <= notePhdr(spec); i++) phdr(i);
  file.rawRead(spec.noteOffset, spec.noteBytes);
  // write_elf_pages_cyclic: the ELF header, each phdr, per PT_LOAD-cycle a bitmap, then each output segment.
  file.rawRead(0, 64);
  for (let i = 0; i < spec.phnum; i++) {
    phdr(i);
    const li = loadIndexOfPhdr(spec, i);
    if (li < 0) continue;
    const l = spec.loads[li];
    if (cyc.cyclic) for (const [a, b] of loadCycles(l.startPfn, l.startPfn + l.pages)) bitmap(a, b, true);
    segments(spec, l.startPfn, l.startPfn + l.pages, level, kept, (from, pages, dumped) => {
      file.plainRead(from, pages);
      res.dataReads += pages;
      res.dumpedPages += dumped;
      res.elfSegments++;
      res.elfPages += pages;
    });
  }
  // Excluded pages per class, once per pfn.
  forEachClassRun(spec.classes, (_s, n, code) => {
    if (!kept(code)) res.excluded[PAGE_CLASSES[code]] += n;
    else if (zeroBit && code === CLASS_CODE.zero) res.excluded.zero += n;
  });
}

/** Output segments of one PT_LOAD: [first kept, last kept] split at ≥ PFN_EXCLUDED excluded pages. */
function segments(
  spec: DumpSpec,
  ps: number,
  pe: number,
  level: number,
  kept: (code: number) => boolean,
  emit: (from: number, pages: number, dumped: number) => void,
): void {
  const zeroBit = (level & 1) !== 0;
  let segStart = -1;
  let lastKept = -1;
  let dumped = 0;
  let first = true;
  const close = () => {
    if (segStart >= 0) emit(segStart, lastKept + 1 - segStart, dumped);
    first = false;
    segStart = -1;
    dumped = 0;
  };
  forEachClassRun(
    spec.classes,
    (s, n, code) => {
      const isKept = kept(code) && !(zeroBit && code === CLASS_CODE.zero);
      if (!isKept) return;
      if (segStart >= 0 && s - (lastKept + 1) >= PFN_EXCLUDED) close();
      // The first segment starts at the PT_LOAD's start unless PFN_EXCLUDED pages precede the first kept page
      // (observed 1.7.2: filesz grows from p_paddr, and only a long gap starts a new segment).
      if (segStart < 0) segStart = first && s - ps < PFN_EXCLUDED ? ps : s;
      lastKept = s + n - 1;
      dumped += n;
    },
    ps,
    pe,
  );
  close();
}

function notePhdr(spec: DumpSpec): number {
  return spec.phdrTypes.indexOf(4);
}

function loadIndexOfPhdr(spec: DumpSpec, i: number): number {
  if (spec.phdrTypes[i] !== 1) return -1;
  let k = 0;
  for (let j = 0; j < i; j++) if (spec.phdrTypes[j] === 1) k++;
  return k;
}
