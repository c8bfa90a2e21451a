// What every spinning lock shares: its costs, the FIFO of waiters, and the charging of an acquire (a cache-line
// transfer when another CPU held it last) and of a contended grant (the wait charged to the lock's symbol, as
// real kernel profiles show it: _spin_lock, _write_lock, ia64_spinlock_contention …).
import type { Engine } from './engine.js';
import type { SymbolId } from './profiler.js';
import type { Thread } from './thread.js';

/** Cycle costs of a lock. */
export interface LockCosts {
  /** Cycles of an uncontended acquire+release pair (atomic op on a local line). */
  acquireCycles: number;
  /** Cycles to move the lock's cache line from another CPU (hand-off to a waiter, or a cold acquire). */
  handoffCycles: number;
}

/** A lock's costs and the symbol its acquire and spin are charged to. */
export interface LockOptions extends LockCosts {
  /** Symbol charged for acquiring and for spinning (e.g. '_spin_lock'). */
  symbol: string;
}

/** A FIFO queue with amortised O(1) shift (waiters are served in arrival order, like ticket spinlocks). */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  get length(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  peek(): T {
    return this.items[this.head];
  }
  shift(): T {
    const x = this.items[this.head++];
    if (this.head > 64 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
}

/** The state and charging every spinning lock shares (Spinlock, RwLock). */
export abstract class LockBase {
  readonly sym: SymbolId;
  protected lastCpu = -1;
  contentions = 0;
  acquisitions = 0;
  waitCycles = 0;
  protected readonly cContended: number;

  constructor(
    readonly engine: Engine,
    readonly name: string,
    readonly costs: LockOptions,
  ) {
    this.sym = engine.sym(costs.symbol);
    engine.profiler.markLock(this.sym);
    this.cContended = engine.counters.id('lock_contended', 'lock acquisitions that had to wait');
  }

  /**
   * Charges an acquire at the thread's clock: atomic op, plus a line transfer if another CPU held it last. `sym`
   * is the symbol this acquire is charged to (the lock's unless the caller names its own, see Spinlock.lock).
   */
  protected take(t: Thread, sym: SymbolId = this.sym): void {
    this.acquisitions++;
    const cold = this.lastCpu !== -1 && this.lastCpu !== t.cpu;
    t.spend(sym, this.costs.acquireCycles + (cold ? this.costs.handoffCycles : 0));
    this.lastCpu = t.cpu;
    this.engine.lockHeld(1);
  }

  /**
   * A waiter that gets the lock at `at` (release time): wait charged to the lock, then the hand-off. A timeline
   * shows the wait as a slice named for the lock; IPIs the waiter took while spinning sit inside it.
   */
  protected grant(w: Thread, at: number, wasBlocked: boolean, sym: SymbolId = this.sym): void {
    this.contentions++;
    const e = this.engine;
    e.counters.add(this.cContended);
    const tr = e.tracer;
    if (tr !== undefined) tr.begin(w.cpu, `wait ${this.name}`, w.clock, true);
    if (wasBlocked) e.settle(w.cpu, at);
    // Spinning: a timer tick still running when the lock comes free delays the grant (Thread.spin).
    const wait = at - w.clock;
    if (wait > 0) this.waitCycles += w.spin(sym, wait);
    if (tr !== undefined) tr.end(w.cpu, w.clock);
    this.acquisitions++;
    w.spend(sym, this.costs.handoffCycles + this.costs.acquireCycles);
    this.lastCpu = w.cpu;
    e.lockHeld(1);
    if (wasBlocked) e.wake(w, w.clock);
  }

  /** A holder released it (the locks_held gauge). */
  protected released(): void {
    this.engine.lockHeld(-1);
  }
}
