// Counting noise of a sampled profile: readprofile's ticks are a Poisson count (each tick lands in a function with
// probability ∝ its time), so a published count k of a function the model expects λ ticks of can differ from λ by
// chance. `reproduce` prints that chance next to each tick check, so a row 1–2 σ off is not read as a mechanism
// failure; the tolerances and verdicts stay as they are.

/** ln(n!) by summing logs (n is a tick count: at most a few thousand here). */
function logFactorial(n: number): number {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
}

/** ln Σ exp(x) over `xs`, without overflow or underflow. */
function logSumExp(xs: number[]): number {
  const m = Math.max(...xs);
  if (m === Number.NEGATIVE_INFINITY) return m;
  let s = 0;
  for (const x of xs) s += Math.exp(x - m);
  return m + Math.log(s);
}

/** ln P(X = i) for X ~ Poisson(λ), λ > 0, given ln(i!). */
const logPmf = (i: number, lambda: number, logFact: number) => -lambda + i * Math.log(lambda) - logFact;

/**
 * P(X ≤ k) and P(X ≥ k) for X ~ Poisson(λ): each tail summed term by term (no 1 − x cancellation), so a tail of
 * 1e-12 comes out as such. `k` is a non-negative integer, `lambda` ≥ 0.
 */
export function poissonTails(k: number, lambda: number): { le: number; ge: number } {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`count ${k}: expected an integer ≥ 0`);
  if (!(lambda >= 0) || !Number.isFinite(lambda))
    throw new RangeError(`expectation ${lambda}: expected a finite λ ≥ 0`);
  if (lambda === 0) return { le: 1, ge: k === 0 ? 1 : 0 };
  const lower: number[] = [];
  let lf = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 1) lf += Math.log(i);
    lower.push(logPmf(i, lambda, lf));
  }
  // The upper tail until its terms are negligible (beyond λ + 40√λ + 40 and k, each term < 1e-300 of the first).
  const upper: number[] = [];
  const end = Math.ceil(Math.max(k, lambda) + 40 * Math.sqrt(lambda) + 40);
  lf = logFactorial(k);
  for (let i = k; i <= end; i++) {
    if (i > k) lf += Math.log(i);
    upper.push(logPmf(i, lambda, lf));
  }
  return { le: Math.min(1, Math.exp(logSumExp(lower))), ge: Math.min(1, Math.exp(logSumExp(upper))) };
}

/**
 * The chance that a Poisson count with the model's expectation `lambda` lands at least as far from it as the
 * published `k`: two-sided, 2 × the smaller tail, at most 1.
 */
export function countP(k: number, lambda: number): number {
  const { le, ge } = poissonTails(k, lambda);
  return Math.min(1, 2 * Math.min(le, ge));
}

/** The chance that a count with expectation `lambda` stays at or under a bound (a row absent from a top N). */
export function boundP(bound: number, lambda: number): number {
  return poissonTails(bound, lambda).le;
}

/** A probability for a table cell: two significant digits, `<1e-12` below that. */
export function fmtP(p: number): string {
  if (p < 1e-12) return '<1e-12';
  if (p >= 0.01) return p.toFixed(2);
  const [m, e] = p.toExponential(0).split('e');
  return `${m}e${e}`;
}
