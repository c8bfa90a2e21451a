// Statistics of the sampler: the regenerative ratio estimator with its Student-t half-width (cycles taken as
// independent, or with their autocorrelation), and a seeded normal draw.
import type { Rng } from '@kmemsim/core';

/** Student-t 97.5 % quantiles for 1..30 degrees of freedom (then ≈ 1.96). */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** A standard normal draw (Box–Muller) from the sampler's seeded stream. */
export function gauss(rng: Rng): number {
  const u = Math.max(rng.float(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.float());
}

/** ΣY and ΣN over cycles [from, to). */
function sums(y: number[], n: number[], from: number, to: number): { sy: number; sn: number } {
  let sy = 0;
  let sn = 0;
  for (let i = from; i < to; i++) {
    sy += y[i];
    sn += n[i];
  }
  return { sy, sn };
}

/** Regenerative ratio estimator over cycles [from, to): c = ΣY/ΣN and its 95 % half-width. */
export function ratio(y: number[], n: number[], from: number, to: number): { c: number; h: number } {
  const k = to - from;
  const { sy, sn } = sums(y, n, from, to);
  const c = sy / sn;
  if (k < 2) return { c, h: Number.POSITIVE_INFINITY };
  let q = 0;
  for (let i = from; i < to; i++) q += (y[i] - c * n[i]) ** 2;
  const s = Math.sqrt(q / (k - 1));
  return { c, h: (tQuantile(k - 1) * s) / (Math.sqrt(k) * (sn / k)) };
}

/** Student-t 97.5 % quantile for `df` ≥ 1 degrees of freedom. */
export function tQuantile(df: number): number {
  return df <= T975.length ? T975[df - 1] : 1.96;
}

/** The ratio estimator over the pairs of cycles [from, to) (from the end; an odd first cycle is left out). */
export function pairedRatio(y: number[], n: number[], from: number, to: number): { c: number; h: number } {
  const py: number[] = [];
  const pn: number[] = [];
  for (let i = to - 2; i >= from; i -= 2) {
    py.push(y[i] + y[i + 1]);
    pn.push(n[i] + n[i + 1]);
  }
  return ratio(py, pn, 0, py.length);
}

/**
 * The ratio estimator over cycles [from, to) whose residuals z = y − c·n may be autocorrelated: c = ΣY/ΣN, and the
 * variance of Σz from the Bartlett-window (Newey–West) spectral estimate at frequency 0 over L = ⌊√k⌋ lags,
 * Σ_{|l|≤L} (1 − |l|/(L + 1)) Σ_i z_i z_{i+l}. It widens the half-width where neighbouring cycles move together and
 * narrows it where they alternate. c is fitted, so Σz = 0 and every lag's sum is biased down by about σ² (i.i.d.
 * cycles): the estimate is scaled by k / (k − 1 − L) (k / (k − 1) of the i.i.d. sample variance at L = 0), which
 * makes it unbiased for i.i.d. cycles. t for the window's equivalent degrees of freedom at frequency 0, 1.5·k / L
 * (Priestley 1981, §6.2.4: 3k/L for the Bartlett window, halved at frequency 0), at most k − 1.
 */
export function correlatedRatio(y: number[], n: number[], from: number, to: number): { c: number; h: number } {
  const k = to - from;
  const lags = Math.floor(Math.sqrt(k));
  if (k - 1 - lags < 2) return ratio(y, n, from, to);
  const { sy, sn } = sums(y, n, from, to);
  const c = sy / sn;
  const z = new Float64Array(k);
  for (let i = 0; i < k; i++) z[i] = y[from + i] - c * n[from + i];
  let v = 0;
  for (let i = 0; i < k; i++) v += z[i] * z[i];
  for (let l = 1; l <= lags; l++) {
    let g = 0;
    for (let i = 0; i + l < k; i++) g += z[i] * z[i + l];
    v += 2 * (1 - l / (lags + 1)) * g;
  }
  const df = Math.max(1, Math.min(k - 1, Math.floor((1.5 * k) / lags)));
  return { c, h: (tQuantile(df) * Math.sqrt((Math.max(0, v) * k) / (k - 1 - lags))) / sn };
}
