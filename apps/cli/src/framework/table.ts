// Plain tables for the terminal (cli-table3, no colours when not a TTY) and the generic runs table.
import type { ResultDocument } from '@kmemsim/core';
import Table from 'cli-table3';

export function table(head: string[], rows: (string | number)[][]): string {
  const t = new Table({ head, style: { head: [], border: [], compact: true } });
  for (const r of rows) t.push(r.map((c) => (typeof c === 'number' ? fmtNum(c) : c)));
  return t.toString();
}

export function fmtNum(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  const a = Math.abs(n);
  const digits = a >= 100 ? 1 : a >= 1 ? 3 : 4;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** One row per run: variant, metrics, real/user/sys. */
export function runsTable(doc: ResultDocument): string {
  const vkeys = [...new Set(doc.runs.flatMap((r) => Object.keys(r.variant)))];
  const mkeys = [...new Set(doc.runs.flatMap((r) => Object.keys(r.metrics)))];
  const head = [...vkeys, ...mkeys, 'real_s', 'user_s', 'sys_s'];
  const rows = doc.runs.map((r) => [
    ...vkeys.map((k) => String(r.variant[k] ?? '')),
    ...mkeys.map((k) => r.metrics[k] ?? ''),
    r.time.real_s,
    r.time.user_s,
    r.time.sys_s,
  ]);
  return table(head, rows);
}

/** Header line: command, arch, virt, cpus, seed. */
export function docHeader(doc: ResultDocument): string {
  return `kmemsim ${doc.command} — arch ${doc.arch}, virt ${doc.virt}, ${doc.cpus} CPUs, seed ${doc.seed}`;
}
