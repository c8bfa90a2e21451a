// A self-contained HTML report: per command, its chart (inline SVG, provenance in the caption), flame graphs of
// its runs, and a table with a column for every option that differs between runs (the constant ones are stated
// once above it). No scripts, no network: the page renders from the file alone.
import type { ResultDocument } from '@kmemsim/core';
import { ChartError } from './build.js';
import { chartFor } from './charts.js';
import { analyse, type Dims, fmtValue, labelOf, type RunRef, type Value } from './dims.js';
import { flameSvg } from './flame.js';
import { chartSvg } from './svg.js';

export const esc = (s: unknown) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

function num(v: number): string {
  return Number.isInteger(v) ? v.toLocaleString('en-US') : Number(v.toPrecision(5)).toLocaleString('en-US');
}

/** Flame graphs of at most this many runs per command (each is one SVG). */
const MAX_FLAMES = 12;

/** The runs of these documents as a table: one column per swept option, per metric that differs, per time. */
/** Runs ordered by their swept values (first swept dimension slowest; numbers numerically). */
function sortedRefs(dims: Dims): RunRef[] {
  const order = dims.varying.map((d) => d.values);
  const idx = (d: number, v: Value) => order[d].indexOf(v);
  return [...dims.refs].sort((a, b) => {
    for (const [i, d] of dims.varying.entries()) {
      const c = idx(i, a.dims[d.name]) - idx(i, b.dims[d.name]);
      if (c !== 0) return c;
    }
    return 0;
  });
}

export function tableOf(docs: ResultDocument[]): string {
  const dims = analyse(docs);
  const swept = dims.varying.map((d) => d.name);
  const refs = sortedRefs(dims);
  const metricNames = [...new Set(refs.flatMap((r) => Object.keys(r.run.metrics)))];
  const sys = (r: (typeof refs)[number]) => (r.run.counters.syscalls ?? {}) as Record<string, number>;
  const sysNames = [...new Set(refs.flatMap((r) => Object.keys(sys(r))))];
  const cols: { head: string; get: (r: (typeof refs)[number]) => unknown }[] = [
    ...swept.map((n) => ({ head: n, get: (r: (typeof refs)[number]) => r.dims[n] })),
    ...metricNames.map((m) => ({ head: m, get: (r: (typeof refs)[number]) => r.run.metrics[m] })),
    ...(['real_s', 'user_s', 'sys_s'] as const).map((t) => ({
      head: t,
      get: (r: (typeof refs)[number]) => r.run.time[t] ?? 'unmodelled',
    })),
    ...sysNames.map((s) => ({ head: `${s}()`, get: (r: (typeof refs)[number]) => sys(r)[s] })),
  ];
  // A column with one value in every row says nothing per row: it goes into the line above the table.
  const constantCols: string[] = [];
  const shown = cols.filter((c, i) => {
    if (i < swept.length || refs.length < 2) return true;
    const vals = new Set(refs.map((r) => JSON.stringify(c.get(r))));
    if (vals.size > 1) return true;
    const v = c.get(refs[0]);
    if (v !== undefined) constantCols.push(`${c.head} ${typeof v === 'number' ? num(v) : esc(v)}`);
    return false;
  });
  const constant = [...Object.entries(dims.constant).map(([k, v]) => `${k} ${esc(fmtValue(v))}`), ...constantCols];
  const head = shown.map((c) => `<th>${esc(c.head)}</th>`).join('');
  const body = refs
    .map(
      (r) =>
        `<tr>${shown
          .map((c) => {
            const v = c.get(r);
            return typeof v === 'number' ? `<td class="num">${num(v)}</td>` : `<td>${esc(v ?? '')}</td>`;
          })
          .join('')}</tr>`,
    )
    .join('\n');
  return (
    `<p class="constant">${constant.length ? `Same in every run: ${constant.join(' · ')}` : ''}</p>\n` +
    `<div class="scroll"><table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`
  );
}

async function flames(docs: ResultDocument[]): Promise<string> {
  const dims = analyse(docs);
  const names = dims.varying.map((d) => d.name).filter((n) => n !== 'seed');
  // One flame graph per configuration (its first seed): seeds of one configuration differ only in noise.
  const seen = new Set<string>();
  const refs = sortedRefs(dims).filter((r) => {
    const k = labelOf(r.dims, names);
    if ((r.run.stacks?.length ?? 0) === 0 || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (refs.length === 0) return '';
  const parts: string[] = [];
  for (const [i, r] of refs.slice(0, MAX_FLAMES).entries()) {
    const label = names.length ? labelOf(r.dims, names) : `run ${i + 1}`;
    const svg = await flameSvg(r.run.stacks ?? [], `${r.doc.command} ${label}: CPU cycles by call path`, r.doc.command);
    parts.push(
      `<details${i === 0 ? ' open' : ''}><summary>flame graph: ${esc(label)}</summary>\n<figure class="flame">${svg}</figure></details>`,
    );
  }
  const more =
    refs.length > MAX_FLAMES ? `<p>Flame graphs of the first ${MAX_FLAMES} of ${refs.length} configurations.</p>` : '';
  return `<h3>Where the cycles go</h3>\n${parts.join('\n')}\n${more}`;
}

export async function sectionHtml(command: string, docs: ResultDocument[]): Promise<string> {
  const runs = docs.reduce((n, d) => n + d.runs.length, 0);
  let chart = '<p>(no chart for this command)</p>';
  try {
    const c = await chartFor(command, docs);
    if (c) chart = `<figure class="chart">${await chartSvg(c)}</figure>`;
  } catch (err) {
    if (!(err instanceof ChartError)) throw err;
    chart = `<p class="refused">No chart: ${esc(err.message)}</p>`;
  }
  const table =
    command === 'reproduce'
      ? (await import('../reproduce/render.js')).reproduceTableHtml({ ...docs[0], runs: docs.flatMap((d) => d.runs) })
      : tableOf(docs);
  return (
    `<section data-command="${esc(command)}"><h2>${esc(command)}</h2>\n` +
    `<p>${runs} run(s) from ${docs.length} result document(s).</p>\n${chart}\n${await flames(docs)}\n${table}</section>`
  );
}

export const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;color:#222;max-width:1400px}
h2{margin-top:2em;border-bottom:1px solid #ddd}h3{font-size:15px;margin:1.2em 0 .4em}
.scroll{overflow-x:auto;max-width:100%}table{border-collapse:collapse;font-size:12px;margin:.5em 0}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}th{background:#f4f4f4;white-space:normal}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
figure{margin:0 0 1em}figure svg{max-width:100%;height:auto}figcaption{font-size:12px;color:#444;margin-top:.3em}
p.constant{font-size:12px;color:#444}details{margin:.3em 0}summary{cursor:pointer}
tr.ok td.verdict{color:#1a7f37}tr.off td.verdict{color:#9a6700;font-weight:bold}tr.bad td.verdict{color:#cf222e;font-weight:bold}`;

export async function reportHtml(docs: ResultDocument[], title = 'kmemsim report'): Promise<string> {
  const byCommand = new Map<string, ResultDocument[]>();
  for (const d of docs) byCommand.set(d.command, [...(byCommand.get(d.command) ?? []), d]);
  const sections: string[] = [];
  for (const [command, group] of byCommand) sections.push(await sectionHtml(command, group));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
${STYLE}
</style></head>
<body><h1>${esc(title)}</h1>
${sections.join('\n')}
</body></html>
`;
}
