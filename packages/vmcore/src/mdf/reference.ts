// The mem_map walk pfn by pfn, as __exclude_unnecessary_pages loops (sources-vmcore.md §4): for each pfn of the
// cycle in a PT_LOAD, unless a block excluded whole covers it, its struct page must be in the range cache; a miss
// reads PGMM_CACHED − index % PGMM_CACHED struct pages with one readmem(VADDR) through the kernel's own
// translation. No stretch shortcuts: this is the reference walk.ts is tested against (simulate's callByCall).
import type { Readmem } from './readmem.js';
import type { DumpSpec, MdfVersion } from './types.js';
import { PGMM_CACHED, skipsBlock, type WalkCounts } from './walk.js';

export function walkCycleReference(
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
    let cachedEnd = -1;
    let skipTo = -1;
    spec.classes.forEachRun(
      (s, n, code, order) => {
        const B = 2 ** order;
        const whole = order > 0 && skipsBlock(level, code, version, k.buddyHandler);
        for (let p = s; p < s + n; p++) {
          if (p < skipTo) continue;
          if (whole && p % B !== 0) {
            // The tail of a block whose head an earlier cycle excluded (cycle->exclude_pfn_end).
            skipTo = p - (p % B) + B;
            continue;
          }
          wc.structPages++;
          if (p >= cachedEnd) {
            const idx = p - r.startPfn;
            const mm = Math.min(PGMM_CACHED - (idx % PGMM_CACHED), r.endPfn - p);
            rm.vaddr(r.vaddr + BigInt(idx * sz), mm * sz);
            wc.chunks++;
            cachedEnd = p + mm;
          }
          if (whole) skipTo = p + B;
        }
      },
      a,
      b,
    );
  }
}
