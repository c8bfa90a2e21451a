// The bound on the flushes a skip replays (sampler.ts `maybeDecide`). A skip adds the machine's counters scaled from
// its window (sampler-replay.ts), so its flush count is the window's flush rate times the skipped time. The flushes
// are a renewal process whose gaps can be heavy-tailed: under 6.9's drain a pass waits for its kworker's EEVDF turn,
// and a kworker whose passes ran long waits out the test thread's slice (core fair-share.ts), so most gaps are short
// and a few are ~40× the median (vmap-bench 6.9, 4 CPUs × 4 threads × 12,000, lazy_max_pages of fls(CPUs) × 1 MiB:
// gaps 0.05–0.45 M cycles, and 9.8 M every ~28 M). A window between two long gaps then replays them at its own
// rate: 311 flushes against 243 exact, where the cycles per loop stay within their bound. So each skip's replayed
// count carries (renewal CLT over the gaps seen in detail) 1.96·√(dt·σ²/μ³) and its distance from the count the
// gaps' own mean predicts, |replayed − dt/μ|; with under two gaps seen, the whole replayed count. Plus one: the
// span's ends cut a gap, and the replayed count is rounded.

/** Flush gaps seen in detail (time between two flushes, no skip between), and the bound on replayed flushes. */
export class FlushBound {
  /** The flush count and the time it was first seen at; -1 before the first flush or after a skip. */
  private lastCount = -1;
  private lastTime = 0;
  /** Gaps seen so far, the run's first left out (the first drain waits out a slice from a cold start). */
  private first = true;
  private n = 0;
  private mean = 0;
  private m2 = 0;
  /** The bound so far: flushes, absolute. */
  err = 0;

  /** A loop ended at `time` (its thread's clock) with `count` flushes (global and range) so far. */
  note(count: number, time: number): void {
    if (count === this.lastCount) return;
    // Several flushes between two loop ends (2.6.27 flushes at every vunmap): as many equal gaps.
    if (this.lastCount >= 0 && count > this.lastCount) {
      const k = count - this.lastCount;
      for (let i = 0; i < k; i++) {
        if (this.first) this.first = false;
        else this.add((time - this.lastTime) / k);
      }
    }
    this.lastCount = count;
    this.lastTime = time;
  }

  /** A skip of `dt` cycles replayed `replayed` flushes: its bound is added; no gap spans it. */
  skip(dt: number, replayed: number): void {
    this.err += this.skipErr(dt, replayed);
    this.lastCount = -1;
  }

  /** The bound on one skip's replayed flushes. */
  skipErr(dt: number, replayed: number): number {
    if (this.n < 2 || !(this.mean > 0)) return replayed + 1;
    const v = this.m2 / (this.n - 1);
    return 1 + 1.96 * Math.sqrt((dt * v) / this.mean ** 3) + Math.abs(replayed - dt / this.mean);
  }

  /** Welford's running mean and sum of squares. */
  private add(gap: number): void {
    this.n++;
    const d = gap - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (gap - this.mean);
  }
}
