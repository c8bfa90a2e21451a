// A self-contained HTML report: per command, its chart (inline SVG) and a table of every run. No scripts, no
// network: the page renders from the file alone.
import type { ResultDocument } from '@kmemsim/core';
import { chartFor } from './charts.js';
import { rowsOf } from './rows.js';
import { specToSvg } from './svg.js';

const esc = (s: unknown) =>
  String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);

function fmt(v: unknown): string {
  if (typeof v !== 'number') return esc(v ?? '');
  return Number.isInteger(v) ? v.toLocaleString('en-US') : Number(v.toPrecision(5)).toLocaleString('en-US');
}

function tableOf(docs: ResultDocument[]): string {
  const rows = rowsOf(docs);
  const skip = new Set(['label', 'wait_s']);
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((c) => !skip.has(c));
  const head = cols.map((c) => `<th>${esc(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${cols.map((c) => `<td>${fmt(r[c])}</td>`).join('')}</tr>`).join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export async function reportHtml(docs: ResultDocument[], title = 'kmemsim report'): Promise<string> {
  const byCommand = new Map<string, ResultDocument[]>();
  for (const d of docs) byCommand.set(d.command, [...(byCommand.get(d.command) ?? []), d]);
  const sections: string[] = [];
  for (const [command, group] of byCommand) {
    const spec = chartFor(command, group);
    const svg = spec ? await specToSvg(spec) : '';
    const runs = group.reduce((n, d) => n + d.runs.length, 0);
    sections.push(
      `<section data-command="${esc(command)}"><h2>${esc(command)}</h2>\n<p>${runs} run(s) from ${group.length} result document(s).</p>\n` +
        `${svg ? `<figure class="chart">${svg}</figure>` : '<p>(no chart for this command)</p>'}\n${tableOf(group)}</section>`,
    );
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font:14px system-ui,sans-serif;margin:2em;color:#222}h2{margin-top:2em;border-bottom:1px solid #ddd}
table{border-collapse:collapse;font-size:12px;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}
th{background:#f4f4f4}figure.chart{margin:0}
</style></head>
<body><h1>${esc(title)}</h1>
${sections.join('\n')}
</body></html>
`;
}
