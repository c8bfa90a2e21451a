// The scheduler's run queue: thread ids ordered by (clock, insertion sequence). The sequence number breaks clock
// ties deterministically (first queued, first run). The order is total, so any correct priority queue pops the same
// ids in the same order: how entries sit in the arrays never reaches the results.
//
// Two layouts of that one order, chosen by where threads put back land (recorded run-queue traces, s24):
// - a sorted ring: pop at the head, insert scanning back from the tail, O(distance from the tail). Workers in lock
//   step put nearly every thread back behind all the others: test_vmalloc 5.2 at 64 CPUs 81–92 % at the very tail,
//   ≥ 95 % within 8 of it (about half the heap's time per operation on those traces);
// - a binary heap, O(log n): 6.9's workers, and vmap-bench's 1,024 threads, land mid-queue (32–500 entries from the
//   tail), where the ring would move them all.
// The queue starts sorted and turns into a heap when a window's inserts moved more entries than a heap's sifts would
// (`limit` moves per level each; a sorted array already is a heap: nothing moves but the ring's start). After `probe`
// heap operations it sorts itself and looks again; a ring that fails at once (1,024 threads) doubles that wait, up to
// `probeMax`, and one that lasts a window resets it. Both layouts keep the minimum at `head` (0 in the heap).

/** When the run queue changes layout (see the file's comment); tests shrink them to exercise both. */
export interface RunQueueTuning {
  /** Inserts per window of the sorted ring. */
  window: number;
  /** Ring moves per insert and heap level (log₂ n) above which the heap is cheaper. */
  limit: number;
  /** Heap operations before the queue first sorts itself to test the ring again. */
  probe: number;
  /** The longest wait between such tests. */
  probeMax: number;
}

/**
 * The engine's, from recorded traces (s24): a ring move costs ~2.5 ns against ~12 ns per heap level (a compare that
 * mispredicts, three moves), so 2 moves per level is still the ring's; a re-sort (n log n) every ≥ 4,096 operations.
 */
export const RUN_QUEUE_TUNING: RunQueueTuning = { window: 256, limit: 2, probe: 1 << 12, probeMax: 1 << 20 };

export class RunQueue {
  private ids: Int32Array;
  private keys: Float64Array;
  private seqs: Float64Array;
  /** Capacity − 1 (the capacity is a power of two: the ring wraps with a mask). */
  private mask: number;
  private nextSeq = 0;
  size = 0;
  /** The key popped last (by pop or pushPop). */
  lastKey = 0;
  /** Where the minimum is: the ring's head; 0 in the heap. */
  private head = 0;
  private sorted = true;
  /** The ring's window so far: inserts and the entries they moved. */
  private inserts = 0;
  private moved = 0;
  /** Heap operations since the last re-sort, and how many make the next. */
  private heapOps = 0;
  private probeEvery: number;
  /** The ring was sorted from the heap and has not yet lasted a window. */
  private fresh = false;

  constructor(
    capacity = 16,
    private readonly tune: RunQueueTuning = RUN_QUEUE_TUNING,
  ) {
    let c = 2;
    while (c < capacity) c *= 2;
    this.ids = new Int32Array(c);
    this.keys = new Float64Array(c);
    this.seqs = new Float64Array(c);
    this.mask = c - 1;
    this.probeEvery = tune.probe;
  }

  /** True while the queue is a sorted ring (tests). */
  get isSorted(): boolean {
    return this.sorted;
  }

  push(id: number, key: number): void {
    if (this.size === this.ids.length) this.grow();
    const seq = this.nextSeq++;
    if (this.sorted) this.insert(id, key, seq);
    else {
      this.climb(this.size++, id, key, seq);
      this.counted();
    }
  }

  /** Key of the minimum; Infinity when empty. */
  peekKey(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.keys[this.head];
  }

  /** Removes the minimum and returns its id; the popped key is left in `lastKey`. */
  pop(): number {
    if (!this.sorted) return this.heapPop();
    const h = this.head;
    this.lastKey = this.keys[h];
    this.head = (h + 1) & this.mask;
    this.size--;
    return this.ids[h];
  }

  /**
   * `push(id, key)` then `pop()` in one pass (the scheduler's switch: the running thread goes back in, the earliest
   * comes out). Same result and the same sequence numbers as the two calls. Each layout has its own method, so
   * the heap's stays as lean as it was alone (one branch here; with both inline, 6.9's trace ran 20–30 % slower).
   */
  pushPop(id: number, key: number): number {
    if (!this.sorted) return this.heapPushPop(id, key);
    const seq = this.nextSeq++;
    const h = this.head;
    // The pushed entry has the newest sequence number: it comes out first only if strictly earlier.
    if (this.size === 0 || key < this.keys[h]) {
      this.lastKey = key;
      return id;
    }
    const top = this.ids[h];
    this.lastKey = this.keys[h];
    this.head = (h + 1) & this.mask;
    this.size--;
    this.insert(id, key, seq);
    return top;
  }

  private heapPop(): number {
    const top = this.ids[0];
    this.lastKey = this.keys[0];
    const n = --this.size;
    if (n > 0) this.siftFromRoot(this.ids[n], this.keys[n], this.seqs[n], n);
    this.counted();
    return top;
  }

  private heapPushPop(id: number, key: number): number {
    const seq = this.nextSeq++;
    const keys = this.keys;
    if (this.size === 0 || key < keys[0]) {
      this.lastKey = key;
      return id;
    }
    const top = this.ids[0];
    this.lastKey = keys[0];
    this.siftFromRoot(id, key, seq, this.size);
    this.counted();
    return top;
  }

  /**
   * The ring's insert (room for one more): the newest entry goes after every entry whose key is ≤ its own, found
   * scanning back from the tail. Turns the ring into a heap when the window's inserts moved too many entries.
   */
  private insert(id: number, key: number, seq: number): void {
    const { ids, keys, seqs, mask } = this;
    let j = (this.head + this.size) & mask;
    let d = 0;
    for (const n = this.size; d < n; d++) {
      const p = (j - 1) & mask;
      if (keys[p] <= key) break;
      ids[j] = ids[p];
      keys[j] = keys[p];
      seqs[j] = seqs[p];
      j = p;
    }
    ids[j] = id;
    keys[j] = key;
    seqs[j] = seq;
    this.size++;
    const t = this.tune;
    this.moved += d;
    if (this.moved > t.window * t.limit * (32 - Math.clz32(this.size))) this.toHeap();
    else if (++this.inserts >= t.window) {
      this.inserts = this.moved = 0;
      if (this.fresh) {
        this.fresh = false;
        this.probeEvery = t.probe;
      }
    }
  }

  /** A heap operation: after `probeEvery` of them the queue becomes a sorted ring again, to see where inserts land. */
  private counted(): void {
    if (++this.heapOps >= this.probeEvery) this.toRing();
  }

  /** The ring, unrolled from its head, is a sorted array: a heap as it stands. */
  private toHeap(): void {
    this.unroll(this.ids.length);
    this.sorted = false;
    this.heapOps = 0;
    if (this.fresh) this.probeEvery = Math.min(2 * this.probeEvery, this.tune.probeMax);
    this.fresh = false;
  }

  /** Sorts the heap's entries into a ring starting at 0. */
  private toRing(): void {
    const { ids, keys, seqs } = this;
    const n = this.size;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : seqs[a] - seqs[b]));
    const c = ids.length;
    const ni = new Int32Array(c);
    const nk = new Float64Array(c);
    const ns = new Float64Array(c);
    for (let i = 0; i < n; i++) {
      const x = order[i];
      ni[i] = ids[x];
      nk[i] = keys[x];
      ns[i] = seqs[x];
    }
    this.ids = ni;
    this.keys = nk;
    this.seqs = ns;
    this.head = 0;
    this.sorted = true;
    this.inserts = this.moved = 0;
    this.fresh = true;
  }

  /** Copies the entries, from the head on, to new arrays of capacity `c` starting at 0. */
  private unroll(c: number): void {
    const { ids, keys, seqs, head, mask } = this;
    const ni = new Int32Array(c);
    const nk = new Float64Array(c);
    const ns = new Float64Array(c);
    for (let i = 0; i < this.size; i++) {
      const x = (head + i) & mask;
      ni[i] = ids[x];
      nk[i] = keys[x];
      ns[i] = seqs[x];
    }
    this.ids = ni;
    this.keys = nk;
    this.seqs = ns;
    this.mask = c - 1;
    this.head = 0;
  }

  /**
   * Places (id, key, seq) into the hole at the root of a heap of `n` entries, top-down: the hole follows the
   * earlier child down until the entry is earlier than it. A thread put back lands at any depth (6.9 at 64 threads
   * about uniformly over the levels), so stopping there beats Floyd's bottom-up sift (always to a leaf, then a
   * climb), which pays off only for entries that belong at the bottom: on a recorded 6.9 run-queue trace 22
   * against 42 ns per operation.
   */
  private siftFromRoot(id: number, key: number, seq: number, n: number): void {
    const { ids, keys, seqs } = this;
    let i = 0;
    let c = 1;
    while (c < n) {
      if (c + 1 < n) {
        // The earlier child, as 0 or 1 (no branch to mispredict); sequence numbers are read only on a tie.
        const kr = keys[c + 1];
        const kl = keys[c];
        if (kr !== kl) c += +(kr < kl);
        else c += +(seqs[c + 1] < seqs[c]);
      }
      const kc = keys[c];
      if (key < kc || (key === kc && seq < seqs[c])) break;
      ids[i] = ids[c];
      keys[i] = kc;
      seqs[i] = seqs[c];
      i = c;
      c = 2 * i + 1;
    }
    ids[i] = id;
    keys[i] = key;
    seqs[i] = seq;
  }

  /** Places (id, key, seq) into the hole at `i`, moving it up past every later parent. */
  private climb(i: number, id: number, key: number, seq: number): void {
    const { ids, keys, seqs } = this;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p] < key || (keys[p] === key && seqs[p] < seq)) break;
      ids[i] = ids[p];
      keys[i] = keys[p];
      seqs[i] = seqs[p];
      i = p;
    }
    ids[i] = id;
    keys[i] = key;
    seqs[i] = seq;
  }

  /** Twice the capacity; the entries start at 0 (the ring unrolled; the heap as it is). */
  private grow(): void {
    this.unroll(this.ids.length * 2);
  }
}
