// Binary min-heap of thread ids keyed by (clock, insertion sequence): the scheduler's run queue.
// The sequence number breaks clock ties deterministically (first queued, first run). The order is total, so any
// correct heap pops the same ids in the same order: how elements sit in the array never reaches the results.
export class RunQueue {
  private ids: Int32Array;
  private keys: Float64Array;
  private seqs: Float64Array;
  private nextSeq = 0;
  size = 0;

  constructor(capacity = 16) {
    this.ids = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
  }

  push(id: number, key: number): void {
    if (this.size === this.ids.length) this.grow();
    this.climb(this.size++, id, key, this.nextSeq++);
  }

  /** Key of the minimum; Infinity when empty. */
  peekKey(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.keys[0];
  }

  /** Removes the minimum and returns its id; the popped key is left in `lastKey`. */
  pop(): number {
    const top = this.ids[0];
    this.lastKey = this.keys[0];
    const n = --this.size;
    if (n > 0) this.siftFromRoot(this.ids[n], this.keys[n], this.seqs[n], n);
    return top;
  }

  /**
   * `push(id, key)` then `pop()` in one pass (the scheduler's switch: the running thread goes back in, the earliest
   * comes out). Same result and the same sequence numbers as the two calls; one sift instead of two.
   */
  pushPop(id: number, key: number): number {
    const seq = this.nextSeq++;
    const keys = this.keys;
    // The pushed entry has the newest sequence number: it comes out first only if strictly earlier.
    if (this.size === 0 || key < keys[0]) {
      this.lastKey = key;
      return id;
    }
    const top = this.ids[0];
    this.lastKey = keys[0];
    this.siftFromRoot(id, key, seq, this.size);
    return top;
  }

  lastKey = 0;

  /**
   * Places (id, key, seq) into the hole at the root of a heap of `n` entries, top-down: the hole follows the
   * earlier child down until the entry is earlier than it. A thread put back after a lock op lands at any depth
   * (at 64 threads about uniformly over the levels), so stopping there beats Floyd's bottom-up sift (always to a
   * leaf, then a climb), which pays off only for entries that belong at the bottom: on a recorded 6.9 run-queue
   * trace 22 against 42 ns per operation. Same final order: any correct heap pops the same ids.
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

  private grow(): void {
    const n = this.ids.length * 2;
    const ids = new Int32Array(n);
    ids.set(this.ids);
    const keys = new Float64Array(n);
    keys.set(this.keys);
    const seqs = new Float64Array(n);
    seqs.set(this.seqs);
    this.ids = ids;
    this.keys = keys;
    this.seqs = seqs;
  }
}
