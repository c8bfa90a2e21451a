// A steady kind's rate over whole flush cycles, with the error target the phase can reach (sampler.ts
// `maybeDecide`, on a machine whose rounds are cut between flushes: 6.9's drain). Each flush ends a drain pass, so
// the flushes are the regeneration events and the cycles between two of them the regenerative method's own units:
// the rate is ΣY/ΣN over them. They are not independent: a drain pass that hands out fewer purge helpers is followed
// by slow cycles, in runs (6.9, mask order: at 64 CPUs × mask 1 × 1,000,000, fix_size's 33 settled cycles have a
// lag-1 autocorrelation of +0.26 in y − c·n and of +0.27 in the rate, and the helpers of the pass ending cycle i
// correlate −0.67 with cycle i+1's rate; at 16 CPUs × 7 × 200,000 fix_size's settled cycles +0.08, +0.25, +0.13 at
// lags 1–3, full_fit's +0.50, +0.39, +0.10). So the half-width counts their autocorrelation (sampler-stats.ts
// `correlatedRatio`): the 64-CPU phase's ±14.5 % as i.i.d. cycles is ±19.5 %. Cycles are logged from
// flush to flush by each thread's clock and loop count (`CycleLog`): pooled from cut rounds instead (runs of rounds
// opened at one flush count), 64 CPUs × mask 1 × 400,000 loops had a per-cycle spread of ~20 % against ~10 %, as a
// round open at a flush runs on into the next cycle.
//
// They are few and differ. 6.9 at 64 CPUs, fix_size (mask 1 × 400,000, mask order): the cycles lengthen from 28,733
// loops to ~1.7 M over the first 8 flushes (purge helpers 0, 3, 6, 13, 25, 44, 63: the drain purges every node
// the helpers do not take, clamp(vmap_lazy_nr / lazy_max_pages, 1, nodes) − 1, so a longer cycle leaves it less to
// do and the next one longer), then settle at 1.2–1.8 M loops of 3,550–4,850 cycles per loop. 1 % would take
// hundreds of cycles. When the phase cannot hold the cycles the target needs (measured to its end, it would still
// be wider), the kind skips at the half-width it has reached after `REACH_CYCLES` settled whole cycles, and that
// wider half-width is carried into the bound the run prints. A target the phase can reach is still awaited.
//
// The half-width is a prediction interval (vm-69skip): the skipped span's own cycles are a draw as well, so the
// error of m measured cycles' rate against the R cycles the skip covers has the variance σ²(1/m + 1/R), and h is
// widened by √(1 + m/R). And the rate is heavy-tailed (at 64 CPUs most cycles 3,200–4,700 cycles per loop, slow
// ones 7,000–14,500, in runs), so 8 cycles pass a cap near their typical half-width mostly when they missed the
// slow ones: a skip wider than the target needs `REACH_WIDE_CYCLES`. A block bootstrap of 6.9's logged fix_size
// cycles (mask order, mask 1 × 1,000,000, blocks of 3; the rule applied at every flush) covered 75 / 64 / 12 % of
// the old rule's skips at 16 / 32 / 64 CPUs, 88 / 77 / 12 % of this one's at the 10 % cap (it fires in 100 / 20 /
// 1 % of the paths, not 100 / 97 / 29 %), and 88 / 94 / 94 % at a 50 % cap (which is not allowed: `REACH_FACTOR`).
//
// Why 6.9's fix_size at 64 CPUs stays over the cap (vm-69rate, exact, mask order, mask 1 × 1,000,000): the phase
// has 47 drain passes in all (one flush each; each detaches ~63 × lazy_max_pages, ≈ 2 pages per loop of its cycle),
// ~35 settled, at 2,800–14,500 cycles per loop (cv 0.44; 16 CPUs: 82 passes, cv 0.13). The spread is in the
// workers' own cycles (corr 1.00; waits on kworkers and sleeping locks 150–290 cycles per loop): pool-miss waves
// (R² 0.28) and lock contention (0.37). The drain's batch, whose per-loop mean the mechanism fixes, explains none of
// it (R² 0.00–0.02 as a control variate), and batch means estimate the same variance: ±10 % at 95 % would take ~80
// cycles. A cap on the skip's share of the phase's bound instead (28 cycles, rate ≤ 50 %; branch vm-69rate 3ad557a)
// covered 94.5 % in a block bootstrap and kept its skips in bound, but left the must-show unchanged and printed ±25 %
// at 32 CPUs × 1,000,000 (the after-skip term of the phase's straggler tail: sampler-after.ts), where this runs exact.
// With 24 cycles it fired in the must-show (64 × mask 7, mask order: 10.5 M fix_size loops, +8.5 % vs ±26 %), and
// full_fit's main loop, none of it skipped, came out −27 % vs ±6.2 % (long_busy's set-up +270 % vs ±94 %): the skip
// moved the workers into full_fit in step, which no half-width of fix_size's own rate bounds.
import type { Kind, Loop, Rate } from './sampler-loop.js';
import { settledFrom } from './sampler-round-settle.js';
import { correlatedRatio, ratio } from './sampler-stats.js';

/** Settled whole flush cycles a kind needs before it may skip at the half-width reached (a sampler setting). */
export const REACH_CYCLES = 8;

/**
 * Largest ratio, either way, of the mean cycle length (loops) of the kept cycles' second half to their first half:
 * beyond it the cycles still lengthen or shorten and the rate moves with them (a sampler setting; settled 6.9 cycles
 * at 64 CPUs stay within ±7 % of their mean but for single short ones). 6.9's full_fit main loop at 16 CPUs × mask 7
 * × 200,000 (mask order) shortens from ~250,000 loops per cycle to 35,000–75,000 as its rate rises from 5,300 to
 * 9,900 cycles per loop; its halves' rates passed the trend test over 8 such cycles, and a skip there came out
 * −12.7 % against ±5.7 %.
 */
export const LENGTHENING = 1.25;

/**
 * Largest half-width a kind may skip at when the target is out of reach, relative, per unit of the target
 * (`relError`, the CLI's --max-error), and never over `REACH_MAX`: a sampler setting. Wider, its phase runs in
 * detail. Not wider with a wider target: 6.9 at 64 CPUs × mask 7 × 1,000,000 (mask order) with `--max-error 5` and
 * a 50 % cap skipped 20.7 M of fix_size's 64 M loops (+29.0 % against ±29.7 %), and full_fit after it came out +50 %
 * against ±6.0 % (its set-up +158 %): the skip moved every worker by one span, so they met full_fit's set-up in step,
 * where in the exact run they were spread over fix_size and full_fit (the case-order gate held 30 M of full_fit's
 * main loops on that spread).
 */
export const REACH_FACTOR = 10;

/** The reach cap: 10 % (at and above the default target of 1 %). */
export const REACH_MAX = 0.1;

/**
 * Settled whole flush cycles a kind needs before it may skip at a half-width wider than the target (a sampler
 * setting; see the header: set from the bootstrap's coverage).
 */
export const REACH_WIDE_CYCLES = 16;

/** Cycles kept per kind. */
const CYCLES_KEPT = 256;

/** A kind's logged flush cycles: time and loops summed over its threads, and the flush count each closed at. */
interface Cycles {
  y: number[];
  n: number[];
  ev: number[];
}

/** Whole flush cycles of each steady kind, from each thread's clock and loop count at the flushes (sampler.ts `next`). */
export class CycleLog {
  /** The flush count last seen. */
  last = 0;
  private at = new WeakMap<Loop, { clock: number; done: number }>();
  private readonly kinds = new Map<string, Cycles>();

  /**
   * A flush (`ev` flushes so far): every steady kind whose threads were all in it since the last flush, none with a
   * skip due, logs the cycle; every such thread starts its next cycle here.
   */
  flush(ev: number, loops: Iterable<Loop>): void {
    this.last = ev;
    const sum = new Map<string, { y: number; n: number; whole: boolean }>();
    for (const l of loops) {
      if (l.fast !== null) continue;
      const s = sum.get(l.tag) ?? { y: 0, n: 0, whole: true };
      sum.set(l.tag, s);
      const a = this.at.get(l);
      if (a === undefined || l.pendingK > 0) s.whole = false;
      else {
        s.y += l.t.clock - a.clock;
        s.n += l.done - a.done;
      }
      if (l.pendingK > 0) this.at.delete(l);
      else this.at.set(l, { clock: l.t.clock, done: l.done });
    }
    for (const [tag, s] of sum) {
      if (!s.whole || s.n <= 0) continue;
      let c = this.kinds.get(tag);
      if (c === undefined) {
        c = { y: [], n: [], ev: [] };
        this.kinds.set(tag, c);
      }
      c.y.push(s.y);
      c.n.push(s.n);
      c.ev.push(ev);
      if (c.y.length > CYCLES_KEPT) {
        c.y.shift();
        c.n.shift();
        c.ev.shift();
      }
    }
  }

  /** A skip was made (its replay moved the flush count to `ev`): no cycle straddles it, the next opens at a flush. */
  restart(ev: number): void {
    this.last = ev;
    this.at = new WeakMap();
  }

  /**
   * The rate of steady kind `k` (its pooled rounds; `tag`) over its logged cycles, or null (`why` says why). Its
   * settling cycles are dropped by MSER (sampler-round-settle.ts, anywhere up to the last `REACH_CYCLES`); those must
   * not lengthen or shorten (`LENGTHENING`) nor trend (their halves' rates apart by more than their half-widths
   * combined). The half-width is widened to predict the `span` loops a skip may cover (√(1 + m/R), R their cycles).
   * Within `relError` it is the rate; wider, only where the cycles the target needs, m·(h / (relError·c))², exceed
   * the m measured plus those the kind's `remaining` loops hold, after `REACH_WIDE_CYCLES`, and at most
   * `REACH_FACTOR`·relError and `REACH_MAX`. The cycles must average `minLoops` loops.
   */
  rate(
    tag: string,
    k: Kind,
    relError: number,
    remaining: number,
    minLoops: number,
    span = remaining,
    why?: (reason: string) => void,
  ): Rate | null {
    const cy = this.kinds.get(tag);
    if (cy === undefined) return refuse(why, () => 'no cycles');
    const all = cy.y.length;
    const from = settledFrom(cy.y, cy.n, 0, all, REACH_CYCLES, true);
    const m = all - from;
    if (m < REACH_CYCLES) return refuse(why, () => 'few settled');
    const s = correlatedRatio(cy.y, cy.n, from, all);
    let loops = 0;
    for (let i = from; i < all; i++) loops += cy.n[i];
    const h = s.h * Math.sqrt(1 + m / Math.max(1, span / (loops / m)));
    // Refusal keys by a few classes of half-width, so the trace keeps a few lines.
    const pct = () =>
      `±${['0–10', '10–20', '20–50', '50+'][[0.1, 0.2, 0.5, Infinity].findIndex((x) => h < x * s.c)]} %`;
    if (!(s.c > 0) || !(h <= Math.min(REACH_MAX, REACH_FACTOR * relError) * s.c))
      return refuse(why, () => `${pct()} over the cap`);
    // The halves differ by more than their own half-widths combined: a trend. (Against 2·h of the whole, as
    // sampler-rate.ts tests, a steady rise passes: it widens the whole's half-width as much as it moves the halves.)
    const half = from + (m >> 1);
    const a = ratio(cy.y, cy.n, from, half);
    const b = ratio(cy.y, cy.n, half, all);
    if (Math.abs(a.c - b.c) > Math.hypot(a.h, b.h)) return refuse(why, () => 'trend');
    let first = 0;
    for (let i = from; i < half; i++) first += cy.n[i];
    const second = loops - first;
    // Only cycles long enough to be cut into rounds (sampler-round-cut.ts `cutEvery`): where flushes are frequent,
    // the rounds are the cycles and the usual target holds. (6.9's long_busy main loop at 16 CPUs × mask 7 × 200,000
    // flushes every ~400 loops, in episodes of long stalled cycles: measured here at ±40 % it came out +62 %.)
    if (loops / m < minLoops) return refuse(why, () => 'short');
    const grew = second / (all - half) / (first / (half - from));
    if (grew > LENGTHENING || grew < 1 / LENGTHENING)
      return refuse(why, () => (grew > 1 ? 'lengthening' : 'shortening'));
    if (h > relError * s.c) {
      const holds = remaining / (loops / m);
      // Reachable by the estimate's own half-width; where only the prediction term keeps h over the target (few
      // cycles left to skip), the phase runs on in detail.
      if (m * (s.h / (relError * s.c)) ** 2 <= m + holds) return refuse(why, () => `${pct()}, target reachable`);
      if (m < REACH_WIDE_CYCLES) return refuse(why, () => `${pct()}, wide under ${REACH_WIDE_CYCLES}`);
    }
    return steadyRate(k, s.c, h, from > 0 ? cy.ev[from - 1] : cy.ev[from] - 1);
  }
}

/** Notes why the cycle log gave no rate. */
function refuse(why: ((reason: string) => void) | undefined, reason: () => string): null {
  why?.(`cycles ${reason()}`);
  return null;
}

/** A steady kind's rate c ± h with its rounds' loops per thread and spread over the rounds opened from flush `ev` on. */
function steadyRate(k: Kind, c: number, h: number, ev: number): Rate {
  let threads = 0;
  let loops = 0;
  let q = 0;
  let rounds = 0;
  for (let i = k.round.length - 1; i >= 0 && k.ev[i] >= ev; i--) {
    threads += k.k[i];
    loops += k.n[i];
    q += k.q[i] - (k.n[i] * k.n[i]) / k.k[i];
    rounds++;
  }
  const perRound = threads > 0 ? loops / threads : 0;
  return {
    c,
    h,
    trend: 0,
    moved: 0,
    growth: Number.NaN,
    grow: 2,
    at: 0,
    window: perRound * rounds,
    spread: threads > 0 ? Math.sqrt(Math.max(0, q) / threads) : 0,
    perRound,
    slope: Number.NaN,
    slopeH: 0,
    reach: Number.POSITIVE_INFINITY,
    lag: 0,
    ref: c,
  };
}
