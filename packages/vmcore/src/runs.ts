// Walking an image's runs in pfn order without per-page objects: runs fill every PT_LOAD exactly, so a run's
// start is the previous run's end, or the next load's start when a load ends.
import { PAGE_CLASSES, type PageClass } from './classes.js';
import { INDEX_STRIDE, type VmcoreImage } from './image.js';
import { IMAGE } from './params.js';

/** A run clipped to the range asked for; `runStart`/`runPages` give the whole run. */
export type RunVisitor = (startPfn: number, pages: number, code: number, runStart: number, runPages: number) => void;

/** Every class wanted: forEachRun is the filtered walk with no filter. */
const ALL_CLASSES = new Uint8Array(PAGE_CLASSES.length).fill(1);

/** Calls `fn` for each run (clipped to [fromPfn, toPfn)) in pfn order. */
export function forEachRun(img: VmcoreImage, fn: RunVisitor, fromPfn = 0, toPfn = Number.POSITIVE_INFINITY): void {
  walkRuns(img, ALL_CLASSES, undefined, fn, fromPfn, toPfn);
}

/**
 * forEachRun for a pass that wants some classes only (`want[code]` 1): the others are not visited, their pages
 * (clipped) are added to `skipped[code]`. One loop, no callback per skipped run: at 16 TiB, -d 31 wants one run
 * in ten of 28 M.
 */
export function forEachRunOf(
  img: VmcoreImage,
  want: Uint8Array,
  skipped: Float64Array,
  fn: (startPfn: number, pages: number, code: number) => void,
  fromPfn = 0,
  toPfn = Number.POSITIVE_INFINITY,
): void {
  walkRuns(img, want, skipped, fn, fromPfn, toPfn);
}

/** The one loop over runs: visits the wanted classes, adds the clipped pages of the others to `skipped`. */
function walkRuns(
  img: VmcoreImage,
  want: Uint8Array,
  skipped: Float64Array | undefined,
  fn: RunVisitor,
  fromPfn: number,
  toPfn: number,
): void {
  const { runPages, runClass, loads, runCount } = img;
  let i = 0;
  let pfn = loads.length ? loads[0].startPfn : 0;
  if (fromPfn > pfn && runCount > 0) {
    // Start at the last indexed run at or before fromPfn.
    let lo = 0;
    let hi = img.runIndex.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (img.runIndex[mid] <= fromPfn) lo = mid;
      else hi = mid - 1;
    }
    i = lo * INDEX_STRIDE;
    pfn = img.runIndex[lo];
  }
  let li = loadIndexOf(img, pfn);
  let loadEnd = li < loads.length ? loads[li].startPfn + loads[li].pages : 0;
  for (; i < runCount; i++) {
    if (pfn >= loadEnd) {
      li++;
      pfn = loads[li].startPfn;
      loadEnd = pfn + loads[li].pages;
    }
    const n = runPages[i];
    const end = pfn + n;
    if (pfn >= toPfn) return;
    if (end > fromPfn) {
      const code = runClass[i];
      const a = Math.max(pfn, fromPfn);
      const b = Math.min(end, toPfn);
      if (want[code] === 1) fn(a, b - a, code, pfn, n);
      else if (skipped !== undefined) skipped[code] += b - a;
    }
    pfn = end;
  }
}

function loadIndexOf(img: VmcoreImage, pfn: number): number {
  const { loads } = img;
  for (let i = 0; i < loads.length; i++) if (pfn < loads[i].startPfn + loads[i].pages) return i;
  return loads.length;
}

/** Class of one pfn, or undefined in a hole. */
export function classAt(img: VmcoreImage, pfn: number): PageClass | undefined {
  let out: PageClass | undefined;
  forEachRun(
    img,
    (_s, _n, code) => {
      out = PAGE_CLASSES[code];
    },
    pfn,
    pfn + 1,
  );
  return out;
}

/** The buddy blocks of a free run: maximal aligned power-of-two blocks, as the buddy allocator coalesces them. */
export function forEachBuddyBlock(
  startPfn: number,
  pages: number,
  fn: (pfn: number, order: number) => void,
  maxOrder: number = IMAGE.maxOrder,
): void {
  let pfn = startPfn;
  const end = startPfn + pages;
  while (pfn < end) {
    let order = 0;
    while (order < maxOrder && pfn % 2 ** (order + 1) === 0 && pfn + 2 ** (order + 1) <= end) order++;
    fn(pfn, order);
    pfn += 2 ** order;
  }
}

/** A run of pages of one class (one buddy order for free pages), as {@link classRuns} yields it. */
export interface ClassRun {
  /** First frame of the run. */
  startPfn: number;
  /** Frames in the run. */
  pages: number;
  /** The pages' class. */
  cls: PageClass;
  /** For free runs: every block of this run is a buddy block of 2^order pages (0 for other classes). */
  order: number;
}

/** Runs in pfn order with free runs split into pieces of equal buddy order (one object per piece: small images). */
export function* classRuns(img: VmcoreImage): Generator<ClassRun> {
  const out: ClassRun[] = [];
  forEachRun(img, (s, n, code) => {
    const cls = PAGE_CLASSES[code];
    if (cls !== 'free') {
      out.push({ startPfn: s, pages: n, cls, order: 0 });
      return;
    }
    forEachBuddyBlock(s, n, (pfn, order) => {
      const prev = out[out.length - 1];
      if (prev && prev.cls === 'free' && prev.order === order && prev.startPfn + prev.pages === pfn) {
        prev.pages += 2 ** order;
      } else out.push({ startPfn: pfn, pages: 2 ** order, cls, order });
    });
  });
  yield* out;
}
