// `kmemsim checkpoint`: dump a process's memory to a file page by page (seed 000), once per --map variant:
// time(1) and a readprofile top list per variant, then a comparison across variants and, with several variants,
// whether the verdict holds across every [U] range. `--experiment seed000` applies that experiment's fitted
// values and configuration; without it only sourced values are used.
import type { ResultDocument } from '@kmemsim/core';
import { DEFAULT_ERA, type HighmemEra, MAP_KINDS, SEED000_CONFIG } from '@kmemsim/highmem';
import { KVM_VERSIONS, VIRT_MODES } from '@kmemsim/mmu';
import { defineCommand } from '../framework/define.js';
import { badValue, UsageError } from '../framework/errors.js';
import { machineOptions, resolveMachine } from '../framework/machine.js';
import { allOf, bool, choice, int, num, size } from '../framework/options.js';
import { machineTick, tickParams } from '../framework/tick.js';
import { renderCheckpoint, renderCheckpointMarkdown } from './checkpoint-render.js';
import { type CheckpointRun, typedRun } from './typed-runs.js';

/** Time follows the pages dumped: 1 TiB takes about a second, 16 TiB (the most a run may ask) about 15 s. */
export const MAX_CHECKPOINT_BYTES = 16 * 2 ** 40;

const EXPERIMENTS = ['seed000'] as const;

/** Flags an experiment fixes: giving another value is a usage error (its fitted values belong to that value). */
function fixedByExperiment(o: {
  arch?: string;
  virt?: string;
  pae?: boolean;
  kvm?: string;
  pkmapFlush?: string;
  atomicInvlpg?: string;
}): void {
  const c = SEED000_CONFIG;
  const fixed: [string, unknown, unknown, string][] = [
    ['--arch', o.arch, c.arch, c.arch],
    ['--virt', o.virt, c.virt, c.virt],
    ['--pae', o.pae, c.pae, 'on'],
    ['--kvm', o.kvm, c.kvm, c.kvm],
    ['--pkmap-flush', o.pkmapFlush, c.pkmapFlush, c.pkmapFlush],
    ['--atomic-invlpg', o.atomicInvlpg, c.atomicInvlpg, c.atomicInvlpg],
  ];
  for (const [flag, given, want, shown] of fixed)
    if (given !== undefined && given !== want)
      throw new UsageError(
        `${flag} conflicts with --experiment seed000: its fitted values belong to ${flag} ${shown}; drop --experiment to run other configurations`,
      );
}

const machine = machineOptions('i386');

export const checkpointCommand = defineCommand({
  kind: 'result',
  name: 'checkpoint',
  summary:
    "dump a process's memory to a file through the page cache, per kmap variant (i386 highmem, Linux 2.6.2x; seed 000)",
  trace: true,
  sweepable: true,
  examples: [
    'kmemsim checkpoint --experiment seed000 --map kmap,kmap_atomic,kmap_local',
    'kmemsim checkpoint --arch i386 --virt kvm-shadow --size 800MiB --map kmap,kmap_atomic,kmap_local',
    'kmemsim checkpoint --arch i386 --virt kvm-shadow --cpus 4 --writers 4 --map kmap --kvm 2.6.30',
    'kmemsim checkpoint --arch x86_64 --size 4GiB --map kmap',
  ],
  options: {
    ...machine,
    // Without defaults here: --experiment supplies its own, and a flag given against it must be seen.
    arch: { ...machine.arch, default: undefined, defaultText: 'i386 (with --experiment: its arch)' },
    virt: choice(VIRT_MODES, {
      description: 'virtualization mode (the arch must offer it)',
      defaultText: 'none (with --experiment: its mode)',
      placeholder: '<mode>',
    }),
    experiment: choice(EXPERIMENTS, {
      description:
        'run as a calibrated experiment with its fitted values and configuration defaults: seed000 (i386 PAE ' +
        'guest, KVM 2009, Core 2-class host, ext3 on emulated IDE); without it only sourced values are used',
      placeholder: '<name>',
    }),
    size: size({
      description: 'process memory to dump',
      min: 4096,
      max: MAX_CHECKPOINT_BYTES,
      defaultText: '800MiB',
    }),
    map: choice(MAP_KINDS, {
      description: 'how checkpoint_dump_page maps each page',
      list: true,
      defaultText: 'all (with --experiment: kmap)',
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
      defaultText: DEFAULT_ERA.pkmapFlush,
      placeholder: '<era>',
    }),
    atomicInvlpg: choice(allOf<HighmemEra['atomicInvlpg']>()(['unmap', 'map']), {
      description: 'kmap_atomic invlpg at unmap (2.6.19+) or at map (before)',
      defaultText: DEFAULT_ERA.atomicInvlpg,
      placeholder: '<era>',
    }),
    kvm: choice(KVM_VERSIONS, {
      description: 'host KVM whose shadow paging runs (kvm-shadow)',
      defaultText: '2.6.29',
      placeholder: '<version>',
    }),
    writers: int({
      description: 'processes checkpointing at once, one per CPU, sharing kmap_lock and the pkmap pool',
      min: 1,
      max: 8192,
      default: 1,
    }),
    nohz: bool({
      description:
        "guest CONFIG_NO_HZ: an idle CPU's tick is stopped, so its time and the IPI handlers it runs are not sampled " +
        '(off: a default_idle row takes them). [U] the seed guest’s configuration is not published; times are the same',
      default: true,
    }),
    top: int({
      description: 'readprofile rows kept per run (the published profile has 20)',
      min: 1,
      max: 10_000,
      default: 20,
    }),
    sensitivity: bool({
      description: 'with several --map values: check the verdict across every [U] range',
      default: true,
      sweep: false,
    }),
  },
  async run(o, ctx): Promise<ResultDocument> {
    const experiment = o.experiment;
    if (experiment) fixedByExperiment(o);
    const cfg = experiment ? SEED000_CONFIG : undefined;
    const mc = await resolveMachine({
      arch: o.arch ?? cfg?.arch ?? 'i386',
      virt: o.virt ?? cfg?.virt ?? 'none',
      cpus: o.cpus ?? cfg?.cpus,
      seed: o.seed,
      tick: o.tick,
    });
    const tick = machineTick(mc.tick);
    const sizeBytes = o.size ?? cfg?.sizeBytes ?? 800 * 2 ** 20;
    const maps = o.map ?? (cfg ? [cfg.map] : MAP_KINDS);
    const hasPae = (mc.arch.highmem?.pkmapEntriesPae ?? 0) > 0;
    const pae = o.pae ?? hasPae;
    if (pae && !hasPae) throw badValue('--pae', 'on', `off (arch ${mc.arch.name} has no PAE mode)`);
    const diskMbps = o.diskMbps;
    const era: HighmemEra = {
      pkmapFlush: o.pkmapFlush ?? DEFAULT_ERA.pkmapFlush,
      atomicInvlpg: o.atomicInvlpg ?? DEFAULT_ERA.atomicInvlpg,
    };
    // The KVM version only decides how shadow paging traps (VirtOps under kvm-shadow): refused elsewhere.
    if (o.kvm !== undefined && mc.virt !== 'kvm-shadow')
      throw badValue('--kvm', o.kvm, `only with --virt kvm-shadow (got --virt ${mc.virt})`);
    const kvm = o.kvm ?? '2.6.29';
    const writers = o.writers;
    if (writers > mc.cpus) throw badValue('--writers', writers, `an integer from 1 to ${mc.cpus} (one writer per CPU)`);
    const top = o.top;
    const [{ Machine }, hm] = await Promise.all([import('@kmemsim/mmu'), import('@kmemsim/highmem')]);
    const profile = experiment ? hm.EXPERIMENTS[experiment] : undefined;
    const params = hm.checkpointParams({ diskMbps, archPageBytes: mc.arch.pageBytes, params: profile?.params });
    const runs: CheckpointRun[] = [];
    for (const [i, map] of maps.entries()) {
      ctx.progress(i, maps.length, `checkpoint --map ${map}`);
      let m: InstanceType<typeof Machine>;
      try {
        m = new Machine({
          arch: mc.arch,
          virt: mc.virt,
          cpus: mc.cpus,
          seed: mc.seed,
          pae,
          kvm,
          virtCosts: profile?.virtCosts,
          ...(tick ? { tick } : {}),
        });
      } catch (err) {
        throw new UsageError(`--cpus ${mc.cpus}: ${(err as Error).message}`);
      }
      const r = hm.runCheckpoint({
        machine: m,
        map,
        sizeBytes,
        diskMbps,
        era,
        writers,
        params: profile?.params,
        top,
        nohz: o.nohz,
      });
      runs.push(typedRun('checkpoint', r.run));
    }
    const sens =
      o.sensitivity && maps.length > 1
        ? hm.checkpointSensitivity({
            arch: mc.arch,
            virt: mc.virt,
            kvm,
            pae,
            cpus: mc.cpus,
            writers,
            maps,
            sizeBytes,
            diskMbps,
            era,
            experiment,
            tick,
          })
        : undefined;
    ctx.progress(maps.length, maps.length, 'done');
    const pkmap = mc.arch.highmem ? (pae ? mc.arch.highmem.pkmapEntriesPae : mc.arch.highmem.pkmapEntries) : 0;
    // The checkpointing task's user-space work is simulated by no mechanism: only an experiment's fitted value
    // (seed000's userCyclesPerPage, calibrated to its published user time) puts cycles there.
    const userTime = params.userCyclesPerPage > 0 ? 'fitted' : 'unmodelled';
    return {
      schema: 'kmemsim/result@1',
      command: 'checkpoint',
      arch: mc.arch.name,
      virt: mc.virt,
      cpus: mc.cpus,
      seed: mc.seed,
      params: {
        experiment: experiment ?? 'none',
        ...(profile
          ? { experiment_description: profile.description, fitted: profile.fitted, calibration: profile.calibration }
          : {}),
        kvm,
        writers,
        nohz: o.nohz,
        user_time: userTime,
        size_bytes: sizeBytes,
        pages: Math.ceil(sizeBytes / params.pageBytes),
        pae,
        pkmap_entries: pkmap,
        km_type_nr: mc.arch.highmem?.kmTypeNr ?? 0,
        clock_hz: mc.arch.clockHz,
        readprofile_hz: mc.arch.hz,
        ...tickParams(mc.tick),
        era: { pkmap_flush: era.pkmapFlush, atomic_invlpg: era.atomicInvlpg },
        workload: params,
        mechanism: (() => {
          const { sources: _s, ...m } = hm.MECHANISM;
          return m;
        })(),
        sources: { ...hm.WORKLOAD.sources, ...hm.MECHANISM.sources },
        write_path: hm.WRITE_PATH,
        ...(sens ? { sensitivity: sens } : {}),
      },
      runs,
    };
  },
  formats: ['table', 'md', 'json', 'csv', 'svg', 'folded'],
  renderTable(doc: ResultDocument): string {
    return renderCheckpoint(doc);
  },
  renderFormat: (doc, format) => (format === 'md' ? renderCheckpointMarkdown(doc) : undefined),
});
