// Which fidelity a fork workload runs at. `auto` (the default) runs the exact model on short runs and the sampled
// estimate (sample.ts) on long ones, as vmalloc's sampler extrapolates by default: at 262,144 pages and above the
// sampled times were within 0.31 % of exact for every bench design (bounds 2.0–3.3 %) at 44–60 % of exact's CPU;
// at 65,536 pages `none`'s exit was 4.5 % off, past its stated 3.7 % (README, "Fidelity").

/** `auto`: exact below {@link AUTO_SAMPLED_PAGES} pages, sampled at or above; or `exact`, `sampled` as asked. */
export const FIDELITIES = ['auto', 'exact', 'sampled'] as const;
/** One of {@link FIDELITIES}. */
export type Fidelity = (typeof FIDELITIES)[number];
/** The fidelity a run is done at: every access through the cache model, or the sampled estimate. */
export type RunFidelity = 'exact' | 'sampled';

/** `auto` samples from this many mapped pages of the forking process up (measured; README "Fidelity"). */
export const AUTO_SAMPLED_PAGES = 262_144;

/** What {@link chooseFidelity} decided, and why in words for the report. */
export interface FidelityChoice {
  /** Fidelity the run is done at. */
  used: RunFidelity;
  /** Why, e.g. `auto: ≥ 262,144 pages`; null when exact was asked for. */
  why: string | null;
}

const PAGES = AUTO_SAMPLED_PAGES.toLocaleString('en-US');

/**
 * The fidelity of a fork workload of `pages` mapped pages and `children` children per round. Sampled needs one
 * child per round (fork of one child and exit of another would share lines across CPUs; sample.ts), so a request
 * for it with more children runs exact and says so.
 */
export function chooseFidelity(requested: Fidelity, pages: number, children: number): FidelityChoice {
  if (requested === 'exact') return { used: 'exact', why: null };
  const many = children > 1 ? '> 1 child per round, which sampled cannot do' : null;
  if (requested === 'sampled')
    return many ? { used: 'exact', why: `sampled asked for: ${many}` } : { used: 'sampled', why: 'asked for' };
  if (pages < AUTO_SAMPLED_PAGES) return { used: 'exact', why: `auto: < ${PAGES} pages` };
  return many ? { used: 'exact', why: `auto: ${many}` } : { used: 'sampled', why: `auto: ≥ ${PAGES} pages` };
}
