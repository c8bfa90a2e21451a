// Runs every published figure's configuration once per distinct command line and compares model with published.
import type { ResultDocument } from '@kmemsim/core';
import { type Bound, boundsOf } from './bounds.js';
import { type Figure, matchesVariant, readMetric, type TopList } from './calibration.js';
import { countP } from './noise.js';
import { withinTolerance } from './ranges.js';

export interface Comparison {
  figure: Figure;
  model: number | null;
  /** (model − published) / published. */
  error: number | null;
  within: boolean;
  /**
   * For a sampled-profile count (`profile.<symbol>.ticks`): the Poisson chance of a count as far from the model's
   * (its expectation, to the model's rounding) as the published one, two-sided. Absent for other figures.
   */
  countP?: number;
}

/** Whether a figure is a readprofile tick count (a Poisson sample of the time spent in a function). */
export const isTickCount = (metric: string) => metric.startsWith('profile.') && metric.endsWith('.ticks');

/** The figures' comparisons and the bounds their published top-N profiles imply. */
export async function compareWithBounds(
  figures: Figure[],
  tops: TopList[],
  run: (argv: string[]) => Promise<ResultDocument>,
  progress: (done: number, total: number, label: string) => void = () => {},
): Promise<{ comparisons: Comparison[]; bounds: Bound[] }> {
  const groups = new Map<string, Figure[]>();
  for (const f of figures) {
    const key = JSON.stringify(f.argv);
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const docs = new Map<string, ResultDocument>();
  let done = 0;
  for (const [key, figs] of groups) {
    progress(done++, groups.size, `${figs[0].seed}: ${figs[0].argv.join(' ')}`);
    docs.set(key, await run(figs[0].argv));
  }
  progress(groups.size, groups.size, 'done');
  const comparisons = figures.map((f) => {
    const doc = docs.get(JSON.stringify(f.argv))!;
    const r = doc.runs.find((x) => matchesVariant(x, f.variant));
    const model = r ? (readMetric(r, f.metric) ?? null) : null;
    const error = model === null || f.published === 0 ? null : (model - f.published) / f.published;
    const within = model !== null && withinTolerance(f, model);
    const noise =
      model !== null && isTickCount(f.metric) && Number.isInteger(f.published) && f.published >= 0
        ? { countP: countP(f.published, Math.max(0, model)) }
        : {};
    return { figure: f, model, error, within, ...noise };
  });
  // A top list's rows share one command line (boundsOf checks it), run above when all its rows are selected.
  const bounds = tops.flatMap((t) => {
    const first = figures.find((f) => f.seed === t.seed && f.id.startsWith(t.figures));
    const doc = first && docs.get(JSON.stringify(first.argv));
    return doc ? boundsOf(t, figures, doc) : [];
  });
  return { comparisons, bounds };
}

/** The figures' comparisons alone. */
export async function compareAll(
  figures: Figure[],
  run: (argv: string[]) => Promise<ResultDocument>,
  progress?: (done: number, total: number, label: string) => void,
): Promise<Comparison[]> {
  return (await compareWithBounds(figures, [], run, progress)).comparisons;
}
