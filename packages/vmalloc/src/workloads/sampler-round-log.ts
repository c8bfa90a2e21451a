// A steady kind's whole flush cycles logged as its rounds close, kept past the rounds' window (sampler-rate.ts
// `measure`, after sampler-round-flush.ts `flushRate`). The window holds 256 rounds, and beside a wave of builders
// a steady kind's rounds are slivers (a set-up ticks a round every 32 of its loops), so it holds few flush cycles:
// 5.2, 64 × mask 7 × 100,000, shuffled, the steady kinds' refusals that held 4.5 M of the 11.0 M loops in detail
// (full_fit 1.84 M, fix_size 1.62 M + 0.70 M, long_busy 1.30 M + 0.45 M) had 256 rounds of 1.1–2.4 loops per
// thread (full_fit, long_busy) with 15–16 whole cycles in them, or no whole cycle at all (fix_size: 0–1 purge in
// 256 rounds). The cycles spread 3.7–5 % in rate, so 1 % takes ~30–100 of them, while the mix they ran in lasted a
// median 717–1,930 rounds (≈ 45–120 cycles). Each cycle holds one purge and is the regenerative method's own unit,
// so the cycles of the present mix since the last skip are pooled, however many rounds they span; their
// neighbours correlate (lag 1: −0.36 median for full_fit, the purge's cost split by the round boundary between two
// cycles; up to +0.9 for long_busy drifting beside a growing set-up), so the half-width counts it
// (sampler-stats.ts `correlatedRatio`), and the halves must not trend apart. Read in a mixed phase only (where the
// slivers come from, and where it was checked against exact runs): 64 × 100,000 shuffled 11.04 M → 7.99 M loops in
// detail (seed 2: 12.07 M → 7.65 M; 32 × 100,000: 9.02 M → 8.04 M), the must-show 14.84 M → 11.91 M, every case and
// phase within its bound. Everywhere (branch vm-52wide-general) it also moved mask order, vmap-bench and xfs-dir, unchecked there.
import { type Kind, type Rate, roundSpan } from './sampler-loop.js';
import type { MeasureContext } from './sampler-measure-context.js';
import { type CycleRefusal, steadyRate } from './sampler-round-flush.js';
import { correlatedRatio, ratio } from './sampler-stats.js';

/** Whole cycles kept per kind (as sampler-round-reach.ts keeps for 6.9). */
const KEPT = 256;

/** A kind's logged cycles (time, loops, the round each began at) and the cycle still open. */
interface CycleLog {
  y: number[];
  n: number[];
  first: number[];
  /** The last round number seen, the open cycle's first round (−1: none open) and its sums so far. */
  seen: number;
  open: number;
  sy: number;
  sn: number;
}

const logs = new WeakMap<Kind, CycleLog>();

/**
 * Called after a thread's cycle is pooled into `k` (sampler.ts `pool`). When it opened a new round, the round
 * before it is complete: it joins the open cycle, and the new round closes that cycle and opens the next if its
 * flush count differs (the purge fell in the round before), or drops it if the kind's rounds break (its threads
 * left or warmed up): as sampler-round-flush.ts `flushCycles` groups them.
 */
export function logRound(k: Kind): void {
  const last = k.round.length - 1;
  let g = logs.get(k);
  if (g === undefined) {
    g = { y: [], n: [], first: [], seen: -1, open: -1, sy: 0, sn: 0 };
    logs.set(k, g);
  }
  const r = k.round[last];
  if (r === g.seen) return;
  if (g.open >= 0 && last >= 1 && k.round[last - 1] === g.seen) {
    g.sy += k.y[last - 1];
    g.sn += k.n[last - 1];
  }
  if (last < 1 || k.round[last - 1] !== g.seen || k.round[last - 1] + 1 !== r) g.open = -1;
  else if (k.ev[last] !== k.ev[last - 1]) {
    if (g.open >= 0) {
      g.y.push(g.sy);
      g.n.push(g.sn);
      g.first.push(g.open);
      if (g.y.length > KEPT) {
        g.y.shift();
        g.n.shift();
        g.first.shift();
      }
    }
    g.open = r;
    g.sy = 0;
    g.sn = 0;
  }
  g.seen = r;
}

/** The whole cycles logged for `k` so far (oldest first): their time, loops and first round. */
export function loggedCycles(k: Kind): { y: readonly number[]; n: readonly number[]; first: readonly number[] } {
  return logs.get(k) ?? { y: [], n: [], first: [] };
}

/**
 * A steady kind's rate over its logged whole cycles begun in the present mix and after its last skip (the skip's
 * replayed flushes cut the cycle it falls in), or why not: at least `need` cycles, within the target with their
 * autocorrelation counted, no trend between their halves (apart by more than 2·h, as sampler-rate.ts tests).
 * Not the cycles before the skip, though the mix is the same: the skip moved the builders beside the kind (a set-up's
 * tree doubled, a tear-down's halved), and its rate moves with them. 5.2, 64 × mask 7 × 100,000, shuffled, seed 1:
 * of 90 skips of a steady kind with ≥ 8 cycles of one mix on each side, the level after lay > 1 % from the level
 * before in 45 (median |jump| 0.4–5 % by kind, p90 10–18 %; seed 2: 34 of 93; 32 × 100,000: 22 of 42). A run of
 * every loop in detail (same seed, --exact's outputs) moved as much between the same builder positions
 * (correlation 0.94; fix_size +13.8 % as full_fit's set-up went 21 k → 43 k loops, +15.9 % across the skip), and
 * each level lay within 0.36 % (median) of that run's. Pooled across the skip (vm-52wide's v3) the levels trend
 * apart: 7.99 M → 9.73 M loops in detail. The steady kinds of a mix move nearly together across a skip (same runs,
 * 122 pairs): fix_size and full_fit by 7.1 ± 1.9 % and 3.5 ± 1.4 % more than long_busy (in log), within 0.6–0.8 %
 * rms of it; but carrying a kind's earlier cycles over the skip by a tight peer's move (branch vm-52factor-rule,
 * within every bound at four sizes) kept as many loops in detail: 45 % of the must-show's wait after a change of the
 * mix instead, across which long_busy moves only ~80 % as far as the others (−16 % against −20 %).
 */
export function loggedRate(k: Kind, o: MeasureContext): Rate | CycleRefusal {
  const g = logs.get(k);
  if (g === undefined) return 'few cycles';
  const start = Math.max(o.mixFrom, k.skipRound + 1);
  let from = g.y.length;
  while (from > 0 && g.first[from - 1] >= start) from--;
  const m = g.y.length - from;
  if (m < o.need) return 'few cycles';
  const s = correlatedRatio(g.y, g.n, from, g.y.length);
  if (!(s.h <= o.relError * s.c)) return 'wide cycles';
  const half = from + (m >> 1);
  const trend = Math.abs(ratio(g.y, g.n, from, half).c - ratio(g.y, g.n, half, g.y.length).c);
  if (trend > 2 * s.h + 1e-9 * s.c) return 'trend cycles';
  // Loops per thread per round and their spread over the rounds still in the window since the first cycle.
  let i = k.round.length;
  while (i > 0 && k.round[i - 1] >= g.first[from]) i--;
  const { perRound, spread } = roundSpan(k, i, k.round.length);
  return steadyRate(s.c, s.h, perRound, spread, perRound * (k.round.length - i));
}
