// Replaying a measured window of the profile: a sampler that skips loops (vmalloc's regenerative sampler) charges
// them as `f` times what the measured window charged. Per-symbol totals grow by round(f × Δ) exactly, as a flat
// per-symbol profile would; each call path grows by its own rounded share, the rounding remainder going to the
// symbol's busiest path, so folded stacks still sum to the profile and every count stays an integer.
import type { CycleStore, StoreGroup } from './callpath.js';

/** log2 of the stores per chunk of a snapshot. */
export const SNAP_SHIFT = 5;
const SNAP_MASK = (1 << SNAP_SHIFT) - 1;

/** The nodes of a store's rows in node order and their lengths: how {@link HeldCopy} packs them. Never written. */
export interface RowLayout {
  /** The call-path nodes that have a row in the store, in node order. */
  readonly nodes: readonly number[];
  /** Each row's length in the packed buffer (Float64 slots), in the order of `nodes`. */
  readonly lens: readonly number[];
  /**
   * Each row's offset in the arena when the layout was made, in the order of `nodes` (a row that moves or appears
   * drops the layout): a snapshot copies from here without looking the rows up by node.
   */
  readonly offs: readonly number[];
}

/**
 * A held store's rows as a snapshot copied them: packed in `buf` from `at` by `layout`. The views are made only
 * when read (a replay): a sampler snapshots every round (6.9 at 64 CPUs: one per ~150 loops) and drops nearly all
 * of them unread, and a view per row was most of what a snapshot allocated.
 */
export class HeldCopy {
  private views: (Float64Array | undefined)[] | undefined;

  constructor(
    readonly buf: Float64Array,
    readonly at: number,
    readonly layout: RowLayout,
  ) {}

  /** The rows indexed by node (holes where the store had none), as views of `buf`. */
  rows(): (Float64Array | undefined)[] {
    if (this.views === undefined) {
      const out: (Float64Array | undefined)[] = [];
      const { nodes, lens } = this.layout;
      for (let r = 0, p = this.at; r < nodes.length; p += lens[r++]) out[nodes[r]] = this.buf.subarray(p, p + lens[r]);
      this.views = out;
    }
    return this.views;
  }
}

/** One store's rows in a snapshot: its own copy (indexed by node), or a held store's packed copy. */
export type StoreCopy = (Float64Array | undefined)[] | HeldCopy;

/**
 * Every store's rows as they were when the window opened (never written: snapshots share them), in chunks of
 * 2^SNAP_SHIFT stores: store s's copy is `snap[s >> SNAP_SHIFT][s & SNAP_MASK]`; read its rows with
 * {@link snapshotRows}.
 */
export type ProfileSnapshot = StoreCopy[][];

/** Store s's rows in a snapshot (undefined: the store did not exist yet). */
export function snapshotRows(snap: ProfileSnapshot, s: number): (Float64Array | undefined)[] | undefined {
  const c = snap[s >> SNAP_SHIFT]?.[s & SNAP_MASK];
  return c instanceof HeldCopy ? c.rows() : c;
}

/**
 * Where held stores' copies are cut from: a snapshot takes a slice of one buffer shared by many snapshots, not a
 * new Float64Array each (at 64 CPUs its allocation was a third of a snapshot's cost: 6.9 closes a round every ~150
 * loops). A slice is never written again, and a buffer lives while any snapshot with a slice in it does.
 */
export class SnapSlab {
  /** The buffer slices are cut from now (earlier ones live on in the snapshots that hold slices of them). */
  buf = new Float64Array(0);
  /** Entries of {@link SnapSlab.buf} handed out. */
  used = 0;

  /** Room for `n` entries: the offset in {@link SnapSlab.buf} (a new, larger buffer when the current one is full). */
  take(n: number): number {
    if (this.used + n > this.buf.length) {
      this.buf = new Float64Array(Math.max(n, Math.min(SLAB_MAX, 2 * this.buf.length), 1024));
      this.used = 0;
    }
    const at = this.used;
    this.used += n;
    return at;
  }
}

/** Entries of the largest slab (512 KiB: ~30 snapshots of 64 running threads). */
const SLAB_MAX = 1 << 16;
/** Below this many entries a run is copied by a loop; above, by one TypedArray.set (measured crossover ~64). */
const RUN_SET = 64;

/**
 * Copies arena ranges to consecutive places of a slab, merging a range that starts where the last one ended into
 * one run: the rows of threads spawned together lie next to each other in the arena, so 64 workers' rows are one
 * memcpy instead of 64 short loops.
 */
export class RunCopy {
  private from = 0;
  private to = 0;
  private at = 0;
  private dst: Float64Array = new Float64Array(0);
  private src: Float64Array = new Float64Array(0);

  /** Starts copying `src` ranges to `dst` from `at` on. */
  begin(src: Float64Array, dst: Float64Array, at: number): void {
    this.src = src;
    this.dst = dst;
    this.at = at;
    this.from = this.to = 0;
  }

  /** Appends `src[off, off + len)`. */
  add(off: number, len: number): void {
    if (off !== this.to || this.to === this.from) {
      this.flush();
      this.from = off;
    }
    this.to = off + len;
  }

  /** Copies the pending run (call before `dst` is read). */
  flush(): void {
    const n = this.to - this.from;
    const { src, dst, from, at } = this;
    if (n >= RUN_SET) dst.set(src.subarray(from, this.to), at);
    else for (let i = 0; i < n; i++) dst[at + i] = src[from + i];
    this.at += n;
    this.from = this.to;
  }
}

/**
 * Copies every store's rows, except a store that no thread writes to and that nothing charged since `prev` (the
 * last snapshot): it shares `prev`'s copy. A sampler snapshots at every round and finished threads (every kworker
 * that ran) keep their stores, so copying them all made each snapshot O(threads ever run); and a chunk of stores
 * none of which is held or changed (its group is clean) shares `prev`'s chunk whole, so neither is visiting them.
 * The rows of held stores (running threads, copied again at the next snapshot) are packed into one slice of
 * `slab`, copied run by run ({@link RunCopy}): a slice per row was an off-heap allocation each. Any other store's
 * copy gets its own, so a finished thread's rows, shared from snapshot to snapshot, keep no other rows alive.
 */
export function snapshotStores(
  stores: readonly CycleStore[],
  groups: readonly StoreGroup[],
  prev: ProfileSnapshot,
  slab: SnapSlab = new SnapSlab(),
  run: RunCopy = new RunCopy(),
): ProfileSnapshot {
  const k = stores.length;
  let n = 0;
  for (let g = 0; g < groups.length; g++) {
    if (!groups[g].dirty && g < prev.length) continue;
    const to = Math.min(k, (g + 1) << SNAP_SHIFT);
    for (let s = g << SNAP_SHIFT; s < to; s++) if (stores[s].held) n += stores[s].entries;
  }
  let at = slab.take(n);
  const dst = slab.buf;
  run.begin(stores[0].arena.buf, dst, at);
  const out: ProfileSnapshot = [];
  for (let g = 0; g < groups.length; g++) {
    const was = prev[g];
    const group = groups[g];
    if (!group.dirty && was !== undefined) {
      out.push(was);
      continue;
    }
    const chunk: StoreCopy[] = [];
    let held = false;
    const from = g << SNAP_SHIFT;
    const to = Math.min(k, from + SNAP_MASK + 1);
    for (let s = from; s < to; s++) {
      const st = stores[s];
      const old = was?.[s - from];
      if (!st.held && !st.changed && old !== undefined) chunk.push(old);
      else {
        st.changed = false;
        if (!st.held) chunk.push(st.copyRows());
        else {
          chunk.push(st.copyRowsInto(dst, at, run));
          at += st.entries;
          held = true;
        }
      }
    }
    // A held store writes its rows directly: its chunk stays dirty until the thread finishes (release marks it).
    group.dirty = held;
    out.push(chunk);
  }
  run.flush();
  return out;
}

export function replayStores(stores: readonly CycleStore[], since: ProfileSnapshot, f: number): void {
  // Pass 1: per symbol, the window's total and its busiest (store, node).
  const total: number[] = [];
  const busiest: { d: number; st: number; node: number }[] = [];
  const each = (fn: (st: number, node: number, sym: number, d: number) => void): void => {
    stores.forEach((store, s) => {
      store.rows.forEach((row, node) => {
        if (!row) return;
        const was = snapshotRows(since, s)?.[node];
        for (let sym = 0; sym < row.length; sym++) {
          const d = row[sym] - (was && sym < was.length ? was[sym] : 0);
          if (d !== 0) fn(s, node, sym, d);
        }
      });
    });
  };
  each((st, node, sym, d) => {
    total[sym] = (total[sym] ?? 0) + d;
    if (!busiest[sym] || Math.abs(d) > Math.abs(busiest[sym].d)) busiest[sym] = { d, st, node };
  });
  // Pass 2: each path its rounded share; then the remainder to the busiest path.
  const given: number[] = [];
  const add: [number, number, number, number][] = [];
  each((st, node, sym, d) => {
    const k = Math.round(d * f);
    given[sym] = (given[sym] ?? 0) + k;
    add.push([st, node, sym, k]);
  });
  for (const [st, node, sym, k] of add) stores[st].charge(node, sym, k);
  total.forEach((t, sym) => {
    const rest = Math.round(t * f) - (given[sym] ?? 0);
    if (rest !== 0) stores[busiest[sym].st].charge(busiest[sym].node, sym, rest);
  });
}
