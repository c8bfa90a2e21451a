// Locks whose contended waiting is charged to the lock's symbol (_spin_lock, _write_lock,
// ia64_spinlock_contention …), as real kernel profiles show it.
//
// Acquire is an Op (`yield lock.lock(t)`), performed in simulated-time order. Release does not yield: a holder
// may run ahead of other threads, so a release remembers its time (`freeAt`) and a later-processed acquirer
// whose clock is earlier than that still waits until it. Waiters are served FIFO (ticket spinlocks, 2.6.25+; the
// queued rwlock, 3.16+), or, for a `biased` RwLock (x86 before 3.16), by a seeded draw among the spinners.
//
// Each kind sits in its own module (lock-base, spinlock, rwlock, sleeping); this one keeps the old import path.
export type { LockCosts, LockOptions } from './lock-base.js';
export { RwLock, type RwLockFairness } from './rwlock.js';
export { Mutex, type MutexOptions, WaitQueue } from './sleeping.js';
export { BitSpinlocks, Spinlock } from './spinlock.js';
