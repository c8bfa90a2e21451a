// `kmemsim vmap-bench`: T threads on T CPUs each map N pages, touch them and unmap, per vmap design (seed 002):
// nanoseconds per map+touch+unmap in a threads × impl table, then each run's flush counts and top symbols.
// The design names come from @kmemsim/vmalloc's registry; long runs are sampled unless --exact.
import type { ResultDocument, Run } from '@kmemsim/core';
import { ALIAS_API, DESIGN_CHOICES, DESIGN_NAMES, DESIGNS } from '@kmemsim/vmalloc/designs';
import type { Command } from 'commander';
import { type CommandModule, machineChoice, type RawOptions } from '../framework/command.js';
import { badValue, UsageError } from '../framework/errors.js';
import { parseChoice, parseIntIn, parseList } from '../framework/parse.js';
import { docHeader, table } from '../framework/table.js';
import { experimentArch, samplingCells, samplingLine, samplingOptions, samplingParams } from './vmalloc-common.js';

const APIS = ['vmap', 'vm_map_ram'] as const;
const ALIASES = DESIGNS.flatMap((d) =>
  d.aliases.map((a) => `${a}=${d.name}${ALIAS_API[a] ? ` (${ALIAS_API[a]})` : ''}`),
);

export const vmapBenchCommand: CommandModule = {
  name: 'vmap-bench',
  summary: 'map + touch + unmap N pages in a loop on T CPUs, per vmap design: ns per op (seed 002)',
  defaultArch: 'x86_64',
  examples: [
    'kmemsim vmap-bench --experiment seed002 --threads 1,2,4,8',
    'kmemsim vmap-bench --cpus 8 --threads 1,8 --impl 2.6.27,2.6.28,5.2,6.9 --api vmap,vm_map_ram',
    'kmemsim vmap-bench --arch ia64-sn2 --cpus 64 --threads 1,64 --impl 2.6.27,percpu --format json',
  ],
  options(cmd: Command) {
    cmd.option('--threads <list>', 'thread counts, one thread per CPU (default: 1,2,4,8 capped at --cpus)');
    cmd.option(
      '--impl <list>',
      `designs: ${DESIGN_NAMES.join(', ')} (aliases: ${ALIASES.join(', ')}; default: every design)`,
    );
    cmd.option('--api <list>', 'vmap (vmap/vunmap) or vm_map_ram (vm_map_ram/vm_unmap_ram) (default: vmap)');
    cmd.option('--pages <n>', 'pages mapped per op (default: 4)');
    cmd.option('--iterations <n>', 'map+touch+unmap loops per thread, up to 10^9 (default: 50000)');
    cmd.option('--touch-bytes <n>', 'bytes the loop writes to each mapped page (default: 4096, the whole page)');
    cmd.option('--nr-cpus <n>', "the kernel's CONFIG_NR_CPUS, which sizes vmap blocks (default: max(8, --cpus))");
    cmd.option('--experiment <name>', 'seed002: its configuration and its fitted value (tools/calibration)');
    cmd.option('--exact', 'simulate every loop (default: extrapolate loops in steady state)');
    cmd.option('--max-error <pct>', "target 95 % half-width of each thread's ns per loop before skipping (default: 1)");
  },
  async execute(opts: RawOptions, ctx): Promise<ResultDocument> {
    const vm = await import('@kmemsim/vmalloc');
    const exp =
      opts.experiment === undefined ? null : parseChoice(String(opts.experiment), '--experiment', ['seed002']);
    const e = exp === null ? null : vm.EXPERIMENTS[exp];
    const mc = await machineChoice(e === null ? opts : { cpus: e.defaults.cpus, ...opts }, 'x86_64');
    const arch = experimentArch(mc.arch, e, vm.withExperiment);
    const threads = parseList(
      opts.threads === undefined
        ? (e?.defaults.threads ?? [1, 2, 4, 8]).filter((n) => n <= mc.cpus).join(',')
        : String(opts.threads),
      '--threads',
      (s) => parseIntIn(s, '--threads', 1),
    );
    for (const n of threads) {
      if (n > mc.cpus) throw badValue('--threads', n, `at most --cpus (${mc.cpus}): one thread per CPU`);
    }
    const impls = parseList(String(opts.impl ?? (e?.defaults.impl ?? DESIGN_NAMES).join(',')), '--impl', (s) =>
      parseChoice(s, '--impl', DESIGN_CHOICES),
    );
    const apis = parseList(String(opts.api ?? 'vmap'), '--api', (s) => parseChoice(s, '--api', APIS));
    const pages =
      opts.pages === undefined ? (e?.defaults.pages ?? 4) : parseIntIn(String(opts.pages), '--pages', 1, 1 << 20);
    const iterations =
      opts.iterations === undefined
        ? (e?.defaults.iterations ?? 50_000)
        : parseIntIn(String(opts.iterations), '--iterations', 1, 1e9);
    const touchBytes =
      opts.touchBytes === undefined
        ? vm.BENCH.touchBytesPerPage
        : parseIntIn(String(opts.touchBytes), '--touch-bytes', 0, mc.arch.pageBytes);
    const nrCpus =
      opts.nrCpus === undefined ? undefined : parseIntIn(String(opts.nrCpus), '--nr-cpus', mc.cpus, 1 << 16);
    const sampling = samplingOptions(opts);
    const { Machine } = await import('@kmemsim/mmu');
    // Each alias that names an API (percpu = 2.6.28 through vm_map_ram) runs once with it; others once per --api.
    const combos = impls.flatMap((impl) =>
      ALIAS_API[impl] ? [{ impl, api: ALIAS_API[impl] }] : apis.map((api) => ({ impl, api })),
    );
    const runs: Run[] = [];
    const total = combos.length * threads.length;
    let i = 0;
    for (const { impl, api } of combos) {
      for (const t of threads) {
        ctx.progress(i++, total, `vmap-bench --impl ${impl} --api ${api} --threads ${t}`);
        let machine: InstanceType<typeof Machine>;
        try {
          machine = new Machine({ arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed });
        } catch (err) {
          throw new UsageError(`--cpus ${mc.cpus}: ${(err as Error).message}`);
        }
        const r = vm.runVmapBench({
          machine,
          impl,
          api,
          threads: t,
          pages,
          iterations,
          nrCpus,
          touchBytesPerPage: touchBytes,
          sampling,
        });
        runs.push(r.run);
      }
    }
    ctx.progress(total, total, 'done');
    const { sources: _m, ...mechanism } = vm.MECHANISM;
    return {
      schema: 'kmemsim/result@1',
      command: 'vmap-bench',
      arch: arch.name,
      virt: mc.virt,
      cpus: mc.cpus,
      seed: mc.seed,
      params: {
        experiment: exp ?? 'none',
        pages,
        iterations,
        touch_bytes_per_page: touchBytes,
        nr_cpus: nrCpus ?? Math.max(vm.MECHANISM.nrCpusDefault, mc.cpus),
        ...samplingParams(sampling),
        clock_hz: arch.clockHz,
        page_bytes: arch.pageBytes,
        global_flush: arch.tlb.globalFlush,
        global_flush_per_cpu_cycles: arch.costs.globalFlushPerCpuCycles,
        mechanism,
        sources: {
          ...vm.MECHANISM.sources,
          ...vm.BENCH.sources,
          globalFlushPerCpuCycles: arch.sources['costs.globalFlushPerCpuCycles'],
        },
      },
      runs,
    };
  },
  renderTable(doc: ResultDocument): string {
    return renderVmapBench(doc);
  },
};

export function renderVmapBench(doc: ResultDocument): string {
  const label = (r: Run) => (r.variant.api === 'vmap' ? String(r.variant.impl) : `${r.variant.impl} ${r.variant.api}`);
  const impls = [...new Set(doc.runs.map(label))];
  const threads = [...new Set(doc.runs.map((r) => Number(r.variant.threads)))];
  const find = (impl: string, t: number) => doc.runs.find((r) => label(r) === impl && r.variant.threads === t);
  const out = [
    docHeader(doc),
    `${doc.params.pages} pages per op, ${Number(doc.params.iterations).toLocaleString('en-US')} iterations per thread` +
      (doc.params.experiment !== 'none' ? `, --experiment ${doc.params.experiment}` : ''),
    '',
    'ns per map+touch+unmap:',
    table(
      ['threads', ...impls],
      threads.map((t) => [t, ...impls.map((impl) => find(impl, t)?.metrics.ns_per_op ?? '')]),
    ),
    '',
    table(
      [
        'impl',
        'threads',
        'loops in detail',
        'bound',
        'global flushes',
        'IPIs',
        'purges',
        'contended',
        'stale',
        'top symbols (% of cycles)',
      ],
      doc.runs.map((r) => [
        label(r),
        Number(r.variant.threads),
        ...samplingCells(r),
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
    samplingLine(doc.runs),
  ];
  return out.join('\n');
}
