// `kmemsim xfs-dir`: seed 002's large-directory XFS workload — one thread per CPU doing directory operations whose
// multi-page directory buffers are mapped and unmapped through the vmap layer of each design (2.6.27's XFS:
// vmap + batched vunmap; later: vm_map_ram). Defaults are the 64-CPU SGI Altix (ia64 sn2) of the posting.
import type { ResultDocument, Run } from '@kmemsim/core';
import { DESIGN_CHOICES, DESIGN_NAMES, MAP_APIS, XFS } from '@kmemsim/vmalloc';
import { defineCommand } from '../framework/define.js';
import { badValue } from '../framework/errors.js';
import { MAX_CPUS, machineOptions, resolveMachine } from '../framework/machine.js';
import { choice, int, size } from '../framework/options.js';
import { docHeader, table } from '../framework/table.js';
import { tickParams } from '../framework/tick.js';
import {
  eraPhases,
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

export const xfsDirCommand = defineCommand({
  kind: 'result',
  name: 'xfs-dir',
  summary: 'large-directory XFS operations mapping multi-page directory buffers, per vmap design (seed 002, sn2)',
  trace: true,
  sweepable: true,
  examples: [
    'kmemsim xfs-dir --threads 1,16,64 --impl 2.6.27,2.6.28',
    'kmemsim xfs-dir --arch x86_64 --cpus 8 --threads 1,8 --impl 2.6.27,2.6.28,5.2 --dir-block 16KiB',
    'kmemsim xfs-dir --impl 2.6.28 --api vmap,vm_map_ram --threads 64 --format json',
  ],
  options: {
    ...machineOptions('ia64-sn2'),
    threads: int({
      description: 'thread counts, one per CPU (at most --cpus), each in its own directory',
      list: true,
      min: 1,
      max: MAX_CPUS,
      defaultText: '1 and --cpus',
    }),
    impl: choice(DESIGN_CHOICES, {
      description: `vmap designs (${DESIGN_NAMES.join(', ')}) or their aliases`,
      list: true,
      default: DESIGN_NAMES,
    }),
    api: choice(MAP_APIS, {
      description: 'how XFS maps its buffers',
      list: true,
      defaultText: "the era's: 2.6.27 vmap with XFS's batched vunmap, later vm_map_ram",
    }),
    ops: int({ description: 'directory operations per thread', min: 1, max: 1_000_000_000, default: 20_000 }),
    dirBlock: size({
      description: 'directory block size, a power of two (XFS_MAX_BLOCKSIZE 64KiB)',
      min: 512,
      max: 65_536,
      default: XFS.dirBlockBytes,
    }),
    buffersPerOp: int({
      description: 'directory blocks read per operation',
      min: 1,
      max: 64,
      default: XFS.buffersPerOp,
    }),
    nrCpus: int({
      description: "the kernel's CONFIG_NR_CPUS (at least --cpus)",
      min: 1,
      max: 1 << 16,
      defaultText: '1024 on ia64-sn2 (sn2_defconfig), else max(8, --cpus)',
    }),
    ...samplingSchema,
    ...sensitivitySchema('xfs-dir', 'directory operations'),
  },
  async run(o, ctx): Promise<ResultDocument> {
    const mc = await resolveMachine(o, true);
    const threads = o.threads ?? [...new Set([1, mc.cpus])];
    for (const n of threads) {
      if (n > mc.cpus) throw badValue('--threads', n, `at most --cpus (${mc.cpus}): one thread per CPU`);
    }
    if ((o.dirBlock & (o.dirBlock - 1)) !== 0) throw badValue('--dir-block', o.dirBlock, 'a power of two');
    if (o.nrCpus !== undefined && o.nrCpus < mc.cpus)
      throw badValue('--nr-cpus', o.nrCpus, `at least --cpus (${mc.cpus})`);
    const vm = await import('@kmemsim/vmalloc');
    const nrCpus =
      o.nrCpus ??
      (mc.arch.name === 'ia64-sn2'
        ? Math.max(vm.XFS.nrCpusSn2, mc.cpus)
        : Math.max(vm.MECHANISM.nrCpusDefault, mc.cpus));
    const apis = o.api ?? [undefined];
    const sampling = samplingOptions(o);
    const runs: Run[] = [];
    const total = o.impl.length * apis.length * threads.length;
    const machineOn = await machineFactory(mc);
    let i = 0;
    for (const impl of o.impl) {
      for (const api of apis) {
        for (const t of threads) {
          ctx.progress(i++, total, `xfs-dir --impl ${impl} --threads ${t}`);
          const machine = machineOn(mc.arch, impl);
          const r = runDesign(
            `--arch ${mc.arch.name} --cpus ${mc.cpus} --impl ${impl} --threads ${t} --dir-block ${o.dirBlock}`,
            () =>
              vm.runXfsDir({
                machine,
                impl,
                api,
                threads: t,
                ops: o.ops,
                nrCpus,
                dirBlockBytes: o.dirBlock,
                buffersPerOp: o.buffersPerOp,
                sampling,
              }),
          );
          runs.push(r.run);
        }
      }
    }
    const plan = sensitivityPlan('xfs-dir', o.sensitivity, o.impl.length * apis.length, runs);
    const given = [
      ...(o.dirBlock === vm.XFS.dirBlockBytes ? [] : ['dirBlockBytes']),
      ...(o.buffersPerOp === vm.XFS.buffersPerOp ? [] : ['buffersPerOp']),
      ...(o.nrCpus === undefined ? [] : ['nrCpus']),
    ];
    const sens = plan.run
      ? vm.xfsDirSensitivity({
          machine: machineOn,
          base: { arch: mc.arch, params: {}, nrCpus, dirBlockBytes: o.dirBlock, buffersPerOp: o.buffersPerOp },
          virt: mc.virt,
          cpus: mc.cpus,
          given: new Set(given),
          sampling,
          nominal: vm.xfsDirFigures(runs),
          runs: o.impl.flatMap((impl) => apis.flatMap((api) => threads.map((t) => ({ impl, api, threads: t })))),
          ops: o.ops,
          onKnob: (k, n, knob) => ctx.progress(k, n, `sensitivity ${knob.parameter}`),
        })
      : undefined;
    ctx.progress(total, total, 'done');
    warnTickSampling(mc.tick, runs, ctx);
    return {
      schema: 'kmemsim/result@1',
      command: 'xfs-dir',
      arch: mc.arch.name,
      virt: mc.virt,
      cpus: mc.cpus,
      seed: mc.seed,
      params: {
        ops: o.ops,
        dir_block_bytes: o.dirBlock,
        pages_per_buffer: Math.max(1, Math.ceil(o.dirBlock / mc.arch.pageBytes)),
        buffers_per_op: o.buffersPerOp,
        nr_cpus: nrCpus,
        ...samplingParams(sampling),
        clock_hz: mc.arch.clockHz,
        ...tickParams(mc.tick, await eraPhases(mc.tick, o.impl)),
        sources: { ...vm.XFS.sources, ...vm.MECHANISM.sources },
        ...sensitivityParams(sens, plan.skipped),
      },
      runs,
    };
  },
  renderTable(doc: ResultDocument): string {
    const label = (r: Run) => `${r.variant.impl} ${r.variant.api}`;
    const impls = [...new Set(doc.runs.map(label))];
    const threads = [...new Set(doc.runs.map((r) => Number(r.variant.threads)))];
    const find = (impl: string, t: number) => doc.runs.find((r) => label(r) === impl && r.variant.threads === t);
    return [
      docHeader(doc),
      `${doc.params.buffers_per_op} directory blocks of ${doc.params.pages_per_buffer} pages mapped per operation, ` +
        `${Number(doc.params.ops).toLocaleString('en-US')} operations per thread`,
      '',
      'directory operations per second (all threads):',
      table(
        ['threads', ...impls],
        threads.map((t) => [t, ...impls.map((impl) => find(impl, t)?.metrics.ops_per_s ?? '')]),
      ),
      '',
      table(
        ['impl', 'threads', 'µs per op', 'loops in detail', 'bound', 'global flushes', 'IPIs', 'top symbols (%)'],
        doc.runs.map((r) => [
          label(r),
          Number(r.variant.threads),
          r.metrics.us_per_op,
          ...samplingCells(r),
          flushCell(r),
          r.metrics.ipi,
          r.profile
            .slice(0, 3)
            .map((p) => `${p.symbol} ${p.percent}`)
            .join(', '),
        ]),
      ),
      samplingLine(doc.runs),
      ...sensitivityLines(doc),
    ].join('\n');
  },
});
