// A mixed lay-down's steady areas without the free set (sampler-mixed-vmap.ts). A steady loop's vmalloc and
// vfree leave its area lazy until the next purge returns it: between two purges nothing but a later allocation's
// lowest fit can tell where it lay, and after the purge nothing at all. So each is placed virtually: its start is
// the lowest fit (find_vmap_lowest_match, 5.2) in the real free set minus the steady areas taken since the last
// purge, which always sit at the left end of a real free block (each allocation takes the lowest fit's left end).
// Only what outlives the purge is reserved for real: an area still busy when the purge runs (long_busy's 1-page
// area after its 100-page one went lazy) and, at the lay-down's end, every area not yet purged.

import { grow } from './typed-grow.js';
import type { VmapCore } from './vmap.js';

/** Blocks stepped through one by one before a fit asks the augmented tree for the next one long enough. */
const STEPS = 8;

/** Steady areas since the last purge: placed virtually, lazily freed or still busy. */
export class UnplacedAreas {
  /** Virtual areas still busy (a steady loop's, at most two): their handle, start and size. */
  private busyId = new Int32Array(4);
  private busyAt = new Float64Array(4);
  private busySize = new Int32Array(4);
  private nBusy = 0;
  /** Virtual areas freed lazily: their start and size. */
  private lazyAt = new Float64Array(1024);
  private lazySize = new Int32Array(1024);
  private nLazy = 0;
  /** Their pages (in vmap_lazy_nr, not in the lazy queue). */
  lazyPages = 0;
  /** Pages taken virtually from the left of the real free block starting at a key. */
  private readonly used = new Map<number, number>();
  /**
   * Per size: the real block the last fit of that size was in (free space only shrinks between purges, so no
   * later fit of that size lies below it), by start and by cursor, valid while `epoch` is unchanged.
   */
  private readonly sizes: number[] = [];
  private readonly keys: number[] = [];
  private readonly cursors: number[] = [];
  private readonly epochs: number[] = [];
  /** Bumped by every change to the real free set (a cursor into it may have moved). */
  private epoch = 0;
  /** The real block of the last fit. */
  private at = 0;
  /** Between a lay-down's begin and end. */
  active = false;

  constructor(private readonly v: VmapCore) {}

  /**
   * The lowest fit of `size` pages (alignment 1) in the free set as the kernel's would be: the real free blocks,
   * each less its virtually taken left end. −1: none (the caller settles and takes the real path).
   */
  fit(size: number): number {
    const f = this.v.space.free;
    let w = this.sizes.indexOf(size);
    if (w < 0) {
      w = this.sizes.length;
      this.sizes.push(size);
      this.keys.push(this.v.space.base);
      this.cursors.push(-1);
      this.epochs.push(-1);
    }
    // From the block the last fit of this size was in: by its cursor while the tree is as it was, else by key.
    let c = this.epochs[w] === this.epoch ? this.cursors[w] : f.ceil(this.keys[w]);
    for (let steps = 1; c >= 0; steps++) {
      const s = f.startAt(c);
      const e = f.endAt(c);
      const u = this.used.get(s) ?? 0;
      if (e - s - u >= size) {
        this.keys[w] = s;
        this.cursors[w] = c;
        this.epochs[w] = this.epoch;
        this.at = s;
        return s + u;
      }
      // Past a run of blocks too short: the augmented descent to the next one long enough.
      c = steps % STEPS === 0 ? f.lowestFit(size, 1, e, this.v.space.end) : f.next(c);
    }
    return -1;
  }

  /** A steady area of `size` pages at the last fit (`fit`), held virtually under handle `id`. */
  take(id: number, start: number, size: number): void {
    this.used.set(this.at, (this.used.get(this.at) ?? 0) + size);
    if (this.nBusy === this.busyId.length) {
      this.busyId = grow(this.busyId, 2 * this.busyId.length);
      this.busyAt = grow(this.busyAt, 2 * this.busyAt.length);
      this.busySize = grow(this.busySize, 2 * this.busySize.length);
    }
    const j = this.nBusy++;
    this.busyId[j] = id;
    this.busyAt[j] = start;
    this.busySize[j] = size;
  }

  /** Whether handle `id` is a virtual area still busy. */
  holds(id: number): boolean {
    return this.slot(id) >= 0;
  }

  /** The virtual area `id` (held) freed lazily: its pages (the caller adds them to vmap_lazy_nr). */
  free(id: number): number {
    const j = this.slot(id);
    const size = this.busySize[j];
    if (this.nLazy === this.lazyAt.length) {
      this.lazyAt = grow(this.lazyAt, 2 * this.lazyAt.length);
      this.lazySize = grow(this.lazySize, 2 * this.lazySize.length);
    }
    this.lazyAt[this.nLazy] = this.busyAt[j];
    this.lazySize[this.nLazy++] = size;
    this.lazyPages += size;
    // The last busy one into its slot (their order is moot: a purge reserves them all).
    const last = --this.nBusy;
    this.busyId[j] = this.busyId[last];
    this.busyAt[j] = this.busyAt[last];
    this.busySize[j] = this.busySize[last];
    return size;
  }

  private slot(id: number): number {
    for (let j = 0; j < this.nBusy; j++) if (this.busyId[j] === id) return j;
    return -1;
  }

  /** A purge is about to take the lazy queue: the virtual areas still busy outlive it, so they become real. */
  beforePurge(): void {
    for (let j = 0; j < this.nBusy; j++) this.reserveAt(this.busyAt[j], this.busySize[j]);
    this.nBusy = 0;
  }

  /**
   * The purge took `count` real areas: the virtual lazy ones went with them (vmap_lazy_nr drops by their pages,
   * and the purge flushes if it took any area at all).
   */
  afterPurge(count: number): void {
    this.v.lazyNr -= this.lazyPages;
    if (count === 0 && this.nLazy > 0) this.v.m.tlb.flushAll();
    this.nLazy = 0;
    this.lazyPages = 0;
    this.reset();
  }

  /**
   * Every virtual area becomes real: reserved where it lies, the lazy ones queued (5.2's purge reads the batch
   * as a set: releaseAll sorts it, and a steady area has no PTE to clear, so its place in the queue is moot).
   */
  settle(): void {
    this.beforePurge();
    const v = this.v;
    for (let j = 0; j < this.nLazy; j++) {
      this.reserveAt(this.lazyAt[j], this.lazySize[j]);
      v.lazy.push(this.lazyAt[j], this.lazySize[j], 0, -1);
    }
    this.nLazy = 0;
    this.lazyPages = 0;
    this.reset();
  }

  /** A lay-down begins: steady areas are placed virtually until its end. */
  begin(): void {
    this.active = true;
  }

  /** The lay-down's end: every virtual area becomes real. */
  end(): void {
    this.settle();
    this.active = false;
  }

  /** A real reservation at the start `fit` gave (a builder's allocation). */
  reserveAt(start: number, size: number): void {
    this.epoch++;
    const at = this.v.space.reserve(size, 1, start, start + size);
    if (at !== start) throw new RangeError(`unplaced area at page ${start} (${size} pages) is not free`);
  }

  private reset(): void {
    this.used.clear();
    this.sizes.length = 0;
    this.keys.length = 0;
    this.cursors.length = 0;
    this.epochs.length = 0;
    this.epoch++;
  }
}

const unplaced = new WeakMap<VmapCore, UnplacedAreas>();

/**
 * Whether `v` may place steady areas virtually: 5.2's augmented free tree (its search keeps no state and counts no
 * walk), one global free tree (no 6.9 pools), the inline purge (not 6.9's drain), no vmlist to mirror, and a purge
 * that reads its batch as a set (no free_vmap_cache watching the releases).
 */
export function unplacedOk(v: VmapCore): boolean {
  return (
    v.design.holeSearch === 'augmented-free-tree' &&
    v.nodes === null &&
    v.purger !== null &&
    v.design.purgeTrigger !== 'workqueue' &&
    v.mirror === null &&
    v.legacyList === null &&
    !v.hole.watchesReleases
  );
}

/** The allocator's unplaced areas (one per allocator, made on first use). */
export function unplacedOf(v: VmapCore): UnplacedAreas {
  let u = unplaced.get(v);
  if (u === undefined) {
    u = new UnplacedAreas(v);
    unplaced.set(v, u);
  }
  return u;
}

/** The active unplaced areas of `v` (inside a lay-down), or null. */
export function activeUnplaced(v: VmapCore): UnplacedAreas | null {
  const u = unplaced.get(v);
  return u?.active ? u : null;
}
