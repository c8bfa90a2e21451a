// Reader-writer spinlocks: readers share, a writer is exclusive. Two eras: the queued rwlock (qrwlock, x86 since
// 3.16, kernel/locking/qrwlock.c: waiters queue on wait_lock and are served FIFO), and before it the biased counter
// (rwlock-biased.ts: no queue, readers enter past spinning writers, the winner of a release is whoever's atomic
// lands first).
import type { Engine } from './engine.js';
import type { Op } from './engine-hooks.js';
import { SimulationError } from './errors.js';
import { Fifo, LockBase, type LockOptions } from './lock-base.js';
import { SpinPool } from './rwlock-biased.js';
import type { Thread } from './thread.js';

/**
 * The rwlock of a kernel era: `queued` (qrwlock, 3.16+: FIFO among waiters, a waiting writer holds back new readers)
 * or `biased` (x86 before 3.16, RW_LOCK_BIAS: unfair, reader preference, a seeded draw among spinners).
 */
export type RwLockFairness = 'queued' | 'biased';

/** Reader-writer spinlock: readers share, writers exclusive; FIFO among waiters, or unfair (`biased`). */
export class RwLock extends LockBase {
  /** The thread holding the lock for writing, or null. */
  writer: Thread | null = null;
  /** Number of threads holding the lock for reading. */
  readers = 0;
  private writerFreeAt = 0;
  private readersFreeAt = 0;
  private readonly waiters = new Fifo<Thread>();
  /** Whether each waiter wants to write, in the waiters' order (a second FIFO: no object per wait). */
  private readonly waiterWrites = new Fifo<boolean>();
  private readonly readOp: Op = { perform: (t) => this.performRead(t) };
  private readonly writeOp: Op = { perform: (t) => this.performWrite(t) };
  /** The read holders, to check readUnlock (a writer is checked against `writer`: no set operation per write hold). */
  private readonly readHolders = new Set<Thread>();
  private readonly readLabel = `rwlock ${this.name} (read)`;
  private readonly writeLabel = `rwlock ${this.name} (write)`;
  /** The spinners of a `biased` lock (null: `queued`, the FIFO above). */
  private readonly pool: SpinPool | null;
  /** A failed try of a `biased` lock: the `lock subl` and its undoing on a line another CPU wrote (see grant). */
  private readonly tryCycles: number;
  /** The era of this lock (default `queued`). */
  readonly fairness: RwLockFairness;

  constructor(engine: Engine, name: string, costs: LockOptions, fairness: RwLockFairness = 'queued') {
    super(engine, name, costs);
    this.fairness = fairness;
    this.pool = fairness === 'biased' ? new SpinPool(engine.rng, name) : null;
    this.tryCycles = costs.handoffCycles + costs.acquireCycles;
  }

  /** `yield rw.readLock(t)` */
  readLock(_t: Thread): Op {
    return this.readOp;
  }

  /** `yield rw.writeLock(t)` */
  writeLock(_t: Thread): Op {
    return this.writeOp;
  }

  private performRead(t: Thread): boolean {
    if (this.pool !== null) return this.readBiased(t, this.pool);
    if (this.writer === null && this.waiters.length === 0) {
      if (t.clock >= this.writerFreeAt) this.take(t);
      else this.grant(t, this.writerFreeAt, false);
      this.readers++;
      this.readHolders.add(t);
      return false;
    }
    this.waiters.push(t);
    this.waiterWrites.push(false);
    this.engine.block(t, this.readLabel);
    return true;
  }

  private performWrite(t: Thread): boolean {
    if (this.pool !== null) return this.writeBiased(t, this.pool);
    if (this.writer === null && this.readers === 0 && this.waiters.length === 0) {
      const freeAt = Math.max(this.writerFreeAt, this.readersFreeAt);
      if (t.clock >= freeAt) this.take(t);
      else this.grant(t, freeAt, false);
      this.writer = t;
      return false;
    }
    this.waiters.push(t);
    this.waiterWrites.push(true);
    this.engine.block(t, this.writeLabel);
    return true;
  }

  /** Releases a read hold (never yields); the last reader hands the lock to a waiting writer. */
  readUnlock(t: Thread): void {
    if (this.writer !== null || !this.readHolders.has(t)) {
      throw new SimulationError(`${t.name} read-unlocks rwlock ${this.name} it does not hold for read`);
    }
    this.readHolders.delete(t);
    this.released();
    this.readers--;
    this.readersFreeAt = Math.max(this.readersFreeAt, t.clock);
    if (this.readers === 0) this.handOff(this.readersFreeAt);
  }

  /** Releases the write hold (never yields); waiting readers or the next writer get it, FIFO. */
  writeUnlock(t: Thread): void {
    if (this.writer !== t) {
      throw new SimulationError(`${t.name} write-unlocks rwlock ${this.name} held by ${this.writer?.name ?? 'nobody'}`);
    }
    this.released();
    this.writer = null;
    this.writerFreeAt = t.clock;
    this.handOff(t.clock);
  }

  private handOff(at: number): void {
    if (this.pool !== null) this.handBiased(at, this.pool);
    else this.wakeNext(at);
  }

  private wakeNext(at: number): void {
    if (this.waiters.length === 0) return;
    if (this.waiterWrites.peek()) {
      this.waiterWrites.shift();
      const w = this.waiters.shift();
      this.writer = w;
      this.grant(w, at, true);
      return;
    }
    while (this.waiters.length > 0 && !this.waiterWrites.peek()) {
      this.waiterWrites.shift();
      const r = this.waiters.shift();
      this.readers++;
      this.readHolders.add(r);
      this.grant(r, at, true);
    }
  }

  // The biased counter (rwlock-biased.ts). A try made while the lock is held fails and costs `tryCycles`, so a
  // thread that finds it held retries no sooner than that after its own clock.

  /** __raw_read_lock: in whenever no writer holds it, writers spinning or not (reader preference). */
  private readBiased(t: Thread, pool: SpinPool): boolean {
    if (this.writer === null) {
      if (t.clock >= this.writerFreeAt) this.take(t);
      else this.grant(t, Math.max(this.writerFreeAt, t.clock + this.tryCycles), false);
      this.readers++;
      this.readHolders.add(t);
      return false;
    }
    pool.add(t, false, t.clock + this.tryCycles);
    this.engine.block(t, this.readLabel);
    return true;
  }

  /** __raw_write_lock: in only when nobody holds it (the counter back at RW_LOCK_BIAS). */
  private writeBiased(t: Thread, pool: SpinPool): boolean {
    if (this.writer === null && this.readers === 0) {
      const freeAt = Math.max(this.writerFreeAt, this.readersFreeAt);
      if (t.clock >= freeAt) this.take(t);
      else this.grant(t, Math.max(freeAt, t.clock + this.tryCycles), false);
      this.writer = t;
      return false;
    }
    pool.add(t, true, t.clock + this.tryCycles);
    this.engine.block(t, this.writeLabel);
    return true;
  }

  /**
   * The lock came free at `at` (the counter is RW_LOCK_BIAS): every spinner retries and the first atomic to land wins
   * (SpinPool.pick). A writer takes it alone; a reader's win lets every spinning reader in as its retry lands. The
   * rest's retries fail (SpinPool.lost).
   */
  private handBiased(at: number, pool: SpinPool): void {
    if (pool.length === 0) return;
    const win = pool.pick(at);
    if (pool.writes[win.i]) {
      const w = pool.threads[win.i];
      pool.loseRaced(this.tryCycles); // = remove, then lost(win.at, tryCycles)
      pool.remove(win.i);
      this.writer = w;
      this.grant(w, win.at, true);
      return;
    }
    const got: Thread[] = [];
    const when: number[] = [];
    for (let j = pool.length - 1; j >= 0; j--) {
      if (pool.writes[j]) continue;
      got.push(pool.threads[j]);
      when.push(Math.max(win.at, pool.readyOf(j)));
      pool.remove(j); // swaps in a later entry, already seen
    }
    pool.lost(win.at, this.tryCycles);
    for (let j = 0; j < got.length; j++) {
      this.readers++;
      this.readHolders.add(got[j]);
      this.grant(got[j], when[j], true);
    }
  }
}
