// A mixed lay-down's steady areas without the free set (sampler-mixed-vmap.ts). A steady loop's vmalloc and
// vfree leave its area lazy until the next purge returns it: between two purges nothing but a later allocation's
// lowest fit can tell where it lay, and after the purge nothing at all. So each is placed virtually: its start is
// the lowest fit (find_vmap_lowest_match, 5.2) in the real free set minus the steady areas taken since the last
// purge, which always sit at the left end of a real free block (each allocation takes the lowest fit's left end).
// Only what outlives the purge is reserved for real: an area still busy when the purge runs (long_busy's 1-page
// area after its 100-page one went lazy) and, at the lay-down's end, every area not yet purged.
import type { VmapCore } from './vmap.js';

/** Steady areas since the last purge: placed virtually, lazily freed or still busy. */
export class UnplacedAreas {
  /** Virtual areas still busy: their handle, start and size. */
  private readonly busyId: number[] = [];
  private readonly busyAt: number[] = [];
  private readonly busySize: number[] = [];
  /** Virtual areas freed lazily: their start and size. */
  private readonly lazyAt: number[] = [];
  private readonly lazySize: number[] = [];
  /** Their pages (in vmap_lazy_nr, not in the lazy queue). */
  lazyPages = 0;
  /** Pages taken virtually from the left of the real free block starting at a key. */
  private readonly used = new Map<number, number>();
  /** Per size: the real block the last fit of that size was in (free space only shrinks between purges). */
  private readonly cursor = new Map<number, number>();
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
    const end = this.v.space.end;
    let lo = this.cursor.get(size) ?? this.v.space.base;
    for (;;) {
      const c = f.lowestFit(size, 1, lo, end);
      if (c < 0) return -1;
      const s = f.startAt(c);
      const e = f.endAt(c);
      const u = this.used.get(s) ?? 0;
      if (e - s - u >= size) {
        this.cursor.set(size, s);
        this.at = s;
        return s + u;
      }
      lo = e;
    }
  }

  /** A steady area of `size` pages at the last fit (`fit`), held virtually under handle `id`. */
  take(id: number, start: number, size: number): void {
    this.used.set(this.at, (this.used.get(this.at) ?? 0) + size);
    this.busyId.push(id);
    this.busyAt.push(start);
    this.busySize.push(size);
  }

  /** Whether handle `id` is a virtual area still busy. */
  holds(id: number): boolean {
    return this.busyId.indexOf(id) >= 0;
  }

  /** The virtual area `id` (held) freed lazily: its pages (the caller adds them to vmap_lazy_nr). */
  free(id: number): number {
    const j = this.busyId.indexOf(id);
    const size = this.busySize[j];
    this.lazyAt.push(this.busyAt[j]);
    this.lazySize.push(size);
    this.lazyPages += size;
    this.busyId.splice(j, 1);
    this.busyAt.splice(j, 1);
    this.busySize.splice(j, 1);
    return size;
  }

  /** A purge is about to take the lazy queue: the virtual areas still busy outlive it, so they become real. */
  beforePurge(): void {
    for (let j = 0; j < this.busyId.length; j++) this.reserveAt(this.busyAt[j], this.busySize[j]);
    this.busyId.length = 0;
    this.busyAt.length = 0;
    this.busySize.length = 0;
  }

  /**
   * The purge took `count` real areas: the virtual lazy ones went with them (vmap_lazy_nr drops by their pages,
   * and the purge flushes if it took any area at all).
   */
  afterPurge(count: number): void {
    this.v.lazyNr -= this.lazyPages;
    if (count === 0 && this.lazySize.length > 0) this.v.m.tlb.flushAll();
    this.lazyAt.length = 0;
    this.lazySize.length = 0;
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
    for (let j = 0; j < this.lazyAt.length; j++) {
      this.reserveAt(this.lazyAt[j], this.lazySize[j]);
      v.lazy.push(this.lazyAt[j], this.lazySize[j], 0, -1);
    }
    this.lazyAt.length = 0;
    this.lazySize.length = 0;
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
    const at = this.v.space.reserve(size, 1, start, start + size);
    if (at !== start) throw new RangeError(`unplaced area at page ${start} (${size} pages) is not free`);
  }

  private reset(): void {
    this.used.clear();
    this.cursor.clear();
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
