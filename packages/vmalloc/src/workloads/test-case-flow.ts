// test_vmalloc's hot loops (build's set-ups and tear-downs, loop's iterations) as hand-written iterators over one
// AreaFlow per worker (mechanism/area-flow.ts), as vmap-bench's BenchLoop does: a lock wait inside a loop resumes
// no generator, where `yield* body(i)` → `yield* vmalloc` → `yield* vm.allocArea` resumed four below the case's
// and the thread body's (which a Handoff also skips), and each call allocated its generators and flow. Same steps
// in the same order as the generator bodies (test-case-kit.ts vmalloc / vfree, build / loop): byte-identical.
import type { Op } from '@kmemsim/core';
import { AreaFlow, DELEGATE, DONE, type Step } from '../mechanism/area-flow.js';
import { LAYOUT } from '../mechanism/params.js';
import type { Gen } from '../types.js';
import { OpIterator } from './op-iterator.js';
import type { Loop } from './sampler-loop.js';
import type { Worker } from './test-case-kit.js';

/** A body's iteration has ended (its `ok` is set). */
export const END: unique symbol = Symbol('end');
/** What a body asks of its loop: a flow step, or the end of the iteration. */
export type BodyStep = Step | typeof END;

/**
 * One iteration of a build or loop as resumable steps over the worker's calls (`c`): `start(i)` begins iteration
 * i, `after()` runs when the flow's call is DONE; each returns the next call's first step or END.
 */
export interface FlowBody {
  /** The iteration's result: false when an allocation failed. */
  ok: boolean;
  start(c: WorkerCalls, i: number): BodyStep;
  after(c: WorkerCalls): BodyStep;
}

/** vmalloc / vfree (test-case-kit.ts) split at the flow: the part before it, and the part after its DONE. */
export class WorkerCalls {
  readonly f: AreaFlow;
  private pages = 0;
  private zero = false;

  constructor(private readonly w: Worker) {
    this.f = new AreaFlow(w.vm, w.t);
  }

  /** vmalloc's pages, then get_vm_area's first step. */
  alloc(pages: number, alignBytes = 0, zero = false): Step {
    const w = this.w;
    w.t.spend(w.sym.alloc, w.costs.allocPageCycles * pages);
    const align = Math.max(1, Math.floor(alignBytes / w.pageBytes));
    this.pages = pages;
    this.zero = zero;
    return this.f.alloc(pages, align);
  }

  /** After alloc's DONE: the handle, mapped (and zeroed), or −1. */
  allocated(): number {
    const id = this.f.result;
    if (id < 0) return -1;
    const w = this.w;
    const t = w.t;
    w.vm.mapArea(t, id, LAYOUT.pfnBase + (t.cpu << 20) + (id % 4096) * 128);
    if (this.zero) t.spend(w.sym.memset, w.clearCyclesPerByte * this.pages * w.pageBytes);
    return id;
  }

  /** vfree's first step. */
  free(id: number): Step {
    this.pages = this.w.vm.areas.pages[id];
    return this.f.free(id);
  }

  /** After free's DONE: its pages back. */
  freed(): void {
    const w = this.w;
    w.t.spend(w.sym.free, w.costs.freePageCycles * this.pages);
  }
}

/** The worker's calls (made on first use: one flow per worker, never two calls at once). */
export function callsOf(w: Worker): WorkerCalls {
  if (w.calls === undefined) w.calls = new WorkerCalls(w);
  return w.calls;
}

// Where the loop is: not begun, inside an iteration, at the cond_resched yield, finished.
const START = 0;
const BODY = 1;
const RESCHED = 2;
const FINISHED = 3;
// top(): the loop has ended.
const FIN: unique symbol = Symbol('fin');

type Result = IteratorResult<Op | undefined, boolean>;

// What a FlowLoop yields once, up through the generators that started it, to hand itself to its worker's Handoff.
// Never an op the engine sees: the Handoff drives the loop at once.
const HANDOFF: Op = {
  perform: () => {
    throw new Error('a FlowLoop handoff reached the engine');
  },
};

/**
 * A worker's thread body (what the engine resumes): it runs `gen`, and when a FlowLoop started inside it hands
 * itself over, the loop becomes the thread's body (`t.gen`): the engine resumes it directly until it ends, when it
 * puts this Handoff back and resumes `gen`, whose `yield*` of the loop then returns the loop's result. So a lock
 * wait inside the loop resumes no generator and no wrapper (the case's and the thread body's generators were two
 * per wait, this Handoff's next() one). The same calls in the same order as `gen` alone.
 */
export class Handoff extends OpIterator<void> {
  /** The loop being driven, or null. */
  active: FlowLoop | null = null;
  gen: Gen | null = null;

  next(): IteratorResult<Op | undefined, void> {
    const r = (this.gen as Gen).next();
    if (r.done || r.value !== HANDOFF) return r;
    // The loop that yielded HANDOFF is the thread's body from now on; this runs its first step.
    // Its end (even at once) comes back here through `ended`, so its own result never surfaces from this call.
    return (this.active as FlowLoop).next() as IteratorResult<Op | undefined, void>;
  }

  /** Ends the body where it is (the engine never calls it; part of the Generator interface). */
  return(): IteratorResult<Op | undefined, void> {
    this.active = null;
    return (this.gen as Gen).return();
  }
}

/**
 * build (`main` false) or loop (`main` true) of test-case-kit.ts over a FlowBody. `open` begins the sampler's loop
 * (at the first next(), as the generator's first resume did); a main loop stops at the first failed iteration.
 */
export class FlowLoop extends OpIterator<boolean> {
  private readonly c: WorkerCalls;
  /** The worker's flow (`c.f`), one load less per step. */
  private readonly f: AreaFlow;
  private l: Loop | null = null;
  private st = START;
  private ok = true;
  /** The generator a DELEGATE step handed over, run to its end. */
  private sub: Gen<unknown> | null = null;

  constructor(
    private readonly w: Worker,
    private readonly open: () => Loop,
    private readonly body: FlowBody,
    private readonly main: boolean,
  ) {
    super();
    this.c = callsOf(w);
    this.f = this.c.f;
  }

  next(): Result {
    let s: BodyStep | typeof FIN;
    if (this.sub !== null) s = DELEGATE;
    else if (this.st === BODY) s = this.f.next();
    else if (this.st === START) {
      const h = this.w.handoff;
      if (h !== undefined && h.active !== this) {
        // Started through generators: become the thread's body; the Handoff calls next() again at once.
        h.active = this;
        this.w.t.gen = this as unknown as Gen;
        return this.yield(HANDOFF);
      }
      this.l = this.open();
      s = this.top();
    } else if (this.st === RESCHED) s = this.top();
    else return this.ended();
    for (;;) {
      if (s === DELEGATE) {
        if (this.sub === null) this.sub = this.f.delegated();
        const r = this.sub.next();
        if (!r.done) return this.yield(r.value);
        this.sub = null;
        s = this.f.next();
      } else if (s === DONE) s = this.body.after(this.c);
      else if (s === END) {
        s = this.iterated();
        if (this.st === RESCHED) return this.yield(s as Op);
      } else if (s === FIN) return this.ended();
      else return this.yield(s);
    }
  }

  /**
   * The loop's end. As the thread's body (handed over), it puts the Handoff back and resumes it: the generators'
   * `yield*` of this loop calls next() once more and gets the result; called from a generator, the result.
   */
  private ended(): Result {
    const h = this.w.handoff;
    if (h !== undefined && h.active === this) {
      h.active = null;
      this.w.t.gen = h;
      return h.next() as Result;
    }
    return { done: true, value: this.ok };
  }

  /** Ends the loop where it is (the engine never calls it; part of the Generator interface). */
  return(): Result {
    this.st = FINISHED;
    this.sub = null;
    const h = this.w.handoff;
    if (h !== undefined && h.active === this) {
      h.active = null;
      this.w.t.gen = h;
    }
    return { done: true, value: this.ok };
  }

  /** The top of the loop: the next iteration's first step, or FIN once the count is done (the sampler told). */
  private top(): BodyStep | typeof FIN {
    const l = this.l as Loop;
    if (l.done < l.count) {
      this.st = BODY;
      return this.body.start(this.c, l.done);
    }
    return this.finish();
  }

  /** After an iteration: its result, the sampler's count, one cond_resched point (RESCHED: its op), the next. */
  private iterated(): BodyStep | typeof FIN | Op {
    const w = this.w;
    const l = this.l as Loop;
    if (!this.body.ok) {
      this.ok = false;
      if (this.main) return this.finish();
    }
    if (this.main) l.steady?.slip?.observe();
    w.sampler.next(l);
    // cond_resched() in vm_area_alloc_pages (6.9): a kworker queued on this CPU (the drain, a purge helper) runs.
    const rs = w.t.engine.condResched(w.t);
    if (rs !== undefined) {
      this.st = RESCHED;
      return rs;
    }
    return this.top();
  }

  private finish(): typeof FIN {
    const l = this.l as Loop;
    if (!this.main && l.skipped > 0) this.w.forwarded = l.kase;
    this.w.sampler.end(l);
    this.st = FINISHED;
    return FIN;
  }
}
