// The spinning waiters of a pre-3.16 x86 rwlock: a biased counter, no queue. From memory of 2.6.2x
// arch/x86/include/asm/spinlock.h and arch/x86/lib/rwlock_64.S (not on disk; the counter scheme is checked against
// 6.1's arch/arc and arch/parisc spinlock_types.h, which keep __ARCH_RW_LOCK_UNLOCKED__ 0x01000000 and say "Unfair
// locking as Writers could be starved indefinitely by Reader(s)"):
// - __raw_read_lock: `lock subl $1`; negative (a writer holds it) → __read_lock_failed: add back, spin until the
//   counter is > 0, retry. Readers enter whenever no writer holds it, even with writers spinning.
// - __raw_write_lock: `lock subl $RW_LOCK_BIAS`; not zero → __write_lock_failed: add back, spin until the counter is
//   RW_LOCK_BIAS again, retry. A writer only gets in when nobody holds it.
// So at a release every spinner's retry races for the line and whichever atomic lands first wins: no order among
// waiters. Which one lands first depends on cache topology and timing the engine does not model, so the pick is a
// draw from a seeded stream of the lock's own ([U]: uniform among the spinners that can retry; real hardware favours
// CPUs near the releaser's line).
import type { Rng } from './rng.js';
import type { Thread } from './thread.js';

/**
 * A stream number from a lock's name (FNV-1a), so each biased lock draws from its own stream of the seed. 20 bits:
 * Rng.fork multiplies it by a 30-bit constant in doubles, and a larger product drops the seed's low bits.
 */
function streamOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 12;
}

/**
 * The spinners of a biased rwlock, each with whether it wants to write and when its last try ends. A release's race
 * usually has every spinner in it (a failed try is far shorter than a hold), and then every readyAt becomes the same
 * time: that case is one draw and one store (`floor`), not a pass over ~1,023 spinners at 1,024 CPUs.
 */
export class SpinPool {
  readonly threads: Thread[] = [];
  readonly writes: boolean[] = [];
  /**
   * When each spinner's last failed try is over and it spins on a read of the counter again: a failed try is a
   * `lock subl` and the `lock addl` that undoes it on a line another CPU wrote, priced as the engine prices a
   * contended acquisition (LockBase.grant: hand-off + atomic). A release before then is seen only then. Read through
   * {@link SpinPool.readyOf}: an entry whose `epochs` is below `epoch` was set by a race of every spinner and reads
   * `floor`.
   */
  private readonly ready: number[] = [];
  private readonly epochs: number[] = [];
  private epoch = 0;
  private floor = 0;
  /** At least every spinner's readyAt (−∞ when empty): a release at or after it races them all. */
  private top = Number.NEGATIVE_INFINITY;
  private readonly rng: Rng;
  /** The last pick's racers (indices, the first `racedCount`; every spinner when `racedAll`) and its time. */
  private raced = new Int32Array(16);
  private racedCount = 0;
  private racedAll = false;
  private racedAt = 0;

  constructor(seedRng: Rng, name: string) {
    this.rng = seedRng.fork(streamOf(name));
  }

  get length(): number {
    return this.threads.length;
  }

  /** When spinner `i`'s last failed try is over. */
  readyOf(i: number): number {
    return this.epochs[i] < this.epoch ? this.floor : this.ready[i];
  }

  /** A thread whose first try failed at `clock` (it now spins until `readyAt`, then on a read of the counter). */
  add(t: Thread, write: boolean, readyAt: number): void {
    this.threads.push(t);
    this.writes.push(write);
    this.ready.push(readyAt);
    this.epochs.push(this.epoch);
    if (readyAt > this.top) this.top = readyAt;
  }

  /**
   * The spinner whose retry lands first after a release at `at`: those spinning on a read by then race and one is
   * drawn; if none is, the one whose failed try ends first (ties drawn). Its index and the time it retries; −1 if
   * there is no spinner. The racers (readyAt ≤ that time, in index order) stay in `raced` for {@link SpinPool.loseRaced}.
   */
  pick(at: number): { i: number; at: number } {
    const n = this.threads.length;
    this.racedCount = 0;
    this.racedAll = false;
    if (n === 0) return { i: -1, at };
    if (this.top <= at) {
      // Every spinner races: the racers in index order are 0 … n−1, so the draw is the index.
      this.racedAll = true;
      this.racedAt = at;
      return { i: n === 1 ? 0 : this.rng.int(0, n - 1), at };
    }
    if (this.raced.length < n) this.raced = new Int32Array(Math.max(n, 2 * this.raced.length));
    const raced = this.raced;
    // One pass: the spinners ready by `at` (the race), and the earliest try end of the others.
    let k = 0;
    let first = Number.POSITIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const r = this.readyOf(i);
      if (r <= at) raced[k++] = i;
      else if (r < first) first = r;
    }
    const when = k > 0 ? at : first;
    if (k === 0) for (let i = 0; i < n; i++) if (this.readyOf(i) === when) raced[k++] = i;
    this.racedCount = k;
    this.racedAt = when;
    const draw = k === 1 ? 0 : this.rng.int(0, k - 1);
    return { i: raced[draw], at: when };
  }

  /**
   * {@link SpinPool.lost} at the last pick's time, before the winner is removed: the racers are the spinners with
   * readyAt ≤ that time (none earlier when none was ready), so this sets the same entries without a scan; the
   * winner's own entry is set too and then removed with it.
   */
  loseRaced(tryCycles: number): void {
    const until = this.racedAt + tryCycles;
    if (this.racedAll) {
      this.setAll(until);
      return;
    }
    for (let j = 0; j < this.racedCount; j++) this.set(this.raced[j], until);
  }

  /** Removes spinner `i` (order among the rest does not matter: no queue). */
  remove(i: number): void {
    const last = this.threads.length - 1;
    this.threads[i] = this.threads[last];
    this.writes[i] = this.writes[last];
    this.ready[i] = this.ready[last];
    this.epochs[i] = this.epochs[last];
    this.threads.pop();
    this.writes.pop();
    this.ready.pop();
    this.epochs.pop();
    if (last === 0) this.top = Number.NEGATIVE_INFINITY;
  }

  /**
   * The spinners that raced at `at` and lost: each one's retry failed after the winner's atomic, so it is busy with
   * the failed `lock subl` / `lock addl` until `at + tryCycles` (__read_lock_failed / __write_lock_failed).
   */
  lost(at: number, tryCycles: number): void {
    if (this.top <= at) {
      if (this.threads.length > 0) this.setAll(at + tryCycles);
      return;
    }
    for (let i = 0; i < this.threads.length; i++) if (this.readyOf(i) <= at) this.set(i, at + tryCycles);
  }

  /** Every spinner's readyAt, in index order (for tests and traces). */
  readyTimes(): number[] {
    return this.threads.map((_, i) => this.readyOf(i));
  }

  private set(i: number, readyAt: number): void {
    this.ready[i] = readyAt;
    this.epochs[i] = this.epoch;
    if (readyAt > this.top) this.top = readyAt;
  }

  /** Every present spinner's readyAt is now `readyAt`: older epochs read `floor`. */
  private setAll(readyAt: number): void {
    this.epoch++;
    this.floor = readyAt;
    this.top = readyAt;
  }
}
