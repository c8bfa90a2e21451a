// The bodies of test_vmalloc's hot loops as FlowBody state machines (test-case-flow.ts): the same vmalloc / vfree
// calls in the same order as the generator bodies they replace (test-cases.ts, test-case-kit.ts freeEach).
import { type BodyStep, END, type FlowBody, type WorkerCalls } from './test-case-flow.js';
import type { Worker } from './test-case-kit.js';

/** A set-up's iteration i: vmalloc(pages), the handle stored; false on failure only when `mustFit`. */
export class AllocEach implements FlowBody {
  ok = true;
  private i = 0;

  constructor(
    private readonly pages: number,
    private readonly store: (i: number, id: number) => void,
    private readonly mustFit: boolean,
  ) {}

  start(c: WorkerCalls, i: number): BodyStep {
    this.i = i;
    return c.alloc(this.pages);
  }

  after(c: WorkerCalls): BodyStep {
    const id = c.allocated();
    this.store(this.i, id);
    this.ok = !this.mustFit || id >= 0;
    return END;
  }
}

/** A tear-down's iteration i: vfree(ids[i]) if it was allocated, then ids[i] = −1. */
export class FreeEach implements FlowBody {
  ok = true;
  private i = 0;

  constructor(private readonly ids: Int32Array) {}

  start(c: WorkerCalls, i: number): BodyStep {
    const id = this.ids[i];
    if (id < 0) {
      this.ids[i] = -1;
      return END;
    }
    this.i = i;
    return c.free(id);
  }

  after(c: WorkerCalls): BodyStep {
    c.freed();
    this.ids[this.i] = -1;
    return END;
  }
}

// AllocTouchFree's and LongBusy's states: which call's DONE `after` sees.
const ALLOC_A = 0;
const ALLOC_B = 1;
const FREE_A = 2;
const FREE_B = 3;
const FREE_A_FAILED = 4;

/** vmalloc(pages), touch, vfree (fix_size_alloc_test, full_fit_alloc_test); false when vmalloc failed. */
export class AllocTouchFree implements FlowBody {
  ok = true;
  private st = ALLOC_A;

  constructor(
    private readonly w: Worker,
    private readonly pages: number,
  ) {}

  start(c: WorkerCalls): BodyStep {
    this.st = ALLOC_A;
    return c.alloc(this.pages);
  }

  after(c: WorkerCalls): BodyStep {
    if (this.st === FREE_A) {
      c.freed();
      this.ok = true;
      return END;
    }
    const a = c.allocated();
    if (a < 0) {
      this.ok = false;
      return END;
    }
    this.w.touch(a);
    this.st = FREE_A;
    return c.free(a);
  }
}

/** long_busy_list_alloc_test's iteration: vmalloc(100), vmalloc(1), touch both, vfree both (in that order). */
export class LongBusyOnce implements FlowBody {
  ok = true;
  private st = ALLOC_A;
  private a = -1;
  private b = -1;

  constructor(private readonly w: Worker) {}

  start(c: WorkerCalls): BodyStep {
    this.st = ALLOC_A;
    return c.alloc(100);
  }

  after(c: WorkerCalls): BodyStep {
    switch (this.st) {
      case ALLOC_A:
        this.a = c.allocated();
        if (this.a < 0) {
          this.ok = false;
          return END;
        }
        this.st = ALLOC_B;
        return c.alloc(1);
      case ALLOC_B:
        this.b = c.allocated();
        if (this.b < 0) {
          this.st = FREE_A_FAILED;
          return c.free(this.a);
        }
        this.w.touch(this.a);
        this.w.touch(this.b);
        this.st = FREE_A;
        return c.free(this.a);
      case FREE_A:
        c.freed();
        this.st = FREE_B;
        return c.free(this.b);
      case FREE_B:
        c.freed();
        this.ok = true;
        return END;
      default:
        c.freed();
        this.ok = false;
        return END;
    }
  }
}
