// The mem_map walk of one cycle, as __exclude_unnecessary_pages does it (sources-vmcore.md §4), in terms of what
// it reads: for each mem_map_data region, each pfn of the cycle that lies in a PT_LOAD (is_in_segs) and is not
// skipped needs its struct page in the cached range; a miss reads PGMM_CACHED − index % PGMM_CACHED struct pages
// (capped at the region's end) with readmem(VADDR). An excluded block (a free buddy block with bit 16 and a
// page_is_buddy handler; an excluded compound head in 1.7.2) is cleared whole and the loop jumps past it, so
// its tail's struct pages are not read. The range cache is reset for every region (and every call).
//
// Scale: the walk is done per stretch, not per pfn. A stretch of examined pfns reads its PGMM_CACHED groups as one
// readmem range; the heads of a stretch of blocks larger than a group read one chunk each, as a strided series
// (Readmem.memMapStrided). reference.ts walks pfn by pfn; the tests hold the two equal.
import { CLASS_CODE, excludes } from '../classes.js';
import { forEachBlockPiece } from './buddy.js';
import type { Readmem } from './readmem.js';
import type { ClassSource, DumpSpec, MdfVersion } from './types.js';

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

/** Is a block of this class and order > 0 excluded whole, its tail skipped (§4 "Block skip")? */
export function skipsBlock(level: number, code: number, version: MdfVersion, buddyHandler: boolean): boolean {
  return excludedByWalk(level, code, buddyHandler) && (code === CLASS_CODE.free || version === '1.7.2');
}

/** The range cache of one region and the pending (coalesced) readmem range. */
class Chunks {
  private cachedEnd = -1; // struct pages [.., cachedEnd) are in the range cache
  private pendFrom = -1; // coalesced read of struct pages [pendFrom, pendTo)
  private pendTo = -1;

  constructor(
    private readonly rm: Readmem,
    private readonly r: { startPfn: number; endPfn: number; vaddr: bigint },
    private readonly sz: number,
    private readonly wc: WalkCounts,
  ) {}

  private group(x: number): number {
    return Math.floor((x - this.r.startPfn) / PGMM_CACHED);
  }

  /** End of the chunk a miss at x reads: PGMM_CACHED − index % PGMM_CACHED struct pages, capped at the region. */
  private chunkEnd(x: number): number {
    const idx = x - this.r.startPfn;
    return Math.min(x + PGMM_CACHED - (idx % PGMM_CACHED), this.r.endPfn);
  }

  flush(): void {
    if (this.pendFrom < 0) return;
    const { r, sz } = this;
    this.rm.memMap(r.vaddr, (this.pendFrom - r.startPfn) * sz, (this.pendTo - this.pendFrom) * sz);
    this.pendFrom = -1;
  }

  // Consecutive chunk reads are one readmem range: re-reading the page a chunk boundary splits repeats the same
  // cache hits (no change), so joining them is exact.
  private read(x: number, to: number, chunks: number): void {
    this.wc.chunks += chunks;
    if (this.pendFrom >= 0 && this.pendTo === x) this.pendTo = to;
    else {
      this.flush();
      this.pendFrom = x;
      this.pendTo = to;
    }
    this.cachedEnd = to;
  }

  /** Every pfn of [x, y) needs its struct page (`examined` of them are examined: block heads may be fewer). */
  examine(x0: number, y: number, examined: number): void {
    this.wc.structPages += examined;
    const x = Math.max(x0, this.cachedEnd);
    if (x >= y) return;
    // A miss at x reads to its group's end; each later group starts with a miss at its first pfn.
    this.read(x, this.chunkEnd(y - 1), this.group(y - 1) - this.group(x) + 1);
  }

  /** Block heads h0, h0 + B, … (count of them), B a multiple of PGMM_CACHED: one chunk per head. */
  heads(h0: number, B: number, count: number): void {
    this.wc.structPages += count;
    let i = 0;
    while (i < count && h0 + i * B < this.cachedEnd) i++;
    if (i >= count) return;
    const first = h0 + i * B;
    this.read(first, this.chunkEnd(first), 1);
    if (count - i === 1) return;
    const middle = count - i - 2;
    if (middle > 0) {
      const { r, sz } = this;
      const h1 = first + B;
      this.flush();
      this.rm.memMapStrided(r.vaddr, (h1 - r.startPfn) * sz, (this.chunkEnd(h1) - h1) * sz, B * sz, middle);
      this.wc.chunks += middle;
    }
    const last = h0 + (count - 1) * B;
    this.read(last, this.chunkEnd(last), 1);
  }
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
  wc.walks++;
  for (const r of k.memMap) {
    const a = Math.max(r.startPfn, cs);
    const b = Math.min(r.endPfn, ce);
    if (a >= b) continue;
    const ch = new Chunks(rm, r, k.structPageBytes, wc);
    const groupAligned = r.startPfn % PGMM_CACHED === 0;
    const fr = spec.classes.freeRuns;
    if (groupAligned && fr) {
      walkByFreeRuns(spec, ch, fr, a, b, (level & 16) !== 0 && k.buddyHandler);
      ch.flush();
      continue;
    }
    let skipTo = -1; // a block excluded whole: its tail is not examined
    spec.classes.forEachRun(
      (s, n, code, order) => {
        let x = Math.max(s, skipTo);
        const end = s + n;
        if (x >= end) return;
        if (order === 0 || !skipsBlock(level, code, version, k.buddyHandler)) {
          ch.examine(x, end, end - x);
          return;
        }
        // Buddy blocks and compound pages are naturally aligned; the walk examines each head and jumps past.
        const B = 2 ** order;
        const off = x % B;
        if (off !== 0) x += B - off; // inside a block whose head was examined (an earlier cycle)
        if (x >= end) {
          skipTo = x;
          return;
        }
        const count = Math.ceil((end - x) / B);
        const last = x + (count - 1) * B;
        skipTo = last + B;
        if (groupAligned && B <= PGMM_CACHED) {
          // Every group the heads span starts with a head: the same chunks as examining [x, last] whole.
          ch.examine(x, last + 1, count);
        } else if (groupAligned) {
          ch.heads(x, B, count);
        } else {
          for (let h = x; h <= last; h += B) ch.examine(h, h + 1, 1);
        }
      },
      a,
      b,
    );
    ch.flush();
  }
}

const rangesOf = new WeakMap<DumpSpec, [number, number][]>();

/** PT_LOAD ranges sorted and merged (the pfns is_in_segs accepts). */
function loadRanges(spec: DumpSpec): [number, number][] {
  const known = rangesOf.get(spec);
  if (known) return known;
  const rs = spec.loads.map((l): [number, number] => [l.startPfn, l.startPfn + l.pages]).sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [s, e] of rs) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  rangesOf.set(spec, out);
  return out;
}

/**
 * The walk of [a, b) when only free runs have orders (the image model): every pfn between free runs is examined,
 * and a free run's blocks are its maximal aligned ones. Without bit 16 every pfn is examined.
 */
function walkByFreeRuns(
  spec: DumpSpec,
  ch: Chunks,
  fr: NonNullable<ClassSource['freeRuns']>,
  a: number,
  b: number,
  skipFree: boolean,
): void {
  for (const [ls, le] of loadRanges(spec)) {
    const la = Math.max(ls, a);
    const lb = Math.min(le, b);
    if (la >= lb) continue;
    if (!skipFree) {
      ch.examine(la, lb, lb - la);
      continue;
    }
    let x = la;
    let accFrom = -1;
    let accLast = -1;
    let accN = 0;
    const flushAcc = () => {
      if (accN > 0) ch.examine(accFrom, accLast + 1, accN);
      accN = 0;
    };
    // Heads of blocks up to a group apart: the same chunks as examining from the first head to the last.
    const piece = (p: number, size: number, count: number) => {
      const i0 = p >= la ? 0 : Math.ceil((la - p) / size); // a head before la: its tail is skipped
      const i1 = Math.min(count, Math.ceil((lb - p) / size));
      if (i0 >= i1) return;
      const h0 = p + i0 * size;
      const n = i1 - i0;
      if (size <= PGMM_CACHED) {
        if (accN === 0) accFrom = h0;
        accLast = h0 + (n - 1) * size;
        accN += n;
      } else {
        flushAcc();
        ch.heads(h0, size, n);
      }
    };
    const top = 2 ** fr.maxOrder;
    fr.forEach(
      (rs, re) => {
        const s = Math.max(rs, la);
        if (s > x) ch.examine(x, s, s - x);
        if (rs >= la && re <= lb && top <= 2 * PGMM_CACHED) wholeFreeRun(ch, rs, re, top);
        else {
          forEachBlockPiece(rs, re, fr.maxOrder, piece);
          flushAcc();
        }
        x = Math.min(re, lb);
      },
      la,
      lb,
    );
    if (lb > x) ch.examine(x, lb, lb - x);
  }
}

const popcount = (v: number) => {
  let c = 0;
  for (let x = v; x > 0; x &= x - 1) c++;
  return c;
};

/**
 * A free run inside the walk's range, blocks of at most 2 × PGMM_CACHED pages: the blocks below the top order
 * (binary digits of the distances to the most aligned point, buddy.ts's greedy split) examined as one stretch on
 * each side, the top-order blocks one chunk per head. Same chunks as block by block; no loop per block.
 */
function wholeFreeRun(ch: Chunks, rs: number, re: number, top: number): void {
  const m = Math.ceil(rs / top) * top;
  if (m + top <= re) {
    const count = Math.floor((re - m) / top);
    const e2 = m + count * top;
    if (m > rs) ch.examine(rs, m, popcount(m - rs));
    if (top <= PGMM_CACHED) ch.examine(m, e2, count);
    else ch.heads(m, top, count);
    if (re > e2) ch.examine(e2, re, popcount(re - e2));
    return;
  }
  // No top-order block: split at the most aligned point c of [rs, re], offsets within one top-aligned block.
  const base = m > re ? m - top : m;
  const lo = rs - base;
  const hi = re - base;
  const c = m <= re ? 0 : hi & ~(2 ** (31 - Math.clz32(lo ^ hi)) - 1);
  ch.examine(rs, re, m <= re ? popcount(m - rs) + popcount(re - m) : popcount(c - lo) + popcount(hi - c));
}
