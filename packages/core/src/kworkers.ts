// Kworkers sharing a CPU with the thread bound to it (opt-in: only runs that queue work create any).
//
// The kernel runs a work item queued with schedule_work_on(cpu) / queue_work_on in a kworker bound to that CPU.
// Under PREEMPT_NONE (kernel/Kconfig.preempt's default) and PREEMPT_VOLUNTARY, waking the kworker does not preempt
// the kernel thread running there: it runs when that thread reschedules — at a cond_resched() (the workload says
// where: Engine.condResched) or when it sleeps — and at once on an idle CPU. Until it finishes or sleeps, the bound
// thread waits (preempted). Both share the CPU's clock; at most one of them is runnable at any time.
import type { Thread } from './thread.js';

/** What the kworker bookkeeping needs from the engine. */
export interface KworkerHost {
  readonly clock: Float64Array;
  /** Makes `t` runnable on its CPU at `at` (or the CPU's clock, if later). */
  run(t: Thread, at: number): void;
  /** The live thread bound to `cpu`, or null. */
  boundOn(cpu: number): Thread | null;
}

/** Per-CPU kworker state: the kworker holding each CPU and the ones waiting for it, in queueing order. */
export class Kworkers {
  /** Kworkers queued, running or asleep. */
  live = 0;
  private pendingTotal = 0;
  private readonly pending: Thread[][];
  private readonly owner: (Thread | null)[];

  constructor(
    private readonly h: KworkerHost,
    cpus: number,
  ) {
    this.pending = Array.from({ length: cpus }, () => []);
    this.owner = new Array(cpus).fill(null);
  }

  /** A kworker waits for `cpu` (the bound thread's next cond_resched runs it). */
  hasPending(cpu: number): boolean {
    return this.pendingTotal > 0 && this.pending[cpu].length > 0;
  }

  /**
   * A kworker waiting for `cpu` was queued or woken by `now`: a cond_resched at `now` runs it. (One woken later —
   * by a work that ran ahead of this clock between sync points — is not runnable yet.)
   */
  readyFor(cpu: number, now: number): boolean {
    return this.hasPending(cpu) && this.pending[cpu][0].readyAt <= now;
  }

  /** A queued or woken kworker: it runs now if its CPU is idle or its bound thread sleeps, else waits. */
  offer(w: Thread): void {
    const cpu = w.cpu;
    const b = this.h.boundOn(cpu);
    if (this.owner[cpu] === null && (b === null || b.sleeping)) this.start(w);
    else {
      this.pending[cpu].push(w);
      this.pendingTotal++;
    }
  }

  /** cond_resched of the bound thread `t`: the first waiting kworker takes the CPU. True: `t` must block. */
  resched(t: Thread): boolean {
    if (!this.readyFor(t.cpu, t.clock) || this.owner[t.cpu] !== null) return false;
    const p = this.pending[t.cpu];
    t.preempted = true;
    this.pendingTotal--;
    this.start(p.shift() as Thread);
    return true;
  }

  /** `t` went to sleep: a kworker gives its CPU back; a bound thread lets a waiting kworker run. */
  slept(t: Thread): void {
    if (t.kworker) this.release(t.cpu);
    else if (this.owner[t.cpu] === null && this.hasPending(t.cpu)) this.next(t.cpu);
  }

  /** `t` finished: a kworker gives its CPU back; a bound thread's CPU is idle for waiting kworkers. */
  finished(t: Thread): void {
    if (t.kworker) {
      this.live--;
      this.release(t.cpu);
    } else if (this.owner[t.cpu] === null && this.hasPending(t.cpu)) this.next(t.cpu);
  }

  /**
   * Wakes a sleeping thread, if the CPU sharing decides where it goes: a kworker is offered its CPU again; a bound
   * thread whose CPU a kworker holds waits for it (preempted). False: the engine's ordinary wake.
   */
  wake(t: Thread, time: number): boolean {
    if (!t.sleeping) return false;
    t.sleeping = false;
    if (t.kworker) {
      t.readyAt = time;
      t.blockedOn = 'workqueue';
      this.offer(t);
      return true;
    }
    if (this.owner[t.cpu] === null) return false;
    t.preempted = true;
    t.readyAt = time;
    t.blockedOn = 'preempted by kworker';
    return true;
  }

  /** The CPU's kworker finished or slept: the next waiting kworker runs, else the preempted bound thread. */
  private release(cpu: number): void {
    this.owner[cpu] = null;
    if (this.hasPending(cpu)) {
      this.next(cpu);
      return;
    }
    const b = this.h.boundOn(cpu);
    if (b?.preempted) {
      b.preempted = false;
      this.h.run(b, b.readyAt);
    }
  }

  private next(cpu: number): void {
    this.pendingTotal--;
    this.start(this.pending[cpu].shift() as Thread);
  }

  private start(w: Thread): void {
    this.owner[w.cpu] = w;
    this.h.run(w, w.readyAt);
  }
}
