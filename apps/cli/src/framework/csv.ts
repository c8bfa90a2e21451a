// --format csv: one row per run, columns variant.*, metrics.*, time.*, and flattened counters.*.
import type { ResultDocument } from '@kmemsim/core';

function flatten(o: unknown, prefix: string, out: Record<string, unknown>): void {
  if (o !== null && typeof o === 'object' && !Array.isArray(o)) {
    for (const [k, v] of Object.entries(o)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = o;
}

function cell(v: unknown): string {
  if (v === undefined || v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(doc: ResultDocument): string {
  const rows = doc.runs.map((r) => {
    const flat: Record<string, unknown> = {};
    // A null time is unmodelled (core's TimeSchema), not an empty or zero measurement.
    const time = Object.fromEntries(Object.entries(r.time).map(([k, v]) => [k, v ?? 'unmodelled']));
    flatten({ variant: r.variant, metrics: r.metrics, time, counters: r.counters }, '', flat);
    return flat;
  });
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const head = ['command', 'arch', 'virt', 'cpus', 'seed', ...cols];
  const lines = [head.join(',')];
  for (const r of rows)
    lines.push([doc.command, doc.arch, doc.virt, doc.cpus, doc.seed, ...cols.map((c) => r[c])].map(cell).join(','));
  return `${lines.join('\n')}\n`;
}
