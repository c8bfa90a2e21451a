// The events of one traced run, in columns (≈ 30 bytes an event rather than a JS object each), and the cut that
// fits a run into its share of the trace budget: keep the events that start before a time T, and a flow only
// when both of its ends are kept, so what remains is a complete picture of the run's first part.

export enum Kind {
  /** A complete slice: ts, dur. */
  Slice = 0,
  /** An instant: ts; `ref` indexes the args table (−1: none). */
  Instant = 1,
  /** A counter sample: ts, value in `dur`. */
  Counter = 2,
  /** A flow's start (bound to the slice enclosing ts): `ref` is the flow id. */
  FlowStart = 3,
  /** A flow's end (bound to the slice enclosing ts): `ref` is the flow id. */
  FlowEnd = 4,
}

export class EventBuffer {
  kind = new Uint8Array(1024);
  name = new Int32Array(1024);
  tid = new Int32Array(1024);
  /** Start in cycles. */
  ts = new Float64Array(1024);
  /** Duration in cycles (slices) or the value (counters). */
  dur = new Float64Array(1024);
  ref = new Int32Array(1024);
  length = 0;

  push(kind: Kind, name: number, tid: number, ts: number, dur: number, ref: number): number {
    if (this.length === this.kind.length) this.grow();
    const i = this.length++;
    this.kind[i] = kind;
    this.name[i] = name;
    this.tid[i] = tid;
    this.ts[i] = ts;
    this.dur[i] = dur;
    this.ref[i] = ref;
    return i;
  }

  private grow(): void {
    const n = this.kind.length * 2;
    const g = <T extends Uint8Array | Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.kind = g(this.kind, (k) => new Uint8Array(k));
    this.name = g(this.name, (k) => new Int32Array(k));
    this.tid = g(this.tid, (k) => new Int32Array(k));
    this.ts = g(this.ts, (k) => new Float64Array(k));
    this.dur = g(this.dur, (k) => new Float64Array(k));
    this.ref = g(this.ref, (k) => new Int32Array(k));
  }

  /**
   * Keeps at most `share` events: those starting before the time T at which the count would exceed it, minus
   * flows with an end cut off. Returns T (Infinity when nothing was cut).
   */
  cut(share: number): number {
    if (this.length <= share) return Number.POSITIVE_INFINITY;
    const until = this.ts.slice(0, this.length).sort()[Math.max(0, share)];
    this.keep((i) => this.ts[i] < until);
    this.pairFlows();
    return until;
  }

  /** Drops flow events whose other end is missing (e.g. an IPI whose handler never ran before the end). */
  pairFlows(): void {
    const starts = new Set<number>();
    const ends = new Set<number>();
    for (let i = 0; i < this.length; i++) {
      if (this.kind[i] === Kind.FlowStart) starts.add(this.ref[i]);
      else if (this.kind[i] === Kind.FlowEnd) ends.add(this.ref[i]);
    }
    this.keep((i) => {
      const k = this.kind[i];
      return (k !== Kind.FlowStart && k !== Kind.FlowEnd) || (starts.has(this.ref[i]) && ends.has(this.ref[i]));
    });
  }

  /** Compacts the buffer to the events `keep` accepts, in order. */
  private keep(keep: (i: number) => boolean): void {
    let w = 0;
    for (let i = 0; i < this.length; i++) {
      if (!keep(i)) continue;
      if (w !== i) {
        this.kind[w] = this.kind[i];
        this.name[w] = this.name[i];
        this.tid[w] = this.tid[i];
        this.ts[w] = this.ts[i];
        this.dur[w] = this.dur[i];
        this.ref[w] = this.ref[i];
      }
      w++;
    }
    this.length = w;
  }
}

/**
 * Water-filling: shares of `budget` for runs that have `sizes` events each. Every run gets what it has if all
 * fit; otherwise small runs are kept whole and the rest split the remainder evenly.
 */
export function shares(sizes: readonly number[], budget: number): number[] {
  const order = sizes.map((_, i) => i).sort((a, b) => sizes[a] - sizes[b]);
  const out = new Array<number>(sizes.length).fill(0);
  let left = budget;
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const even = Math.floor(left / (order.length - k));
    out[i] = Math.min(sizes[i], even);
    left -= out[i];
  }
  return out;
}
