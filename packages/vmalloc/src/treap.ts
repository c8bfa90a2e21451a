// An ordered set of disjoint page intervals [start, end) in a treap, augmented with subtree size and the largest
// interval length. It is the emulator's own wall-time structure: every design finds its answer here in
// O(log n), and charges the cycles its real structure would take (a list walk of `rank` areas, a tree descent).
// Priorities come from a fixed xorshift sequence, so the shape is deterministic.

export class Interval {
  left: Interval | null = null;
  right: Interval | null = null;
  n = 1;
  max: number;
  constructor(
    readonly start: number,
    public end: number,
    readonly pri: number,
  ) {
    this.max = end - start;
  }
}

function pull(x: Interval): void {
  let n = 1;
  let m = x.end - x.start;
  const l = x.left;
  const r = x.right;
  if (l !== null) {
    n += l.n;
    if (l.max > m) m = l.max;
  }
  if (r !== null) {
    n += r.n;
    if (r.max > m) m = r.max;
  }
  x.n = n;
  x.max = m;
}

function merge(a: Interval | null, b: Interval | null): Interval | null {
  if (a === null) return b;
  if (b === null) return a;
  if (a.pri > b.pri) {
    a.right = merge(a.right, b);
    pull(a);
    return a;
  }
  b.left = merge(a, b.left);
  pull(b);
  return b;
}

/** Splits into (start < key, start ≥ key). */
function split(x: Interval | null, key: number): [Interval | null, Interval | null] {
  if (x === null) return [null, null];
  if (x.start < key) {
    const [a, b] = split(x.right, key);
    x.right = a;
    pull(x);
    return [x, b];
  }
  const [a, b] = split(x.left, key);
  x.left = b;
  pull(x);
  return [a, x];
}

export function alignUp(x: number, align: number): number {
  return align <= 1 ? x : Math.ceil(x / align) * align;
}

export class IntervalSet {
  root: Interval | null = null;
  private seed = 0x9e3779b9;

  get size(): number {
    return this.root?.n ?? 0;
  }

  private nextPri(): number {
    let s = this.seed;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.seed = s >>> 0;
    return this.seed;
  }

  insert(start: number, end: number): Interval {
    const node = new Interval(start, end, this.nextPri());
    const [a, b] = split(this.root, start);
    this.root = merge(merge(a, node), b);
    return node;
  }

  /** Removes the interval starting at `start`; returns it, or null. */
  remove(start: number): Interval | null {
    const [a, rest] = split(this.root, start);
    const [mid, b] = split(rest, start + 1);
    this.root = merge(a, b);
    if (mid !== null) mid.left = mid.right = null;
    return mid;
  }

  /** The interval starting exactly at `start`. */
  get(start: number): Interval | null {
    let x = this.root;
    while (x !== null) {
      if (start === x.start) return x;
      x = start < x.start ? x.left : x.right;
    }
    return null;
  }

  /** The interval with the largest start ≤ key. */
  floor(key: number): Interval | null {
    let x = this.root;
    let best: Interval | null = null;
    while (x !== null) {
      if (x.start <= key) {
        best = x;
        x = x.right;
      } else x = x.left;
    }
    return best;
  }

  /** The interval with the smallest start ≥ key. */
  ceil(key: number): Interval | null {
    let x = this.root;
    let best: Interval | null = null;
    while (x !== null) {
      if (x.start >= key) {
        best = x;
        x = x.left;
      } else x = x.right;
    }
    return best;
  }

  /** Number of intervals whose start is < key. */
  rank(key: number): number {
    let x = this.root;
    let r = 0;
    while (x !== null) {
      if (x.start < key) {
        r += 1 + (x.left?.n ?? 0);
        x = x.right;
      } else x = x.left;
    }
    return r;
  }

  /** Tree depth down to the interval holding `key` (what an rbtree descent to it visits), at least 1. */
  depth(key: number): number {
    let x = this.root;
    let d = 0;
    while (x !== null) {
      d++;
      if (key >= x.start && key < x.end) break;
      x = key < x.start ? x.left : x.right;
    }
    return Math.max(1, d);
  }

  /**
   * The lowest interval that holds `need` pages from an `align`-aligned start within [lo, hi); returns the
   * interval and the aligned start, or null.
   */
  lowestFit(need: number, align: number, lo: number, hi: number): { node: Interval; at: number } | null {
    return fit(this.root, need, align, lo, hi);
  }

  /** Every interval in address order (tests, reports). */
  toArray(): [number, number][] {
    const out: [number, number][] = [];
    const walk = (x: Interval | null): void => {
      if (x === null) return;
      walk(x.left);
      out.push([x.start, x.end]);
      walk(x.right);
    };
    walk(this.root);
    return out;
  }
}

function fit(
  x: Interval | null,
  need: number,
  align: number,
  lo: number,
  hi: number,
): { node: Interval; at: number } | null {
  if (x === null || x.max < need) return null;
  if (x.start >= hi) return fit(x.left, need, align, lo, hi);
  if (x.end <= lo) return fit(x.right, need, align, lo, hi);
  const l = fit(x.left, need, align, lo, hi);
  if (l !== null) return l;
  if (x.end - x.start >= need) {
    const at = alignUp(Math.max(x.start, lo), align);
    if (at + need <= Math.min(x.end, hi)) return { node: x, at };
  }
  return fit(x.right, need, align, lo, hi);
}
