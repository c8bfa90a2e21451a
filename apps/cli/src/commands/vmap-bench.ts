// `kmemsim vmap-bench`: T threads on T CPUs each map N pages, touch them and unmap, per vmap design (seed 002):
// nanoseconds per map+touch+unmap in a threads × impl table, then each run's flush counts and top symbols.
import type { ResultDocument, Run } from '@kmemsim/core';
import { IMPLS } from '@kmemsim/vmalloc';
import { defineCommand } from '../framework/define.js';
import { badValue, UsageError } from '../framework/errors.js';
import { limit } from '../framework/limits.js';
import { MAX_CPUS, machineOptions, resolveMachine } from '../framework/machine.js';
import { choice, int } from '../framework/options.js';
import { docHeader, table } from '../framework/table.js';

/** A map+touch+unmap costs 1.5–3 µs of wall time: 2^26 of them (threads × iterations) is about 2–3 minutes. */
export const MAX_OPS = 2 ** 26;
/** Pages mapped at once (threads × pages) hold per-page state: 2^20 stays well under 2 GiB. */
export const MAX_MAPPED_PAGES = 2 ** 20;
export const MAX_ITERATIONS = 10_000_000;

export const vmapBenchCommand = defineCommand({
  kind: 'result',
  name: 'vmap-bench',
  summary: 'map + touch + unmap N pages in a loop on T CPUs, per vmap design: ns per op (seed 002)',
  trace: true,
  sweepable: true,
  examples: [
    'kmemsim vmap-bench --arch x86_64 --cpus 8 --threads 1,2,4,8 --impl legacy,lazy,percpu --pages 4',
    'kmemsim vmap-bench --arch x86_64 --cpus 64 --threads 64 --impl percpu,rb2019,pools2024 --iterations 2000',
    'kmemsim vmap-bench --arch s390 --cpus 8 --threads 1,8 --impl legacy,percpu --format json',
  ],
  options: {
    ...machineOptions('x86_64'),
    threads: int({
      description: 'thread counts, one thread per CPU (at most --cpus)',
      list: true,
      min: 1,
      max: MAX_CPUS,
      defaultText: '1,2,4,8 capped at --cpus',
    }),
    impl: choice(IMPLS, { description: 'vmap designs', list: true, default: ['legacy', 'lazy', 'percpu'] }),
    pages: int({
      description: 'pages mapped per op (threads × pages at most 1,048,576)',
      min: 1,
      max: 1024,
      default: 4,
    }),
    iterations: int({
      description: 'map+touch+unmap loops per thread (threads × iterations at most 67,108,864)',
      min: 1,
      max: MAX_ITERATIONS,
      default: 50_000,
    }),
  },
  async run(o, ctx): Promise<ResultDocument> {
    const mc = await resolveMachine(o);
    const threads = o.threads ?? [1, 2, 4, 8].filter((n) => n <= mc.cpus);
    for (const n of threads) {
      if (n > mc.cpus) throw badValue('--threads', n, `at most --cpus (${mc.cpus}): one thread per CPU`);
    }
    const impls = o.impl;
    const { pages, iterations } = o;
    const most = Math.max(...threads);
    limit(
      '--threads × --iterations',
      most * iterations,
      MAX_OPS,
      'map+touch+unmap ops a run may take (minutes of wall time)',
    );
    limit('--threads × --pages', most * pages, MAX_MAPPED_PAGES, 'pages a run may map at once (memory)');
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
});

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
