// The table view of a vmcore-dump result: the calls of every run like perf stat, time(1) and dump size, then a
// perf report per run. --format md renders the same blocks as Markdown (a GitHub table, each report fenced).
import { formatPerfReportStdio, formatSize, type ResultDocument } from '@kmemsim/core';
import { type Cell, docHeader, mdTable, table } from '../framework/table.js';
import { sensitivityLines } from '../report/caption.js';

type TableFn = (head: string[], rows: Cell[][]) => string;

/** The caption line and the per-run table, in the given table style. */
function summary(doc: ResultDocument, tableOf: TableFn): { caption: string; runs: string } {
  const p = doc.params as {
    mem_bytes: number | null;
    image_file: string | null;
    makedumpfile: string;
    kernel: string;
    image: { profile?: string };
  };
  const what = p.image_file !== null ? `vmcore ${p.image_file}` : `${formatSize(p.mem_bytes ?? 0)} ${p.image.profile}`;
  const runs = tableOf(
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
        r.time.user_s ?? 'unmodelled',
        r.time.sys_s,
      ];
    }),
  );
  return { caption: `${what}, makedumpfile ${p.makedumpfile}, capture kernel ${p.kernel}`, runs };
}

const perfReport = (r: ResultDocument['runs'][number]) =>
  formatPerfReportStdio(r.stacks ?? [], { cpuSeconds: (r.time.user_s ?? 0) + r.time.sys_s, top: 10 });

/** The terminal table view (the default --format). */
export function renderVmcoreDumpTable(doc: ResultDocument): string {
  const { caption, runs } = summary(doc, table);
  const out = [docHeader(doc), caption, '', runs, ...sensitivityLines(doc)];
  for (const r of doc.runs) {
    out.push('', `== --access ${r.variant.access} -d ${r.variant.dump_level}: perf report --stdio ==`);
    out.push(perfReport(r));
  }
  return out.join('\n');
}

/** --format md: the same blocks for an issue or a README; sensitivity as a list, each perf report fenced. */
export function renderVmcoreDumpMarkdown(doc: ResultDocument): string {
  const { caption, runs } = summary(doc, mdTable);
  const sens = sensitivityLines(doc).map((l) => (l.startsWith('  ') ? `  - ${l.trim()}` : `- ${l}`));
  const out = [`${docHeader(doc)}  \n${caption}`, runs, ...(sens.length ? [sens.join('\n')] : [])];
  for (const r of doc.runs)
    out.push(
      `\`--access ${r.variant.access} -d ${r.variant.dump_level}\`: perf report --stdio\n\n\`\`\`\n${perfReport(r)}\n\`\`\``,
    );
  return `${out.join('\n\n')}\n`;
}
