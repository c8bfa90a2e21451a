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
    public start: number,
    public end: number,
    public pri: number,
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

function rotRight(x: Interval): Interval {
  const l = x.left as Interval;
  x.left = l.right;
  pull(x);
  l.right = x;
  pull(l);
  return l;
}

function rotLeft(x: Interval): Interval {
  const r = x.right as Interval;
  x.right = r.left;
  pull(x);
  r.left = x;
  pull(r);
  return r;
}

function ins(x: Interval | null, node: Interval): Interval {
  if (x === null) return node;
  if (node.start < x.start) {
    const l = ins(x.left, node);
    x.left = l;
    if (l.pri > x.pri) return rotRight(x);
  } else {
    const r = ins(x.right, node);
    x.right = r;
    if (r.pri > x.pri) return rotLeft(x);
  }
  pull(x);
  return x;
}

/** Re-pulls the path from `x` down to the node starting at `key` (after that node's bounds changed). */
function fix(x: Interval | null, key: number): void {
  if (x === null) return;
  if (key < x.start) fix(x.left, key);
  else if (key > x.start) fix(x.right, key);
  pull(x);
}

let removed: Interval | null = null;

function del(x: Interval | null, start: number): Interval | null {
  if (x === null) return null;
  if (start < x.start) x.left = del(x.left, start);
  else if (start > x.start) x.right = del(x.right, start);
  else {
    removed = x;
    return merge(x.left, x.right);
  }
  pull(x);
  return x;
}

export function alignUp(x: number, align: number): number {
  return align <= 1 ? x : Math.ceil(x / align) * align;
}

export class IntervalSet {
  root: Interval | null = null;
  private seed = 0x9e3779b9;
  private readonly spare: Interval[] = [];
  /** The aligned start found by the last lowestFit. */
  fitAt = 0;

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
    const spare = this.spare.pop();
    let node: Interval;
    if (spare === undefined) node = new Interval(start, end, this.nextPri());
    else {
      node = spare;
      node.start = start;
      node.end = end;
      node.pri = this.nextPri();
      node.n = 1;
      node.max = end - start;
    }
    this.root = ins(this.root, node);
    return node;
  }

  /** Removes the interval starting at `start`; false if there is none. The node is recycled. */
  remove(start: number): boolean {
    removed = null;
    this.root = del(this.root, start);
    const r = removed as Interval | null;
    if (r === null) return false;
    r.left = r.right = null;
    if (this.spare.length < 1024) this.spare.push(r);
    return true;
  }

  /** Changes a node's bounds in place; the caller keeps it between its neighbours (order unchanged). */
  resize(node: Interval, start: number, end: number): void {
    node.start = start;
    node.end = end;
    fix(this.root, start);
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
   * The lowest interval that holds `need` pages from an `align`-aligned start within [lo, hi), or null; the
   * aligned start is left in `fitAt`.
   */
  lowestFit(need: number, align: number, lo: number, hi: number): Interval | null {
    const node = fit(this.root, need, align, lo, hi);
    if (node !== null) this.fitAt = alignUp(Math.max(node.start, lo), align);
    return node;
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

function fit(x: Interval | null, need: number, align: number, lo: number, hi: number): Interval | null {
  if (x === null || x.max < need) return null;
  if (x.start >= hi) return fit(x.left, need, align, lo, hi);
  if (x.end <= lo) return fit(x.right, need, align, lo, hi);
  const l = fit(x.left, need, align, lo, hi);
  if (l !== null) return l;
  if (x.end - x.start >= need) {
    const at = alignUp(Math.max(x.start, lo), align);
    if (at + need <= Math.min(x.end, hi)) return x;
  }
  return fit(x.right, need, align, lo, hi);
}
