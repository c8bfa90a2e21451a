// The vmalloc address range as two interval sets: busy areas (each with its guard page, if any, inside it) and
// free blocks (the complement, merged). Reserve = lowest-address fit; release = return and merge with the
// neighbours. Both report what the real structures would have visited, so each design can charge it.
import { IntervalSet } from './treap.js';

/** How a reservation split the free block it came from (the four cases of the 2019 allocator). */
export type SplitCase = 'fit' | 'left-edge' | 'right-edge' | 'no-edge';

export class VmSpace {
  readonly free = new IntervalSet();
  readonly busy = new IntervalSet();
  /** Pages in busy areas. */
  busyPages = 0;
  /** How the last reservation split its free block. */
  lastSplit: SplitCase = 'fit';
  /** Free neighbours the last release merged with (0–2). */
  lastMerged = 0;

  constructor(
    readonly base: number,
    readonly pages: number,
  ) {
    this.free.insert(base, base + pages);
  }

  get end(): number {
    return this.base + this.pages;
  }

  /** Lowest-address `size`-page range aligned to `align` pages within [lo, hi): its start, or −1. */
  reserve(size: number, align = 1, lo = this.base, hi = this.end): number {
    const node = this.free.lowestFit(size, align, lo, hi);
    if (node === null) return -1;
    const at = this.free.fitAt;
    const fs = node.start;
    const fe = node.end;
    const left = at > fs;
    const right = at + size < fe;
    if (left && right) {
      this.free.resize(node, fs, at);
      this.free.insert(at + size, fe);
    } else if (left) this.free.resize(node, fs, at);
    else if (right) this.free.resize(node, at + size, fe);
    else this.free.remove(fs);
    this.busy.insert(at, at + size);
    this.busyPages += size;
    this.lastSplit = left ? (right ? 'no-edge' : 'right-edge') : right ? 'left-edge' : 'fit';
    return at;
  }

  /** Busy areas below `vpn`: what a first-fit list walk from the start passes. */
  busyBelow(vpn: number): number {
    return this.busy.rank(vpn);
  }

  /** Releases the busy area starting at `start`; returns its end (the merges are in lastMerged). */
  release(start: number): number {
    const b = this.busy.get(start);
    if (b === null) throw new RangeError(`no busy vmap area at page ${start}`);
    const end = b.end;
    this.busy.remove(start);
    this.busyPages -= end - start;
    let merged = 0;
    const prev = this.free.floor(start - 1);
    const next = this.free.get(end);
    const joinPrev = prev !== null && prev.end === start;
    if (joinPrev && next !== null) {
      const e = next.end;
      this.free.remove(end);
      this.free.resize(prev, prev.start, e);
      merged = 2;
    } else if (joinPrev) {
      this.free.resize(prev, prev.start, end);
      merged = 1;
    } else if (next !== null) {
      this.free.resize(next, start, next.end);
      merged = 1;
    } else this.free.insert(start, end);
    this.lastMerged = merged;
    return end;
  }

  isBusy(start: number): boolean {
    return this.busy.get(start) !== null;
  }
}
