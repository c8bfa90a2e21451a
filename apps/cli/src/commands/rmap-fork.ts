// `kmemsim rmap-fork`: the reverse-mapping designs of 2.4–2.6 under a workload — fork + exit of a process with N
// mapped pages (seed 003), the fork-heavy script mix, a reclaim scan — once per design: time per fork and exit,
// bottom-line overhead against `none` in the same invocation, rmap memory per mapped PTE, the sys-time breakdown
// by kernel symbol. `--experiment seed003` runs the seed's configuration with its one fitted parameter.
import type { ResultDocument, Run } from '@kmemsim/core';
import type { Command } from 'commander';
import { type CommandModule, machineChoice, type RawOptions } from '../framework/command.js';
import { badValue, UsageError } from '../framework/errors.js';
import { parseChoice, parseIntIn, parseList, parseOnOff } from '../framework/parse.js';
import { renderRmapTable } from './rmap-render.js';

const RMAPS = ['none', 'pte_chain', 'multi', 'objrmap'] as const;
const WORKLOADS = ['fork-exit', 'script', 'reclaim'] as const;
const LOCKS = ['bit', 'hashed', 'hashed-akpm'] as const;
const ALLOCS = ['freelist', 'slab', 'percpu'] as const;
const KERNELS = ['2.4', '2.5'] as const;
const EXPERIMENTS = ['seed003'] as const;
/** Machines with cache geometry, which the rmap model needs. */
const CACHE_ARCHES = 'i386-piii, i386-tualatin, i386-p4, i386-xeonmp, i386-numaq, or a plugin with a cache section';

type Variant = {
  rmap: (typeof RMAPS)[number];
  direct: boolean;
  lock: (typeof LOCKS)[number];
  batch: boolean;
  alloc: (typeof ALLOCS)[number];
};

const onOffList = (raw: unknown, flag: string) => parseList(String(raw ?? 'off'), flag, (s) => parseOnOff(s, flag));

export const rmapForkCommand: CommandModule = {
  name: 'rmap-fork',
  summary: 'fork + exit (or a reclaim scan) under each reverse-mapping design: µs, overhead vs none (seed 003)',
  defaultArch: 'i386-piii',
  examples: [
    'kmemsim rmap-fork --experiment seed003 --rmap none,pte_chain --lock bit,hashed',
    'kmemsim rmap-fork --arch i386-piii --cpus 2 --rmap none,pte_chain,multi,objrmap --pages 16384',
    'kmemsim rmap-fork --arch i386-p4 --rmap none,pte_chain,multi --direct off,on --alloc slab,percpu',
    'kmemsim rmap-fork --rmap none,pte_chain,objrmap --workload reclaim --children 8 --reclaim-pages 4096',
    'kmemsim rmap-fork --arch i386-piii --pae on --highpte on --rmap none,multi',
  ],
  options(cmd: Command) {
    cmd.option('--rmap <list>', `designs: ${RMAPS.join(', ')} (default: all)`);
    cmd.option('--direct <list>', 'PageDirect for singly mapped pages (pte_chain, multi): on, off (default: off)');
    cmd.option(
      '--lock <list>',
      'pte_chain_lock bit spinlock, hashed lock_rmap of Phillips (2.4 rmap13b) or of akpm (2.5.31): ' +
        `${LOCKS.join(', ')} (default: bit)`,
    );
    cmd.option('--batch <list>', "Phillips' batched pte_chain allocation in copy_page_range: on, off (default: off)");
    cmd.option(
      '--alloc <list>',
      'pte_chain allocation era: freelist (2.4 rmap, 2.5.27), slab (2.5.30–2.5.54), percpu (2.5.55+) (default: slab)',
    );
    cmd.option('--kernel <era>', 'struct page layout of the kernel: 2.4 (rmap patches), 2.5 (default: 2.5)');
    cmd.option('--experiment <name>', `a seed experiment's configuration and fitted value: ${EXPERIMENTS.join(', ')}`);
    cmd.option('--workload <name>', `${WORKLOADS.join(', ')} (default: fork-exit, the seed 003 test)`);
    cmd.option('--pages <n>', 'mapped pages of the forking process (default: 16384; script: 400)');
    cmd.option('--children <n>', 'children forked per round, alive together (default: 1; reclaim: 4)');
    cmd.option('--rounds <n>', 'fork rounds; the parent waits for its children after each (default: 4; script: 200)');
    cmd.option('--anon-pct <n>', 'percent of the pages private anonymous, the rest a shared file (default: 50)');
    cmd.option('--background <n>', 'other processes mapping the same file pages (default: 0; script: 16)');
    cmd.option('--reclaim-pages <n>', 'reclaim: pages put through page_referenced + try_to_unmap (default: 1024)');
    cmd.option('--pae <on|off>', 'i386 PAE: 8-byte PTEs, 512 per page-table page (default: off)');
    cmd.option('--highpte <on|off>', 'i386 page tables in highmem: kmap_atomic per PTE-page visit (default: off)');
  },
  async execute(opts: RawOptions, ctx): Promise<ResultDocument> {
    const rm = await import('@kmemsim/rmap');
    const experiment =
      opts.experiment === undefined
        ? null
        : rm.EXPERIMENTS[parseChoice(String(opts.experiment), '--experiment', EXPERIMENTS)];
    const mc = await machineChoice(
      experiment && opts.arch === undefined
        ? { ...opts, arch: experiment.arch, cpus: opts.cpus ?? experiment.cpus }
        : opts,
      'i386-piii',
    );
    if (!mc.arch.cache) throw badValue('--arch', mc.arch.name, `an arch with cache geometry (${CACHE_ARCHES})`);
    const d = experiment?.defaults;
    const rmaps = parseList(String(opts.rmap ?? RMAPS.join(',')), '--rmap', (s) => parseChoice(s, '--rmap', RMAPS));
    const directs = onOffList(opts.direct, '--direct');
    const locks = parseList(String(opts.lock ?? 'bit'), '--lock', (s) => parseChoice(s, '--lock', LOCKS));
    const batches = onOffList(opts.batch, '--batch');
    const allocs = parseList(String(opts.alloc ?? d?.alloc ?? 'slab'), '--alloc', (s) =>
      parseChoice(s, '--alloc', ALLOCS),
    );
    const kernel = parseChoice(String(opts.kernel ?? d?.kernel ?? '2.5'), '--kernel', KERNELS);
    const workload = parseChoice(String(opts.workload ?? d?.workload ?? 'fork-exit'), '--workload', WORKLOADS);
    const preset = workload === d?.workload ? { ...rm.PRESETS[workload], ...d } : rm.PRESETS[workload];
    const int = (v: unknown, flag: string, def: number, min: number, max: number) =>
      v === undefined ? def : parseIntIn(String(v), flag, min, max);
    const pages = int(opts.pages, '--pages', preset.pages, 1, 1 << 22);
    const children = int(opts.children, '--children', preset.children, 1, 256);
    const rounds = int(opts.rounds, '--rounds', preset.rounds, 1, 100_000);
    const anonPct = int(opts.anonPct, '--anon-pct', preset.anonPct, 0, 100);
    const background = int(opts.background, '--background', rm.PRESETS[workload].background, 0, 1024);
    const reclaimPages = int(opts.reclaimPages, '--reclaim-pages', 1024, 1, 1 << 22);
    if (opts.reclaimPages !== undefined && workload !== 'reclaim') {
      throw badValue('--reclaim-pages', String(opts.reclaimPages), 'only with --workload reclaim');
    }
    const hasPae = (mc.arch.highmem?.pkmapEntriesPae ?? 0) > 0;
    const pae = opts.pae === undefined ? false : parseOnOff(String(opts.pae), '--pae');
    if (pae && !hasPae) throw badValue('--pae', 'on', `off (arch ${mc.arch.name} has no PAE mode)`);
    const highpte = opts.highpte === undefined ? false : parseOnOff(String(opts.highpte), '--highpte');
    if (highpte && !mc.arch.highmem) throw badValue('--highpte', 'on', `off (arch ${mc.arch.name} has no highmem)`);
    const loopCyclesPerPage = experiment?.fitted.loopCyclesPerPage ?? 0;

    const variants: Variant[] = [];
    for (const rmap of rmaps) {
      if (rmap === 'none' || rmap === 'objrmap')
        variants.push({ rmap, direct: false, lock: 'bit', batch: false, alloc: allocs[0] as Variant['alloc'] });
      else
        for (const direct of directs)
          for (const lock of locks)
            for (const batch of batches)
              for (const alloc of allocs) variants.push({ rmap, direct, lock, batch, alloc });
    }
    const { Machine } = await import('@kmemsim/mmu');
    const runOne = (variant: Variant) => {
      let machine: InstanceType<typeof Machine>;
      try {
        machine = new Machine({ arch: mc.arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed, pae });
      } catch (err) {
        throw new UsageError(`--arch ${mc.arch.name}: ${(err as Error).message}`);
      }
      return rm.runRmapFork({
        machine,
        variant,
        workload,
        kernel,
        pages,
        children,
        rounds,
        anonPct,
        background,
        reclaimPages,
        highpte,
        loopCyclesPerPage,
      });
    };
    const baselineInList = rmaps.includes('none');
    const results = variants.map((v, i) => {
      ctx.progress(i, variants.length, `rmap-fork --rmap ${v.rmap}`);
      return runOne(v);
    });
    const noneIdx = variants.findIndex((v) => v.rmap === 'none');
    const base =
      noneIdx >= 0
        ? results[noneIdx]
        : runOne({ rmap: 'none', direct: false, lock: 'bit', batch: false, alloc: 'slab' });
    ctx.progress(variants.length, variants.length, 'done');
    const baseUs = workload === 'reclaim' ? base.reclaim_us : base.real_us;
    const runs: Run[] = results.map((r) => {
      const us = workload === 'reclaim' ? r.reclaim_us : r.real_us;
      return { ...r.run, metrics: { ...r.run.metrics, overhead_pct: rm.overheadPct(us, baseUs) } };
    });
    const { sources, ...costs } = rm.COSTS;
    return {
      schema: 'kmemsim/result@1',
      command: 'rmap-fork',
      arch: mc.arch.name,
      virt: mc.virt,
      cpus: mc.cpus,
      seed: mc.seed,
      params: {
        workload,
        ...(experiment ? { experiment: experiment.name, fitted: experiment.fitted } : {}),
        kernel,
        pages,
        children,
        rounds,
        anon_pct: anonPct,
        background,
        ...(workload === 'reclaim' ? { reclaim_pages: reclaimPages } : {}),
        pae,
        highpte,
        loop_cycles_per_page: loopCyclesPerPage,
        baseline: baselineInList ? 'none (in this invocation)' : 'none (run for reference, not listed)',
        overhead_of: workload === 'reclaim' ? 'reclaim time vs none' : 'real time of the whole workload vs none',
        clock_hz: mc.arch.clockHz,
        costs,
        sources,
      },
      runs,
    };
  },
  renderTable: renderRmapTable,
};
