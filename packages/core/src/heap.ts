// Binary min-heap of thread ids keyed by (clock, insertion sequence): the scheduler's run queue.
// The sequence number breaks clock ties deterministically (first queued, first run).
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
    let i = this.size++;
    const seq = this.nextSeq++;
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

  /** Key of the minimum; Infinity when empty. */
  peekKey(): number {
    return this.size === 0 ? Number.POSITIVE_INFINITY : this.keys[0];
  }

  /** Removes the minimum and returns its id; the popped key is left in `lastKey`. */
  pop(): number {
    const { ids, keys, seqs } = this;
    const top = ids[0];
    this.lastKey = keys[0];
    const n = --this.size;
    if (n > 0) {
      const id = ids[n];
      const key = keys[n];
      const seq = seqs[n];
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= n) break;
        const r = c + 1;
        if (r < n && (keys[r] < keys[c] || (keys[r] === keys[c] && seqs[r] < seqs[c]))) c = r;
        if (key < keys[c] || (key === keys[c] && seq < seqs[c])) break;
        ids[i] = ids[c];
        keys[i] = keys[c];
        seqs[i] = seqs[c];
        i = c;
      }
      ids[i] = id;
      keys[i] = key;
      seqs[i] = seq;
    }
    return top;
  }

  lastKey = 0;

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
