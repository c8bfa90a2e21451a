// `kmemsim rmap-fork`: fork + exit of a process with N mapped pages (seed 003), the fork-heavy script mix, or a
// reclaim scan, once per reverse-mapping design: time per fork and exit, bottom-line overhead against `none` in
// the same invocation, rmap memory per mapped PTE, and the sys-time breakdown by kernel symbol.
import type { ResultDocument, Run } from '@kmemsim/core';
import { type LockKind, PRESETS, RMAP_KINDS, type RmapKind, WORKLOADS } from '@kmemsim/rmap';
import { defineCommand } from '../framework/define.js';
import { badValue, UsageError } from '../framework/errors.js';
import { limit } from '../framework/limits.js';
import { machineOptions, resolveMachine } from '../framework/machine.js';
import { allOf, bool, choice, int } from '../framework/options.js';
import { docHeader, table } from '../framework/table.js';

/** pte_chain slots, PTE pages and struct pages follow the mapped PTEs: 2^25 of them stay under 2 GiB. */
export const MAX_MAPPED_PTES = 2 ** 25;
/** PTEs copied and zapped (rounds × children × pages): 2^27 is about a minute for the slowest design. */
export const MAX_PTE_WORK = 2 ** 27;

const LOCKS = allOf<LockKind>()(['bit', 'hashed']);
const BREAKDOWN = ['copy_page_range', 'zap_pte_range', 'page_add_rmap', 'page_remove_rmap', 'pte_chain_alloc'];

type Variant = { rmap: RmapKind; direct: boolean; lock: LockKind; batch: boolean };

const preset = (k: keyof (typeof PRESETS)['fork-exit']) => WORKLOADS.map((w) => `${w}: ${PRESETS[w][k]}`).join(', ');

export const rmapForkCommand = defineCommand({
  kind: 'result',
  name: 'rmap-fork',
  summary: 'fork + exit (or a reclaim scan) under each reverse-mapping design: µs, overhead vs none (seed 003)',
  trace: true,
  sweepable: true,
  examples: [
    'kmemsim rmap-fork --arch i386 --cpus 2 --rmap none,pte_chain,multi,objrmap --pages 16384 --children 1',
    'kmemsim rmap-fork --rmap none,pte_chain --lock bit,hashed --batch off,on --format json',
    'kmemsim rmap-fork --rmap none,pte_chain,multi --direct off,on --workload script',
    'kmemsim rmap-fork --rmap none,pte_chain,objrmap --workload reclaim --children 8 --reclaim-pages 4096',
    'kmemsim rmap-fork --arch i386 --pae on --highpte on --rmap none,multi',
  ],
  options: {
    ...machineOptions('i386'),
    rmap: choice(RMAP_KINDS, { description: 'reverse-mapping designs', list: true, default: RMAP_KINDS }),
    direct: bool({
      description: 'PageDirect for singly mapped pages (pte_chain, multi)',
      list: true,
      default: [false],
    }),
    lock: choice(LOCKS, {
      description: 'pte_chain_lock bit spinlock or hashed lock_rmap (pte_chain, multi)',
      list: true,
      default: ['bit'],
    }),
    batch: bool({ description: 'batched pte_chain allocation in copy_page_range', list: true, default: [false] }),
    workload: choice(WORKLOADS, { description: 'what runs (fork-exit: the seed 003 test)', default: 'fork-exit' }),
    pages: int({
      description: 'mapped pages of the forking process (pages × (1 + children + background) at most 33,554,432)',
      min: 1,
      max: 1 << 24,
      defaultText: preset('pages'),
    }),
    children: int({
      description: 'children forked per round, alive together',
      min: 1,
      max: 256,
      defaultText: preset('children'),
    }),
    rounds: int({
      description: 'fork rounds; the parent waits for its children after each',
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
      max: 1 << 24,
      defaultText: '1024',
    }),
    pae: bool({ description: 'i386 PAE: 8-byte PTEs, 512 per page-table page', default: false }),
    highpte: bool({ description: 'i386 page tables in highmem: kmap_atomic per PTE-page visit', default: false }),
  },
  async run(o, ctx): Promise<ResultDocument> {
    const mc = await resolveMachine(o);
    const rmaps = o.rmap;
    const directs = o.direct;
    const locks = o.lock;
    const batches = o.batch;
    const workload = o.workload;
    const rm = await import('@kmemsim/rmap');
    const p = PRESETS[workload];
    const pages = o.pages ?? p.pages;
    const children = o.children ?? p.children;
    const rounds = o.rounds ?? p.rounds;
    const anonPct = o.anonPct ?? p.anonPct;
    const background = o.background ?? p.background;
    if (o.reclaimPages !== undefined && workload !== 'reclaim') {
      throw badValue('--reclaim-pages', String(o.reclaimPages), 'only with --workload reclaim');
    }
    const reclaimPages = o.reclaimPages ?? 1024;
    limit(
      '--pages × (1 + --children + --background)',
      pages * (1 + children + background),
      MAX_MAPPED_PTES,
      'PTEs a run may map (memory)',
    );
    limit(
      '--rounds × --children × --pages',
      rounds * children * pages,
      MAX_PTE_WORK,
      'PTE copies a run may make (time)',
    );
    const hasPae = (mc.arch.highmem?.pkmapEntriesPae ?? 0) > 0;
    const pae = o.pae;
    if (pae && !hasPae) throw badValue('--pae', 'on', `off (arch ${mc.arch.name} has no PAE mode)`);
    const highpte = o.highpte;
    if (highpte && !mc.arch.highmem) throw badValue('--highpte', 'on', `off (arch ${mc.arch.name} has no highmem)`);

    const variants: Variant[] = [];
    for (const rmap of rmaps) {
      if (rmap === 'none' || rmap === 'objrmap') variants.push({ rmap, direct: false, lock: 'bit', batch: false });
      else
        for (const direct of directs)
          for (const lock of locks) for (const batch of batches) variants.push({ rmap, direct, lock, batch });
    }
    const { Machine } = await import('@kmemsim/mmu');
    const runOne = (variant: Variant) => {
      let machine: InstanceType<typeof Machine>;
      try {
        machine = new Machine({ arch: mc.arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed, pae });
      } catch (err) {
        throw new UsageError(`--arch ${mc.arch.name}: ${(err as Error).message}`);
      }
      const o = { machine, variant, workload, pages, children, rounds, anonPct, background, reclaimPages, highpte };
      return rm.runRmapFork(o);
    };
    const baselineInList = rmaps.includes('none');
    const results = variants.map((v, i) => {
      ctx.progress(i, variants.length, `rmap-fork --rmap ${v.rmap}`);
      return runOne(v);
    });
    const noneIdx = variants.findIndex((v) => v.rmap === 'none');
    const base = noneIdx >= 0 ? results[noneIdx] : runOne({ rmap: 'none', direct: false, lock: 'bit', batch: false });
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
        pages,
        children,
        rounds,
        anon_pct: anonPct,
        background,
        ...(workload === 'reclaim' ? { reclaim_pages: reclaimPages } : {}),
        pae,
        highpte,
        baseline: baselineInList ? 'none (in this invocation)' : 'none (run for reference, not listed)',
        overhead_of: workload === 'reclaim' ? 'reclaim time vs none' : 'real time of the whole workload vs none',
        clock_hz: mc.arch.clockHz,
        costs,
        sources,
      },
      runs,
    };
  },
  renderTable(doc: ResultDocument): string {
    const p = doc.params;
    const out = [
      docHeader(doc),
      `workload ${p.workload}: ${p.pages} pages (${p.anon_pct}% anon), ${p.children} child(ren) × ${p.rounds} round(s), ` +
        `${p.background} background; PAE ${p.pae ? 'on' : 'off'}, HIGHPTE ${p.highpte ? 'on' : 'off'}`,
      '',
    ];
    const reclaim = p.workload === 'reclaim';
    out.push(
      table(
        [
          'rmap',
          'direct',
          'lock',
          'batch',
          'fork µs',
          'exit µs',
          reclaim ? 'reclaim µs' : 'real µs',
          'overhead %',
          'B/PTE peak',
          'B/PTE 1 map',
        ],
        doc.runs.map((r) => [
          String(r.variant.rmap),
          String(r.variant.direct),
          String(r.variant.lock),
          String(r.variant.batch),
          r.metrics.fork_us,
          r.metrics.exit_us,
          reclaim ? r.metrics.reclaim_us : r.metrics.real_us,
          r.metrics.overhead_pct,
          r.metrics.rmap_bytes_per_pte,
          r.metrics.rmap_bytes_per_pte_before_fork,
        ]),
      ),
      'B/PTE peak: rmap bytes per mapped PTE with every child forked; 1 map: the parent alone, before forking',
      '',
      'sys time by symbol (% of all cycles):',
    );
    const syms = reclaim ? [...BREAKDOWN, 'page_referenced', 'try_to_unmap', 'swap_out'] : BREAKDOWN;
    out.push(
      table(
        ['rmap', 'direct', 'lock', 'batch', ...syms],
        doc.runs.map((r) => [
          String(r.variant.rmap),
          String(r.variant.direct),
          String(r.variant.lock),
          String(r.variant.batch),
          ...syms.map((s) => r.profile.find((x) => x.symbol === s)?.percent ?? 0),
        ]),
      ),
    );
    return out.join('\n');
  },
});
