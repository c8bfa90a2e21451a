// A one-shot event per index, awaited in simulated-time order: a child's exit waits for its fork to finish,
// the parent's wait4 for the child's exit. Opening records the time; a waiter resumes no earlier than it.
import type { Engine, Op, SymbolId, Thread } from '@kmemsim/core';

export class Gates {
  private readonly at: Float64Array;
  private readonly waiter: (Thread | null)[];
  private readonly sleep: SymbolId;

  constructor(
    readonly engine: Engine,
    readonly name: string,
    count: number,
  ) {
    this.at = new Float64Array(count).fill(-1);
    this.waiter = new Array(count).fill(null);
    this.sleep = engine.sym('wait4', 'idle');
  }

  /** `yield gates.wait(t, i)` */
  wait(_t: Thread, i: number): Op {
    return {
      perform: (t: Thread) => {
        if (this.at[i] >= 0) {
          t.idleUntil(this.at[i], this.sleep);
          return false;
        }
        this.waiter[i] = t;
        this.engine.block(t, `${this.name} ${i}`);
        return true;
      },
    };
  }

  open(t: Thread, i: number): void {
    this.at[i] = t.clock;
    const w = this.waiter[i];
    if (w) {
      this.waiter[i] = null;
      this.engine.settle(w.cpu);
      w.idleUntil(t.clock, this.sleep);
      this.engine.wake(w, w.clock);
    }
  }
}
