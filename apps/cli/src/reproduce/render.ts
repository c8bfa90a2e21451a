// reproduce's views: terminal table, Markdown, standalone HTML.
import type { ResultDocument } from '@kmemsim/core';
import { verdictColor } from '../framework/colors.js';
import { fmtNum, table } from '../framework/table.js';
import { type LedgerSummary, ledgerLine } from './calibration.js';
import { fmtP } from './noise.js';
import type { RangeFlip } from './ranges.js';

/** A check off its tolerance whose published count is still this likely under the model is within counting noise. */
export const NOISE_P = 0.05;

function ledgerOf(doc: ResultDocument): LedgerSummary[] {
  return (doc.params.experiments as LedgerSummary[] | undefined) ?? [];
}

/** Rows grouped by experiment, each group under its `figures N, fitted K (budget B), checks N−K` line. */
function groups(doc: ResultDocument): { head: string; rows: Row[] }[] {
  const rows = rowsOf(doc);
  const seen = new Map(ledgerOf(doc).map((l) => [l.seed, ledgerLine(l)]));
  const seeds = [...new Set(doc.runs.map((r) => String(r.variant.seed)))];
  return seeds.map((seed) => ({
    head: seen.get(seed) ?? `seed ${seed}`,
    rows: rows.filter((_, i) => String(doc.runs[i]!.variant.seed) === seed),
  }));
}

interface Row {
  id: string;
  label: string;
  role: string;
  published: number;
  model: number | null;
  error_pct: number | null;
  tolerance: string;
  /** Tick counts only: the Poisson chance of the published count under the model's expectation (noise.ts). */
  count_p: number | null;
  verdict: string;
}

export function rowsOf(doc: ResultDocument): Row[] {
  return doc.runs.map((r) => {
    const m = r.metrics;
    const model = m.model_missing ? null : m.model;
    return {
      id: String(r.variant.figure),
      label: String(r.variant.label),
      role: String(r.variant.role),
      published: m.published,
      model,
      error_pct: model === null ? null : m.error_pct,
      tolerance:
        m.bound === 1
          ? `≤ ${fmtNum(m.published)}`
          : m.tolerance_abs !== undefined
            ? `±${fmtNum(m.tolerance_abs)}`
            : `±${fmtNum(m.tolerance_pct)}%`,
      count_p: model === null || m.count_p === undefined ? null : m.count_p,
      verdict: model === null ? 'NO VALUE' : m.within ? 'ok' : r.variant.role === 'calibration' ? 'OUT' : 'off',
    };
  });
}

const HEAD = ['figure', 'what', 'role', 'published', 'model', 'error', 'tolerance', 'P(count)', 'verdict'];
const cells = (r: Row) => [
  r.id,
  r.label,
  r.role,
  fmtNum(r.published),
  r.model === null ? '—' : fmtNum(Number(r.model.toPrecision(6))),
  r.error_pct === null ? '—' : `${r.error_pct >= 0 ? '+' : ''}${r.error_pct.toFixed(1)}%`,
  r.tolerance,
  r.count_p === null ? '' : fmtP(r.count_p),
  r.verdict,
];

export function summary(doc: ResultDocument): string {
  const rows = rowsOf(doc);
  const cal = rows.filter((r) => r.role === 'calibration');
  const out = cal.filter((r) => r.verdict !== 'ok');
  const checks = rows.filter((r) => r.role === 'check');
  const bounds = rows.filter((r) => r.role === 'bound');
  const noisy = [...checks, ...bounds].filter((r) => r.verdict === 'off' && r.count_p !== null && r.count_p >= NOISE_P);
  // Every bound together (not a post-hoc choice of rows): the counts of distinct functions are ~independent.
  const sampled = bounds.filter((r) => r.count_p !== null);
  const joint = sampled.reduce((a, r) => a * r.count_p!, 1);
  return (
    `${cal.length - out.length}/${cal.length} calibration figures within tolerance` +
    (checks.length
      ? `; ${checks.filter((r) => r.verdict === 'ok').length}/${checks.length} checks within tolerance`
      : '') +
    (bounds.length ? `; ${bounds.filter((r) => r.verdict === 'ok').length}/${bounds.length} bounds hold` : '') +
    (noisy.length
      ? `; ${noisy.length} off rows each within counting noise alone (P(count) ≥ ${NOISE_P}: ${noisy.map((r) => r.id.split('/').pop()).join(', ')})`
      : '') +
    (sampled.length > 1 ? `; P(all ${sampled.length} bounds hold under the model) ≈ ${fmtP(joint)}` : '') +
    (out.length ? `; OUT: ${out.map((r) => r.id).join(', ')}` : '')
  );
}

/** The document's range flips (params.u_flips) and values swept per seed (params.u_ranges), when swept. */
function flipsOf(doc: ResultDocument): { flips: RangeFlip[]; ranges: Record<string, number> } | null {
  const ranges = doc.params.u_ranges as Record<string, number> | undefined;
  return ranges ? { flips: (doc.params.u_flips as RangeFlip[] | undefined) ?? [], ranges } : null;
}

/**
 * One line per swept experiment, then one per check or bound whose verdict flips within a [U] range: the range and
 * the model value and verdict at each end (the experiment refitted there).
 */
export function rangeLines(doc: ResultDocument): string[] {
  const f = flipsOf(doc);
  if (!f) return [];
  const verdict = (id: string, within: boolean) =>
    within ? (id.includes('/absent/') ? 'holds' : 'ok') : id.includes('/absent/') ? 'broken' : 'off';
  const byFigure = new Map<string, RangeFlip[]>();
  for (const x of f.flips) byFigure.set(x.figure, [...(byFigure.get(x.figure) ?? []), x]);
  const out = Object.entries(f.ranges).map(
    ([seed, n]) =>
      `[U] ranges, seed ${seed}: ${n} values, the experiment refitted at each end; ` +
      `${byFigure.size} check${byFigure.size === 1 ? '' : 's'} or bounds flip within one${byFigure.size ? ':' : ''}`,
  );
  for (const [id, xs] of byFigure) {
    out.push(`  ${id}:`);
    for (const x of xs)
      out.push(
        `    ${x.parameter} [U ${fmtNum(x.lo)}..${fmtNum(x.hi)}]: ` +
          `${verdict(id, x.within_lo)} at ${fmtNum(x.lo)} (${fmtNum(x.model_lo)}), ${verdict(id, x.within_hi)} at ${fmtNum(x.hi)} (${fmtNum(x.model_hi)})`,
      );
  }
  return out;
}

export function reproduceTable(doc: ResultDocument): string {
  const seeds = new Set(doc.runs.map((r) => String(r.variant.seed)));
  const figures = doc.runs.filter((r) => r.variant.role !== 'bound').length;
  return [
    `kmemsim reproduce — ${figures} published figures from ${seeds.size} experiment${seeds.size === 1 ? '' : 's'} (model vs published)`,
    ...groups(doc).flatMap((g) => [
      '',
      g.head,
      table(
        HEAD,
        g.rows.map((r) => {
          const c = cells(r);
          c[c.length - 1] = verdictColor(r.verdict);
          return c;
        }),
        { spill: [2, 1] },
      ),
    ]),
    '',
    summary(doc),
    ...rangeLines(doc),
  ].join('\n');
}

export function reproduceMarkdown(doc: ResultDocument): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const lines: string[] = [];
  for (const g of groups(doc)) {
    if (lines.length) lines.push('');
    lines.push(`**${esc(g.head)}**`, '', `| ${HEAD.join(' | ')} |`, `|${HEAD.map(() => '---').join('|')}|`);
    for (const r of g.rows)
      lines.push(
        `| ${cells(r)
          .map((c) => esc(String(c)))
          .join(' | ')} |`,
      );
  }
  const ranges = rangeLines(doc);
  return `${lines.join('\n')}\n\n${summary(doc)}\n${ranges.length ? `\n\`\`\`\n${ranges.join('\n')}\n\`\`\`\n` : ''}`;
}

const escHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const NUMERIC = new Set(['published', 'model', 'error', 'tolerance', 'P(count)']);

/** The figures as an HTML table, one group per experiment: numbers right-aligned, the verdict coloured. */
export function reproduceTableHtml(doc: ResultDocument): string {
  const rows = groups(doc)
    .map(
      (g) =>
        `<tr><th colspan="${HEAD.length}">${escHtml(g.head)}</th></tr>\n` +
        g.rows
          .map((r) => {
            const cls = r.verdict === 'ok' ? 'ok' : r.role === 'calibration' ? 'bad' : 'off';
            return `<tr class="${cls}">${cells(r)
              .map((c, i) => {
                const k = HEAD[i];
                const klass = k === 'verdict' ? 'verdict' : NUMERIC.has(k) ? 'num' : '';
                return `<td${klass ? ` class="${klass}"` : ''}>${escHtml(String(c))}</td>`;
              })
              .join('')}</tr>`;
          })
          .join('\n'),
    )
    .join('\n');
  return `<div class="scroll"><table><thead><tr>${HEAD.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table></div><p>${escHtml(summary(doc))}</p>${
    rangeLines(doc).length ? `\n<pre>${escHtml(rangeLines(doc).join('\n'))}</pre>` : ''
  }`;
}

/** `reproduce --format html`: the chart of every figure's error in its tolerance band, then the table. */
export async function reproduceHtml(doc: ResultDocument): Promise<string> {
  const [{ chartFor }, { chartSvg }, { STYLE }] = await Promise.all([
    import('../report/charts.js'),
    import('../report/svg.js'),
    import('../report/html.js'),
  ]);
  const chart = await chartFor('reproduce', [doc]);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kmemsim reproduce</title>
<style>
${STYLE}
</style></head>
<body><h1>kmemsim reproduce: model vs published</h1>
${chart ? `<figure class="chart">${await chartSvg(chart)}</figure>` : ''}
${reproduceTableHtml(doc)}
</body></html>
`;
}
