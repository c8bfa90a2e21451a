// Mixed phases (test_vmalloc's cases shuffled per worker, sequential_test_order=0): one worker builds or tears
// down a case's state while the others run their steady loops. A skip there moves every worker by the same ΔT;
// the builders' skipped loops are performed functionally, and so must be what the steady workers' skipped loops
// leave in the allocator, or the building worker lays its areas out without the areas the others hold and free
// lazily (vm-mixed's pacing, s9: fix_size −7.7 % against a 5.8 % bound at 16 CPUs × mask 7 × 2,000 without that
// layout, −0.3 % with it). Each worker's skipped loops are interleaved in proportion to its rate over ΔT.
import type { FastForward, Loop } from './sampler-loop.js';

/** A steady loop kind's effect on the allocator, performed without time. */
export interface SteadyEffect {
  /** Performs `k` loops of a worker on `cpu` without time: each allocates its areas and frees them (lazily). */
  run(cpu: number, k: number): void;
}

/** What the sampler may do to the allocator in a mixed phase (test-vmalloc.ts gives the vmalloc one). */
export interface MixedLayout {
  /** Per steady loop kind (tag): its net effect; a kind not here holds a mixed phase in detail. */
  steady: ReadonlyMap<string, SteadyEffect>;
  /** A purge is under way in detail (its batch taken, not yet returned): nothing may purge functionally now. */
  purging(): boolean;
  /** Before and after a lay-down (6.9: the functional drain's passes beside a drain in detail, functional-drain.ts). */
  begin?(): void;
  end?(): void;
}

/**
 * A mixed phase may be skipped: every steady kind in it has an effect to lay down, and no purge is under way in
 * detail (a functional purge would take the lazy queue's other buffer, the batch that purge is working through).
 */
export function mixedSkippable(loops: Iterable<Loop>, layout: MixedLayout): boolean {
  if (layout.purging()) return false;
  for (const l of loops) if (l.fast === null && !layout.steady.has(l.tag)) return false;
  return true;
}

/** One worker's share of a mixed skip: its loop and the loops it skips. */
export interface MixedShare {
  l: Loop;
  /** First loop index skipped (builders: the index their fast-forward starts at). */
  from: number;
  /** Loops skipped. */
  k: number;
}

/**
 * Lays down a mixed skip's loops without time: each worker's k loops spread evenly over the skipped time and
 * merged in time order, so a set-up meets the other workers' areas as they come and go, and the purges their
 * lazy frees trigger fall where they would. Every steady loop is placed: the holes its purged areas leave are
 * refilled by the builders' smaller areas and leave fragments (long_busy's 101-page areas refilled with full_fit's
 * 2-page ones), so counting the steady loops before the skip's last purge without placing them lost the layout
 * (5.2, 16 CPUs × mask 7 × 20,000: fix_size −3.7 %, full_fit −4.4 % against the exact run; every loop placed:
 * −0.6 %, −2.1 %, as without mixed skips).
 */
export function layMixed(shares: MixedShare[], layout: MixedLayout): void {
  const n = shares.length;
  const done = new Int32Array(n);
  const eff = shares.map((s) => (s.l.fast === null ? (layout.steady.get(s.l.tag) as SteadyEffect) : null));
  layout.begin?.();
  // Shares with the same k have the same times (step/2, then + step, the same float sums): one heap entry per k,
  // its shares laid down in index order at each time (at 64 workers ~20 distinct k: a third of the heap's sifts).
  const groups = groupByK(shares);
  const g = groups.length;
  const heap = new MergeHeap(g);
  const step = new Float64Array(g);
  for (let j = 0; j < g; j++) {
    step[j] = 1 / shares[groups[j][0]].k;
    heap.push(j, step[j] / 2);
  }
  const tied: number[] = [];
  const run = (i: number): void => {
    const s = shares[i];
    const e = eff[i];
    if (e === null) (s.l.fast as FastForward)(s.from + done[i], 1);
    else e.run(s.l.t.cpu, 1);
    done[i]++;
  };
  while (heap.size > 0) {
    const j = heap.topId();
    const t = heap.topKey();
    if (heap.size > 1 && heap.secondKey() === t) {
      // Another k's times meet this one's: every share at time t in index order, as the per-share merge.
      tied.length = 0;
      while (heap.size > 0 && heap.topKey() === t) {
        tied.push(heap.topId());
        heap.pop();
      }
      const ids = tied.flatMap((x) => groups[x]).sort((a, b) => a - b);
      for (const i of ids) run(i);
      for (const x of tied) if (done[groups[x][0]] < shares[groups[x][0]].k) heap.push(x, t + step[x]);
      continue;
    }
    const m = groups[j];
    for (let q = 0; q < m.length; q++) run(m[q]);
    // Its next time goes back in (one sift instead of a pop and a push: the order is total, so the sequence is the same).
    if (done[m[0]] < shares[m[0]].k) heap.siftTop(t + step[j]);
    else heap.pop();
  }
  layout.end?.();
}

/** The indices of the shares with k > 0, grouped by k (groups by first index, each in index order). */
function groupByK(shares: MixedShare[]): number[][] {
  const byK = new Map<number, number[]>();
  for (let i = 0; i < shares.length; i++) {
    const k = shares[i].k;
    if (k <= 0) continue;
    const m = byK.get(k);
    if (m === undefined) byK.set(k, [i]);
    else m.push(i);
  }
  return [...byK.values()];
}

/**
 * Share indices by time (ties: the lower index first, as the workers' CPUs). Keys sit beside their indices in typed
 * arrays, so a comparison reads no share and no JS array: at 64 workers the heap was a sixth of a mixed skip's
 * lay-down. The order is total, so the sequence is the one any correct heap gives.
 */
class MergeHeap {
  private readonly keys: Float64Array;
  private readonly ids: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.ids = new Int32Array(capacity);
  }

  /** The earliest share's index (the heap is not empty). */
  topId(): number {
    return this.ids[0];
  }

  /** Its time. */
  topKey(): number {
    return this.keys[0];
  }

  /** The earliest time after the top's (size > 1): the lower of the root's children. */
  secondKey(): number {
    const k = this.keys;
    return this.size > 2 && k[2] < k[1] ? k[2] : k[1];
  }

  push(id: number, key: number): void {
    const { keys, ids } = this;
    let c = this.size++;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (keys[p] < key || (keys[p] === key && ids[p] < id)) break;
      keys[c] = keys[p];
      ids[c] = ids[p];
      c = p;
    }
    keys[c] = key;
    ids[c] = id;
  }

  /** Removes the earliest share. */
  pop(): void {
    const n = --this.size;
    if (n > 0) this.place(this.ids[n], this.keys[n], n);
  }

  /** The earliest share's time grew to `key`: moves it down to its place. */
  siftTop(key: number): void {
    this.place(this.ids[0], key, this.size);
  }

  /** Puts (id, key) into the hole at the root of a heap of `n` entries, moving earlier children up. */
  private place(id: number, key: number, n: number): void {
    const { keys, ids } = this;
    let p = 0;
    for (;;) {
      let c = 2 * p + 1;
      if (c >= n) break;
      if (c + 1 < n) {
        const kr = keys[c + 1];
        const kl = keys[c];
        if (kr < kl || (kr === kl && ids[c + 1] < ids[c])) c++;
      }
      const kc = keys[c];
      if (key < kc || (key === kc && id < ids[c])) break;
      keys[p] = kc;
      ids[p] = ids[c];
      p = c;
    }
    keys[p] = key;
    ids[p] = id;
  }
}
