// Replaying a measured window of the profile: a sampler that skips loops (vmalloc's regenerative sampler) charges
// them as `f` times what the measured window charged. Per-symbol totals grow by round(f × Δ) exactly, as a flat
// per-symbol profile would; each call path grows by its own rounded share, the rounding remainder going to the
// symbol's busiest path, so folded stacks still sum to the profile and every count stays an integer.
import type { CycleStore } from './callpath.js';

/** Every store's rows as they were when the window opened (never written: snapshots share them). */
export type ProfileSnapshot = (Float64Array | undefined)[][];

/**
 * Copies every store's rows, except a store that no thread writes to and that nothing charged since `prev` (the
 * last snapshot): it shares `prev`'s copy. A sampler snapshots at every round and finished threads (every kworker
 * that ran) keep their stores, so copying them all made each snapshot O(threads ever run).
 */
export function snapshotStores(stores: readonly CycleStore[], prev: ProfileSnapshot): ProfileSnapshot {
  // The rows of held stores (running threads, copied again at the next snapshot) share one new buffer: a sampler
  // snapshots every few loops, and a slice per row was an off-heap allocation each. Any other store's copy gets
  // its own, so a finished thread's rows, shared from snapshot to snapshot, keep no other rows alive.
  let n = 0;
  for (const st of stores) if (st.held) n += st.entries;
  const dst = new Float64Array(n);
  let at = 0;
  return stores.map((st, s) => {
    if (!st.held && !st.changed && s < prev.length) return prev[s];
    st.changed = false;
    if (!st.held) return st.copyRows();
    const rows = st.copyRowsInto(dst, at);
    at += st.entries;
    return rows;
  });
}

export function replayStores(stores: readonly CycleStore[], since: ProfileSnapshot, f: number): void {
  // Pass 1: per symbol, the window's total and its busiest (store, node).
  const total: number[] = [];
  const busiest: { d: number; st: number; node: number }[] = [];
  const each = (fn: (st: number, node: number, sym: number, d: number) => void): void => {
    stores.forEach((store, s) => {
      store.rows.forEach((row, node) => {
        if (!row) return;
        const was = since[s]?.[node];
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
