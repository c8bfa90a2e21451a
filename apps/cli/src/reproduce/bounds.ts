// Bounds implied by a published top-N profile: a function absent from it had at most the Nth row's count, so a
// model row for it above that count contradicts the publication. Derived from published figures, not new figures.
import type { ResultDocument } from '@kmemsim/core';
import { type Figure, matchesVariant, type TopList } from './calibration.js';
import { boundP } from './noise.js';

/** A `bound` check: a model profile row absent from a published top N, against the Nth row's count. */
export interface Bound {
  id: string;
  label: string;
  seed: string;
  top: TopList;
  symbol: string;
  /** The published Nth row's count: the most any absent function can have had. */
  nth: number;
  model: number;
  within: boolean;
  /** For tick counts: the Poisson chance that a count with the model's expectation stays ≤ `nth`. */
  countP?: number;
}

/** Not a function: the model's remainder row has no published counterpart to be absent from. */
const UNMODELLED = '(unmodelled)';

/**
 * The top list's published rows among `figures` (all N must be there, else null: the list is not selected), with
 * the field they read (`profile.<symbol>.<field>`).
 */
export function publishedRows(
  top: TopList,
  figures: Figure[],
): { rows: Figure[]; symbols: Set<string>; field: string } | null {
  const rows = figures.filter((f) => f.seed === top.seed && f.id.startsWith(top.figures));
  if (rows.length !== top.n) return null;
  const parts = rows.map((f) => f.metric.split('.'));
  const bad = parts.findIndex((p) => p[0] !== 'profile' || p.length < 3);
  if (bad >= 0)
    throw new Error(`top list ${top.id}: figure ${rows[bad]!.id} is not a profile row (${rows[bad]!.metric})`);
  const fields = new Set(parts.map((p) => p[p.length - 1]!));
  if (fields.size !== 1)
    throw new Error(`top list ${top.id}: its rows read different fields (${[...fields].join(', ')})`);
  const key = (f: Figure) => JSON.stringify([f.argv, f.variant]);
  if (new Set(rows.map(key)).size !== 1) throw new Error(`top list ${top.id}: its rows come from different runs`);
  return { rows, symbols: new Set(parts.map((p) => p.slice(1, -1).join('.'))), field: [...fields][0]! };
}

/** Every model row of the top list's run that the published list lacks (except `(unmodelled)`), as a bound. */
export function boundsOf(top: TopList, figures: Figure[], doc: ResultDocument): Bound[] {
  const pub = publishedRows(top, figures);
  if (pub === null) return [];
  const first = pub.rows[0]!;
  const nth = Math.min(...pub.rows.map((f) => f.published));
  const run = doc.runs.find((r) => matchesVariant(r, first.variant));
  if (!run) return [];
  const count = (r: (typeof run.profile)[number]) => Number(r[pub.field as keyof typeof r]);
  const rows = run.profile.filter((r) => r.symbol !== UNMODELLED);
  // The profile comes sorted and cut at --top: rows cut off are hidden only if even its last row is above the bound.
  if (rows.length > 0 && Math.min(...rows.map(count)) > nth)
    throw new Error(`top list ${top.id}: the model profile ends above ${nth} ${pub.field}: raise --top in its argv`);
  return rows
    .filter((r) => !pub.symbols.has(r.symbol))
    .map((r) => {
      const model = count(r);
      return {
        id: `${top.id}/${r.symbol}`,
        label: `${top.label}: ${r.symbol} (${pub.field} ≤ #${top.n})`,
        seed: top.seed,
        top,
        symbol: r.symbol,
        nth,
        model,
        within: model <= nth,
        ...(pub.field === 'ticks' && Number.isInteger(nth) && model >= 0 ? { countP: boundP(nth, model) } : {}),
      };
    });
}
