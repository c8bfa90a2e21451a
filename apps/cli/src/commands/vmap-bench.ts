// `kmemsim vmap-bench`: T threads on T CPUs each map N pages, touch them and unmap, per vmap design (seed 002):
// nanoseconds per map+touch+unmap in a threads × impl table, then each run's flush counts and top symbols.
// The design names come from @kmemsim/vmalloc's registry; long runs are sampled unless --exact on.
import type { ResultDocument, Run } from '@kmemsim/core';
import { ALIAS_API, BENCH, DESIGN_CHOICES, DESIGN_NAMES, EXPERIMENTS, MAP_APIS } from '@kmemsim/vmalloc';
import { defineCommand } from '../framework/define.js';
import { badValue } from '../framework/errors.js';
import { limit } from '../framework/limits.js';
import { MAX_CPUS, machineOptions, resolveMachine } from '../framework/machine.js';
import { choice, int } from '../framework/options.js';
import { docHeader, table } from '../framework/table.js';
import { tickParams } from '../framework/tick.js';
import {
  eraPhases,
  experimentArch,
  flushCell,
  machineFactory,
  runDesign,
  samplingCells,
  samplingLine,
  samplingOptions,
  samplingParams,
  samplingSchema,
  warnTickSampling,
} from './vmalloc-common.js';
import { sensitivityLines, sensitivityParams, sensitivityPlan, sensitivitySchema } from './vmalloc-sensitivity.js';

/** A map+touch+unmap costs 1.5–3 µs of wall time simulated in detail: 2^26 of them (threads × iterations) in an
 * --exact run is about 2–3 minutes (without --exact, loops in steady state are extrapolated). */
export const MAX_EXACT_OPS = 2 ** 26;
/** Pages mapped at once (threads × pages) hold per-page state: 2^20 stays well under 2 GiB. */
export const MAX_MAPPED_PAGES = 2 ** 20;
/** Loops per thread: 10^9 (the kernel's loops are counted in unsigned ints; sampling makes them affordable). */
export const MAX_ITERATIONS = 1_000_000_000;

export const vmapBenchCommand = defineCommand({
  kind: 'result',
  name: 'vmap-bench',
  summary: 'map + touch + unmap N pages in a loop on T CPUs, per vmap design: ns per op (seed 002)',
  trace: true,
  sweepable: true,
  examples: [
    'kmemsim vmap-bench --experiment seed002 --threads 1,2,4,8',
    'kmemsim vmap-bench --cpus 8 --threads 1,8 --impl 2.6.27,2.6.28,5.2,6.9 --api vmap,vm_map_ram',
    'kmemsim vmap-bench --arch ia64-sn2 --cpus 64 --threads 1,64 --impl legacy,percpu --format json',
  ],
  options: {
    ...machineOptions('x86_64'),
    threads: int({
      description: 'thread counts, one thread per CPU (at most --cpus)',
      list: true,
      min: 1,
      max: MAX_CPUS,
      defaultText: "1,2,4,8 capped at --cpus (the experiment's with --experiment)",
    }),
    impl: choice(DESIGN_CHOICES, {
      description: `vmap designs (${DESIGN_NAMES.join(', ')}) or their aliases; percpu = 2.6.28 through vm_map_ram`,
      list: true,
      defaultText: "every design (the experiment's with --experiment)",
    }),
    api: choice(MAP_APIS, { description: 'vmap/vunmap or vm_map_ram/vm_unmap_ram', list: true, default: ['vmap'] }),
    pages: int({
      description: 'pages mapped per op (threads × pages at most 1,048,576)',
      min: 1,
      max: 1 << 20,
      default: 4,
    }),
    iterations: int({
      description: 'map+touch+unmap loops per thread (with --exact, threads × iterations at most 67,108,864)',
      min: 1,
      max: MAX_ITERATIONS,
      default: 50_000,
    }),
    touchBytes: int({
      description: 'bytes the loop writes to each mapped page',
      min: 0,
      max: 1 << 20,
      default: BENCH.touchBytesPerPage,
    }),
    nrCpus: int({
      description: "the kernel's CONFIG_NR_CPUS, which sizes vmap blocks (at least --cpus)",
      min: 1,
      max: 1 << 16,
      defaultText: 'max(8, --cpus)',
    }),
    experiment: choice(Object.keys(EXPERIMENTS) as (keyof typeof EXPERIMENTS)[], {
      description: 'apply an experiment profile (its fitted value, its configuration as defaults)',
    }),
    ...samplingSchema,
    ...sensitivitySchema('vmap-bench', 'loops'),
  },
  async run(o, ctx): Promise<ResultDocument> {
    const vm = await import('@kmemsim/vmalloc');
    const e = o.experiment === undefined ? undefined : vm.EXPERIMENTS[o.experiment];
    const mc = await resolveMachine({ ...o, arch: o.arch, cpus: o.cpus ?? e?.defaults.cpus }, true);
    const arch = experimentArch(mc.arch, e, vm.withExperiment);
    const threads = o.threads ?? (e?.defaults.threads ?? [1, 2, 4, 8]).filter((n) => n <= mc.cpus);
    for (const n of threads) {
      if (n > mc.cpus) throw badValue('--threads', n, `at most --cpus (${mc.cpus}): one thread per CPU`);
    }
    if (o.touchBytes > arch.pageBytes)
      throw badValue('--touch-bytes', o.touchBytes, `at most a page (${arch.pageBytes})`);
    if (o.nrCpus !== undefined && o.nrCpus < mc.cpus)
      throw badValue('--nr-cpus', o.nrCpus, `at least --cpus (${mc.cpus})`);
    const impls = o.impl ?? e?.defaults.impl ?? DESIGN_NAMES;
    const sampling = samplingOptions(o);
    const most = Math.max(...threads);
    if (o.exact) {
      limit(
        '--threads × --iterations with --exact',
        most * o.iterations,
        MAX_EXACT_OPS,
        'map+touch+unmap ops an exact run may simulate (minutes of wall time)',
      );
    }
    limit('--threads × --pages', most * o.pages, MAX_MAPPED_PAGES, 'pages a run may map at once (memory)');
    // An alias that names an API (percpu = 2.6.28 through vm_map_ram) runs once with it; the others once per --api.
    const combos = impls.flatMap((impl) => {
      const forced = ALIAS_API[impl];
      return forced !== undefined ? [{ impl, api: forced }] : o.api.map((api) => ({ impl, api }));
    });
    const runs: Run[] = [];
    const total = combos.length * threads.length;
    const machineOn = await machineFactory(mc);
    let i = 0;
    for (const { impl, api } of combos) {
      for (const t of threads) {
        ctx.progress(i++, total, `vmap-bench --impl ${impl} --api ${api} --threads ${t}`);
        const machine = machineOn(arch, impl);
        const r = runDesign(
          `--arch ${arch.name} --cpus ${mc.cpus} --impl ${impl} --threads ${t} --pages ${o.pages}`,
          () =>
            vm.runVmapBench({
              machine,
              impl,
              api,
              threads: t,
              pages: o.pages,
              iterations: o.iterations,
              nrCpus: o.nrCpus,
              touchBytesPerPage: o.touchBytes,
              sampling,
            }),
        );
        runs.push(r.run);
      }
    }
    const plan = sensitivityPlan('vmap-bench', o.sensitivity, combos.length, runs);
    const sens = plan.run
      ? vm.vmapBenchSensitivity({
          machine: machineOn,
          base: { arch, params: {}, touchBytesPerPage: o.touchBytes, nrCpus: o.nrCpus },
          virt: mc.virt,
          cpus: mc.cpus,
          given: new Set(o.touchBytes === vm.BENCH.touchBytesPerPage ? [] : ['touchBytesPerPage']),
          sampling,
          nominal: vm.vmapBenchFigures(runs),
          runs: combos.flatMap(({ impl, api }) => threads.map((t) => ({ impl, api, threads: t }))),
          pages: o.pages,
          iterations: o.iterations,
          onKnob: (k, n, knob) => ctx.progress(k, n, `sensitivity ${knob.parameter}`),
        })
      : undefined;
    ctx.progress(total, total, 'done');
    warnTickSampling(mc.tick, runs, ctx);
    const { sources: _m, ...mechanism } = vm.MECHANISM;
    return {
      schema: 'kmemsim/result@1',
      command: 'vmap-bench',
      arch: arch.name,
      virt: mc.virt,
      cpus: mc.cpus,
      seed: mc.seed,
      params: {
        experiment: o.experiment ?? 'none',
        pages: o.pages,
        iterations: o.iterations,
        touch_bytes_per_page: o.touchBytes,
        nr_cpus: o.nrCpus ?? Math.max(vm.MECHANISM.nrCpusDefault, mc.cpus),
        ...samplingParams(sampling),
        clock_hz: arch.clockHz,
        ...tickParams(mc.tick, await eraPhases(mc.tick, impls)),
        page_bytes: arch.pageBytes,
        global_flush: arch.tlb.globalFlush,
        global_flush_per_cpu_cycles: arch.costs.globalFlushPerCpuCycles,
        mechanism,
        sources: {
          ...vm.MECHANISM.sources,
          ...vm.BENCH.sources,
          globalFlushPerCpuCycles: arch.sources['costs.globalFlushPerCpuCycles'],
        },
        ...sensitivityParams(sens, plan.skipped),
      },
      runs,
    };
  },
  renderTable(doc: ResultDocument): string {
    return renderVmapBench(doc);
  },
});

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
        flushCell(r),
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
    ...sensitivityLines(doc),
  ];
  return out.join('\n');
}
