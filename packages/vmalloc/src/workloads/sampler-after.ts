// What a loop simulated in detail after a skip carries in its bound (issue 13). A skip leaves a machine the exact run
// never had (the layout laid down functionally or left where the skip began, the workers moved in step, the lazy
// queue's phase), so every loop after it is another draw of the workload's state than the exact run's — not only the
// loops of a case whose state was laid down. Measured (5.2, 16 CPUs × mask 7 × 20,000, shuffled; each thread's loops
// compared with the same thread's loops at the same place in the exact run): after the first skip the loops in detail
// ran −1.9 … −6.4 % per phase against the exact run — fix_size −2.6 %, long_busy −4.5 %, its set-up −1.9 %, its
// tear-down −5.0 %, although none of their loops was skipped or laid down (their bound was 0) — and full_fit's main
// loop −6.4 %. Before (main 9cde0d0) only loops of a case whose state was laid down carried the term (5.2 at 8 CPUs:
// full_fit's free-junk after its skipped set-up ran 6 % faster than in the exact run), and every loop after a skip
// under 6.9's drain (16 CPUs × mask 7 × 200,000, mask order, after fix_size's skip: full_fit's set-up −4.4 %, free-junk
// −5.3 %, tear-down +6.5 %, none skipped). Each such loop carries a share of its cycles: `afterFastError` ([U],
// sampler-loop.ts, test-vmalloc.ts), or more where the run measured more: how far a kind's rate, in its first rounds
// after its own skip, lies from where the skip carried it (`scan`). 5.2 at 64 CPUs × mask 7 × 100,000, mask order:
// long_busy's tear-down ran 7–15 % under the exact run's loops after its skip, and came out −7.50 % against a ±6.96 %
// bound with 6 % alone; its rate after the skip lay 9.3 % off the skip's line, and the bound is now ±8.29 %.
import type { Kind, Loop, TagReport } from './sampler-loop.js';

/**
 * A kind's share and the cycles in detail charged at it since its last skip (the round `skip`; −1: since the run's
 * first), and whether its move across that skip was measured.
 */
interface Charged {
  share: number;
  cycles: number;
  skip: number;
  measured: boolean;
}

/** The after-skip term of every loop kind (sampler.ts `next`, `maybeDecide`). */
export class AfterSkip {
  private readonly kinds = new Map<string, Charged>();
  private debt = 0;

  /** @param base - the relative share every loop after a skip carries at least (`afterFastError`) */
  constructor(private readonly base: number) {}

  private of(tag: string): Charged {
    let c = this.kinds.get(tag);
    if (c === undefined) {
      c = { share: this.base, cycles: 0, skip: -1, measured: false };
      this.kinds.set(tag, c);
    }
    return c;
  }

  /** The share a loop of kind `tag` after a skip carries of its cycles. */
  share(tag: string): number {
    return this.kinds.get(tag)?.share ?? this.base;
  }

  /**
   * Charges loop `l`'s last iteration (run in detail after a skip; `lastClock` not yet moved) to its error and its
   * kind's; returns it (for the run's total).
   */
  charge(l: Loop, tag: TagReport): number {
    const c = this.of(l.tag);
    const y = l.t.clock - l.lastClock;
    c.cycles += y;
    const e = c.share * y;
    l.errCycles += e;
    tag.errCycles += e;
    return e;
  }

  /** Raises kind `tag`'s share to `share` if larger: the cycles after a skip already charged take the difference. */
  private raise(tag: string, share: number, report: TagReport | undefined): void {
    const c = this.of(tag);
    if (!(share > c.share)) return;
    const e = (share - c.share) * c.cycles;
    c.share = share;
    this.debt += e;
    if (report !== undefined) report.errCycles += e;
  }

  /**
   * Once a kind in the run's last skip has `need` rounds in detail after it (sampler.ts, each round): how far its rate
   * there lies from the one the skip carried forward, relative. It is the share of the kind's loops in detail after
   * that skip, up to its next skip (which leaves another state: the share starts again from the base), if larger. That rate is the one it skipped at, moved along the
   * skip's model to the middle of those rounds: a set-up's growth per doubling of its position, a tear-down's line
   * (sampler-growth.ts, sampler-linear.ts), nothing for a steady loop, whose rate should not move within its phase.
   * Only rounds of the present mix count (which thread runs which kind: the rate of a kind moves with the mix, 6–28 %
   * at a change, sampler-rate.ts `measure`); so a kind that ran before the skip, by other threads, but not in it is
   * not compared either (5.2, 16 × mask 7 × 20,000, shuffled, full_fit's main loop: 21 %).
   * @param loops - every thread's current loop
   * @param kinds - every kind's history
   * @param skip - the round of the run's last skip (−1: none)
   * @param need - rounds after the skip
   * @param mixFrom - the first round of the present mix
   * @param byTag - the kinds' reports
   */
  scan(
    loops: Iterable<Loop>,
    kinds: ReadonlyMap<string, Kind>,
    skip: number,
    need: number,
    mixFrom: number,
    byTag: ReadonlyMap<string, TagReport>,
  ): void {
    if (skip < 0) return;
    const at = new Map<string, { done: number; n: number }>();
    for (const l of loops) {
      const a = at.get(l.tag);
      if (a === undefined) at.set(l.tag, { done: l.done, n: 1 });
      else {
        a.done += l.done;
        a.n++;
      }
    }
    for (const [tag, a] of at) {
      const k = kinds.get(tag);
      if (k === undefined || k.skipRound < 0) continue;
      const e = this.of(tag);
      if (e.skip !== k.skipRound) Object.assign(e, { share: this.base, cycles: 0, skip: k.skipRound, measured: false });
      if (k.skipRound !== skip || !(k.lastC > 0) || e.measured) continue;
      const w = after(k, Math.max(skip, mixFrom - 1), need);
      if (w === null) continue;
      e.measured = true;
      // The rounds' middle: the threads' mean position less half the loops each did over them.
      const mid = a.done / a.n - w.perThread / 2;
      let c = k.lastC;
      if (!Number.isNaN(k.lastSlope)) c += k.lastSlope * (mid - k.lastAt);
      else if (!Number.isNaN(k.lastGrowth) && k.lastAt > 0 && mid > 0) c += k.lastGrowth * Math.log2(mid / k.lastAt);
      this.raise(tag, Math.abs(w.c - c) / c, byTag.get(tag));
    }
  }

  /** Error added to kinds' reports by `scan` since the last call (for the run's total). */
  owed(): number {
    const e = this.debt;
    this.debt = 0;
    return e;
  }
}

/**
 * Kind `k`'s first `need` rounds after round `skip`: cycles per loop and loops per thread over them; null when
 * there are fewer.
 */
function after(k: Kind, skip: number, need: number): { c: number; perThread: number } | null {
  let y = 0;
  let n = 0;
  let perThread = 0;
  let m = 0;
  for (let i = 0; i < k.round.length && m < need; i++) {
    if (k.round[i] <= skip) continue;
    y += k.y[i];
    n += k.n[i];
    perThread += k.n[i] / k.k[i];
    m++;
  }
  return m < need || n === 0 ? null : { c: y / n, perThread };
}
