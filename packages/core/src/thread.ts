// A simulated thread: a generator bound to one CPU whose clock is the CPU's clock. It charges local work to
// symbols (and to the call path of the frames it entered) without yielding; the engine schedules its yields.
import type { CallPaths, CycleArena, CycleStore, FrameId, PathNode } from './callpath.js';
import { ROOT_NODE } from './callpath.js';
import type { Engine } from './engine.js';
import type { Op } from './engine-hooks.js';
import { SimulationError } from './errors.js';
import type { SymbolId } from './profiler.js';

type ThreadState = 'ready' | 'blocked' | 'done';

/**
 * Every thread's sys-class cycles on one engine, by thread id, in one array ({@link Thread.sysCycles} reads and
 * writes its entry): an IPI handler charged to 1,023 CPUs' threads (Engine.chargeEachCpu) adds to this array
 * without loading each Thread and the box V8 keeps its float field in. The same adds in the same order.
 */
export class SysCycles {
  /** Entry `id`: thread `id`'s sys cycles. Replaced by a larger copy when it grows: read it again after ensure. */
  buf = new Float64Array(64);

  /** Room for thread `id`'s entry. */
  ensure(id: number): void {
    if (id < this.buf.length) return;
    const b = new Float64Array(Math.max(id + 1, this.buf.length * 2));
    b.set(this.buf);
    this.buf = b;
  }
}

/**
 * A simulated thread bound to one CPU (created by {@link Engine.spawn}). Its clock is its CPU's clock; it charges
 * cycles to symbols with {@link Thread.spend} and accumulates user/sys/idle time like time(1).
 */
export class Thread {
  // Field order is memory order: the fields every scheduler step and every spend touch come first, so at 1,024
  // threads (each evicted from cache before its next turn) a step loads one or two lines of its Thread, not four.
  /** The engine the thread runs on. */
  readonly engine: Engine;
  /** The CPU the thread is bound to (its clock is this CPU's clock). */
  readonly cpu: number;
  /** Op to perform when the thread next becomes the minimum. */
  pending: Op | undefined = undefined;
  /** The running generator of the thread's body (set by spawn). */
  gen!: Generator<Op | undefined, void, void>;
  /** Offset of this thread's cycles-per-symbol row for `node` in the arena (moves when the row grows). */
  private off: number;
  /** That row's length. */
  private len: number;
  private readonly arena: CycleArena;
  /** The engine's sys cycles per thread: this thread's are at its id. */
  private readonly sys: SysCycles;
  /** `ready`, `blocked` (waiting in an Op; see `blockedOn`) or `done`. */
  state: ThreadState = 'ready';
  /** The thread's index in {@link Engine.threads} (spawn order). */
  readonly id: number;
  /** The thread's name (`worker/3`). */
  readonly name: string;
  /** What a blocked thread waits for, for deadlock reports. */
  blockedOn = '';
  /** Cycles charged to user-class symbols. */
  userCycles = 0;
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
  /** A kworker running a queued work item (Engine.queueWork): it shares its CPU with the CPU's bound thread. */
  kworker = false;
  /** Blocked in a sleeping wait (Engine.sleep): its CPU may run a kworker meanwhile. */
  sleeping = false;
  /** A bound thread waiting for the kworker that took its CPU (at a cond_resched, or while it slept). */
  preempted = false;
  /** Earliest cycle a queued or woken kworker (or a preempted thread woken meanwhile) may run at. */
  readyAt = 0;
  /** The thread's command (its name without a `/N` suffix): the first frame of its call paths. */
  readonly comm: string;
  /** Call-path node of the frame the thread is in (its command's node when no frame is entered). */
  node: PathNode;
  /** The command's node: the bottom of this thread's frame stack. */
  readonly base: PathNode;
  private readonly paths: CallPaths;
  private readonly store: CycleStore;

  constructor(engine: Engine, id: number, cpu: number, name: string) {
    this.engine = engine;
    this.id = id;
    this.cpu = cpu;
    this.name = name;
    this.comm = name.replace(/\/\d+$/, '');
    this.sys = engine.threadSys;
    this.sys.ensure(id);
    const paths = engine.profiler.paths;
    this.paths = paths;
    this.store = paths.newStore();
    this.arena = paths.arena;
    this.base = this.node = paths.child(ROOT_NODE, paths.frame(this.comm));
    this.off = this.store.hold(this.node);
    this.len = this.store.lengthOf(this.node);
  }

  /** Cycles charged to sys-class (kernel) symbols (kept in the engine's {@link SysCycles}). */
  get sysCycles(): number {
    return this.sys.buf[this.id];
  }

  set sysCycles(v: number) {
    this.sys.buf[this.id] = v;
  }

  /** This thread's CPU clock, in cycles. */
  get clock(): number {
    return this.engine.clock[this.cpu];
  }

  /**
   * Local work: advances this CPU's clock and charges the symbol. Never yields. With the engine's timer tick on,
   * ticks inside the span lengthen it by their handlers (timer-tick.ts).
   */
  spend(sym: SymbolId | string, cycles: number): void {
    const e = this.engine;
    const id = typeof sym === 'string' ? e.profiler.sym(sym) : sym;
    const tk = e.tick;
    if (tk !== null && e.clock[this.cpu] + cycles >= tk.next[this.cpu]) tk.spend(this, id, cycles);
    else this.charge(id, cycles);
  }

  /**
   * Spins (busy-waits) `cycles` for an event at clock + cycles, charged to `sym`; returns the cycles the wait took.
   * Without the timer tick: a spend. With it: ticks inside take the spin's time, and one still running at the event
   * delays the spinner to its end (TimerTick.spin).
   */
  spin(sym: SymbolId, cycles: number): number {
    const tk = this.engine.tick;
    if (tk === null) {
      this.spend(sym, cycles);
      return cycles;
    }
    return tk.spin(this, sym, cycles);
  }

  /** Advances the clock and charges `cycles` to symbol `id`, with no timer tick: spend's body, and the tick's own. */
  charge(id: SymbolId, cycles: number): void {
    const e = this.engine;
    if (e.onSpend !== undefined) e.onSpend(this.cpu, id, e.clock[this.cpu], cycles);
    e.clock[this.cpu] += cycles;
    if (id < this.len) this.arena.buf[this.off + id] += cycles;
    else {
      // Also the way back in after stopWriting (len 0): the store is written directly again.
      this.off = this.store.hold(this.node);
      this.off = this.store.grow(this.node, id);
      this.len = this.store.lengthOf(this.node);
      this.arena.buf[this.off + id] += cycles;
    }
    const k = e.profiler.cls[id];
    if (k === 1) this.sys.buf[this.id] += cycles;
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
    this.off = this.store.hold(this.node);
    this.len = this.store.lengthOf(this.node);
    if (e.tracer !== undefined) e.tracer.begin(this.cpu, paths.frameName(f), e.clock[this.cpu]);
  }

  /** Leaves the innermost frame entered. */
  leave(): void {
    if (this.node === this.base) throw new SimulationError(`${this.name} leaves a frame it did not enter`);
    const e = this.engine;
    if (e.tracer !== undefined) e.tracer.end(this.cpu, e.clock[this.cpu]);
    this.node = this.paths.parentOf(this.node);
    this.off = this.store.hold(this.node);
    this.len = this.store.lengthOf(this.node);
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

  /**
   * The thread has finished (the engine calls this): its profile rows stop changing, so snapshots may share their
   * last copy. A spend or frame entered later still counts (it takes the slow path and holds the row again).
   */
  stopWriting(): void {
    this.len = 0;
    this.store.release();
  }

  /** Waits (idle class) until the given time, charging the gap to `sym`; no-op if already past it. */
  idleUntil(time: number, sym: SymbolId | string): void {
    const gap = time - this.engine.clock[this.cpu];
    if (gap > 0) this.spend(sym, gap);
  }
}
