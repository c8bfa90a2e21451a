// `kmemsim checkpoint`: dump a process's memory to a file page by page (seed 000), once per --map variant:
// time(1) and a readprofile top list per variant, then a comparison across variants.
import { formatReadprofile, formatTime, type ResultDocument, type Run } from '@kmemsim/core';
import type { Command } from 'commander';
import { type CommandModule, machineChoice, type RawOptions } from '../framework/command.js';
import { badValue, UsageError } from '../framework/errors.js';
import {
  conflict,
  parseChoice,
  parseIntIn,
  parseList,
  parseNumberIn,
  parseOnOff,
  parseSizeOpt,
} from '../framework/parse.js';
import { docHeader, table } from '../framework/table.js';

const MAPS = ['kmap', 'kmap_atomic', 'kmap_local'] as const;
const KVM_CHOICES = ['2.6.27', '2.6.28', '2.6.29', '2.6.30', '2.6.31'] as const;
const EXPERIMENT_CHOICES = ['seed000'] as const;

/** --experiment: its configuration becomes the defaults; a flag that contradicts it is a usage error. */
function applyExperiment(opts: RawOptions): RawOptions {
  if (opts.experiment === undefined) return opts;
  parseChoice(String(opts.experiment), '--experiment', EXPERIMENT_CHOICES);
  const fixed: [keyof RawOptions & string, string, string][] = [
    ['arch', '--arch', 'i386'],
    ['virt', '--virt', 'kvm-shadow'],
    ['pae', '--pae', 'on'],
    ['kvm', '--kvm', '2.6.29'],
    ['pkmapFlush', '--pkmap-flush', 'always'],
    ['atomicInvlpg', '--atomic-invlpg', 'unmap'],
  ];
  const out: RawOptions = { size: '800MiB', map: 'kmap', cpus: '2', ...opts };
  for (const [key, flag, value] of fixed) {
    if (opts[key] !== undefined && String(opts[key]) !== value)
      throw conflict(
        flag,
        '--experiment seed000',
        `its fitted values belong to ${flag} ${value}; drop --experiment to run other configurations`,
      );
    out[key] = value;
  }
  return out;
}

export const checkpointCommand: CommandModule = {
  name: 'checkpoint',
  summary: "dump a process's memory to a file through the page cache, per kmap variant (seed 000)",
  defaultArch: 'i386',
  examples: [
    'kmemsim checkpoint --experiment seed000 --map kmap,kmap_atomic,kmap_local',
    'kmemsim checkpoint --arch i386 --virt kvm-shadow --size 800MiB --map kmap,kmap_atomic,kmap_local',
    'kmemsim checkpoint --arch i386 --virt kvm-shadow --cpus 4 --writers 4 --map kmap --kvm 2.6.30',
    'kmemsim checkpoint --arch i386 --virt kvm-shadow --map kmap --pae off --disk-mbps 30 --format json',
    'kmemsim checkpoint --arch x86_64 --size 4GiB --map kmap',
  ],
  options(cmd: Command) {
    cmd.option('--size <size>', 'process memory to dump, IEC units (default: 800MiB)');
    cmd.option('--map <list>', 'how checkpoint_dump_page maps each page: kmap, kmap_atomic, kmap_local (default: all)');
    cmd.option('--pae <on|off>', 'i386 PAE: LAST_PKMAP 512 instead of 1024 (default: on where the arch has PAE)');
    cmd.option('--disk-mbps <n>', 'disk bandwidth in MB/s (default: 60, an IDE disk of 2009)');
    cmd.option('--pkmap-flush <era>', 'always (2.6.2x) or if-reclaimed (later kernels) (default: always)');
    cmd.option('--atomic-invlpg <era>', 'kmap_atomic invlpg at unmap (2.6.19+) or map (before) (default: unmap)');
    cmd.option(
      '--experiment <name>',
      'run as a calibrated experiment with its fitted values and configuration defaults: seed000 (i386 PAE guest, ' +
        'KVM 2009, Core 2-class host, ext3 on emulated IDE). Without it only sourced values are used',
    );
    cmd.option(
      '--kvm <version>',
      `host KVM whose shadow paging runs (kvm-shadow): ${KVM_CHOICES.join(', ')} (default: 2.6.29)`,
    );
    cmd.option(
      '--writers <n>',
      'processes checkpointing at once, one per CPU, sharing kmap_lock and the pkmap pool (default: 1)',
    );
    cmd.option(
      '--sensitivity <on|off>',
      'with several --map values: check the verdict across every [U] range (default: on)',
    );
    cmd.option('--top <n>', 'readprofile rows kept per run (default: 20, as the published profile)');
  },
  async execute(raw: RawOptions, ctx): Promise<ResultDocument> {
    const opts = applyExperiment(raw);
    const experiment = opts.experiment === undefined ? undefined : ('seed000' as const);
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
    const kvm = parseChoice(String(opts.kvm ?? '2.6.29'), '--kvm', KVM_CHOICES);
    const writers = opts.writers === undefined ? 1 : parseIntIn(String(opts.writers), '--writers', 1, mc.cpus);
    const top = opts.top === undefined ? 20 : parseIntIn(String(opts.top), '--top', 1, 10_000);
    const sensitivity = opts.sensitivity === undefined ? true : parseOnOff(String(opts.sensitivity), '--sensitivity');
    const [{ Machine }, hm] = await Promise.all([import('@kmemsim/mmu'), import('@kmemsim/highmem')]);
    const profile = experiment ? hm.EXPERIMENTS[experiment] : undefined;
    const params = hm.checkpointParams({ diskMbps, archPageBytes: mc.arch.pageBytes, params: profile?.params });
    const runs: Run[] = [];
    for (const [i, map] of maps.entries()) {
      ctx.progress(i, maps.length, `checkpoint --map ${map}`);
      let machine: InstanceType<typeof Machine>;
      try {
        machine = new Machine({
          arch: mc.arch,
          virt: mc.virt,
          cpus: mc.cpus,
          seed: mc.seed,
          pae,
          kvm,
          virtCosts: profile?.virtCosts,
        });
      } catch (err) {
        throw new UsageError(`--cpus ${mc.cpus}: ${(err as Error).message}`);
      }
      runs.push(
        hm.runCheckpoint({ machine, map, sizeBytes, diskMbps, era, writers, params: profile?.params, top }).run,
      );
    }
    const sens =
      sensitivity && maps.length > 1
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
          })
        : undefined;
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
        experiment: experiment ?? 'none',
        ...(profile
          ? { experiment_description: profile.description, fitted: profile.fitted, calibration: profile.calibration }
          : {}),
        kvm,
        writers,
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
        write_path: hm.WRITE_PATH,
        ...(sens ? { sensitivity: sens } : {}),
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
  out.push(
    '',
    `comparison${doc.params.experiment !== 'none' ? ` (experiment ${doc.params.experiment}: fitted values applied)` : ' (sourced values only)'}:`,
  );
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
  const sens = doc.params.sensitivity as
    | {
        verdict: string;
        size_bytes: number;
        entries: {
          parameter: string;
          lo: number;
          hi: number;
          verdict_lo: string;
          verdict_hi: string;
          flips: boolean;
        }[];
      }
    | undefined;
  if (sens) out.push(...sensitivityLines(sens));
  return out.join('\n');
}

function sensitivityLines(s: {
  verdict: string;
  entries: { parameter: string; lo: number; hi: number; verdict_lo: string; verdict_hi: string; flips: boolean }[];
}): string[] {
  const flips = s.entries.filter((e) => e.flips);
  const head = `verdict by sys time: ${s.verdict}`;
  if (flips.length === 0) return [head, `holds across all ${s.entries.length} [U] ranges the run depends on`];
  return [
    head,
    `flips within ${flips.length} of ${s.entries.length} [U] ranges:`,
    ...flips.map(
      (e) => `  ${e.parameter} [U ${e.lo}..${e.hi}]: at ${e.lo} ${e.verdict_lo}; at ${e.hi} ${e.verdict_hi}`,
    ),
  ];
}
