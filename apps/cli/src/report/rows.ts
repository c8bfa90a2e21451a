// Flat rows for charts and tables: one per run, its variant and metrics, time parts, syscalls and doc fields.
import type { ResultDocument } from '@kmemsim/core';

export type Row = Record<string, string | number | boolean>;

export function rowsOf(docs: ResultDocument[]): Row[] {
  return docs.flatMap((d) =>
    d.runs.map((r) => {
      const sys = (r.counters.syscalls ?? {}) as Record<string, number>;
      const row: Row = { arch: d.arch, virt: d.virt, cpus: d.cpus, seed: d.seed, ...r.variant };
      for (const [k, v] of Object.entries(r.metrics)) row[k] = v;
      row.real_s = r.time.real_s;
      row.user_s = r.time.user_s;
      row.sys_s = r.time.sys_s;
      row.wait_s = Math.max(0, r.time.real_s - r.time.user_s - r.time.sys_s);
      for (const [k, v] of Object.entries(sys)) if (typeof v === 'number') row[`syscalls_${k}`] = v;
      row.label = Object.entries(r.variant)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      return row;
    }),
  );
}
