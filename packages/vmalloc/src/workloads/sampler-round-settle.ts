// Warm-up truncation of a steady loop kind whose cycles include stalls (sampler-rate.ts `measure`). Under 6.9's
// drain the purge period grows over the first rounds of a main loop until the lazy batch and the drain's own length
// balance (16 CPUs × mask 1 × 200,000 loops: 19,216 loops per round at round 2, 88,000–94,000 from round 35 on), and
// the rate settles with it (5.4 k cycles per loop in round 2, 2.6 k by round 6, 2.45–2.52 k from round 23). Those
// first rounds would stay in the 256-round window and fail its trend test for good. The start of the window is
// chosen by the marginal standard error rule (MSER, White 1997): the truncation that minimises the ratio
// estimator's squared standard error Σ(y − c·n)² / (Σn)², searched over the first half of the window only (as
// MSER is, so at least half the rounds are kept); the trend test then runs on what remains.

/**
 * The start in [from, from + ⌊(to − from)/2⌋] (and at most `to − need`; with `anywhere`, up to `to − need`) of the
 * pooled rounds [from, to) that minimises Σ(y − c·n)² / (Σn)², c = Σy/Σn over the rounds kept.
 */
export function settledFrom(
  y: number[],
  n: number[],
  from: number,
  to: number,
  need: number,
  anywhere = false,
): number {
  const last = anywhere ? to - need : Math.min(from + ((to - from) >> 1), to - need);
  if (last <= from) return from;
  let sy = 0;
  let sn = 0;
  let syy = 0;
  let syn = 0;
  let snn = 0;
  // Suffix sums from the end; the candidates are read as the start moves back to `from`.
  for (let i = to - 1; i > last; i--) {
    sy += y[i];
    sn += n[i];
    syy += y[i] * y[i];
    syn += y[i] * n[i];
    snn += n[i] * n[i];
  }
  let best = from;
  let bestStat = Number.POSITIVE_INFINITY;
  for (let d = last; d >= from; d--) {
    sy += y[d];
    sn += n[d];
    syy += y[d] * y[d];
    syn += y[d] * n[d];
    snn += n[d] * n[d];
    const c = sy / sn;
    const stat = Math.max(0, syy - 2 * c * syn + c * c * snn) / (sn * sn);
    // Ties go to the longer window.
    if (stat <= bestStat) {
      bestStat = stat;
      best = d;
    }
  }
  return best;
}
