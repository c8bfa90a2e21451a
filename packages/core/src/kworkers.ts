// Kworkers sharing a CPU with the thread bound to it (opt-in: only runs that queue work create any).
//
// The kernel runs a work item queued with schedule_work_on(cpu) / queue_work_on in a kworker bound to that CPU; the
// pool's worker runs its items one after another (process_one_work), and an item that sleeps lets another worker
// take the next. The bound thread and the kworker are SCHED_NORMAL nice 0: the fair scheduler (fair-share.ts, the
// engine's SchedRecord) decides when need_resched is set, and under PREEMPT_NONE (kernel/Kconfig.preempt's
// default) the switch happens at the running one's next cond_resched — the bound thread's where the workload says
// (Engine.condResched), the kworker's between items (process_one_work ends with cond_resched(), 6.1
// workqueue.c:2318) or where the item calls it. A sleeping task gives the CPU to the other at once. Both share the
// CPU's clock; at most one of them runs at any time.
import { BOUND, FairShare, WORKER } from './fair-share.js';
import type { SchedRecord } from './sched-record.js';
import type { Thread } from './thread.js';

/** What the kworker bookkeeping needs from the engine. */
export interface KworkerHost {
  readonly clock: Float64Array;
  /** Makes `t` runnable on its CPU at `at` (or the CPU's clock, if later). */
  run(t: Thread, at: number): void;
  /** The live thread bound to `cpu`, or null. */
  boundOn(cpu: number): Thread | null;
}

/** Per-CPU kworker state: the item in progress on each CPU and those queued behind it, in queueing order. */
export class Kworkers {
  /** Kworkers queued, running or asleep. */
  live = 0;
  /** The fair scheduler's per-CPU state. */
  readonly fs: FairShare;
  private readonly pending: Thread[][];
  /** The item the CPU's worker is running or was preempted in, or null. */
  private readonly owner: (Thread | null)[];
  /** Id of the bound thread the scheduler last saw on each CPU (−1: none yet). */
  private readonly boundId: Int32Array;

  constructor(
    private readonly h: KworkerHost,
    cpus: number,
    sched: SchedRecord,
    clockHz: number,
  ) {
    this.pending = Array.from({ length: cpus }, () => []);
    this.owner = new Array(cpus).fill(null);
    this.boundId = new Int32Array(cpus).fill(-1);
    this.fs = new FairShare(sched, cpus, clockHz);
  }

  /** `t` (the bound thread or the kworker item running) has need_resched set at `now`: its cond_resched switches. */
  due(t: Thread, now: number): boolean {
    if (t.kworker) return this.fs.due(t.cpu, WORKER, now) && this.owner[t.cpu] === t;
    return this.fs.due(t.cpu, BOUND, now);
  }

  /** A queued or woken kworker: it runs now if its CPU is idle or its bound thread sleeps, else waits. */
  offer(w: Thread): void {
    const cpu = w.cpu;
    this.sync(cpu, w.readyAt);
    if (this.owner[cpu] !== null || this.pending[cpu].length > 0) {
      this.pending[cpu].push(w);
      return;
    }
    if (this.fs.cur[cpu] === BOUND) {
      this.pending[cpu].push(w);
      this.fs.enqueue(cpu, WORKER, w.readyAt);
      return;
    }
    this.fs.run(cpu, WORKER, w.readyAt);
    this.start(w);
  }

  /**
   * cond_resched of `t` with need_resched set (see {@link Kworkers.due}): __schedule picks. True: the other task
   * took the CPU and `t` must block (preempted) until it is given back.
   */
  resched(t: Thread): boolean {
    const cpu = t.cpu;
    const now = this.h.clock[cpu];
    if (!this.fs.switchAt(cpu, now)) return false;
    t.preempted = true;
    t.readyAt = now;
    if (t.kworker) this.resumeBound(cpu, now);
    else this.resumeWorker(cpu);
    return true;
  }

  /** `t` went to sleep: a kworker lets the next item or the bound thread run; a bound thread lets the kworker run. */
  slept(t: Thread): void {
    const cpu = t.cpu;
    const now = this.h.clock[cpu];
    if (t.kworker) {
      this.owner[cpu] = null;
      this.workerIdle(cpu, now);
    } else this.boundLeaves(cpu, now);
  }

  /** `t` finished: a kworker's worker goes on (process_one_work's cond_resched); a bound thread leaves its CPU. */
  finished(t: Thread): void {
    const cpu = t.cpu;
    const now = this.h.clock[cpu];
    if (t.kworker) {
      this.live--;
      this.owner[cpu] = null;
      if (this.pending[cpu].length > 0 && this.fs.due(cpu, WORKER, now) && this.fs.switchAt(cpu, now)) {
        this.resumeBound(cpu, now);
        return;
      }
      this.workerIdle(cpu, now);
    } else this.boundLeaves(cpu, now);
  }

  /** The running bound thread sleeps or ends: the worker, if runnable, takes the CPU at once. */
  private boundLeaves(cpu: number, now: number): void {
    if (this.fs.cur[cpu] !== BOUND) return;
    this.fs.dequeue(cpu, BOUND, now);
    if (this.fs.runnable(cpu, WORKER)) {
      this.fs.run(cpu, WORKER, now);
      this.resumeWorker(cpu);
    }
  }

  /**
   * Wakes a sleeping thread, if the CPU sharing decides where it goes: a kworker is offered its CPU again; a bound
   * thread whose CPU the kworker holds waits for need_resched and the kworker's next cond_resched (preempted).
   * False: the engine's ordinary wake.
   */
  wake(t: Thread, time: number): boolean {
    if (!t.sleeping) return false;
    const cpu = t.cpu;
    if (t.kworker) {
      t.sleeping = false;
      t.readyAt = time;
      t.blockedOn = 'workqueue';
      this.offer(t);
      return true;
    }
    this.sync(cpu, time);
    t.sleeping = false;
    if (this.fs.cur[cpu] !== WORKER) {
      if (this.fs.cur[cpu] < 0) this.fs.run(cpu, BOUND, time);
      return false;
    }
    t.preempted = true;
    t.readyAt = time;
    t.blockedOn = 'preempted by kworker';
    this.fs.enqueue(cpu, BOUND, time);
    return true;
  }

  /**
   * The scheduler's view of the bound thread, brought up to date: a new thread bound to the CPU is a fresh entity;
   * a running one on a CPU nothing holds (one that ran before any work was queued) is picked at its start.
   */
  private sync(cpu: number, at: number): void {
    const b = this.h.boundOn(cpu);
    if (b === null) return;
    if (b.id !== this.boundId[cpu]) {
      this.boundId[cpu] = b.id;
      this.fs.fresh(cpu, BOUND);
    }
    if (!b.sleeping && !b.preempted && this.fs.cur[cpu] < 0) this.fs.run(cpu, BOUND, Math.min(b.startCycle, at));
  }

  /** The worker has no item running (one ended or slept): the next item, else the CPU goes to the bound thread. */
  private workerIdle(cpu: number, now: number): void {
    const p = this.pending[cpu];
    if (p.length > 0) {
      this.start(p.shift() as Thread);
      return;
    }
    if (this.fs.cur[cpu] !== WORKER) return;
    this.fs.dequeue(cpu, WORKER, now);
    const b = this.h.boundOn(cpu);
    if (b?.preempted) {
      this.fs.run(cpu, BOUND, now);
      this.resumeBound(cpu, now);
    }
  }

  /** The bound thread, preempted, runs again. */
  private resumeBound(cpu: number, now: number): void {
    const b = this.h.boundOn(cpu) as Thread;
    b.preempted = false;
    this.h.run(b, Math.max(b.readyAt, now));
  }

  /** The worker runs again: the item it was preempted in, else the next queued one. */
  private resumeWorker(cpu: number): void {
    const w = this.owner[cpu];
    if (w !== null) {
      w.preempted = false;
      this.h.run(w, w.readyAt);
    } else this.start(this.pending[cpu].shift() as Thread);
  }

  private start(w: Thread): void {
    this.owner[w.cpu] = w;
    this.h.run(w, w.readyAt);
  }
}
