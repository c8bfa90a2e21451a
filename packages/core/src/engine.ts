// The engine: per-CPU cycle clocks, simulated threads (generators) bound to CPUs, and the min-clock scheduler.
//
// A thread runs local work with spend() and never yields for it. Before touching shared state it yields an Op
// (`yield lock.lock(t)`); the scheduler performs that Op only when the thread's CPU clock is the lowest of all
// runnable threads (ties: first queued first), so shared state changes in simulated-time order. Same inputs and
// seed ⇒ same event order ⇒ byte-identical results.
import type { CallPaths, CycleStore, FrameId, PathNode } from './callpath.js';
import { ROOT_NODE } from './callpath.js';
import { Counters } from './counters.js';
import { RunQueue } from './heap.js';
import { Profiler, type SymbolClass, type SymbolId } from './profiler.js';
import { Rng } from './rng.js';
import { notifyEngineCreated } from './trace.js';

/** Something a thread asks the scheduler to do at its current time. Returns true if the thread must block. */
export interface Op {
  /**
   * Performs the operation at the thread's current clock (called by the scheduler in simulated-time order); returns
   * true when the thread must block (it is woken later with {@link Engine.wake}).
   */
  perform(t: Thread): boolean;
}

/**
 * A simulated thread's body: a generator that does local work with `t.spend()` and yields an {@link Op} (a lock,
 * an IPI, an I/O wait) before touching shared state; a bare `yield` just syncs to simulated-time order.
 */
export type ThreadBody = (t: Thread) => Generator<Op | undefined, void, void>;

/** Options of a new {@link Engine}. */
export interface EngineOptions {
  /** Number of simulated CPUs (integer ≥ 1); each has its own cycle clock. */
  cpus: number;
  /** Converts cycles to seconds for output. */
  clockHz: number;
  /** Seed of the engine's {@link Rng} (default 1). Same inputs and seed give byte-identical results. */
  seed?: number;
}

/** Observer of every {@link Thread.spend}: CPU, symbol id, start cycle and cycles (used by timelines/traces). */
export type SpendHook = (cpu: number, sym: SymbolId, start: number, cycles: number) => void;

/** Observer of instant events (an IPI sent, a flush, a lock wait) at cycle `at` on a CPU, with optional arguments. */
export type InstantHook = (cpu: number, name: string, at: number, args?: Record<string, unknown>) => void;

/**
 * What a timeline sees beyond spends and instants (TraceRecorder implements it). Undefined on the fast path;
 * nothing it receives may change the simulation.
 */
export interface EngineTracer {
  /**
   * A slice opens on `cpu` at `at` cycles: a frame the thread entered, or a trace-only span. `spin`: the thread
   * spins on a lock until the slice ends; the slice itself shows the spinning (spends inside are not separate).
   */
  begin(cpu: number, name: string, at: number, spin?: boolean): void;
  /** The innermost open slice on `cpu` closes at `at`. */
  end(cpu: number, at: number): void;
  /**
   * An IPI leaves `from` at `at`: each target (every other CPU for 'allbutself') runs `cycles` of handler work
   * charged to `handler`; target number i (in CPU order) is reached at `arrival + i * step`.
   */
  ipi(
    from: number,
    at: number,
    targets: 'allbutself' | readonly number[],
    handler: SymbolId,
    cycles: number,
    arrival: number,
    step: number,
  ): void;
  /**
   * Interrupt work of `cycles` is added to `cpu`'s clock from `at` (the IPI handlers it owes run now). `until`, if
   * given, is when the CPU's thread stops waiting: handlers may sit at their arrival times up to then.
   */
  irq(cpu: number, at: number, cycles: number, until?: number): void;
  /** A traced quantity (a counter or a gauge) has a new value at `at`. */
  value(name: string, at: number, value: number): void;
  /** The run is over and has this variant (runFromEngine): the timeline names it. */
  run?(variant: Record<string, string | number | boolean>): void;
}

/** Thrown by {@link Engine.run} when every remaining thread is blocked; the message names what each one waits for. */
export class DeadlockError extends Error {
  override name = 'DeadlockError';
}

/**
 * Thrown when a model is used against its rules (unlocking a lock the thread does not hold, two live threads on
 * one CPU, …): a bug in the workload or mechanism, not in the input.
 */
export class SimulationError extends Error {
  override name = 'SimulationError';
}

type ThreadState = 'ready' | 'blocked' | 'done';

/**
 * A simulated thread bound to one CPU (created by {@link Engine.spawn}). Its clock is its CPU's clock; it charges
 * cycles to symbols with {@link Thread.spend} and accumulates user/sys/idle time like time(1).
 */
export class Thread {
  /** `ready`, `blocked` (waiting in an Op; see `blockedOn`) or `done`. */
  state: ThreadState = 'ready';
  /** What a blocked thread waits for, for deadlock reports. */
  blockedOn = '';
  /** Op to perform when the thread next becomes the minimum. */
  pending: Op | undefined = undefined;
  /** The running generator of the thread's body (set by spawn). */
  gen!: Generator<Op | undefined, void, void>;
  /** Cycles charged to user-class symbols. */
  userCycles = 0;
  /** Cycles charged to sys-class (kernel) symbols. */
  sysCycles = 0;
  /** Cycles charged to idle-class symbols (sleeping, waiting for I/O). */
  idleCycles = 0;
  /** The CPU clock when the thread started, in cycles. */
  startCycle = 0;
  /** The CPU clock when the thread finished, in cycles (0 while it runs). */
  endCycle = 0;
  /** Scratch slot for an Op's result (e.g. an I/O completion time). */
  result = 0;
  /** Free slot for the workload (a task struct, a per-thread RNG …). */
  data: unknown = undefined;
  /** The thread's command (its name without a `/N` suffix): the first frame of its call paths. */
  readonly comm: string;
  /** Call-path node of the frame the thread is in (its command's node when no frame is entered). */
  node: PathNode;
  /** The command's node: the bottom of this thread's frame stack. */
  readonly base: PathNode;
  /** This thread's cycles per symbol in `node` (a row of its store; replaced when it grows). */
  private cyc: Float64Array;
  private readonly paths: CallPaths;
  private readonly store: CycleStore;

  constructor(
    readonly engine: Engine,
    readonly id: number,
    readonly cpu: number,
    readonly name: string,
  ) {
    this.comm = name.replace(/\/\d+$/, '');
    const paths = engine.profiler.paths;
    this.paths = paths;
    this.store = paths.newStore();
    this.base = this.node = paths.child(ROOT_NODE, paths.frame(this.comm));
    this.cyc = this.store.row(this.node);
  }

  /** This thread's CPU clock, in cycles. */
  get clock(): number {
    return this.engine.clock[this.cpu];
  }

  /** Local work: advances this CPU's clock and charges the symbol. Never yields. */
  spend(sym: SymbolId | string, cycles: number): void {
    const e = this.engine;
    const id = typeof sym === 'string' ? e.profiler.sym(sym) : sym;
    if (e.onSpend !== undefined) e.onSpend(this.cpu, id, e.clock[this.cpu], cycles);
    e.clock[this.cpu] += cycles;
    const cyc = this.cyc;
    if (id < cyc.length) cyc[id] += cycles;
    else (this.cyc = this.store.grow(this.node, id))[id] += cycles;
    const k = e.profiler.cls[id];
    if (k === 1) this.sysCycles += cycles;
    else if (k === 0) this.userCycles += cycles;
    else this.idleCycles += cycles;
  }

  /**
   * Enters a frame (a syscall, a kernel function that calls others): later spends are recorded under it in the
   * call paths (folded stacks), and a timeline shows it as a slice around them. Pair with leave().
   */
  enter(frame: FrameId | string): void {
    const e = this.engine;
    const paths = e.profiler.paths;
    const f = typeof frame === 'string' ? paths.frame(frame) : frame;
    this.node = paths.child(this.node, f);
    this.cyc = this.store.row(this.node);
    if (e.tracer !== undefined) e.tracer.begin(this.cpu, paths.frameName(f), e.clock[this.cpu]);
  }

  /** Leaves the innermost frame entered. */
  leave(): void {
    if (this.node === this.base) throw new SimulationError(`${this.name} leaves a frame it did not enter`);
    const e = this.engine;
    if (e.tracer !== undefined) e.tracer.end(this.cpu, e.clock[this.cpu]);
    this.node = this.paths.parentOf(this.node);
    this.cyc = this.store.row(this.node);
  }

  /** `yield* t.call('vunmap', body)`: runs a generator inside a frame (left even if it throws). */
  *call<R>(frame: FrameId | string, body: Generator<Op | undefined, R, void>): Generator<Op | undefined, R, void> {
    this.enter(frame);
    try {
      return yield* body;
    } finally {
      this.leave();
    }
  }

  /** Waits (idle class) until the given time, charging the gap to `sym`; no-op if already past it. */
  idleUntil(time: number, sym: SymbolId | string): void {
    const gap = time - this.engine.clock[this.cpu];
    if (gap > 0) this.spend(sym, gap);
  }
}

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
  /** Every thread spawned, in spawn order. */
  readonly threads: Thread[] = [];
  /** Optional observer of every spend (timelines); undefined on the fast path. */
  onSpend: SpendHook | undefined = undefined;
  /** Optional observer of instant events (flushes); undefined on the fast path. */
  onInstant: InstantHook | undefined = undefined;
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
  private live = 0;
  /** Live threads per command node, to split broadcast interrupt work among the commands it interrupts. */
  private readonly liveByBase = new Map<PathNode, number>();
  private swapperNode: PathNode = -1;
  private running = false;
  // Broadcast interrupt work not yet added to each CPU's clock (see chargeAllButSelf).
  private debtTotal = 0;
  private readonly debtSeen: Float64Array;
  private readonly selfDebt: Float64Array;
  private readonly selfSeen: Float64Array;

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
    this.debtSeen = new Float64Array(opts.cpus);
    this.selfDebt = new Float64Array(opts.cpus);
    this.selfSeen = new Float64Array(opts.cpus);
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
      while (q.size > 0) {
        const t = this.threads[q.pop()];
        const key = q.lastKey;
        if (this.debtTotal !== this.debtSeen[t.cpu]) this.settle(t.cpu);
        const c = this.clock[t.cpu];
        // Interrupt work raised this CPU's clock since it was queued: requeue at its true time.
        if (c > key && q.size > 0 && c >= q.peekKey()) {
          q.push(t.id, c);
          continue;
        }
        this.step(t);
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

  private step(t: Thread): void {
    this.current = t;
    this.switches++;
    const q = this.queue;
    if (t.pending !== undefined) {
      const op = t.pending;
      t.pending = undefined;
      if (op.perform(t)) return;
    }
    const clock = this.clock;
    for (;;) {
      const r = t.gen.next();
      if (r.done) {
        t.state = 'done';
        t.endCycle = clock[t.cpu];
        this.live--;
        this.liveByBase.set(t.base, (this.liveByBase.get(t.base) ?? 1) - 1);
        return;
      }
      this.events++;
      if (this.debtTotal !== this.debtSeen[t.cpu]) this.settle(t.cpu);
      const op = r.value;
      if (clock[t.cpu] < q.peekKey()) {
        // Still the earliest thread: perform at once, no switch needed.
        if (op?.perform(t)) return;
        continue;
      }
      t.pending = op;
      q.push(t.id, clock[t.cpu]);
      return;
    }
  }

  /** Parks the calling thread (from inside an Op's perform, which then returns true). */
  block(t: Thread, on: string): void {
    t.state = 'blocked';
    t.blockedOn = on;
  }

  /** Makes a blocked thread runnable at `time` (never earlier than its own clock). */
  wake(t: Thread, time: number): void {
    if (t.state !== 'blocked') throw new SimulationError(`wake of ${t.name}, which is ${t.state}`);
    if (this.debtTotal !== this.debtSeen[t.cpu]) this.settle(t.cpu);
    if (time > this.clock[t.cpu]) this.clock[t.cpu] = time;
    t.state = 'ready';
    t.blockedOn = '';
    this.queue.push(t.id, this.clock[t.cpu]);
  }

  /** The thread bound to a CPU, if any is live. */
  threadOn(cpu: number): Thread | null {
    const t = this.cpuThread[cpu];
    return t && t.state !== 'done' ? t : null;
  }

  /**
   * Charges `cycles` of interrupt work to every CPU except `from` (a broadcast IPI handler). O(1): each CPU
   * adds its share to its clock the next time it is scheduled, and the time counts as sys time of the thread
   * it interrupted, as the kernel's tick accounting does. The profile is charged here, once per interrupted
   * command (and once for the idle CPUs), not once per CPU.
   */
  chargeAllButSelf(from: number, sym: SymbolId, cycles: number): void {
    this.debtTotal += cycles;
    this.selfDebt[from] += cycles;
    // Call paths: the handler runs under whatever each target CPU was running (perf's comm), O(commands).
    const paths = this.profiler.paths;
    const self = this.threadOn(from);
    let busy = 0;
    for (const [base, n] of this.liveByBase) {
      const k = self !== null && self.base === base ? n - 1 : n;
      if (k > 0) paths.charge(base, sym, cycles * k);
      busy += k;
    }
    const idle = this.cpus - 1 - busy;
    if (idle > 0) paths.charge(this.idleNode(), sym, cycles * idle);
  }

  /** Charges interrupt work to one CPU now (a targeted IPI handler). */
  chargeCpu(cpu: number, sym: SymbolId, cycles: number): void {
    this.settle(cpu);
    this.tracer?.irq(cpu, this.clock[cpu], cycles);
    this.clock[cpu] += cycles;
    const t = this.threadOn(cpu);
    this.profiler.paths.charge(t ? t.base : this.idleNode(), sym, cycles);
    if (t) t.sysCycles += cycles;
  }

  /** The call-path node of an idle CPU: perf names its task `swapper`. */
  private idleNode(): PathNode {
    if (this.swapperNode < 0) {
      const paths = this.profiler.paths;
      this.swapperNode = paths.child(ROOT_NODE, paths.frame('swapper'));
    }
    return this.swapperNode;
  }

  /**
   * Adds pending broadcast work to a CPU's clock. `until`: the time the CPU's thread stops waiting (a lock grant),
   * so a timeline may show the handlers inside the wait rather than before it.
   */
  settle(cpu: number, until?: number): void {
    const pending = this.debtTotal - this.debtSeen[cpu] - (this.selfDebt[cpu] - this.selfSeen[cpu]);
    this.debtSeen[cpu] = this.debtTotal;
    this.selfSeen[cpu] = this.selfDebt[cpu];
    if (pending > 0) {
      this.tracer?.irq(cpu, this.clock[cpu], pending, until);
      this.clock[cpu] += pending;
      const t = this.threadOn(cpu);
      if (t) t.sysCycles += pending;
    }
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
