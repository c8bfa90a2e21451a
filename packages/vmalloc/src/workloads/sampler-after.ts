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
// A skip also moves where each worker stands against the others when it reaches the phases after it (the arrival
// term, `skip` / `settle`), and a phase whose workers meet each other elsewhere waits on each other otherwise. 6.9 at
// 16 CPUs × mask 7 × 200,000, mask order, after fix_size's skip (each worker's walk against the exact run's, 95 %,
// 20 M cycles): long_busy's set-up came out +21.3 / +40.9 / +8.3 % (seeds 1–3) against ±6 %, full_fit's tear-down
// +6.8 %, set-up +7.7 %, free-junk −7.4 %, none of them skipped. Seed 1's set-up: its waits (lock cycles, CPU lost to
// kworkers: sampler-wait.ts) 0.287 G cycles in the sampled run against 0.175 G exact, the phase +0.094 G. What a
// moved entry changes is which waits a worker meets: over the time δ it moved, it waits at the rate of another
// worker's position in the phase. Where every position waits alike (one lock all phases take at the same rate) that
// is nothing: 5.2 at 64 CPUs × mask 7 × 100,000, the workers' wait rates (waits over cycles) in each phase spanned
// at most 0.06 (long_busy's tear-down 0.960–0.989). Where positions differ (6.9's purges, kworkers on the workers'
// CPUs), much: long_busy's set-up 0.22–0.69, full_fit's tear-down 0.16–0.61 (seed 1). So a kind carries, per
// worker, 2 × its arrival × its distance to the farther end of the workers' wait rates (its own waits, and the others'
// through it), at most its waits, both over its loops in detail after a skip (sampler-arrival.ts; until s20 the
// workers' summed arrival × their whole range). The sampled run's waits stand for the exact run's; at seed 1 the
// set-up's were 1.64 × the exact run's, full_fit's tear-down's 1.15 ×.
import type { Thread } from '@kmemsim/core';
import { grow } from '../mechanism/typed-grow.js';
import { arrivalWidth, Placement } from './sampler-arrival.js';
import type { Kind, Loop, Rate, TagReport } from './sampler-loop.js';
import { SkipMove } from './sampler-skip-move.js';
import type { WaitTally } from './sampler-wait.js';

/**
 * A kind's share and the cycles in detail charged at it since its last skip (the round `skip`; −1: since the run's
 * first), and whether its move across that skip was measured.
 */
interface Charged {
  share: number;
  cycles: number;
  skip: number;
  measured: boolean;
  /** Per worker (by CPU): how far the other kinds' skips placed it before this kind's latest loop began (cycles). */
  arrival: number[];
  /** Cycles of its loops in detail after a skip, and of those spent on other workers (sampler-wait.ts). */
  spent: number;
  waited: number;
  /** The same per worker, by CPU (zero: CPUs none of its loops ran on; null: no loop charged yet). */
  perWaited: Float64Array | null;
  perSpent: Float64Array | null;
  /** The arrival term charged so far (`settle`). */
  moved: number;
  /** Per worker: the part of its placement from skips this kind was in. */
  own: number[];
}

/** The after-skip term of every loop kind (sampler.ts `next`, `maybeDecide`). */
export class AfterSkip {
  private readonly kinds = new Map<string, Charged>();
  private debt = 0;
  /** Per worker (by CPU): how far every skip so far may have placed it from the others (sampler-arrival.ts). */
  private readonly placement = new Placement();
  /** A steady kind's skips beside a builder: their rate's move across each (sampler-skip-move.ts). */
  readonly moves = new SkipMove();
  /** The kinds and the present mix's first round as the last `scan` saw them (for `skip` and `settled`). */
  private known: ReadonlyMap<string, Kind> = new Map();
  private mixFrom = 0;

  /**
   * @param base - the relative share every loop after a skip carries at least (`afterFastError`)
   * @param waits - what the loops' iterations spend on other workers (null: nothing, no arrival term)
   */
  constructor(
    private readonly base: number,
    private readonly waits: WaitTally | null = null,
  ) {}

  private of(tag: string): Charged {
    let c = this.kinds.get(tag);
    if (c === undefined) {
      c = {
        share: this.base,
        cycles: 0,
        skip: -1,
        measured: false,
        arrival: [],
        spent: 0,
        waited: 0,
        perWaited: null,
        perSpent: null,
        moved: 0,
        own: [],
      };
      this.kinds.set(tag, c);
    }
    return c;
  }

  /** The share a loop of kind `tag` after a skip carries of its cycles. */
  share(tag: string): number {
    return this.kinds.get(tag)?.share ?? this.base;
  }

  /**
   * A skip of `dt` cycles was decided for `loops` (their `pendingK` set) at the rates `rate`: how far the skips so
   * far may have placed each worker from the others (sampler-arrival.ts `Placement`). Each kind in the skip keeps
   * what this skip added as its own (its own error covers it). `round`: the skip's round (its steady kinds' moves,
   * sampler-skip-move.ts; −1: none recorded).
   */
  skip(loops: Iterable<Loop>, rate: ReadonlyMap<string, Rate>, dt: number, round = -1): void {
    this.waits?.start();
    const all = [...loops]; // read twice: the placement's and the moves'
    const grew = this.placement.skip(all, rate, dt);
    this.moves.skip(all, rate, round, this.mixFrom);
    for (const tag of rate.keys()) {
      const own = this.of(tag).own;
      for (let cpu = 0; cpu < grew.length; cpu++) {
        if (grew[cpu] !== undefined) own[cpu] = (own[cpu] ?? 0) + grew[cpu];
      }
    }
  }

  /** Loop `l` begins: its worker arrives as every skip of another kind so far left it. */
  enter(l: Loop): void {
    const c = this.of(l.tag);
    const p = this.placement.placed;
    for (let i = 0; i < p.length; i++) {
      const a = (p[i] ?? 0) - (c.own[i] ?? 0);
      if (a > (c.arrival[i] ?? 0)) c.arrival[i] = a;
    }
    this.waits?.mark(l.t);
  }

  /** Thread `t` stands at a loop boundary (`lastClock` moved); `within`: a skip moved it so far within an iteration. */
  mark(t: Thread, within?: number): void {
    if (within !== undefined) this.waits?.jumped(t, within);
    else this.waits?.mark(t);
  }

  /**
   * Charges loop `l`'s last iteration (run in detail after a skip; `lastClock` not yet moved) to its error and its
   * kind's; returns it (for the run's total): its share of its cycles (the state the skip left). Its cycles and
   * waits count towards its kind's arrival term (`settle`).
   */
  charge(l: Loop, tag: TagReport): number {
    const c = this.of(l.tag);
    const y = l.t.clock - l.lastClock;
    c.cycles += y;
    const w = this.waits === null ? 0 : this.waits.waited(l);
    c.waited += w;
    c.spent += y;
    // Typed per CPU: a holey array's `(x ?? 0) + w` per loop was 0.45 % of 2.6.27's profile (the same sums).
    const cpu = l.t.cpu;
    c.perWaited = perCpu(c.perWaited, cpu);
    c.perSpent = perCpu(c.perSpent, cpu);
    c.perWaited[cpu] += w;
    c.perSpent[cpu] += y;
    const e = c.share * y;
    l.errCycles += e;
    tag.errCycles += e;
    return e;
  }

  /**
   * Each kind's arrival term as its loops so far measured it (`scan`, each round; the report): a worker whose entry
   * moved by δ against the others spends δ where another worker of the phase stood, and waits at that one's rate:
   * its own time moves by at most δ × its distance to the farther end of the phase's wait rates, the others' by as
   * much again through it; and the phase by no more than its waits. So min(2 · Σ δ · distance, waits)
   * (sampler-arrival.ts `arrivalWidth`).
   */
  settle(byTag: ReadonlyMap<string, TagReport>): void {
    for (const [tag, c] of this.kinds) {
      if (c.arrival.length === 0 || c.perSpent === null || c.perWaited === null) continue;
      const moved = Math.min(2 * arrivalWidth(c.arrival, c.perWaited, c.perSpent), c.waited);
      const e = moved - c.moved;
      if (e === 0) continue;
      c.moved = moved;
      this.debt += e;
      const r = byTag.get(tag);
      if (r !== undefined) r.errCycles += e;
    }
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
   * (sampler-growth.ts, sampler-linear.ts), nothing for a steady loop, whose rate should not move within its phase
   * (beside a builder it does: its skipped loops carry that move, sampler-skip-move.ts).
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
    this.settle(byTag);
    this.known = kinds;
    this.mixFrom = mixFrom;
    this.debt += this.moves.settle(kinds, mixFrom, byTag);
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

  /** The arrival terms brought up to date (`settle`), and the error that added with `scan`'s since `owed`. */
  settled(byTag: ReadonlyMap<string, TagReport>): number {
    this.settle(byTag);
    this.debt += this.moves.settle(this.known, this.mixFrom, byTag);
    return this.owed();
  }

  /** Error added to kinds' reports by `scan` since the last call (for the run's total). */
  owed(): number {
    const e = this.debt;
    this.debt = 0;
    return e;
  }
}

/** `a` with a slot for `cpu` (zero where none was charged): made, or grown to twice, as CPUs appear. */
function perCpu(a: Float64Array | null, cpu: number): Float64Array {
  if (a === null) return new Float64Array(cpu + 1);
  return cpu < a.length ? a : grow(a, Math.max(cpu + 1, 2 * a.length));
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
