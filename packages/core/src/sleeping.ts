// Sleeping waits: a mutex whose waiters sleep (idle time) and pay a wake-up, and a wait queue woken all at once.
import type { Engine } from './engine.js';
import type { Op } from './engine-hooks.js';
import { SimulationError } from './errors.js';
import { Fifo, type LockOptions } from './lock-base.js';
import type { SymbolId } from './profiler.js';
import type { Thread } from './thread.js';

/** A sleeping mutex's costs: the lock's, plus the wake-up and the idle symbol charged while asleep. */
export interface MutexOptions extends LockOptions {
  /** Cycles from wake-up to running again (schedule + context switch). */
  wakeupCycles: number;
  /** Idle-class symbol charged while asleep. */
  sleepSymbol: string;
}

/** Sleeping mutex: waiters sleep (idle time) instead of spinning, and pay a wake-up on hand-off. */
export class Mutex implements Op {
  /** The thread holding the mutex, or null. */
  holder: Thread | null = null;
  private freeAt = 0;
  private readonly waiters = new Fifo<Thread>();
  private readonly sym: SymbolId;
  private readonly sleepSym: SymbolId;

  constructor(
    readonly engine: Engine,
    readonly name: string,
    readonly opts: MutexOptions,
  ) {
    this.sym = engine.sym(opts.symbol);
    engine.profiler.markLock(this.sym);
    this.sleepSym = engine.sym(opts.sleepSymbol, 'idle');
  }

  /** `yield mutex.lock(t)`: takes the mutex or sleeps (idle time) until it is handed over. */
  lock(_t: Thread): Op {
    return this;
  }

  /** The acquire, performed by the scheduler at the thread's time. */
  perform(t: Thread): boolean {
    if (this.holder === null && t.clock >= this.freeAt) {
      t.spend(this.sym, this.opts.acquireCycles);
      this.holder = t;
      this.engine.lockHeld(1);
      return false;
    }
    if (this.holder === null) {
      t.idleUntil(this.freeAt, this.sleepSym);
      t.spend(this.sym, this.opts.wakeupCycles + this.opts.acquireCycles);
      this.holder = t;
      this.engine.lockHeld(1);
      return false;
    }
    this.waiters.push(t);
    this.engine.block(t, `mutex ${this.name}`);
    return true;
  }

  /** Releases the mutex; the first sleeper gets it and pays the wake-up. Throws SimulationError if not held. */
  unlock(t: Thread): void {
    if (this.holder !== t) {
      throw new SimulationError(`${t.name} unlocks mutex ${this.name} held by ${this.holder?.name ?? 'nobody'}`);
    }
    this.engine.lockHeld(-1);
    if (this.waiters.length > 0) {
      const w = this.waiters.shift();
      this.holder = w;
      this.engine.lockHeld(1);
      this.engine.settle(w.cpu);
      w.idleUntil(t.clock, this.sleepSym);
      w.spend(this.sym, this.opts.wakeupCycles + this.opts.acquireCycles);
      this.engine.wake(w, w.clock);
    } else {
      this.holder = null;
      this.freeAt = t.clock;
    }
  }
}

/** A wait queue (e.g. pkmap_map_wait): sleepers wake when someone calls wakeAll. */
export class WaitQueue implements Op {
  private sleepers: Thread[] = [];
  private readonly sleepSym: SymbolId;

  constructor(
    readonly engine: Engine,
    readonly name: string,
    sleepSymbol: string,
    readonly wakeupCycles: number,
  ) {
    this.sleepSym = engine.sym(sleepSymbol, 'idle');
  }

  /** `yield wq.sleep(t)`: always blocks until the next wakeAll. */
  sleep(_t: Thread): Op {
    return this;
  }

  /** Puts the thread to sleep on the queue (always blocks). */
  perform(t: Thread): boolean {
    this.sleepers.push(t);
    this.engine.block(t, `wait queue ${this.name}`);
    return true;
  }

  /** Number of sleepers. */
  get length(): number {
    return this.sleepers.length;
  }

  /** Wakes every sleeper at the waker's time; returns how many were woken. */
  wakeAll(waker: Thread): number {
    const s = this.sleepers;
    this.sleepers = [];
    for (const w of s) {
      this.engine.settle(w.cpu);
      w.idleUntil(waker.clock, this.sleepSym);
      w.spend(this.sleepSym, this.wakeupCycles);
      this.engine.wake(w, w.clock);
    }
    return s.length;
  }
}
