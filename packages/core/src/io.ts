// An asynchronous block device: requests queue FIFO; each costs a fixed latency plus bytes / bandwidth.
// Submitting does not wait, so CPU work overlaps writeback; a thread waits only when it needs a completion
// (the dirty limit, fsync), and that wait is io-wait (idle class) time.
import type { Engine, Op, Thread } from './engine.js';
import type { SymbolId } from './profiler.js';

/** Parameters of an {@link IoDevice}. */
export interface IoDeviceOptions {
  /** Device name; counters are `io.<name>.requests` and `io.<name>.bytes`. */
  name: string;
  /** Sustained transfer rate. */
  bytesPerSecond: number;
  /** Per-request overhead (seek/rotation/command), seconds. */
  latencySeconds: number;
}

/**
 * An asynchronous block device: FIFO requests, each costing a fixed latency plus bytes / bandwidth. Submitting does
 * not wait, so CPU work overlaps writeback; a thread that needs a completion waits in io-wait (idle class).
 */
export class IoDevice {
  /** Cycle at which the device finishes everything submitted so far. */
  busyUntil = 0;
  /** Bytes submitted so far. */
  bytes = 0;
  /** Requests submitted so far. */
  requests = 0;
  private readonly cyclesPerByte: number;
  private readonly latencyCycles: number;
  private readonly cReq: number;
  private readonly cBytes: number;

  constructor(
    readonly engine: Engine,
    readonly opts: IoDeviceOptions,
  ) {
    if (!(opts.bytesPerSecond > 0)) throw new RangeError(`${opts.name}: bytesPerSecond must be > 0`);
    this.cyclesPerByte = engine.clockHz / opts.bytesPerSecond;
    this.latencyCycles = opts.latencySeconds * engine.clockHz;
    this.cReq = engine.counters.id(`io.${opts.name}.requests`, `requests submitted to ${opts.name}`);
    this.cBytes = engine.counters.id(`io.${opts.name}.bytes`, `bytes transferred by ${opts.name}`);
  }

  /** Queues `count` requests of `bytes` each at time `at`; returns the completion time of the last. */
  submitAt(at: number, bytes: number, count = 1): number {
    const start = Math.max(at, this.busyUntil);
    this.busyUntil = start + count * (this.latencyCycles + bytes * this.cyclesPerByte);
    this.requests += count;
    this.bytes += bytes * count;
    this.engine.counters.add(this.cReq, count);
    this.engine.counters.add(this.cBytes, bytes * count);
    return this.busyUntil;
  }

  /** `yield dev.submit(t, bytes, count)`; the completion time is left in t.result. */
  submit(_t: Thread, bytes: number, count = 1): Op {
    return {
      perform: (t) => {
        t.result = this.submitAt(t.clock, bytes, count);
        return false;
      },
    };
  }

  /** Blocks the thread (io-wait) until time `until`. */
  waitUntil(t: Thread, until: number, sym: SymbolId | string): void {
    t.idleUntil(until, sym);
  }
}
