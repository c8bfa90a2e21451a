// `kmemsim checkpoint`: dump a process's memory to a file page by page (seed 000), once per --map variant:
// time(1) and a readprofile top list per variant, then a comparison across variants.
import { formatReadprofile, formatTime, type ResultDocument, type Run } from '@kmemsim/core';
import type { Command } from 'commander';
import { type CommandModule, machineChoice, type RawOptions } from '../framework/command.js';
import { badValue, UsageError } from '../framework/errors.js';
import { parseChoice, parseList, parseNumberIn, parseOnOff, parseSizeOpt } from '../framework/parse.js';
import { docHeader, table } from '../framework/table.js';

const MAPS = ['kmap', 'kmap_atomic', 'kmap_local'] as const;

export const checkpointCommand: CommandModule = {
  name: 'checkpoint',
  summary: "dump a process's memory to a file through the page cache, per kmap variant (seed 000)",
  defaultArch: 'i386',
  examples: [
    'kmemsim checkpoint --arch i386 --virt kvm-shadow --size 800MiB --map kmap,kmap_atomic,kmap_local',
    'kmemsim checkpoint --arch i386 --virt kvm-shadow --map kmap --pae off --disk-mbps 30 --format json',
    'kmemsim checkpoint --arch x86_64 --size 4GiB --map kmap',
  ],
  options(cmd: Command) {
    cmd.option('--size <size>', 'process memory to dump, IEC units (default: 800MiB)');
    cmd.option('--map <list>', 'how checkpoint_dump_page maps each page: kmap, kmap_atomic, kmap_local (default: all)');
    cmd.option('--pae <on|off>', 'i386 PAE: LAST_PKMAP 512 instead of 1024 (default: on where the arch has PAE)');
    cmd.option('--disk-mbps <n>', 'disk bandwidth in MB/s (default: 60, an IDE disk of 2009)');
    cmd.option('--pkmap-flush <era>', 'always (2.6.2x) or if-reclaimed (later kernels) (default: always)');
    cmd.option('--atomic-invlpg <era>', 'kmap_atomic invlpg at unmap (2.6.20+) or map (before) (default: unmap)');
  },
  async execute(opts: RawOptions, ctx): Promise<ResultDocument> {
    const mc = await machineChoice(opts, 'i386');
    const sizeBytes = parseSizeOpt(String(opts.size ?? '800MiB'), '--size', 4096);
    const maps = parseList(opts.map === undefined ? MAPS.join(',') : String(opts.map), '--map', (s) =>
      parseChoice(s, '--map', MAPS),
    );
    const hasPae = (mc.arch.highmem?.pkmapEntriesPae ?? 0) > 0;
    const pae = opts.pae === undefined ? hasPae : parseOnOff(String(opts.pae), '--pae');
    if (pae && !hasPae) throw badValue('--pae', 'on', `off (arch ${mc.arch.name} has no PAE mode)`);
    const diskMbps =
      opts.diskMbps === undefined ? undefined : parseNumberIn(String(opts.diskMbps), '--disk-mbps', 0, 1e6, true);
    const era = {
      pkmapFlush: parseChoice(String(opts.pkmapFlush ?? 'always'), '--pkmap-flush', ['always', 'if-reclaimed']),
      atomicInvlpg: parseChoice(String(opts.atomicInvlpg ?? 'unmap'), '--atomic-invlpg', ['unmap', 'map']),
    } as const;
    const [{ Machine }, hm] = await Promise.all([import('@kmemsim/mmu'), import('@kmemsim/highmem')]);
    const params = hm.checkpointParams({ diskMbps, archPageBytes: mc.arch.pageBytes });
    const runs: Run[] = [];
    for (const [i, map] of maps.entries()) {
      ctx.progress(i, maps.length, `checkpoint --map ${map}`);
      let machine: InstanceType<typeof Machine>;
      try {
        machine = new Machine({ arch: mc.arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed, pae });
      } catch (err) {
        throw new UsageError(`--arch ${mc.arch.name}: ${(err as Error).message}`);
      }
      runs.push(hm.runCheckpoint({ machine, map, sizeBytes, diskMbps, era }).run);
    }
    ctx.progress(maps.length, maps.length, 'done');
    const pkmap = mc.arch.highmem ? (pae ? mc.arch.highmem.pkmapEntriesPae : mc.arch.highmem.pkmapEntries) : 0;
    return {
      schema: 'kmemsim/result@1',
      command: 'checkpoint',
      arch: mc.arch.name,
      virt: mc.virt,
      cpus: mc.cpus,
      seed: mc.seed,
      params: {
        size_bytes: sizeBytes,
        pages: Math.ceil(sizeBytes / params.pageBytes),
        pae,
        pkmap_entries: pkmap,
        km_type_nr: mc.arch.highmem?.kmTypeNr ?? 0,
        clock_hz: mc.arch.clockHz,
        readprofile_hz: mc.arch.hz,
        era: { pkmap_flush: era.pkmapFlush, atomic_invlpg: era.atomicInvlpg },
        workload: params,
        mechanism: (() => {
          const { sources: _s, ...m } = hm.MECHANISM;
          return m;
        })(),
        sources: { ...hm.WORKLOAD.sources, ...hm.MECHANISM.sources },
      },
      runs,
    };
  },
  renderTable(doc: ResultDocument): string {
    return renderCheckpoint(doc);
  },
};

export function renderCheckpoint(doc: ResultDocument): string {
  const size = Number(doc.params.size_bytes);
  const out = [docHeader(doc), `${(size / 2 ** 20).toLocaleString('en-US')} MiB, PAE ${doc.params.pae ? 'on' : 'off'}`];
  for (const r of doc.runs) {
    out.push('', `== --map ${r.variant.map} ==`, formatTime(r.time), '');
    out.push(
      `readprofile (ticks at ${doc.params.readprofile_hz} Hz, load = ticks / size):`,
      formatReadprofile(r.profile),
    );
  }
  out.push('', 'comparison:');
  out.push(
    table(
      ['map', 'real_s', 'user_s', 'sys_s', 'pkmap wraps', 'global flushes', 'invlpg', 'vm exits', 'MB/s'],
      doc.runs.map((r) => [
        String(r.variant.map),
        r.time.real_s,
        r.time.user_s,
        r.time.sys_s,
        r.metrics.pkmap_wraps,
        r.metrics.tlb_flush_global,
        r.metrics.invlpg,
        r.metrics.vm_exits,
        r.metrics.dump_mb_per_s,
      ]),
    ),
  );
  return out.join('\n');
}
