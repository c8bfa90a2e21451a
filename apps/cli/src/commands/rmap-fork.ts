// `kmemsim rmap-fork`: fork + exit of a process with N mapped pages (seed 003), the fork-heavy script mix, or a
// reclaim scan, once per reverse-mapping design: time per fork and exit, bottom-line overhead against `none` in
// the same invocation, rmap memory per mapped PTE, and the sys-time breakdown by kernel symbol.
import type { ResultDocument, Run } from '@kmemsim/core';
import type { Command } from 'commander';
import { type CommandModule, machineChoice, type RawOptions } from '../framework/command.js';
import { badValue, UsageError } from '../framework/errors.js';
import { parseChoice, parseIntIn, parseList, parseOnOff } from '../framework/parse.js';
import { docHeader, table } from '../framework/table.js';

const RMAPS = ['none', 'pte_chain', 'multi', 'objrmap'] as const;
const WORKLOADS = ['fork-exit', 'script', 'reclaim'] as const;
const LOCKS = ['bit', 'hashed'] as const;
const BREAKDOWN = ['copy_page_range', 'zap_pte_range', 'page_add_rmap', 'page_remove_rmap', 'pte_chain_alloc'];

type Variant = { rmap: (typeof RMAPS)[number]; direct: boolean; lock: (typeof LOCKS)[number]; batch: boolean };

const onOffList = (raw: unknown, flag: string) => parseList(String(raw ?? 'off'), flag, (s) => parseOnOff(s, flag));

export const rmapForkCommand: CommandModule = {
  name: 'rmap-fork',
  summary: 'fork + exit (or a reclaim scan) under each reverse-mapping design: µs, overhead vs none (seed 003)',
  defaultArch: 'i386',
  examples: [
    'kmemsim rmap-fork --arch i386 --cpus 2 --rmap none,pte_chain,multi,objrmap --pages 16384 --children 1',
    'kmemsim rmap-fork --rmap none,pte_chain --lock bit,hashed --batch off,on --format json',
    'kmemsim rmap-fork --rmap none,pte_chain,multi --direct off,on --workload script',
    'kmemsim rmap-fork --rmap none,pte_chain,objrmap --workload reclaim --children 8 --reclaim-pages 4096',
    'kmemsim rmap-fork --arch i386 --pae on --highpte on --rmap none,multi',
  ],
  options(cmd: Command) {
    cmd.option('--rmap <list>', `designs: ${RMAPS.join(', ')} (default: all)`);
    cmd.option('--direct <list>', 'PageDirect for singly mapped pages (pte_chain, multi): on, off (default: off)');
    cmd.option('--lock <list>', 'pte_chain_lock bit spinlock or hashed lock_rmap: bit, hashed (default: bit)');
    cmd.option('--batch <list>', 'batched pte_chain allocation in copy_page_range: on, off (default: off)');
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
    const mc = await machineChoice(opts, 'i386');
    const rmaps = parseList(String(opts.rmap ?? RMAPS.join(',')), '--rmap', (s) => parseChoice(s, '--rmap', RMAPS));
    const directs = onOffList(opts.direct, '--direct');
    const locks = parseList(String(opts.lock ?? 'bit'), '--lock', (s) => parseChoice(s, '--lock', LOCKS));
    const batches = onOffList(opts.batch, '--batch');
    const workload = parseChoice(String(opts.workload ?? 'fork-exit'), '--workload', WORKLOADS);
    const rm = await import('@kmemsim/rmap');
    const preset = rm.PRESETS[workload];
    const int = (v: unknown, flag: string, def: number, min: number, max: number) =>
      v === undefined ? def : parseIntIn(String(v), flag, min, max);
    const pages = int(opts.pages, '--pages', preset.pages, 1, 1 << 24);
    const children = int(opts.children, '--children', preset.children, 1, 256);
    const rounds = int(opts.rounds, '--rounds', preset.rounds, 1, 100_000);
    const anonPct = int(opts.anonPct, '--anon-pct', preset.anonPct, 0, 100);
    const background = int(opts.background, '--background', preset.background, 0, 1024);
    const reclaimPages = int(opts.reclaimPages, '--reclaim-pages', 1024, 1, 1 << 24);
    if (opts.reclaimPages !== undefined && workload !== 'reclaim') {
      throw badValue('--reclaim-pages', String(opts.reclaimPages), 'only with --workload reclaim');
    }
    const hasPae = (mc.arch.highmem?.pkmapEntriesPae ?? 0) > 0;
    const pae = opts.pae === undefined ? false : parseOnOff(String(opts.pae), '--pae');
    if (pae && !hasPae) throw badValue('--pae', 'on', `off (arch ${mc.arch.name} has no PAE mode)`);
    const highpte = opts.highpte === undefined ? false : parseOnOff(String(opts.highpte), '--highpte');
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
};
