// `kmemsim checkpoint`: dump a process's memory to a file page by page (seed 000), once per --map variant:
// time(1) and a readprofile top list per variant, then a comparison across variants.
import { formatReadprofile, formatTime, type ResultDocument, type Run } from '@kmemsim/core';
import { DEFAULT_ERA, type HighmemEra, MAP_KINDS } from '@kmemsim/highmem';
import { defineCommand } from '../framework/define.js';
import { badValue, UsageError } from '../framework/errors.js';
import { machineOptions, resolveMachine } from '../framework/machine.js';
import { allOf, bool, choice, num, size } from '../framework/options.js';
import { docHeader, table } from '../framework/table.js';

/** Time follows the pages dumped: 1 TiB takes about a second, 16 TiB (the most a run may ask) about 15 s. */
export const MAX_CHECKPOINT_BYTES = 16 * 2 ** 40;

export const checkpointCommand = defineCommand({
  kind: 'result',
  name: 'checkpoint',
  summary: "dump a process's memory to a file through the page cache, per kmap variant (seed 000)",
  trace: true,
  sweepable: true,
  examples: [
    'kmemsim checkpoint --arch i386 --virt kvm-shadow --size 800MiB --map kmap,kmap_atomic,kmap_local',
    'kmemsim checkpoint --arch i386 --virt kvm-shadow --map kmap --pae off --disk-mbps 30 --format json',
    'kmemsim checkpoint --arch x86_64 --size 4GiB --map kmap',
  ],
  options: {
    ...machineOptions('i386'),
    size: size({ description: 'process memory to dump', min: 4096, max: MAX_CHECKPOINT_BYTES, default: 800 * 2 ** 20 }),
    map: choice(MAP_KINDS, {
      description: 'how checkpoint_dump_page maps each page',
      list: true,
      default: MAP_KINDS,
    }),
    pae: bool({
      description: 'i386 PAE: LAST_PKMAP 512 instead of 1024',
      defaultText: 'on where the arch has PAE',
    }),
    diskMbps: num({
      description: 'disk bandwidth in MB/s',
      min: 0.001,
      max: 1e6,
      defaultText: '60, an IDE disk of 2009',
    }),
    pkmapFlush: choice(allOf<HighmemEra['pkmapFlush']>()(['always', 'if-reclaimed']), {
      description: 'flush_all_zero_pkmaps: always (2.6.2x) or if-reclaimed (later kernels)',
      default: DEFAULT_ERA.pkmapFlush,
      placeholder: '<era>',
    }),
    atomicInvlpg: choice(allOf<HighmemEra['atomicInvlpg']>()(['unmap', 'map']), {
      description: 'kmap_atomic invlpg at unmap (2.6.20+) or at map (before)',
      default: DEFAULT_ERA.atomicInvlpg,
      placeholder: '<era>',
    }),
  },
  async run(o, ctx): Promise<ResultDocument> {
    const mc = await resolveMachine(o);
    const sizeBytes = o.size;
    const maps = o.map;
    const hasPae = (mc.arch.highmem?.pkmapEntriesPae ?? 0) > 0;
    const pae = o.pae ?? hasPae;
    if (pae && !hasPae) throw badValue('--pae', 'on', `off (arch ${mc.arch.name} has no PAE mode)`);
    const diskMbps = o.diskMbps;
    const era: HighmemEra = { pkmapFlush: o.pkmapFlush, atomicInvlpg: o.atomicInvlpg };
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
});

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
