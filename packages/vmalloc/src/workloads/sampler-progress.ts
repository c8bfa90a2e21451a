// Progress of a sampled run for a display (the CLI's bar): how many of the run's loops are done, reported every
// so many loops in detail. It only reads the sampler's counts: a run simulates the same with or without a watcher.
import type { Loop, TagReport } from './sampler-loop.js';

/** Reports every `every` loops run in detail; off until {@link ProgressWatch.set}. */
export class ProgressWatch {
  /** Loops in detail until the next report; 0 while nobody watches (the caller tests it before `due`). */
  left = 0;
  private every = 0;
  private fn: ((done: number) => void) | null = null;

  /** Calls `fn(done)` every `every` loops in detail. */
  set(every: number, fn: (done: number) => void): void {
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`progress every ${every}: expected an integer ≥ 1`);
    this.every = every;
    this.left = every;
    this.fn = fn;
  }

  /** One loop ran in detail: true when a report is due. */
  due(): boolean {
    if (this.left === 0 || --this.left > 0) return false;
    this.left = this.every;
    return true;
  }

  tell(done: number): void {
    this.fn?.(done);
  }
}

/**
 * Loops done: every loop begun (each kind's `loops`) less what the open loops still owe. A skipped loop is done;
 * so is the rest of a loop its case abandoned (an allocation failed), which will never run.
 */
export function loopsDone(byTag: ReadonlyMap<string, TagReport>, open: Iterable<Loop>): number {
  let n = 0;
  for (const s of byTag.values()) n += s.loops;
  for (const l of open) n -= l.count - l.done;
  return n;
}
