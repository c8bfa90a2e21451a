// Locks whose contended waiting is charged to the lock's symbol (_spin_lock, _write_lock,
// ia64_spinlock_contention …), as real kernel profiles show it.
//
// Acquire is an Op (`yield lock.lock(t)`), performed in simulated-time order. Release does not yield: a holder
// may run ahead of other threads, so a release remembers its time (`freeAt`) and a later-processed acquirer
// whose clock is earlier than that still waits until it. Waiters are served FIFO (ticket spinlocks, 2.6.25+).
import { type Engine, type Op, SimulationError, type Thread } from './engine.js';
import type { SymbolId } from './profiler.js';

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

class Fifo<T> {
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

abstract class LockBase {
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
    this.cContended = engine.counters.id('lock_contended', 'lock acquisitions that had to wait');
  }

  /** Charges an acquire at the thread's clock: atomic op, plus a line transfer if another CPU held it last. */
  protected take(t: Thread): void {
    this.acquisitions++;
    const cold = this.lastCpu !== -1 && this.lastCpu !== t.cpu;
    t.spend(this.sym, this.costs.acquireCycles + (cold ? this.costs.handoffCycles : 0));
    this.lastCpu = t.cpu;
    this.engine.lockHeld(1);
  }

  /**
   * A waiter that gets the lock at `at` (release time): wait charged to the lock, then the hand-off. A timeline
   * shows the wait as a slice named for the lock; IPIs the waiter took while spinning sit inside it.
   */
  protected grant(w: Thread, at: number, wasBlocked: boolean): void {
    this.contentions++;
    const e = this.engine;
    e.counters.add(this.cContended);
    const tr = e.tracer;
    if (tr !== undefined) tr.begin(w.cpu, `wait ${this.name}`, w.clock, true);
    if (wasBlocked) e.settle(w.cpu, at);
    const wait = at - w.clock;
    if (wait > 0) {
      this.waitCycles += wait;
      w.spend(this.sym, wait);
    }
    if (tr !== undefined) tr.end(w.cpu, w.clock);
    this.acquisitions++;
    w.spend(this.sym, this.costs.handoffCycles + this.costs.acquireCycles);
    this.lastCpu = w.cpu;
    e.lockHeld(1);
    if (wasBlocked) e.wake(w, w.clock);
  }

  /** A holder released it (the locks_held gauge). */
  protected released(): void {
    this.engine.lockHeld(-1);
  }
}

/** Spinlock: one holder, FIFO waiters spinning (sys time charged to the lock symbol). */
export class Spinlock extends LockBase implements Op {
  /** The thread holding the lock, or null. */
  holder: Thread | null = null;
  private readonly label = `spinlock ${this.name}`;
  /** Time of the last release (a later-processed acquirer with an earlier clock waits until then). */
  freeAt = 0;
  private readonly waiters = new Fifo<Thread>();

  /** `yield lock.lock(t)` */
  lock(_t: Thread): Op {
    return this;
  }

  /** The acquire, performed by the scheduler at the thread's time: takes the lock or queues the thread (FIFO). */
  perform(t: Thread): boolean {
    if (this.holder === null) {
      if (t.clock >= this.freeAt) this.take(t);
      else this.grant(t, this.freeAt, false);
      this.holder = t;
      return false;
    }
    if (this.holder === t) throw new SimulationError(`${t.name} re-acquires spinlock ${this.name} it holds`);
    this.waiters.push(t);
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
      this.grant(w, t.clock, true);
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

type RwWaiter = { t: Thread; write: boolean };

/** Reader-writer spinlock: readers share, writers exclusive; FIFO among waiters. */
export class RwLock extends LockBase {
  /** The thread holding the lock for writing, or null. */
  writer: Thread | null = null;
  /** Number of threads holding the lock for reading. */
  readers = 0;
  private writerFreeAt = 0;
  private readersFreeAt = 0;
  private readonly waiters = new Fifo<RwWaiter>();
  private readonly readOp: Op = { perform: (t) => this.performRead(t) };
  private readonly writeOp: Op = { perform: (t) => this.performWrite(t) };
  private readonly holders = new Set<Thread>();
  private readonly readLabel = `rwlock ${this.name} (read)`;
  private readonly writeLabel = `rwlock ${this.name} (write)`;

  /** `yield rw.readLock(t)` */
  readLock(_t: Thread): Op {
    return this.readOp;
  }

  /** `yield rw.writeLock(t)` */
  writeLock(_t: Thread): Op {
    return this.writeOp;
  }

  private performRead(t: Thread): boolean {
    if (this.writer === null && this.waiters.length === 0) {
      if (t.clock >= this.writerFreeAt) this.take(t);
      else this.grant(t, this.writerFreeAt, false);
      this.readers++;
      this.holders.add(t);
      return false;
    }
    this.waiters.push({ t, write: false });
    this.engine.block(t, this.readLabel);
    return true;
  }

  private performWrite(t: Thread): boolean {
    if (this.writer === null && this.readers === 0 && this.waiters.length === 0) {
      const freeAt = Math.max(this.writerFreeAt, this.readersFreeAt);
      if (t.clock >= freeAt) this.take(t);
      else this.grant(t, freeAt, false);
      this.writer = t;
      this.holders.add(t);
      return false;
    }
    this.waiters.push({ t, write: true });
    this.engine.block(t, this.writeLabel);
    return true;
  }

  /** Releases a read hold (never yields); the last reader hands the lock to a waiting writer. */
  readUnlock(t: Thread): void {
    if (this.writer !== null || !this.holders.has(t)) {
      throw new SimulationError(`${t.name} read-unlocks rwlock ${this.name} it does not hold for read`);
    }
    this.holders.delete(t);
    this.released();
    this.readers--;
    this.readersFreeAt = Math.max(this.readersFreeAt, t.clock);
    if (this.readers === 0) this.wakeNext(this.readersFreeAt);
  }

  /** Releases the write hold (never yields); waiting readers or the next writer get it, FIFO. */
  writeUnlock(t: Thread): void {
    if (this.writer !== t) {
      throw new SimulationError(`${t.name} write-unlocks rwlock ${this.name} held by ${this.writer?.name ?? 'nobody'}`);
    }
    this.holders.delete(t);
    this.released();
    this.writer = null;
    this.writerFreeAt = t.clock;
    this.wakeNext(t.clock);
  }

  private wakeNext(at: number): void {
    if (this.waiters.length === 0) return;
    if (this.waiters.peek().write) {
      const w = this.waiters.shift().t;
      this.writer = w;
      this.holders.add(w);
      this.grant(w, at, true);
      return;
    }
    while (this.waiters.length > 0 && !this.waiters.peek().write) {
      const r = this.waiters.shift().t;
      this.readers++;
      this.holders.add(r);
      this.grant(r, at, true);
    }
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
