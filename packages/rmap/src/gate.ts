// A one-shot event per index, awaited in simulated-time order: a child's exit waits for its fork to finish,
// the parent's wait4 for the child's exit. Opening records the time; a waiter resumes no earlier than it. Several
// threads may wait on one index (children on other CPUs all waiting for the parent's reclaim scan); all resume.
import type { Engine, Op, SymbolId, Thread } from '@kmemsim/core';

export class Gates {
  private readonly at: Float64Array;
  private readonly waiters: (Thread[] | null)[];
  private readonly sleep: SymbolId;

  constructor(
    readonly engine: Engine,
    readonly name: string,
    count: number,
  ) {
    this.at = new Float64Array(count).fill(-1);
    this.waiters = new Array(count).fill(null);
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
        const ws = this.waiters[i];
        if (ws) ws.push(t);
        else this.waiters[i] = [t];
        this.engine.block(t, `${this.name} ${i}`);
        return true;
      },
    };
  }

  open(t: Thread, i: number): void {
    this.at[i] = t.clock;
    const ws = this.waiters[i];
    if (!ws) return;
    this.waiters[i] = null;
    for (const w of ws) {
      this.engine.settle(w.cpu);
      w.idleUntil(t.clock, this.sleep);
      this.engine.wake(w, w.clock);
    }
  }
}
