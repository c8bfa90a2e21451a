// `kmemsim rmap-fork`: the reverse-mapping designs of 2.4–2.6 under a workload, once per design — fork + exit of a
// process with N mapped pages (seed 003), the fork-heavy script mix, a reclaim scan, LMbench lat_proc/lat_mmap, or
// a `make -jN` kernel compile (seed 004) — against `none` in the same invocation: times, bottom-line overhead, rmap
// memory per mapped PTE and the sys time by kernel symbol. `--experiment seed003` runs the seed's configuration
// with its one fitted parameter.
import type { ResultDocument, Run } from '@kmemsim/core';
import {
  ALLOC_KINDS,
  type AllocKind,
  EXPERIMENT_NAMES,
  FIDELITIES,
  type FidelityChoice,
  KERNELS,
  LOCK_KINDS,
  type LockKind,
  PRESETS,
  RMAP_KINDS,
  type RmapKind,
  WORKLOADS,
  type Workload,
} from '@kmemsim/rmap';
import { defineCommand } from '../framework/define.js';
import { badValue, UsageError } from '../framework/errors.js';
import { limit } from '../framework/limits.js';
import { machineOptions, resolveMachine } from '../framework/machine.js';
import { bool, choice, int } from '../framework/options.js';
import { machineTick, tickParams } from '../framework/tick.js';
import { renderRmapMarkdown, renderRmapTable } from './rmap-render.js';
import { type Headlines, sensitivitySweep } from './rmap-sensitivity.js';
import { type RmapForkRun, typedRun } from './typed-runs.js';

/** pte_chain slots, PTE pages and struct pages follow the mapped PTEs: 2^25 of them stay under 2 GiB. */
export const MAX_MAPPED_PTES = 2 ** 25;
/** PTEs copied and zapped (rounds × children × pages): 2^27 is about a minute for the slowest design. */
export const MAX_PTE_WORK = 2 ** 27;

type Variant = { rmap: RmapKind; direct: boolean; lock: LockKind; batch: boolean; alloc: AllocKind };
type ForkKind = keyof typeof PRESETS;

/** Machines with cache geometry, which the rmap model needs. */
const CACHE_ARCHES =
  'i386-piii, i386-tualatin, i386-p4, i386-xeonmp, i386-numaq, x86_64, ia64, ia64-sn2, or a plugin with a cache section';
const FORK = Object.keys(PRESETS) as ForkKind[];
const preset = (k: keyof (typeof PRESETS)['fork-exit']) => FORK.map((w) => `${w}: ${PRESETS[w][k]}`).join(', ');
const machine = machineOptions('i386-piii');

export const rmapForkCommand = defineCommand({
  kind: 'result',
  name: 'rmap-fork',
  summary:
    'reverse-mapping designs (Linux 2.4 rmap patches, 2.5) under fork + exit, lat_proc, reclaim or a kernel ' +
    'compile: time, overhead vs none (seeds 003, 004)',
  trace: true,
  sweepable: true,
  formats: ['table', 'md', 'json', 'csv', 'svg', 'folded'],
  examples: [
    'kmemsim rmap-fork --experiment seed003 --rmap none,pte_chain --lock bit,hashed',
    'kmemsim rmap-fork --arch i386-piii --cpus 2 --rmap none,pte_chain,multi,objrmap --pages 16384',
    'kmemsim rmap-fork --workload kernel-compile --arch i386-numaq --cpus 16 --rmap pte_chain,multi --direct off,on',
    'kmemsim rmap-fork --workload lat-exec --arch i386-p4 --rmap none,pte_chain,multi,objrmap',
    'kmemsim rmap-fork --rmap none,pte_chain,objrmap --workload reclaim --children 8 --reclaim-pages 4096',
  ],
  options: {
    ...machine,
    arch: {
      ...machine.arch,
      default: undefined,
      defaultText: 'i386-piii; kernel-compile: i386-numaq; --experiment: its machine',
    },
    rmap: choice(RMAP_KINDS, { description: 'reverse-mapping designs', list: true, default: RMAP_KINDS }),
    direct: bool({
      description: 'PageDirect for singly mapped pages (pte_chain, multi)',
      list: true,
      default: [false],
    }),
    lock: choice(LOCK_KINDS, {
      description: 'pte_chain_lock bit spinlock, or the hashed lock_rmap of Phillips (2.4 rmap13b) or akpm (2.5.31)',
      list: true,
      default: ['bit'],
    }),
    batch: bool({
      description: "Phillips' batched pte_chain allocation in copy_page_range",
      list: true,
      default: [false],
    }),
    alloc: choice(ALLOC_KINDS, {
      description: 'pte_chain allocation era: freelist (2.4 rmap, 2.5.27), slab (2.5.30–2.5.54), percpu (2.5.55+)',
      list: true,
      defaultText: 'slab; --experiment: its era',
    }),
    kernel: choice(KERNELS, { description: 'struct page layout: 2.4 (the rmap patches) or 2.5', defaultText: '2.5' }),
    experiment: choice(EXPERIMENT_NAMES, { description: "a seed experiment's configuration and fitted value" }),
    workload: choice(WORKLOADS, { description: 'what runs', defaultText: 'fork-exit (the seed 003 test)' }),
    pages: int({
      description:
        'mapped pages of the forking process (lat-mmap: pages of the mapped file); pages × (1 + children + background) at most 33,554,432',
      min: 1,
      max: 1 << 22,
      defaultText: `${preset('pages')}; lat-mmap: 2048`,
    }),
    children: int({
      description: 'children forked per round, alive together',
      min: 1,
      max: 256,
      defaultText: preset('children'),
    }),
    rounds: int({
      description: 'fork rounds; the parent waits after each',
      min: 1,
      max: 100_000,
      defaultText: preset('rounds'),
    }),
    anonPct: int({
      description: 'percent of the pages private anonymous, the rest a shared file',
      min: 0,
      max: 100,
      defaultText: preset('anonPct'),
    }),
    background: int({
      description: 'other processes mapping the same file pages',
      min: 0,
      max: 1024,
      defaultText: preset('background'),
    }),
    reclaimPages: int({
      description: 'reclaim: pages put through page_referenced + try_to_unmap (only with --workload reclaim)',
      min: 1,
      max: 1 << 22,
      defaultText: '1024',
    }),
    jobs: int({
      description: 'kernel-compile: make -jN job slots, one per CPU',
      min: 1,
      max: 64,
      defaultText: 'every CPU',
    }),
    files: int({ description: 'kernel-compile: object files built', min: 1, max: 20_000, defaultText: '900' }),
    pae: bool({ description: 'i386 PAE: 8-byte PTEs, 512 per page-table page', default: false }),
    highpte: bool({ description: 'i386 page tables in highmem: kmap_atomic per PTE-page visit', default: false }),
    fidelity: choice(FIDELITIES, {
      description:
        'fork workloads: exact (every access through the cache model), sampled (the cache model on 2 PTE pages in 16 of each vma, the rest estimated; times within the reported estimate_bound_pct, every count but cycles and cache.* exact; one child per round, else exact), or auto (exact below 262,144 pages, sampled at or above); the report says which ran and why',
      defaultText: 'auto',
    }),
    sensitivity: bool({
      description: "re-run every design at both ends of each of the machine's [U lo..hi] cache/NUMA values",
      default: false,
    }),
  },
  async run(o, ctx): Promise<ResultDocument> {
    const rm = await import('@kmemsim/rmap');
    const experiment = o.experiment === undefined ? null : rm.EXPERIMENTS[o.experiment];
    const d = experiment?.defaults;
    const workload: Workload = o.workload ?? d?.workload ?? 'fork-exit';
    const archName =
      (o.arch as string | undefined) ??
      experiment?.arch ??
      (workload === 'kernel-compile' ? 'i386-numaq' : 'i386-piii');
    const mc = await resolveMachine({ ...o, arch: archName, cpus: o.cpus ?? (o.arch ? undefined : experiment?.cpus) });
    if (!mc.arch.cache) throw badValue('--arch', mc.arch.name, `an arch with cache geometry (${CACHE_ARCHES})`);
    const allocs: AllocKind[] = o.alloc ?? [d?.alloc ?? 'slab'];
    const kernel = o.kernel ?? d?.kernel ?? '2.5';
    const fork = (FORK as string[]).includes(workload) ? (workload as ForkKind) : null;
    const p = fork ? (fork === d?.workload ? { ...PRESETS[fork], ...d } : PRESETS[fork]) : null;
    const only = (flag: string, v: unknown, ok: boolean, where: string) => {
      if (v !== undefined && !ok) throw badValue(flag, String(v), `only with ${where}`);
    };
    only('--reclaim-pages', o.reclaimPages, workload === 'reclaim', '--workload reclaim');
    only('--jobs', o.jobs, workload === 'kernel-compile', '--workload kernel-compile');
    only('--files', o.files, workload === 'kernel-compile', '--workload kernel-compile');
    for (const [flag, v] of [
      ['--children', o.children],
      ['--rounds', o.rounds],
      ['--anon-pct', o.anonPct],
      ['--background', o.background],
    ] as const)
      only(flag, v, fork !== null, 'a fork workload (fork-exit, script, reclaim)');
    only('--pages', o.pages, fork !== null || workload === 'lat-mmap', 'a fork workload or lat-mmap');
    only(
      '--fidelity',
      o.fidelity === 'sampled' ? o.fidelity : undefined,
      fork !== null,
      'a fork workload (fork-exit, script, reclaim)',
    );
    if (o.jobs !== undefined && o.jobs > mc.cpus)
      throw badValue('--jobs', o.jobs, `an integer from 1 to ${mc.cpus} (one job per CPU)`);
    const hasPae = (mc.arch.highmem?.pkmapEntriesPae ?? 0) > 0;
    if (o.pae && !hasPae) throw badValue('--pae', 'on', `off (arch ${mc.arch.name} has no PAE mode)`);
    if (o.highpte && !mc.arch.highmem) throw badValue('--highpte', 'on', `off (arch ${mc.arch.name} has no highmem)`);
    const loopCyclesPerPage = experiment?.fitted.loopCyclesPerPage ?? 0;
    /** The fidelity of a fork workload (the same for every design: it depends on pages and children only). */
    let fid: FidelityChoice = { used: 'exact', why: null };
    if (fork) {
      const q = p as (typeof PRESETS)['fork-exit'];
      const pages = o.pages ?? q.pages;
      const children = o.children ?? q.children;
      const background = o.background ?? PRESETS[fork].background;
      limit(
        '--pages × (1 + --children + --background)',
        pages * (1 + children + background),
        MAX_MAPPED_PTES,
        'PTEs a run may map (memory)',
      );
      fid = rm.chooseFidelity(o.fidelity ?? 'auto', pages, children);
      limit(
        '--rounds × --children × --pages',
        (o.rounds ?? q.rounds) * children * pages,
        MAX_PTE_WORK,
        'PTE copies a run may make (time)',
      );
    }

    // --lock, --direct and --batch choose among pte_chain-based variants only (none and objrmap read none of them):
    // a value other than the default with no such design selected would be silently ignored.
    if (!o.rmap.some((r) => r !== 'none' && r !== 'objrmap')) {
      const ignored: [string, unknown[], unknown][] = [
        ['--lock', o.lock, 'bit'],
        ['--direct', o.direct, false],
        ['--batch', o.batch, false],
      ];
      for (const [flag, given, dflt] of ignored)
        if (given.some((v) => v !== dflt))
          throw badValue(
            flag,
            given.map((v) => (v === true ? 'on' : v === false ? 'off' : v)).join(','),
            `only with a pte_chain-based --rmap (got --rmap ${o.rmap.join(',')})`,
          );
    }
    const variants: Variant[] = [];
    for (const rmap of o.rmap) {
      if (rmap === 'none' || rmap === 'objrmap')
        variants.push({ rmap, direct: false, lock: 'bit', batch: false, alloc: allocs[0] as AllocKind });
      else
        for (const direct of o.direct)
          for (const lock of o.lock)
            for (const batch of o.batch)
              for (const alloc of allocs) variants.push({ rmap, direct, lock, batch, alloc });
    }
    const { Machine } = await import('@kmemsim/mmu');
    const tick = machineTick(mc.tick);
    const newMachine = (arch = mc.arch) => {
      try {
        return new Machine({
          arch,
          virt: mc.virt,
          cpus: mc.cpus,
          seed: mc.seed,
          pae: o.pae,
          ...(tick ? { tick } : {}),
        });
      } catch (err) {
        throw new UsageError(`--arch ${mc.arch.name}: ${(err as Error).message}`);
      }
    };
    /** One run and its headline value (what the overhead is computed on). */
    const runOne = (variant: Variant, arch = mc.arch): { run: Run; headline: number } => {
      const common = { machine: newMachine(arch), variant, kernel };
      if (workload === 'kernel-compile') {
        const r = rm.runKernelCompile({ ...common, jobs: o.jobs, files: o.files });
        return { run: r.run, headline: r.elapsed_s };
      }
      if (!fork) {
        const r = rm.runLat({ ...common, workload: workload as 'lat-fork', pages: o.pages });
        return { run: r.run, headline: r.lat_us };
      }
      const q = p as (typeof PRESETS)['fork-exit'];
      const r = rm.runRmapFork({
        ...common,
        workload: fork,
        pages: o.pages ?? q.pages,
        children: o.children ?? q.children,
        rounds: o.rounds ?? q.rounds,
        anonPct: o.anonPct ?? q.anonPct,
        background: o.background ?? PRESETS[fork].background,
        reclaimPages: o.reclaimPages ?? 1024,
        highpte: o.highpte,
        loopCyclesPerPage,
        fidelity: fid.used,
      });
      return { run: r.run, headline: workload === 'reclaim' ? r.reclaim_us : r.real_us };
    };
    const results = variants.map((v, i) => {
      ctx.progress(i, variants.length, `rmap-fork --workload ${workload} --rmap ${v.rmap}`);
      return runOne(v);
    });
    const noneIdx = variants.findIndex((v) => v.rmap === 'none');
    const base =
      noneIdx >= 0
        ? (results[noneIdx] as { run: Run; headline: number })
        : runOne({ rmap: 'none', direct: false, lock: 'bit', batch: false, alloc: 'slab' });
    ctx.progress(variants.length, variants.length, 'done');
    const runs: RmapForkRun[] = results.map((r) => {
      const extra: Record<string, number> = { overhead_pct: rm.overheadPct(r.headline, base.headline) };
      if (workload === 'kernel-compile') extra.sys_overhead_pct = rm.overheadPct(r.run.time.sys_s, base.run.time.sys_s);
      return typedRun('rmap-fork', { ...r.run, metrics: { ...r.run.metrics, ...extra } });
    });
    const chained = (v: Variant) => v.rmap === 'pte_chain' || v.rmap === 'multi';
    const label = (v: Variant) =>
      [v.rmap, v.direct && 'direct', v.lock !== 'bit' && v.lock, v.batch && 'batch', chained(v) && v.alloc]
        .filter(Boolean)
        .join('+');
    /** Every design's headline value, and none's, on a machine with one [U] value moved (rmap-sensitivity.ts). */
    const headlines = (arch: typeof mc.arch): Headlines => {
      const all = variants.map((v) => runOne(v, arch).headline);
      const none =
        noneIdx >= 0 ? (all[noneIdx] as number) : runOne({ ...variants[0], rmap: 'none' } as Variant, arch).headline;
      return { values: Object.fromEntries(variants.map((v, i) => [label(v), all[i] as number])), none };
    };
    const nominal = Object.fromEntries(
      variants.map((v, i) => [label(v), (results[i] as { headline: number }).headline]),
    );
    const sensitivity = o.sensitivity ? sensitivitySweep(mc.arch, nominal, headlines, rm.overheadPct, ctx) : [];
    const { sources, ...costs } = rm.COSTS;
    const shortAuto = (o.fidelity ?? 'auto') === 'auto' && (o.pages ?? p?.pages ?? 0) < rm.AUTO_SAMPLED_PAGES;
    const plainExact = fid.used === 'exact' && (o.fidelity === 'exact' || shortAuto);
    const shape =
      workload === 'kernel-compile'
        ? { jobs: o.jobs ?? mc.cpus, files: o.files ?? rm.COMPILE.files }
        : fork
          ? {
              pages: o.pages ?? (p as { pages: number }).pages,
              children: o.children ?? (p as { children: number }).children,
              rounds: o.rounds ?? (p as { rounds: number }).rounds,
              anon_pct: o.anonPct ?? (p as { anonPct: number }).anonPct,
              background: o.background ?? PRESETS[fork].background,
              ...(workload === 'reclaim' ? { reclaim_pages: o.reclaimPages ?? 1024 } : {}),
              loop_cycles_per_page: loopCyclesPerPage,
            }
          : { pages: o.pages ?? rm.LAT.mmapPages, iterations: rm.LAT.iterations };
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
        ...shape,
        pae: o.pae,
        highpte: o.highpte,
        baseline: noneIdx >= 0 ? 'none (in this invocation)' : 'none (run for reference, not listed)',
        overhead_of:
          workload === 'reclaim'
            ? 'reclaim time vs none'
            : workload === 'kernel-compile'
              ? 'elapsed time of the build vs none'
              : fork
                ? 'real time of the whole workload vs none'
                : 'latency per operation vs none',
        clock_hz: mc.arch.clockHz,
        ...tickParams(mc.tick),
        costs,
        sources,
        ...(workload === 'kernel-compile' ? { compile: rm.COMPILE } : {}),
        ...(fork ? {} : workload === 'kernel-compile' ? {} : { lat: rm.LAT }),
        ...(o.sensitivity ? { sensitivity } : {}),
        ...(fork
          ? {
              fidelity: fid.used,
              // Why, unless exact was asked for or auto chose it for a short run (those documents are as before auto).
              ...(plainExact ? {} : { fidelity_choice: fid.why }),
              ...(fid.used === 'sampled'
                ? {
                    sampling: {
                      ...rm.SAMPLING,
                      validated_bound_pct: rm.SAMPLED_BOUND_PCT,
                      estimated: 'cycles (times, profile) and cache.* counters; every other count exact',
                    },
                  }
                : {}),
            }
          : {}),
      },
      runs,
    };
  },
  renderTable: renderRmapTable,
  renderFormat: (doc, format) => (format === 'md' ? renderRmapMarkdown(doc) : undefined),
});
