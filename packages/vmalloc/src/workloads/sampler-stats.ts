// Statistics of the sampler: the regenerative ratio estimator with its Student-t half-width, its batch-means form
// for runs with too few regeneration events, and a seeded normal draw.
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

/** Regenerative ratio estimator over cycles [from, to): c = ΣY/ΣN and its 95 % half-width. */
export function ratio(y: number[], n: number[], from: number, to: number): { c: number; h: number } {
  const k = to - from;
  let sy = 0;
  let sn = 0;
  for (let i = from; i < to; i++) {
    sy += y[i];
    sn += n[i];
  }
  const c = sy / sn;
  if (k < 2) return { c, h: Number.POSITIVE_INFINITY };
  let q = 0;
  for (let i = from; i < to; i++) q += (y[i] - c * n[i]) ** 2;
  const s = Math.sqrt(q / (k - 1));
  const t = k - 1 <= T975.length ? T975[k - 2] : 1.96;
  return { c, h: (t * s) / (Math.sqrt(k) * (sn / k)) };
}

/**
 * Batch means over cycles [from, to) that are not regenerative (fixed-length batches): consecutive cycles are
 * grouped in batches of 1, 2, 4 … until the batch residuals y − c·n show no significant positive lag-1
 * autocorrelation (r₁ ≤ 1.645/√k, the one-sided 5 % test for k batches, k ≥ `need`), which would make the
 * half-width too narrow; the ratio estimator's half-width over those batches. Null when no grouping qualifies.
 */
export function batchRatio(
  y: number[],
  n: number[],
  from: number,
  to: number,
  need: number,
): { c: number; h: number; group: number } | null {
  const by: number[] = [];
  const bn: number[] = [];
  for (let g = 1; Math.floor((to - from) / g) >= need; g *= 2) {
    // Whole groups ending at `to`: the most recent cycles count.
    const k = Math.floor((to - from) / g);
    by.length = 0;
    bn.length = 0;
    for (let b = 0; b < k; b++) {
      let sy = 0;
      let sn = 0;
      for (let i = to - (k - b) * g; i < to - (k - b - 1) * g; i++) {
        sy += y[i];
        sn += n[i];
      }
      by.push(sy);
      bn.push(sn);
    }
    const r = ratio(by, bn, 0, k);
    if (lag1(by, bn, r.c) <= 1.645 / Math.sqrt(k)) return { ...r, group: g };
  }
  return null;
}

/** Lag-1 autocorrelation of the residuals y − c·n (0 for fewer than 3 batches or no variance). */
function lag1(y: number[], n: number[], c: number): number {
  const k = y.length;
  if (k < 3) return 0;
  let sum = 0;
  for (let i = 0; i < k; i++) sum += y[i] - c * n[i];
  const mean = sum / k;
  let v = 0;
  let cov = 0;
  for (let i = 0; i < k; i++) {
    const d = y[i] - c * n[i] - mean;
    v += d * d;
    if (i > 0) cov += d * (y[i - 1] - c * n[i - 1] - mean);
  }
  return v > 0 ? cov / v : 0;
}
