// The vmalloc address range as busy areas (each with its guard page, if any, inside it; busy-areas.ts) and free
// blocks (the complement, merged, an augmented interval set). Reserve = lowest-address fit; release = return and merge with the
// neighbours. Both report what the real structures would have visited, so each design can charge it.
import { BusyAreas } from './busy-areas.js';
import { FreeSet } from './free-set.js';
import { PageSorter } from './page-sort.js';

/** How a reservation split the free block it came from (the four cases of the 2019 allocator). */
export type SplitCase = 'fit' | 'left-edge' | 'right-edge' | 'no-edge';

/** The vmalloc address range of an allocator, in pages: its busy areas and its free blocks. */
export class VmSpace {
  /** Free blocks, merged (the complement of `busy`). */
  readonly free = new FreeSet();
  /** Busy areas, each with its guard page inside it. */
  readonly busy: BusyAreas;
  /** Pages in busy areas. */
  busyPages = 0;
  /** How the last reservation split its free block. */
  lastSplit: SplitCase = 'fit';
  /** Free neighbours the last release merged with (0–2). */
  lastMerged = 0;
  /** releaseAll's scratch: the starts sorted and their lengths (reused, not a pair of arrays per purge). */
  private keys = new Float64Array(64);
  private lens = new Float64Array(64);
  private readonly sorter = new PageSorter();

  constructor(
    readonly base: number,
    readonly pages: number,
  ) {
    this.busy = new BusyAreas(base);
    this.free.insert(base, base + pages);
  }

  /** One past the last page of the range. */
  get end(): number {
    return this.base + this.pages;
  }

  /**
   * Lowest-address `size`-page range aligned to `align` pages within [lo, hi), keeping `gap` free pages after
   * the area below it (2.6.28's alloc_vmap_area starts its search at va_end + PAGE_SIZE): its start, or −1.
   */
  reserve(size: number, align = 1, lo = this.base, hi = this.end, gap = 0): number {
    const f = this.free;
    const at = f.takeFit(size, align, lo, hi, gap, this.base);
    if (at < 0) return -1;
    const fs = f.fitStart;
    const fe = f.fitEnd;
    const left = at > fs;
    const right = at + size < fe;
    // takeFit shrank or dropped the block in its own descent, unless a leaf had to split or empty.
    if (!f.applied) {
      if (left && right) {
        f.resize(fs, fs, at);
        f.insert(at + size, fe);
      } else if (left) f.resize(fs, fs, at);
      else if (right) f.resize(fs, at + size, fe);
      else f.remove(fs);
    }
    this.busy.insert(at, at + size);
    this.busyPages += size;
    this.lastSplit = left ? (right ? 'no-edge' : 'right-edge') : right ? 'left-edge' : 'fit';
    return at;
  }

  /** Busy areas below `vpn`: what a first-fit list walk from the start passes. */
  busyBelow(vpn: number): number {
    return this.busy.rank(vpn);
  }

  /** End of the busy area starting at `start`, or −1. */
  endOf(start: number): number {
    const len = this.busy.lengthAt(start);
    return len < 0 ? -1 : start + len;
  }

  /** Releases the busy area starting at `start`; returns its end (the merges are in lastMerged). */
  release(start: number): number {
    const end = start + this.takeBusy(start);
    this.freeRun(start, end);
    return end;
  }

  /**
   * Releases every busy area starting at one of `starts`, in address order, each run of adjacent ones merged into
   * the free space at once: the same busy and free sets as releasing them one by one in any order (a purge's
   * batch; its cost is charged per area by the caller). lastMerged is that of the last run. `k`: the first k starts.
   */
  releaseAll(starts: ArrayLike<number>, k = starts.length): void {
    if (k === 1) this.release(starts[0] as number);
    if (k <= 1) return;
    if (k > this.keys.length) {
      this.keys = new Float64Array(Math.max(k, 2 * this.keys.length));
      this.lens = new Float64Array(this.keys.length);
    }
    const s = this.keys.subarray(0, k);
    for (let i = 0; i < k; i++) s[i] = starts[i] as number;
    this.sorter.sort(s, k);
    const lens = this.lens;
    this.busy.takeSorted(s, k, lens);
    for (let i = 0; i < k; i++) {
      if (lens[i] < 0) throw new RangeError(`no busy vmap area at page ${s[i]}`);
      this.busyPages -= lens[i];
    }
    let i = 0;
    while (i < k) {
      const from = s[i];
      let end = from + lens[i++];
      while (i < k && s[i] === end) end += lens[i++];
      this.freeRun(from, end);
    }
  }

  /** Removes the busy area starting at `start` (it must be there); its length. */
  private takeBusy(start: number): number {
    const len = this.busy.take(start);
    if (len < 0) throw new RangeError(`no busy vmap area at page ${start}`);
    this.busyPages -= len;
    return len;
  }

  /** [start, end), no longer busy, into the free space: merged with a free neighbour on either side. */
  private freeRun(start: number, end: number): void {
    const f = this.free;
    const merged = f.mergeIn(start, end);
    if (f.applied) {
      this.lastMerged = merged;
      return;
    }
    const p = f.floor(start - 1);
    const joinPrev = p >= 0 && f.endAt(p) === start;
    const prevStart = joinPrev ? f.startAt(p) : -1;
    // The free block after [start, end), if it starts at end: the one after p (nothing free lies inside the run).
    let n: number;
    if (p < 0) n = f.get(end);
    else {
      n = f.next(p);
      if (n >= 0 && f.startAt(n) !== end) n = -1;
    }
    if (joinPrev && n >= 0) {
      const e = f.endAt(n);
      f.remove(end);
      f.resize(prevStart, prevStart, e);
      this.lastMerged = 2;
    } else if (joinPrev) {
      f.resize(prevStart, prevStart, end);
      this.lastMerged = 1;
    } else if (n >= 0) {
      f.resize(end, start, f.endAt(n));
      this.lastMerged = 1;
    } else {
      f.insert(start, end);
      this.lastMerged = 0;
    }
  }

  /** A busy area starts at page `start`. */
  isBusy(start: number): boolean {
    return this.busy.lengthAt(start) >= 0;
  }
}
