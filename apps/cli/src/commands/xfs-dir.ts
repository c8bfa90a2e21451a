// `kmemsim xfs-dir`: seed 002's large-directory XFS workload — one thread per CPU doing directory operations whose
// multi-page directory buffers are mapped and unmapped through the vmap layer of each design (2.6.27's XFS:
// vmap + batched vunmap; later: vm_map_ram). Defaults are the 64-CPU SGI Altix (ia64 sn2) of the posting.
import type { ResultDocument, Run } from '@kmemsim/core';
import { DESIGN_CHOICES, DESIGN_NAMES, DESIGNS } from '@kmemsim/vmalloc/designs';
import type { Command } from 'commander';
import { type CommandModule, machineChoice, type RawOptions } from '../framework/command.js';
import { badValue, UsageError } from '../framework/errors.js';
import { parseChoice, parseIntIn, parseList, parseSizeOpt } from '../framework/parse.js';
import { docHeader, table } from '../framework/table.js';
import { samplingCells, samplingLine, samplingOptions, samplingParams } from './vmalloc-common.js';

const ALIASES = DESIGNS.flatMap((d) => d.aliases.map((a) => `${a}=${d.name}`));

export const xfsDirCommand: CommandModule = {
  name: 'xfs-dir',
  summary: 'large-directory XFS operations mapping multi-page directory buffers, per vmap design (seed 002, sn2)',
  defaultArch: 'ia64-sn2',
  examples: [
    'kmemsim xfs-dir --threads 1,16,64 --impl 2.6.27,2.6.28',
    'kmemsim xfs-dir --arch x86_64 --cpus 8 --threads 1,8 --impl 2.6.27,2.6.28,5.2 --dir-block 16KiB',
    'kmemsim xfs-dir --impl 2.6.28 --api vmap,vm_map_ram --threads 64 --format json',
  ],
  options(cmd: Command) {
    cmd.option('--threads <list>', 'thread counts, one per CPU, each in its own directory (default: 1 and --cpus)');
    cmd.option('--impl <list>', `designs: ${DESIGN_NAMES.join(', ')} (aliases: ${ALIASES.join(', ')}; default: all)`);
    cmd.option(
      '--api <list>',
      "how XFS maps buffers: vmap or vm_map_ram (default: the era's — 2.6.27 vmap with XFS's batched vunmap, later vm_map_ram)",
    );
    cmd.option('--ops <n>', 'directory operations per thread, up to 10^9 (default: 20000)');
    cmd.option('--dir-block <size>', 'directory block size, up to 64KiB (default: 64KiB)');
    cmd.option('--buffers-per-op <n>', 'directory blocks read per operation (default: 4)');
    cmd.option('--nr-cpus <n>', "the kernel's CONFIG_NR_CPUS (default: 1024 on ia64-sn2, else max(8, --cpus))");
    cmd.option('--exact', 'simulate every operation (default: extrapolate operations in steady state)');
    cmd.option('--max-error <pct>', "target 95 % half-width of each thread's cycles per operation (default: 1)");
  },
  async execute(opts: RawOptions, ctx): Promise<ResultDocument> {
    const mc = await machineChoice(opts, 'ia64-sn2');
    const threads = parseList(
      opts.threads === undefined ? [...new Set([1, mc.cpus])].join(',') : String(opts.threads),
      '--threads',
      (s) => parseIntIn(s, '--threads', 1),
    );
    for (const n of threads) {
      if (n > mc.cpus) throw badValue('--threads', n, `at most --cpus (${mc.cpus}): one thread per CPU`);
    }
    const impls = parseList(String(opts.impl ?? DESIGN_NAMES.join(',')), '--impl', (s) =>
      parseChoice(s, '--impl', DESIGN_CHOICES),
    );
    const apis =
      opts.api === undefined
        ? [undefined]
        : parseList(String(opts.api), '--api', (s) => parseChoice(s, '--api', ['vmap', 'vm_map_ram'] as const));
    const ops = opts.ops === undefined ? 20_000 : parseIntIn(String(opts.ops), '--ops', 1, 1e9);
    const vm = await import('@kmemsim/vmalloc');
    const dirBlock =
      opts.dirBlock === undefined ? vm.XFS.dirBlockBytes : parseSizeOpt(String(opts.dirBlock), '--dir-block', 512);
    if (dirBlock > 65_536 || (dirBlock & (dirBlock - 1)) !== 0) {
      throw badValue('--dir-block', opts.dirBlock, 'a power of two from 512B to 64KiB (XFS_MAX_BLOCKSIZE)');
    }
    const perOp =
      opts.buffersPerOp === undefined
        ? vm.XFS.buffersPerOp
        : parseIntIn(String(opts.buffersPerOp), '--buffers-per-op', 1, 64);
    const nrCpus =
      opts.nrCpus === undefined
        ? mc.arch.name === 'ia64-sn2'
          ? Math.max(vm.XFS.nrCpusSn2, mc.cpus)
          : Math.max(vm.MECHANISM.nrCpusDefault, mc.cpus)
        : parseIntIn(String(opts.nrCpus), '--nr-cpus', mc.cpus, 1 << 16);
    const sampling = samplingOptions(opts);
    const { Machine } = await import('@kmemsim/mmu');
    const runs: Run[] = [];
    const total = impls.length * apis.length * threads.length;
    let i = 0;
    for (const impl of impls) {
      for (const api of apis) {
        for (const t of threads) {
          ctx.progress(i++, total, `xfs-dir --impl ${impl} --threads ${t}`);
          let machine: InstanceType<typeof Machine>;
          try {
            machine = new Machine({ arch: mc.arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed });
          } catch (err) {
            throw new UsageError(`--cpus ${mc.cpus}: ${(err as Error).message}`);
          }
          const r = vm.runXfsDir({
            machine,
            impl,
            api,
            threads: t,
            ops,
            nrCpus,
            dirBlockBytes: dirBlock,
            buffersPerOp: perOp,
            sampling,
          });
          runs.push(r.run);
        }
      }
    }
    ctx.progress(total, total, 'done');
    return {
      schema: 'kmemsim/result@1',
      command: 'xfs-dir',
      arch: mc.arch.name,
      virt: mc.virt,
      cpus: mc.cpus,
      seed: mc.seed,
      params: {
        ops,
        dir_block_bytes: dirBlock,
        pages_per_buffer: Math.max(1, Math.ceil(dirBlock / mc.arch.pageBytes)),
        buffers_per_op: perOp,
        nr_cpus: nrCpus,
        ...samplingParams(sampling),
        clock_hz: mc.arch.clockHz,
        sources: { ...vm.XFS.sources, ...vm.MECHANISM.sources },
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
          r.metrics.tlb_flush_global,
          r.metrics.ipi,
          r.profile
            .slice(0, 3)
            .map((p) => `${p.symbol} ${p.percent}`)
            .join(', '),
        ]),
      ),
      samplingLine(doc.runs),
    ].join('\n');
  },
};
