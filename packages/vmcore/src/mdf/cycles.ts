// Cyclic mode (sources-vmcore.md §5): the bitmap buffer's size decides how many cycles a pass has and, in 1.7.2,
// whether cyclic mode is on at all.
import type { MdfOptions } from './simulate.js';
import type { DumpSpec } from './types.js';

/** The cap calculate_cyclic_buffer_size puts on the default buffer (sources-vmcore.md §5). */
const DEFAULT_CAP_BYTES = 4 * 2 ** 20;
const BITPERBYTE = 8;

/** The cyclic passes of one run (sources-vmcore.md §5). */
export interface Cycles {
  /** Cyclic mode is on (1.7.2 turns it off when both bitmaps fit the default buffer). */
  cyclic: boolean;
  /** Pfns per pass: the bitmap buffer's bytes × 8. */
  pfnCyclic: number;
  /** Pfns the passes cover: max_mapnr as get_mem_map lowered it. */
  end: number;
  /** Each pass's pfn range [start, end), in order. */
  ranges: [number, number][];
}

/** The passes a run makes: the buffer sized as the version does (or --cyclic-buffer), split over max_mapnr. */
export function cyclesOf(
  spec: DumpSpec,
  o: Pick<MdfOptions, 'version' | 'cyclicBufferBytes' | 'memFreeBytes'>,
): Cycles {
  const maxMapnr = spec.maxMapnr;
  const memFree = o.memFreeBytes ?? Number.POSITIVE_INFINITY;
  let buf: number;
  let cyclic = true;
  if (o.cyclicBufferBytes !== undefined) {
    // --cyclic-buffer N (KiB), truncated to MemFree; in 1.7.2 it keeps cyclic mode on.
    buf = Math.min(o.cyclicBufferBytes, memFree);
  } else if (o.version === '1.7.2') {
    // 1.5.9+: room for two bitmaps; if it holds them whole, cyclic mode is turned off.
    buf = Math.min(Math.floor(0.6 * memFree), DEFAULT_CAP_BYTES, Math.floor((2 * maxMapnr) / BITPERBYTE));
    if (buf * BITPERBYTE >= 2 * maxMapnr) cyclic = false;
  } else {
    buf = Math.min(Math.floor(0.6 * memFree), DEFAULT_CAP_BYTES, Math.floor(maxMapnr / BITPERBYTE));
  }
  const pfnCyclic = Math.max(1, buf * BITPERBYTE);
  // get_mem_map lowers max_mapnr to the highest pfn with a mem_map, after the buffer was sized.
  const mm = spec.kernel.vmcoreinfo ? spec.kernel.memMap : [];
  const end = mm.length
    ? Math.min(
        maxMapnr,
        mm.reduce((m, r) => Math.max(m, r.endPfn), 0),
      )
    : maxMapnr;
  const ranges: [number, number][] = [];
  if (!cyclic) ranges.push([0, end]);
  else for (let a = 0; a < end; a += pfnCyclic) ranges.push([a, Math.min(end, a + pfnCyclic)]);
  return { cyclic, pfnCyclic, end, ranges };
}
