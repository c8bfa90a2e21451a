// Spinlocks: one holder, FIFO waiters spinning (ticket spinlocks, 2.6.25+); and bit spinlocks, one per object.

import type { Engine } from './engine.js';
import type { Op } from './engine-hooks.js';
import { SimulationError } from './errors.js';
import { Fifo, LockBase, type LockOptions } from './lock-base.js';
import type { SymbolId } from './profiler.js';
import type { Thread } from './thread.js';

/** Spinlock: one holder, FIFO waiters spinning (sys time charged to the lock symbol). */
export class Spinlock extends LockBase implements Op {
  /** The thread holding the lock, or null. */
  holder: Thread | null = null;
  private readonly label = `spinlock ${this.name}`;
  /** Time of the last release (a later-processed acquirer with an earlier clock waits until then). */
  freeAt = 0;
  private readonly waiters = new Fifo<Thread>();
  /** The symbol each waiter's acquire and spin are charged to, in the waiters' order. */
  private readonly waiterSyms = new Fifo<SymbolId>();
  /** One acquire op per caller symbol (see {@link Spinlock.lock}), made at its first use. */
  private readonly callerOps = new Map<SymbolId, Op>();

  /**
   * `yield lock.lock(t)`, or `yield lock.lock(t, sym)` to charge this acquire (and its spin) to `sym` instead of the
   * lock's symbol. On i386 SMP readprofile's `profile_pc` charges a tick inside a lock function to the caller's
   * return address (`in_lock_functions`), so one lock taken by two functions shows in each caller's row.
   */
  lock(_t: Thread, sym?: SymbolId): Op {
    if (sym === undefined || sym === this.sym) return this;
    let op = this.callerOps.get(sym);
    if (op === undefined) {
      op = { perform: (t) => this.acquire(t, sym) };
      this.callerOps.set(sym, op);
    }
    return op;
  }

  /** The acquire, performed by the scheduler at the thread's time: takes the lock or queues the thread (FIFO). */
  perform(t: Thread): boolean {
    return this.acquire(t, this.sym);
  }

  private acquire(t: Thread, sym: SymbolId): boolean {
    if (this.holder === null) {
      if (t.clock >= this.freeAt) this.take(t, sym);
      else this.grant(t, this.freeAt, false, sym);
      this.holder = t;
      return false;
    }
    if (this.holder === t) throw new SimulationError(`${t.name} re-acquires spinlock ${this.name} it holds`);
    this.waiters.push(t);
    this.waiterSyms.push(sym);
    this.engine.block(t, this.label);
    return true;
  }

  /** Try once: true if acquired. Use after a bare `yield` so the attempt happens in time order. */
  tryLock(t: Thread): boolean {
    if (this.holder !== null || t.clock < this.freeAt) return false;
    this.take(t);
    this.holder = t;
    return true;
  }

  /** Releases the lock (never yields) and hands it to the first waiter; throws SimulationError if not held. */
  unlock(t: Thread): void {
    if (this.holder !== t) {
      throw new SimulationError(`${t.name} releases spinlock ${this.name} held by ${this.holder?.name ?? 'nobody'}`);
    }
    this.released();
    if (this.waiters.length > 0) {
      const w = this.waiters.shift();
      this.holder = w;
      this.grant(w, t.clock, true, this.waiterSyms.shift());
    } else {
      this.holder = null;
      this.freeAt = t.clock;
    }
  }

  /** Whether a thread holds the lock. */
  get isLocked(): boolean {
    return this.holder !== null;
  }
}

/**
 * Bit spinlocks, one per object (a bit in page->flags): a table keyed by object number. Only objects that are
 * held, waited on, or released in the future of the slowest thread keep an entry.
 */
export class BitSpinlocks {
  private readonly locks = new Map<number, Spinlock>();
  private readonly opts: LockOptions;

  constructor(
    readonly engine: Engine,
    readonly name: string,
    opts: LockOptions,
  ) {
    this.opts = opts;
  }

  /** `yield bits.lock(t, pageNumber)` */
  lock(_t: Thread, key: number): Op {
    let l = this.locks.get(key);
    if (l === undefined) {
      if (this.locks.size > 4096) this.prune();
      l = new Spinlock(this.engine, `${this.name}[${key}]`, this.opts);
      this.locks.set(key, l);
    }
    return l;
  }

  /** Releases the bit lock `key`; throws SimulationError if the thread does not hold it. */
  unlock(t: Thread, key: number): void {
    const l = this.locks.get(key);
    if (l === undefined) throw new SimulationError(`${t.name} releases bit lock ${this.name}[${key}] it does not hold`);
    l.unlock(t);
  }

  /** Whether bit lock `key` is held. */
  isLocked(key: number): boolean {
    return this.locks.get(key)?.isLocked ?? false;
  }

  private prune(): void {
    let horizon = Number.POSITIVE_INFINITY;
    for (const c of this.engine.clock) horizon = Math.min(horizon, c);
    for (const [k, l] of this.locks) {
      if (!l.isLocked && l.freeAt <= horizon) this.locks.delete(k);
    }
  }
}
