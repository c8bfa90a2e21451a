// The per-CPU timer tick (opt-in, EngineOptions.tick): each CPU takes a timer interrupt every clockHz / HZ cycles
// at its own phase, and a tick that falls inside busy time delays that CPU by the handler's cycles. Ticks are never
// events: a span [t0, t1] of a thread's time holds ⌊(t1 − φ)/P⌋ − ⌊(t0 − φ)/P⌋ ticks, counted when it is charged.
// Sources: docs/sources-timer-tick.md (tick-sched.c tick_setup_sched_timer / tick_sched_timer, tick-common.c
// tick_handle_periodic, timer.c update_process_times).
//
// How it composes with the rest of the engine:
// - work (Thread.spend of a sys/user symbol): a tick inside it runs with interrupts off and the work resumes after
//   it, so the span is lengthened by the handler — also under a spin_lock (the vmalloc locks are not _irqsave), so a
//   tick in a hold lengthens the hold. The lengthened span may cover more ticks: counted until none is left (a
//   handler shorter than the period makes this end).
// - spinning (a lock waiter, an IPI sender waiting for acks: Thread.spin): the handler runs instead of spinning, so
//   a tick inside the wait costs nothing, except one still running when the awaited event comes: the spinner sees
//   it only when the handler returns (and a ticket lock's hand-off waits for it, delaying the whole queue).
// - idle time (idle-class spends, sleeping waits, a CPU without a thread): not charged (a NO_HZ idle CPU takes no
//   tick; a periodic one delays nothing).
// - broadcast IPI work (IrqDebt) and targeted IPI handlers: their time is added to the clock by Engine.settle /
//   chargeCpu, outside any span; a tick falling in it is not charged (the kernel would run it right after the
//   handler: an undercount of ≤ one handler per IPI that straddles a tick, small beside the IPI work itself).
import type { Engine } from './engine.js';
import type { SymbolId } from './profiler.js';
import type { Thread } from './thread.js';

/**
 * Where each CPU's tick falls within the period. `aligned`: every CPU ticks at the same instants, multiples of the
 * period (tick_init_jiffy_update aligns the first expiry to TICK_NSEC; 2.6.36+ default). `stagger`: CPU c ticks
 * ⌊(P / 2) / cpus⌋ × c cycles later (tick_setup_sched_timer's per-CPU skew: 2.6.21–2.6.35, and 3.2+ with the
 * `skew_tick=1` boot option; num_possible_cpus() is the engine's CPU count).
 */
export type TickPhase = 'aligned' | 'stagger';

/** The per-CPU timer tick of an {@link Engine} (EngineOptions.tick). */
export interface TickOptions {
  /** CONFIG_HZ: ticks per second on each CPU (100, 250, 300 or 1000: kernel/Kconfig.hz; 250 is the default). */
  hz: number;
  /**
   * Cycles one tick's interrupt costs the CPU it lands on: entry, the handler (tick_sched_timer →
   * update_process_times: account_process_tick, run_local_timers, rcu_sched_clock_irq, scheduler_tick) and exit.
   * [U 2,000..20,000] (docs/sources-timer-tick.md). Must be below the period.
   */
  handlerCycles: number;
  /** Where each CPU's tick falls in the period. */
  phase: TickPhase;
  /** Profile symbol charged with the handler (default `tick_sched_timer`, the high-res tick's handler). */
  symbol?: string;
}

/**
 * The per-CPU timer tick's state: the next tick instant of each CPU (strictly after the last time charged on it),
 * the handler's symbol and the ticks charged. Thread.spend and Thread.spin call it; nothing else needs to.
 */
export class TimerTick {
  /** Cycles between two ticks of one CPU: clockHz / hz. */
  readonly period: number;
  /** Cycles of one tick's handler. */
  readonly handler: number;
  /** The profile symbol the handler is charged to. */
  readonly sym: SymbolId;
  /** Each CPU's tick offset within the period, in cycles. */
  readonly phase: Float64Array;
  /** Each CPU's next tick instant not yet accounted (> the last cycle charged with ticks on that CPU). */
  readonly next: Float64Array;
  /** Ticks charged so far, all CPUs together. */
  ticks = 0;
  private readonly counter: number;

  constructor(
    private readonly engine: Engine,
    o: TickOptions,
  ) {
    if (!(o.hz > 0)) throw new RangeError(`tick hz must be > 0, got ${o.hz}`);
    this.period = engine.clockHz / o.hz;
    if (!(o.handlerCycles >= 0 && o.handlerCycles < this.period))
      throw new RangeError(`tick handlerCycles must be in [0, ${this.period}), got ${o.handlerCycles}`);
    this.handler = o.handlerCycles;
    this.sym = engine.sym(o.symbol ?? 'tick_sched_timer');
    this.counter = engine.counters.id('timer_tick', 'timer ticks taken on busy CPUs (handler charged)');
    const n = engine.cpus;
    this.phase = new Float64Array(n);
    this.next = new Float64Array(n);
    // tick_setup_sched_timer: offset = (TICK_NSEC >> 1) / num_possible_cpus() × smp_processor_id().
    const skew = o.phase === 'stagger' ? Math.floor(this.period / 2 / n) : 0;
    for (let c = 0; c < n; c++) {
      this.phase[c] = skew * c;
      this.next[c] = this.after(c, 0);
    }
  }

  /** The first tick of `cpu` strictly after cycle `t`. */
  after(cpu: number, t: number): number {
    const p = this.phase[cpu];
    return p + (Math.floor((t - p) / this.period) + 1) * this.period;
  }

  /** Ticks of `cpu` in (t0, t1]: ⌊(t1 − φ)/P⌋ − ⌊(t0 − φ)/P⌋. */
  count(cpu: number, t0: number, t1: number): number {
    const p = this.phase[cpu];
    return Math.floor((t1 - p) / this.period) - Math.floor((t0 - p) / this.period);
  }

  /**
   * `t` spends `cycles` on `sym` (Thread.spend's path when a tick may fall in the span): work is lengthened by the
   * handlers of the ticks inside it, charged to the tick's symbol; idle time takes none.
   */
  spend(t: Thread, sym: SymbolId, cycles: number): void {
    const cpu = t.cpu;
    const t0 = this.engine.clock[cpu];
    let next = this.next[cpu];
    if (next <= t0) next = this.after(cpu, t0); // ticks in time no span covered (idle, IRQ work): not charged
    t.charge(sym, cycles);
    let end = t0 + cycles;
    if (this.engine.profiler.cls[sym] === 2) {
      this.next[cpu] = next <= end ? this.after(cpu, end) : next;
      return;
    }
    // Each handler lengthens the span; the extension may hold further ticks (h < P: this ends).
    let n = 0;
    while (next <= end) {
      const k = Math.floor((end - next) / this.period) + 1;
      n += k;
      next += k * this.period;
      end += k * this.handler;
    }
    this.next[cpu] = next;
    if (n > 0) this.take(t, n);
  }

  /**
   * `t` spins for `cycles` (until an event at its clock + cycles): ticks inside take the handler's time from the
   * spin, and the last one, if still running at the event, delays the spinner to its end. Returns the cycles the
   * wait took, handlers included.
   */
  spin(t: Thread, sym: SymbolId, cycles: number): number {
    const cpu = t.cpu;
    const t0 = this.engine.clock[cpu];
    const at = t0 + cycles;
    let next = this.next[cpu];
    if (next <= t0) next = this.after(cpu, t0);
    if (next > at) {
      this.next[cpu] = next;
      t.charge(sym, cycles);
      return cycles;
    }
    const k = Math.floor((at - next) / this.period) + 1;
    const last = next + (k - 1) * this.period;
    this.next[cpu] = last + this.period; // > last + handler: the delay below holds no further tick
    const end = Math.max(at, last + this.handler);
    const handlers = k * this.handler;
    t.charge(sym, end - t0 - handlers);
    this.take(t, k);
    return end - t0;
  }

  /** Charges `n` handlers to `t`. */
  private take(t: Thread, n: number): void {
    this.ticks += n;
    this.engine.counters.add(this.counter, n);
    t.charge(this.sym, n * this.handler);
  }
}
