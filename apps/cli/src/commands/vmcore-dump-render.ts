// The table view of a vmcore-dump result: the calls of every run like perf stat, time(1) and dump size, then a
// perf report per run.
import { formatPerfReportStdio, formatSize, type ResultDocument } from '@kmemsim/core';
import { docHeader, table } from '../framework/table.js';
import { sensitivityLines } from '../report/caption.js';

export function renderVmcoreDumpTable(doc: ResultDocument): string {
  const p = doc.params as {
    mem_bytes: number | null;
    image_file: string | null;
    makedumpfile: string;
    kernel: string;
    image: { profile?: string };
  };
  const what = p.image_file !== null ? `vmcore ${p.image_file}` : `${formatSize(p.mem_bytes ?? 0)} ${p.image.profile}`;
  const out = [
    docHeader(doc),
    `${what}, makedumpfile ${p.makedumpfile}, capture kernel ${p.kernel}`,
    '',
    table(
      ['access', '-d', 'mmap', 'munmap', 'read', 'lseek', 'write', 'dumped', 'excluded', 'real_s', 'user_s', 'sys_s'],
      doc.runs.map((r) => {
        const s = (r.counters.syscalls ?? {}) as Record<string, number>;
        return [
          String(r.variant.access),
          Number(r.variant.dump_level),
          s.mmap,
          s.munmap,
          s.read,
          s.lseek,
          s.write,
          r.metrics.pages_dumped,
          r.metrics.pages_excluded,
          r.time.real_s,
          r.time.user_s,
          r.time.sys_s,
        ];
      }),
    ),
    ...sensitivityLines(doc),
  ];
  for (const r of doc.runs) {
    out.push('', `== --access ${r.variant.access} -d ${r.variant.dump_level}: perf report --stdio ==`);
    out.push(formatPerfReportStdio(r.stacks ?? [], { cpuSeconds: r.time.user_s + r.time.sys_s, top: 10 }));
  }
  return out.join('\n');
}
