// The phase-share rule of the cycle-log rate (sampler-round-reach.ts `CycleLog.rate`): where the rate's own
// prediction half-width is over the reach cap (10 %), a skip may still be made when its share of the phase's bound,
// h·span / (phase loops), is under that cap. Regenerative estimation (Crane & Iglehart 1975): the drain passes are
// the cycles, c = ΣY/ΣN over them, the half-width from their autocorrelated residuals (sampler-stats.ts
// `correlatedRatio`), widened to predict the skipped span's own cycles (√(1 + m/R)).
//
// Why the cap moves from the rate to the phase (vm-69rate, measured): 6.9's fix_size at 64 CPUs × mask 1 ×
// 1,000,000 (mask order, every loop in detail) has 47 drain passes in all, not thousands: each detaches ~63 ×
// lazy_max_pages (3.6 M pages ≈ 2 pages per loop of the cycle), so a cycle is 1.4–1.8 M loops. Its 32–35 settled
// cycles run 2,800–14,500 cycles per loop (coefficient of variation 0.44; slow ones in pairs after a pass that
// handed out fewer purge helpers), the lag-1 autocorrelation +0.19. The spread is in the workers' own cycles
// (corr 1.00; the waits on kworkers and sleeping locks are 150–290 cycles per loop): the allocation path (R² 0.28
// for the pool-miss fraction, 0.37 for lock_contended per loop); the drain's batch explains none of it (R² 0.00–0.02 as a control variate, its per-loop
// mean being fixed by the mechanism). So the rate's half-width over the cycles a phase holds is ±15–30 %: a 10 %
// cap on it passes only windows that missed the slow cycles (block bootstrap of the logged cycles: that rule fires
// in 0–1 % of paths at 64 CPUs and covers 11–29 % of its skips; 10–14 % / 69–72 % at 32). Capping the skip's share of the phase's bound instead
// selects mostly by how far the phase has come (span shrinks as it runs), not by a lucky half-width. A block
// bootstrap of the logged cycles through `CycleLog.rate` itself (2,000 paths, blocks of 1, 3, 5 cycles) with 28
// settled cycles and the rate's prediction half-width under 50 %: at 64 CPUs it fires in 55–59 % of paths and
// covers 94.5–94.6 % of its skips (a fifth of the phase skipped, its bound ~7 %); at 32 CPUs 100 % / 93.6–94.5 %.
// With 24 cycles 92.4–93.7 %, 32 cycles 93.1–93.3 %, a 30 % rate cap 86–90 % (lucky windows again); the shortfall
// from 95 % is the t interval over a few dozen skewed cycles. The 64-CPU phase itself (exact 2,432,271 µs): 11.2 M
// of 64 M loops skipped, −6.0 % within ±9.2 %.
import { settledFrom } from './sampler-round-settle.js';
import { correlatedRatio } from './sampler-stats.js';

/** Settled cycles the phase-share rule needs (a sampler setting, from the bootstrap's coverage: see the header). */
export const SHARE_CYCLES = 28;

/** Largest half-width of the rate itself the phase-share rule may skip at (relative; a sampler setting). */
export const SHARE_RATE_MAX = 0.5;

/** The settled window the phase-share rule skips on, with its rate and prediction half-width. */
export interface ShareWindow {
  from: number;
  m: number;
  s: { c: number; h: number };
  h: number;
  loops: number;
}

/**
 * Over cycles [0, all): the window settled by MSER with at least `SHARE_CYCLES` cycles, its rate and prediction
 * half-width h (for a skip of `span` loops), where h is at most `SHARE_RATE_MAX` of the rate and h·span at most
 * `cap` of the rate times the kind's `phaseLoops`; else why not (a suffix for the refusal trace).
 */
export function shareWindow(
  y: number[],
  n: number[],
  all: number,
  span: number,
  phaseLoops: number,
  cap: number,
): ShareWindow | string {
  if (!(phaseLoops > 0)) return '';
  const from = settledFrom(y, n, 0, all, SHARE_CYCLES, true);
  const m = all - from;
  if (m < SHARE_CYCLES) return `, share under ${SHARE_CYCLES}`;
  const s = correlatedRatio(y, n, from, all);
  let loops = 0;
  for (let i = from; i < all; i++) loops += n[i];
  const h = s.h * Math.sqrt(1 + m / Math.max(1, span / (loops / m)));
  if (!(h <= SHARE_RATE_MAX * s.c)) return ', share: rate over 50 %';
  if (!(h * span <= cap * s.c * phaseLoops)) return ', share over the cap';
  return { from, m, s, h, loops };
}
