// A queued work item (Engine.queueWork): the kworker thread that runs it and flush_work, which sleeps until it
// has run.
import type { Engine } from './engine.js';
import type { Op, ThreadBody } from './engine-hooks.js';
import type { Thread } from './thread.js';

/** A work item queued on a CPU's kworker (see {@link Engine.queueWork}). */
export class Work implements Op {
  /** The work has run to its end. */
  done = false;
  /** The CPU clock when it ended, in cycles (0 while it runs). */
  endCycle = 0;
  private waiters: Thread[] = [];

  constructor(
    readonly engine: Engine,
    /** The kworker thread running the item. */
    readonly thread: Thread,
  ) {}

  /** `const op = work.flush(t); if (op) yield op;` — flush_work: undefined if the work is done, else a sleep. */
  flush(_t: Thread): Op | undefined {
    return this.done ? undefined : this;
  }

  /**
   * The flush, at the waiter's time: sleeps (its CPU may run kworkers) unless the work has ended by then. A work
   * that ran ahead of the waiter's clock between two sync points ended later than now: sleep until its end.
   */
  perform(t: Thread): boolean {
    if (this.done && this.endCycle <= t.clock) return false;
    this.engine.sleep(t, `flush_work ${this.thread.name}`);
    if (this.done) this.engine.wake(t, this.endCycle);
    else this.waiters.push(t);
    return true;
  }

  /** The kworker's body: the item, then every flush_work waiter woken at the time it ended. */
  *body(body: ThreadBody): ReturnType<ThreadBody> {
    yield* body(this.thread);
    this.done = true;
    const end = this.thread.clock;
    this.endCycle = end;
    for (const w of this.waiters) this.engine.wake(w, end);
    this.waiters = [];
  }
}
