// The purge lock: purge_lock (2.6.28, a spinlock) or vmap_purge_lock (5.x, a mutex, modelled spinning: its waits
// are forced purges only; 6.9: waited for sleeping, by the drain and by forced purges, so a kworker queued on a
// waiter's CPU runs meanwhile — a purge holding it may wait in flush_work for just such a helper).
import type { Spinlock, Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { VmapDesign } from '../designs/design.js';
import type { Gen } from '../types.js';

export class PurgeLock {
  readonly lock: Spinlock;
  /** Threads asleep on vmap_purge_lock (6.9: the drain, forced purges), woken when it is released. */
  private sleepers: Thread[] = [];
  /** mutex_lock's attempt at the thread's time: takes the lock if free (atomically), else sleeps. */
  private readonly sleepLockOp = {
    perform: (t: Thread): boolean => {
      if (this.lock.holder === null) return this.lock.perform(t);
      this.sleepers.push(t);
      this.m.engine.sleep(t, 'mutex vmap_purge_lock');
      return true;
    },
  };

  constructor(
    private readonly m: Machine,
    design: VmapDesign,
  ) {
    this.lock = design.purgeLock === 'mutex' ? m.spinlock('vmap_purge_lock', 'mutex_lock') : m.spinlock('purge_lock');
  }

  /** mutex_lock(&vmap_purge_lock) with sleeping waiters (6.9): tried again after each wake-up until held. */
  *lockSleeping(t: Thread): Gen {
    while (this.lock.holder !== t) yield this.sleepLockOp;
  }

  /** Releases the lock and wakes the threads asleep on it. */
  unlock(t: Thread): void {
    this.lock.unlock(t);
    if (this.sleepers.length === 0) return;
    const e = this.m.engine;
    for (const w of this.sleepers) e.wake(w, t.clock);
    this.sleepers = [];
  }
}
