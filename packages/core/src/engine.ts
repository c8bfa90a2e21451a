// The engine: per-CPU cycle clocks, simulated threads (generators) bound to CPUs, and the min-clock scheduler.
//
// A thread runs local work with spend() and never yields for it. Before touching shared state it yields an Op
// (`yield lock.lock(t)`); the scheduler performs that Op only when the thread's CPU clock is the lowest of all
// runnable threads (ties: first queued first), so shared state changes in simulated-time order. Same inputs and
// seed ⇒ same event order ⇒ byte-identical results.
import type { PathNode } from './callpath.js';
import { Counters } from './counters.js';
import { CpuCharges } from './engine-charge.js';
import type { EngineOptions, EngineTracer, InstantHook, Op, SpendHook, ThreadBody } from './engine-hooks.js';
import { kworkerThread, newKworkers, reschedOp } from './engine-kworkers.js';
import { DeadlockError, SimulationError } from './errors.js';
import type { FairShare } from './fair-share.js';
import { RunQueue } from './heap.js';
import type { IrqDebt } from './irq-debt.js';
import type { Kworkers } from './kworkers.js';
import { Profiler, type SymbolClass, type SymbolId } from './profiler.js';
import { Rng } from './rng.js';
import { SCHED_CFS_6_1, type SchedRecord } from './sched-record.js';
import { SysCycles, Thread } from './thread.js';
import { TimerTick } from './timer-tick.js';
import { notifyEngineCreated } from './trace.js';
import type { Work } from './workqueue.js';

// The engine's vocabulary lives beside it (engine-hooks, errors, thread); importers of './engine.js' keep working.
export type { EngineOptions, EngineTracer, InstantHook, Op, SpendHook, ThreadBody } from './engine-hooks.js';
export { DeadlockError, SimulationError } from './errors.js';
export { Thread } from './thread.js';

/**
 * The discrete-event engine: per-CPU cycle clocks, simulated threads (generators) bound to CPUs and the min-clock
 * scheduler, which performs every yielded {@link Op} in simulated-time order. Deterministic: no wall clock and no
 * Math.random; same inputs and seed ⇒ same bytes.
 * @example
 * ```ts
 * const e = new Engine({ cpus: 2, clockHz: 2e9, seed: 1 });
 * const lock = new Spinlock(e, 'vmlist_lock', { symbol: '_spin_lock', acquireCycles: 40, handoffCycles: 250 });
 * for (let cpu = 0; cpu < 2; cpu++)
 *   e.spawn(cpu, `worker/${cpu}`, function* (t) {
 *     t.spend('map_work', 800); // local work: never yields
 *     yield lock.lock(t); // shared state: performed in simulated-time order
 *     lock.unlock(t);
 *   });
 * e.run();
 * e.seconds(e.maxClock()); // simulated wall time
 * ```
 */
export class Engine {
  /** Number of simulated CPUs. */
  readonly cpus: number;
  /** CPU clock rate in Hz: converts cycles to seconds for output. */
  readonly clockHz: number;
  /** The seed this engine was created with. */
  readonly seed: number;
  /** Cycle clock of each CPU, indexed by CPU number. */
  readonly clock: Float64Array;
  /** Cycles charged per kernel/user symbol, all CPUs together. */
  readonly profiler = new Profiler();
  /** The event counters every mechanism on this engine bumps. */
  readonly counters = new Counters();
  /** The engine's seeded random stream (fork it per workload with `rng.fork(n)`). */
  readonly rng: Rng;
  /** Every thread's sys-class cycles, by thread id ({@link Thread.sysCycles} is its entry). */
  readonly threadSys = new SysCycles();
  /** Every thread spawned, in spawn order. */
  readonly threads: Thread[] = [];
  /** The per-CPU timer tick (EngineOptions.tick), or null: no CPU takes a tick. */
  readonly tick: TimerTick | null;
  /** Optional observer of every spend (timelines); undefined on the fast path. */
  onSpend: SpendHook | undefined = undefined;
  /** Optional observer of instant events (flushes); undefined on the fast path. */
  onInstant: InstantHook | undefined = undefined;
  /**
   * The fair scheduler sharing a CPU between its bound thread and a kworker (default: CFS of 6.1). Set it before
   * the first {@link Engine.queueWork}; runs that queue no work never use it.
   */
  sched: SchedRecord = SCHED_CFS_6_1;
  /** Optional timeline of slices, IPIs, interrupts and traced values; undefined on the fast path. */
  tracer: EngineTracer | undefined = undefined;
  /** Locks held right now, over every lock of the machine (a traced gauge). */
  locksHeld = 0;
  /** Sync points processed (each yield of a thread is one scheduler event). */
  events = 0;
  /** Times a different thread was resumed. */
  switches = 0;
  /** The thread being stepped by the scheduler, or null outside run(). */
  current: Thread | null = null;

  private readonly queue = new RunQueue();
  private readonly cpuThread: (Thread | null)[];
  /**
   * Per CPU, its bound thread's id + 1 while that thread is live (`cpuThread[c]` not done), else 0: threadOn and an
   * O(CPUs) charge (2.6.27's shootdown at 1,024 CPUs) read this array, not the Threads, and miss no cache.
   */
  private readonly liveOn: Int32Array;
  /** Kworkers sharing CPUs with their bound threads: null until a workload queues work (then opt-in paths run). */
  private kw: Kworkers | null = null;
  private readonly reschedOp = reschedOp(
    this,
    () => this.kw as Kworkers,
    (t) => this.unblock(t),
  );
  private live = 0;
  /** CPUs whose bound thread is live: what {@link Engine.threadOn} finds, counted as threads start and finish. */
  private bound = 0;
  /** Live threads per command node, to split broadcast interrupt work among the commands it interrupts. */
  private readonly liveByBase = new Map<PathNode, number>();
  private running = false;
  /** Interrupt work charged to other CPUs (engine-charge.ts): the IPI handlers' clocks, call paths and sys time. */
  private readonly charges: CpuCharges;
  /** Broadcast interrupt work not yet added to each CPU's clock (the charges' IrqDebt, read by the scheduler). */
  private readonly debt: IrqDebt;

  constructor(opts: EngineOptions) {
    if (!Number.isInteger(opts.cpus) || opts.cpus < 1)
      throw new RangeError(`cpus must be an integer ≥ 1, got ${opts.cpus}`);
    if (!(opts.clockHz > 0)) throw new RangeError(`clockHz must be > 0, got ${opts.clockHz}`);
    this.cpus = opts.cpus;
    this.clockHz = opts.clockHz;
    this.seed = opts.seed ?? 1;
    this.rng = new Rng(this.seed);
    this.clock = new Float64Array(opts.cpus);
    this.cpuThread = new Array(opts.cpus).fill(null);
    this.liveOn = new Int32Array(opts.cpus);
    this.charges = new CpuCharges(
      this,
      this.profiler.paths,
      this.cpuThread,
      this.liveOn,
      this.threadSys,
      this.liveByBase,
    );
    this.debt = this.charges.debt;
    this.tick = opts.tick === undefined ? null : new TimerTick(this, opts.tick);
    notifyEngineCreated(this);
  }

  /** Interns a symbol in the profiler (class `sys` by default; `sizeBytes` for readprofile's load column). */
  sym(name: string, cls: SymbolClass = 'sys', sizeBytes = 0): SymbolId {
    return this.profiler.sym(name, cls, sizeBytes);
  }

  /** Binds a new thread to a CPU. One live thread per CPU: its clock is the CPU's clock. */
  spawn(cpu: number, name: string, body: ThreadBody): Thread {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus) {
      throw new RangeError(`cpu ${cpu} out of range 0..${this.cpus - 1}`);
    }
    const busy = this.cpuThread[cpu];
    if (busy && busy.state !== 'done') throw new SimulationError(`cpu ${cpu} already runs thread ${busy.name}`);
    const t = new Thread(this, this.threads.length, cpu, name);
    if (this.current) this.clock[cpu] = Math.max(this.clock[cpu], this.current.clock);
    this.settle(cpu);
    t.startCycle = this.clock[cpu];
    t.gen = body(t);
    this.threads.push(t);
    this.cpuThread[cpu] = t;
    this.liveOn[cpu] = t.id + 1;
    this.bound++;
    this.live++;
    this.liveByBase.set(t.base, (this.liveByBase.get(t.base) ?? 0) + 1);
    this.queue.push(t.id, this.clock[cpu]);
    return t;
  }

  /** Runs until every thread has finished. Throws DeadlockError if all remaining threads are blocked. */
  run(): void {
    if (this.running) throw new SimulationError('engine is already running');
    this.running = true;
    try {
      const q = this.queue;
      const debt = this.debt;
      const clock = this.clock;
      const threads = this.threads;
      // The thread to run next when the last went back into the queue and the earliest came out (pushPop), else -1.
      let next = -1;
      while (next >= 0 || q.size > 0) {
        const t = threads[next >= 0 ? next : q.pop()];
        const key = q.lastKey;
        const cpu = t.cpu;
        if (debt.total !== debt.seen[cpu]) this.settle(cpu);
        const c = clock[cpu];
        // Interrupt work raised this CPU's clock since it was queued: requeue at its true time.
        if (c > key && q.size > 0 && c >= q.peekKey()) {
          next = q.pushPop(t.id, c);
          continue;
        }
        // The step (inline, not a call per switch): resume `t` until it blocks, finishes or yields behind another.
        this.current = t;
        this.switches++;
        next = -1;
        const pending = t.pending;
        if (pending !== undefined) {
          t.pending = undefined;
          if (pending.perform(t)) continue;
        }
        for (;;) {
          const r = t.gen.next();
          if (r.done) {
            this.finished(t);
            break;
          }
          this.events++;
          if (debt.total !== debt.seen[cpu]) this.settle(cpu);
          const op = r.value;
          const now = clock[cpu];
          if (now < q.peekKey()) {
            // Still the earliest thread: perform at once, no switch needed.
            if (op?.perform(t)) break;
            continue;
          }
          t.pending = op;
          next = q.pushPop(t.id, now);
          break;
        }
      }
      if (this.live > 0) {
        const blocked = this.threads.filter((t) => t.state === 'blocked');
        throw new DeadlockError(
          `deadlock: ${blocked.map((t) => `${t.name} (cpu ${t.cpu}) waits on ${t.blockedOn}`).join('; ')}`,
        );
      }
    } finally {
      this.current = null;
      this.running = false;
    }
  }

  /** `t`'s body has returned: it is done, its CPU free, its command one live thread less. */
  private finished(t: Thread): void {
    t.state = 'done';
    t.stopWriting();
    t.endCycle = this.clock[t.cpu];
    this.live--;
    if (this.cpuThread[t.cpu] === t) {
      this.bound--;
      this.liveOn[t.cpu] = 0;
    }
    if (!t.kworker) this.liveByBase.set(t.base, (this.liveByBase.get(t.base) ?? 1) - 1);
    if (this.kw !== null) this.kw.finished(t);
  }

  /** Parks the calling thread (from inside an Op's perform, which then returns true). */
  block(t: Thread, on: string): void {
    t.state = 'blocked';
    t.blockedOn = on;
  }

  /** Makes a blocked thread runnable at `time` (never earlier than its own clock). */
  wake(t: Thread, time: number): void {
    if (t.state !== 'blocked') throw new SimulationError(`wake of ${t.name}, which is ${t.state}`);
    if (this.kw?.wake(t, time)) return;
    t.sleeping = false;
    this.runAt(t, time);
  }

  /**
   * Parks the calling thread in a sleeping wait (from inside an Op's perform, which then returns true): unlike a
   * spinning wait, its CPU may run a queued kworker meanwhile. Woken with {@link Engine.wake}.
   */
  sleep(t: Thread, on: string): void {
    this.block(t, on);
    t.sleeping = true;
    if (this.kw !== null) this.kw.slept(t);
  }

  /**
   * schedule_work_on / queue_work_on: runs `body` in a kworker on `cpu`, a thread of its own sharing that CPU's clock.
   * It starts now on an idle CPU (or one whose bound thread sleeps), else the fair scheduler ({@link Engine.sched})
   * sets need_resched — at the wake or at a later tick — and it runs at the bound thread's next
   * {@link Engine.condResched} (PREEMPT_NONE: a woken kworker does not preempt a running kernel thread). The two
   * then take turns by slices, switching at cond_resched points (the kworker's: between items), until the kworker
   * finishes or sleeps. Opt-in: a run that queues no work keeps its event order.
   */
  queueWork(cpu: number, name: string, body: ThreadBody): Work {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus) {
      throw new RangeError(`cpu ${cpu} out of range 0..${this.cpus - 1}`);
    }
    this.kw ??= newKworkers(this, (w, at) => this.runAt(w, at));
    const work = kworkerThread(this, cpu, name, body);
    this.live++;
    this.kw.live++;
    this.kw.offer(work.thread);
    return work;
  }

  /**
   * A cond_resched() point of `t` — a bound thread, or a kworker item between its steps: an Op to yield if
   * need_resched is set on it and the CPU's other task waits (the fair scheduler, {@link Engine.sched}, decides
   * when), else undefined — so threads on CPUs without queued work do not yield here at all.
   */
  condResched(t: Thread): Op | undefined {
    return this.kw?.due(t, this.clock[t.cpu]) ? this.reschedOp : undefined;
  }

  /** The fair scheduler's per-CPU state between bound threads and kworkers (null until work is queued). */
  get fairShare(): FairShare | null {
    return this.kw === null ? null : this.kw.fs;
  }

  /** Kworkers queued, running or asleep (0 when no work was ever queued). */
  get kworkersLive(): number {
    return this.kw === null ? 0 : this.kw.live;
  }

  private unblock(t: Thread): false {
    t.state = 'ready';
    t.blockedOn = '';
    t.preempted = false;
    return false;
  }

  /** Makes `t` runnable on its CPU at `at` (or the CPU's clock, if later): wake's and the kworkers' common step. */
  private runAt(t: Thread, at: number): void {
    const cpu = t.cpu;
    if (this.debt.total !== this.debt.seen[cpu]) this.settle(cpu);
    if (at > this.clock[cpu]) this.clock[cpu] = at;
    t.state = 'ready';
    t.blockedOn = '';
    this.queue.push(t.id, this.clock[cpu]);
  }

  /** CPUs whose bound thread is live (those {@link Engine.threadOn} returns a thread for), in O(1). */
  get boundCpus(): number {
    return this.bound;
  }

  /** The thread bound to a CPU, if any is live. */
  threadOn(cpu: number): Thread | null {
    return this.liveOn[cpu] !== 0 ? this.cpuThread[cpu] : null;
  }

  /**
   * Charges `cycles` of interrupt work to every CPU except `from` (a broadcast IPI handler). O(1): each CPU
   * adds its share to its clock the next time it is scheduled, and the time counts as sys time of the thread
   * it interrupted, as the kernel's tick accounting does. The profile is charged here, once per interrupted
   * command (and once for the idle CPUs), not once per CPU.
   */
  chargeAllButSelf(from: number, sym: SymbolId, cycles: number): void {
    this.charges.chargeAllButSelf(from, sym, cycles);
  }

  /** Charges interrupt work to one CPU now (a targeted IPI handler). */
  chargeCpu(cpu: number, sym: SymbolId, cycles: number): void {
    this.charges.chargeCpu(cpu, sym, cycles);
  }

  /**
   * {@link Engine.chargeCpu} of `cycles` to every CPU but `from`, in CPU order (a targeted IPI to each), to the bit:
   * an idle CPU reads a byte, not its last Thread, and the idle CPUs' shares after the first are added to the idle
   * node's cell after the scan — the same adds in the same order, since no live thread charges that cell (else, and
   * with a tracer or before any CPU was charged idle, it is the plain loop).
   */
  chargeEachCpu(from: number, sym: SymbolId, cycles: number): void {
    this.charges.chargeEachCpu(from, sym, cycles);
  }

  /**
   * Adds pending broadcast work to a CPU's clock. `until`: the time the CPU's thread stops waiting (a lock grant),
   * so a timeline may show the handlers inside the wait rather than before it.
   */
  settle(cpu: number, until?: number): void {
    this.charges.settle(cpu, until);
  }

  /** Latest clock over all CPUs (after settling pending interrupt work). */
  maxClock(): number {
    let m = 0;
    for (let c = 0; c < this.cpus; c++) {
      this.settle(c);
      if (this.clock[c] > m) m = this.clock[c];
    }
    return m;
  }

  /** Converts cycles to seconds at this engine's clock rate. */
  seconds(cycles: number): number {
    return cycles / this.clockHz;
  }

  /** Now, for values changed outside a thread's own clock: the running thread's time, else the latest clock. */
  now(): number {
    const t = this.current;
    if (t !== null) return this.clock[t.cpu];
    let m = 0;
    for (let c = 0; c < this.cpus; c++) if (this.clock[c] > m) m = this.clock[c];
    return m;
  }

  /** A gauge for timelines (lazy pages pending, areas live …): no effect on the simulation or its results. */
  gauge(name: string, value: number): void {
    this.tracer?.value(name, this.now(), value);
  }

  /** A lock was taken (+1) or released (−1): the `locks_held` gauge. */
  lockHeld(delta: number): void {
    this.locksHeld += delta;
    if (this.tracer !== undefined) this.tracer.value('locks_held', this.now(), this.locksHeld);
  }
}
