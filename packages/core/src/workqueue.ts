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

  /**
   * The kworker's body: the item, then every flush_work waiter woken at the time it ended ({@link Work.finish}). A
   * hand-written iterator, not a generator around `yield* body(thread)`: each of the item's yields (6.9's drain puts
   * every purged area back under a pool_lock, about one per loop at 64 CPUs) resumed that generator too.
   */
  body(body: ThreadBody): ReturnType<ThreadBody> {
    return new WorkRun(this, body);
  }

  /** The item has ended: flush_work's waiters wake at its end. */
  finish(): void {
    this.done = true;
    const end = this.thread.clock;
    this.endCycle = end;
    for (const w of this.waiters) this.engine.wake(w, end);
    this.waiters = [];
  }
}

/**
 * `function* () { yield* body(thread); work.finish(); }` by hand: the item's body is made at the first next(), its
 * results are passed on as they are (as yield* does), and its end finishes the work in the same next().
 */
class WorkRun implements Generator<Op | undefined, void, void> {
  private inner: Generator<Op | undefined, void, void> | null = null;
  private ended = false;

  constructor(
    private readonly work: Work,
    private readonly make: ThreadBody,
  ) {}

  next(): IteratorResult<Op | undefined, void> {
    if (this.ended) return { done: true, value: undefined };
    this.inner ??= this.make(this.work.thread);
    const r = this.inner.next();
    if (!r.done) return r;
    this.ended = true;
    this.inner = null;
    this.work.finish();
    return { done: true, value: undefined };
  }

  /** Ends the body where it is, as a generator's return() would (the engine never calls it). */
  return(): IteratorResult<Op | undefined, void> {
    const inner = this.inner;
    this.ended = true;
    this.inner = null;
    inner?.return();
    return { done: true, value: undefined };
  }

  throw(e: unknown): IteratorResult<Op | undefined, void> {
    throw e;
  }

  [Symbol.iterator](): this {
    return this;
  }
}
