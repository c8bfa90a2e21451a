// `kmemsim vmap-bench`: T threads on T CPUs each map N pages, touch them and unmap, per vmap design (seed 002):
// nanoseconds per map+touch+unmap in a threads × impl table, then each run's flush counts and top symbols.
import type { ResultDocument, Run } from '@kmemsim/core';
import type { Command } from 'commander';
import { type CommandModule, machineChoice, type RawOptions } from '../framework/command.js';
import { badValue, UsageError } from '../framework/errors.js';
import { parseChoice, parseIntIn, parseList } from '../framework/parse.js';
import { docHeader, table } from '../framework/table.js';

const IMPLS = ['legacy', 'lazy', 'percpu', 'rb2019', 'pools2024'] as const;

export const vmapBenchCommand: CommandModule = {
  name: 'vmap-bench',
  summary: 'map + touch + unmap N pages in a loop on T CPUs, per vmap design: ns per op (seed 002)',
  defaultArch: 'x86_64',
  examples: [
    'kmemsim vmap-bench --arch x86_64 --cpus 8 --threads 1,2,4,8 --impl legacy,lazy,percpu --pages 4',
    'kmemsim vmap-bench --arch x86_64 --cpus 64 --threads 64 --impl percpu,rb2019,pools2024 --iterations 2000',
    'kmemsim vmap-bench --arch s390 --cpus 8 --threads 1,8 --impl legacy,percpu --format json',
  ],
  options(cmd: Command) {
    cmd.option('--threads <list>', 'thread counts, one thread per CPU (default: 1,2,4,8 capped at --cpus)');
    cmd.option('--impl <list>', `designs: ${IMPLS.join(', ')} (default: legacy,lazy,percpu)`);
    cmd.option('--pages <n>', 'pages mapped per op (default: 4)');
    cmd.option('--iterations <n>', 'map+touch+unmap loops per thread (default: 50000)');
  },
  async execute(opts: RawOptions, ctx): Promise<ResultDocument> {
    const mc = await machineChoice(opts, 'x86_64');
    const threads = parseList(
      opts.threads === undefined ? [1, 2, 4, 8].filter((n) => n <= mc.cpus).join(',') : String(opts.threads),
      '--threads',
      (s) => parseIntIn(s, '--threads', 1),
    );
    for (const n of threads) {
      if (n > mc.cpus) throw badValue('--threads', n, `at most --cpus (${mc.cpus}): one thread per CPU`);
    }
    const impls = parseList(String(opts.impl ?? 'legacy,lazy,percpu'), '--impl', (s) =>
      parseChoice(s, '--impl', IMPLS),
    );
    const pages = opts.pages === undefined ? 4 : parseIntIn(String(opts.pages), '--pages', 1, 1 << 20);
    const iterations =
      opts.iterations === undefined ? 50_000 : parseIntIn(String(opts.iterations), '--iterations', 1, 1e9);
    const [{ Machine }, vm] = await Promise.all([import('@kmemsim/mmu'), import('@kmemsim/vmalloc')]);
    const runs: Run[] = [];
    const total = impls.length * threads.length;
    let i = 0;
    for (const impl of impls) {
      for (const t of threads) {
        ctx.progress(i++, total, `vmap-bench --impl ${impl} --threads ${t}`);
        let machine: InstanceType<typeof Machine>;
        try {
          machine = new Machine({ arch: mc.arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed });
        } catch (err) {
          throw new UsageError(`--cpus ${mc.cpus}: ${(err as Error).message}`);
        }
        runs.push(vm.runVmapBench({ machine, impl, threads: t, pages, iterations }).run);
      }
    }
    ctx.progress(total, total, 'done');
    const { sources: _m, ...mechanism } = vm.MECHANISM;
    return {
      schema: 'kmemsim/result@1',
      command: 'vmap-bench',
      arch: mc.arch.name,
      virt: mc.virt,
      cpus: mc.cpus,
      seed: mc.seed,
      params: {
        pages,
        iterations,
        clock_hz: mc.arch.clockHz,
        page_bytes: mc.arch.pageBytes,
        global_flush: mc.arch.tlb.globalFlush,
        touch_cycles_per_page: vm.BENCH.touchCyclesPerPage,
        mechanism,
        sources: { ...vm.MECHANISM.sources, ...vm.BENCH.sources },
      },
      runs,
    };
  },
  renderTable(doc: ResultDocument): string {
    return renderVmapBench(doc);
  },
};

export function renderVmapBench(doc: ResultDocument): string {
  const impls = [...new Set(doc.runs.map((r) => String(r.variant.impl)))];
  const threads = [...new Set(doc.runs.map((r) => Number(r.variant.threads)))];
  const find = (impl: string, t: number) => doc.runs.find((r) => r.variant.impl === impl && r.variant.threads === t);
  const out = [
    docHeader(doc),
    `${doc.params.pages} pages per op, ${Number(doc.params.iterations).toLocaleString('en-US')} iterations per thread`,
    '',
    'ns per map+touch+unmap:',
    table(
      ['threads', ...impls],
      threads.map((t) => [t, ...impls.map((impl) => find(impl, t)?.metrics.ns_per_op ?? '')]),
    ),
    '',
    table(
      ['impl', 'threads', 'global flushes', 'IPIs', 'purges', 'contended', 'stale', 'top symbols (% of cycles)'],
      doc.runs.map((r) => [
        String(r.variant.impl),
        Number(r.variant.threads),
        r.metrics.tlb_flush_global,
        r.metrics.ipi,
        r.metrics.purges,
        r.metrics.lock_contended,
        r.metrics.stale_translations,
        r.profile
          .slice(0, 3)
          .map((p) => `${p.symbol} ${p.percent}`)
          .join(', '),
      ]),
    ),
  ];
  return out.join('\n');
}
