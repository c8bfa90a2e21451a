// The vmalloc address range as two interval sets: busy areas (each with its guard page, if any, inside it) and
// free blocks (the complement, merged). Reserve = lowest-address fit; release = return and merge with the
// neighbours. Both report what the real structures would have visited, so each design can charge it.
import { IntervalSet } from './treap.js';

/** How a reservation split the free block it came from (the four cases of the 2019 allocator). */
export type SplitCase = 'fit' | 'left-edge' | 'right-edge' | 'no-edge';

export interface Reservation {
  start: number;
  end: number;
  /** Busy areas with a lower address: what a first-fit list walk from the start passes. */
  busyBelow: number;
  /** Free blocks with a lower address (free blocks a linear free-list walk would pass). */
  freeBelow: number;
  split: SplitCase;
}

export class VmSpace {
  readonly free = new IntervalSet();
  readonly busy = new IntervalSet();
  /** Pages in busy areas. */
  busyPages = 0;

  constructor(
    readonly base: number,
    readonly pages: number,
  ) {
    this.free.insert(base, base + pages);
  }

  get end(): number {
    return this.base + this.pages;
  }

  /** Lowest-address `size`-page range aligned to `align` pages within [lo, hi); null if none fits. */
  reserve(size: number, align = 1, lo = this.base, hi = this.end): Reservation | null {
    const f = this.free.lowestFit(size, align, lo, hi);
    if (f === null) return null;
    const { node, at } = f;
    const fs = node.start;
    const fe = node.end;
    const freeBelow = this.free.rank(fs);
    this.free.remove(fs);
    const left = at > fs;
    const right = at + size < fe;
    if (left) this.free.insert(fs, at);
    if (right) this.free.insert(at + size, fe);
    const busyBelow = this.busy.rank(at);
    this.busy.insert(at, at + size);
    this.busyPages += size;
    const split: SplitCase = left ? (right ? 'no-edge' : 'right-edge') : right ? 'left-edge' : 'fit';
    return { start: at, end: at + size, busyBelow, freeBelow, split };
  }

  /** Releases the busy area starting at `start`; returns its end and how many neighbours it merged with. */
  release(start: number): { end: number; merged: number; busyBelow: number } {
    const b = this.busy.get(start);
    if (b === null) throw new RangeError(`no busy vmap area at page ${start}`);
    const end = b.end;
    const busyBelow = this.busy.rank(start);
    this.busy.remove(start);
    this.busyPages -= end - start;
    let s = start;
    let e = end;
    let merged = 0;
    const prev = this.free.floor(start - 1);
    if (prev !== null && prev.end === start) {
      s = prev.start;
      this.free.remove(prev.start);
      merged++;
    }
    const next = this.free.get(end);
    if (next !== null) {
      e = next.end;
      this.free.remove(end);
      merged++;
    }
    this.free.insert(s, e);
    return { end, merged, busyBelow };
  }

  isBusy(start: number): boolean {
    return this.busy.get(start) !== null;
  }
}
