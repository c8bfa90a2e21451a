// What a simulated thread and the engine exchange: the Op a thread yields before touching shared state, the
// body a thread runs, the engine's options, and the observers a timeline attaches (none may change the simulation).
import type { SymbolId } from './profiler.js';
import type { Thread } from './thread.js';
import type { TickOptions } from './timer-tick.js';

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
  /**
   * A per-CPU timer tick (timer-tick.ts); default none: no CPU takes a tick, as before the option existed. The
   * vmalloc sampler is validated against exact runs without it (with a staggered tick, 2.6.28 at 64 CPUs × 1 M loops:
   * full_fit's main loop +19.5 % against its ±18.2 % bound; vmalloc README).
   */
  tick?: TickOptions;
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
