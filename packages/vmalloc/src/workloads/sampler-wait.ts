// What of a loop's iteration was spent on other workers rather than on its own work (issue 13): the cycles its CPU
// charged to a lock's symbol (LockBase.grant charges a spin to it, then the hand-off and acquire: the lock's cache
// line coming from another CPU), slept (a mutex's waiters, idle cycles), or lost to a kworker that took the CPU
// (the fair scheduler's turn, Engine.runAt: the clock moves and nothing is charged to the thread). A worker whose
// entry into a phase moves changes only these: its own loops' work is what it is (sampler-after.ts `arrival`).
import type { Engine, SymbolId, Thread } from '@kmemsim/core';
import type { Loop } from './sampler-loop.js';

/** Per CPU: lock cycles so far, and at each bound thread's last loop boundary (lock, charged cycles). */
export class WaitTally {
  private readonly lock: Float64Array;
  private readonly lock0: Float64Array;
  private readonly charged0: Float64Array;
  private readonly idle0: Float64Array;
  private on = false;

  constructor(private readonly e: Engine) {
    this.lock = new Float64Array(e.cpus);
    this.lock0 = new Float64Array(e.cpus);
    this.charged0 = new Float64Array(e.cpus);
    this.idle0 = new Float64Array(e.cpus);
  }

  /**
   * Starts counting lock cycles (at the run's first skip: nothing reads them before), beside any observer already
   * installed (a trace recorder).
   */
  start(): void {
    if (this.on) return;
    this.on = true;
    const prev = this.e.onSpend;
    const lock = this.lock;
    const e = this.e;
    const p = e.profiler;
    // A kworker's own spends on the CPU are in the time its bound thread lost to it (`waited`). Most spends are of
    // no lock: one typed-array read and out. The locks mark their symbols where they are made (Profiler.markLock).
    const hook = (cpu: number, id: SymbolId, _start: number, cycles: number): void => {
      if (p.lock[id] === 1 && e.current?.kworker !== true) lock[cpu] += cycles;
    };
    this.e.onSpend =
      prev === undefined
        ? hook
        : (cpu, id, start, cycles) => {
            prev(cpu, id, start, cycles);
            hook(cpu, id, start, cycles);
          };
  }

  /** Thread `t` stands at a loop boundary (its loop's `lastClock` is its clock): its waits count from here. */
  mark(t: Thread): void {
    this.lock0[t.cpu] = this.lock[t.cpu];
    this.charged0[t.cpu] = t.sysCycles + t.userCycles + t.idleCycles;
    this.idle0[t.cpu] = t.idleCycles;
  }

  /** Thread `t`'s clock jumped by a skip within an iteration (charged to it, sampler-replay.ts `chargeJump`). */
  jumped(t: Thread, jump: number): void {
    this.charged0[t.cpu] += jump;
  }

  /** Cycles of loop `l`'s last iteration (its `lastClock` not yet moved) spent on other workers (module comment). */
  waited(l: Loop): number {
    const t = l.t;
    const c = t.cpu;
    const charged = t.sysCycles + t.userCycles + t.idleCycles - this.charged0[c];
    const lost = Math.max(0, t.clock - l.lastClock - charged);
    return this.lock[c] - this.lock0[c] + (t.idleCycles - this.idle0[c]) + lost;
  }
}
