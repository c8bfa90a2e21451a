// The mem_map walk of one cycle, as __exclude_unnecessary_pages does it (sources-vmcore.md §4), in terms of what
// it reads: for each mem_map_data region, each pfn of the cycle that lies in a PT_LOAD (is_in_segs) and is not
// skipped needs its struct page in the cached range; a miss reads PGMM_CACHED − index % PGMM_CACHED struct pages
// (capped at the region's end) with readmem(VADDR). An excluded block (a free buddy block with bit 16 and a
// page_is_buddy handler; an excluded compound head in 1.7.2) is cleared whole and the loop jumps past it, so
// its tail's struct pages are not read. The range cache is reset for every region (and every call).
import { CLASS_CODE, excludes } from '../classes.js';
import type { Readmem } from './readmem.js';
import type { DumpSpec, MdfVersion } from './types.js';

/** PGMM_CACHED in makedumpfile.h: 512 struct pages per mem_map read. */
export const PGMM_CACHED = 512;

export interface WalkCounts {
  walks: number;
  structPages: number;
  chunks: number;
}

/** Does this level exclude pages of class `code` by looking at their struct page? */
export function excludedByWalk(level: number, code: number, buddyHandler: boolean): boolean {
  if (code === CLASS_CODE.zero || code === CLASS_CODE.kernel) return false; // zero: found by reading the page
  if (code === CLASS_CODE.free) return (level & 16) !== 0 && buddyHandler;
  return excludes(level, code);
}

export function walkCycle(
  spec: DumpSpec,
  rm: Readmem,
  version: MdfVersion,
  level: number,
  cs: number,
  ce: number,
  wc: WalkCounts,
): void {
  const k = spec.kernel;
  const sz = k.structPageBytes;
  wc.walks++;
  for (const r of k.memMap) {
    const a = Math.max(r.startPfn, cs);
    const b = Math.min(r.endPfn, ce);
    if (a >= b) continue;
    let cachedEnd = -1; // struct pages [.., cachedEnd) are in the range cache
    let pendFrom = -1; // coalesced read of struct pages [pendFrom, pendTo)
    let pendTo = -1;
    const flush = () => {
      if (pendFrom < 0) return;
      rm.memMap(r.vaddr, (pendFrom - r.startPfn) * sz, (pendTo - pendFrom) * sz);
      pendFrom = -1;
    };
    /** Struct pages of pfns [x, y) examined one by one. */
    const need = (x: number, y: number) => {
      wc.structPages += y - x;
      while (x < y) {
        if (x < cachedEnd) {
          x = cachedEnd;
          continue;
        }
        const idx = x - r.startPfn;
        const mm = Math.min(PGMM_CACHED - (idx % PGMM_CACHED), r.endPfn - x);
        wc.chunks++;
        // Consecutive chunk reads are one readmem range: re-reading the page a chunk boundary splits repeats
        // the same cache hits (no change), so joining them is exact.
        if (pendFrom >= 0 && pendTo === x) pendTo = x + mm;
        else {
          flush();
          pendFrom = x;
          pendTo = x + mm;
        }
        cachedEnd = x + mm;
        x = cachedEnd;
      }
    };
    let skipTo = -1; // a block excluded whole: its tail is not examined
    spec.classes.forEachRun(
      (s, n, code, order) => {
        let x = Math.max(s, skipTo);
        const end = s + n;
        if (x >= end) return;
        const block = order > 0 ? 2 ** order : 1;
        const blockSkip =
          block > 1 && excludedByWalk(level, code, k.buddyHandler) && (code === CLASS_CODE.free || version === '1.7.2');
        if (!blockSkip) {
          need(x, end);
          return;
        }
        // Buddy blocks and compound pages are naturally aligned; the walk examines each head and jumps past.
        const off = x % block;
        if (off !== 0) x += block - off; // inside a block whose head was examined (an earlier cycle)
        for (; x < end; x += block) need(x, x + 1);
        skipTo = x;
      },
      a,
      b,
    );
    flush();
  }
}
