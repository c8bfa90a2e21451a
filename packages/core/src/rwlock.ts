// Reader-writer spinlocks: readers share, a writer is exclusive; waiters are served FIFO.
import type { Op } from './engine-hooks.js';
import { SimulationError } from './errors.js';
import { Fifo, LockBase } from './lock-base.js';
import type { Thread } from './thread.js';

/** Reader-writer spinlock: readers share, writers exclusive; FIFO among waiters. */
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
      this.readHolders.add(t);
      return false;
    }
    this.waiters.push(t);
    this.waiterWrites.push(false);
    this.engine.block(t, this.readLabel);
    return true;
  }

  private performWrite(t: Thread): boolean {
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
    if (this.readers === 0) this.wakeNext(this.readersFreeAt);
  }

  /** Releases the write hold (never yields); waiting readers or the next writer get it, FIFO. */
  writeUnlock(t: Thread): void {
    if (this.writer !== t) {
      throw new SimulationError(`${t.name} write-unlocks rwlock ${this.name} held by ${this.writer?.name ?? 'nobody'}`);
    }
    this.released();
    this.writer = null;
    this.writerFreeAt = t.clock;
    this.wakeNext(t.clock);
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
}
