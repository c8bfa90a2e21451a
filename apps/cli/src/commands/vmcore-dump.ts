// `kmemsim vmcore-dump`: makedumpfile over /proc/vmcore of a crashed machine (seed 001), one run per
// --access × --dump-level combination: syscall counts like perf stat, time(1) and a perf report per run.
import { formatPerfReport, type ResultDocument, type Run } from '@kmemsim/core';
import type { VmcoreDumpOptions } from '@kmemsim/vmcore';
import type { Command } from 'commander';
import { type CommandModule, machineChoice, type RawOptions } from '../framework/command.js';
import { badValue, UsageError } from '../framework/errors.js';
import { parseChoice, parseIntIn, parseList, parseNumberIn, parseOnOff, parseSizeOpt } from '../framework/parse.js';
import { docHeader, table } from '../framework/table.js';

const ACCESS = ['read', 'mmap'] as const;
const VERSIONS = ['1.5.7', '1.5.8', '1.7.2', '1.7'] as const;
const CLASSES = ['kernel', 'zero', 'cache', 'private', 'user', 'free'] as const;

/** "kernel=0.1,free=0.5": fractions per page class. */
function parseFractions(raw: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const part of parseList(raw, '--fractions', (s) => s)) {
    const m = /^([a-z]+)=(.+)$/.exec(part);
    if (!m) throw badValue('--fractions', raw, `class=fraction pairs such as kernel=0.1,free=0.6`);
    const cls = parseChoice(m[1], '--fractions', CLASSES);
    out[cls] = parseNumberIn(m[2], '--fractions', 0, 1);
  }
  if (Object.values(out).every((v) => v === 0)) throw badValue('--fractions', raw, 'at least one fraction > 0');
  return out;
}

export const vmcoreDumpCommand: CommandModule = {
  name: 'vmcore-dump',
  summary: 'makedumpfile over /proc/vmcore (modelled, or a real vmcore with --image): calls, time, dump size',
  defaultArch: 's390',
  examples: [
    'kmemsim vmcore-dump --experiment seed001 --dump-level 0,31 --access read,mmap',
    'kmemsim vmcore-dump --image /var/crash/vmcore --dump-level 31 --access mmap,read --makedumpfile 1.7.2',
    'kmemsim vmcore-dump --arch x86_64 --mem 16TiB --dump-level 31 --access mmap --format json',
    'kmemsim vmcore-dump --arch x86_64 --mem 4GiB --profile busy-server --access read --iounmap lazy --crash-cpus 8',
    'kmemsim vmcore-dump --mem 2GiB --fractions kernel=0.1,cache=0.3,user=0.2,free=0.4 --mean-run 16',
  ],
  options(cmd: Command) {
    cmd.option('--image <file>', 'predict for this ELF vmcore file (x86_64, flat mem_map) instead of a modelled one');
    cmd.option('--experiment <name>', 'apply an experiment profile and its setup as defaults: seed001');
    cmd.option('--mem <size>', 'memory of the crashed machine, IEC units (default: 1.5GiB)');
    cmd.option('--dump-level <list>', 'makedumpfile -d levels, 0..31 (default: 0,31)');
    cmd.option('--access <list>', 'read (--non-mmap) and/or mmap (default: read,mmap)');
    cmd.option(
      '--makedumpfile <version>',
      '1.5.7 (one mmap window), 1.5.8 or 1.7.2 (8-entry cache of windows); 1.7 = 1.7.2 (default: 1.7.2)',
    );
    cmd.option('--profile <name>', 'memory composition: idle-guest, busy-server, file-server (default: idle-guest)');
    cmd.option('--fractions <list>', 'explicit composition instead of a profile: kernel=…,zero=…,cache=…,…');
    cmd.option('--mean-run <pages>', 'fragmentation: mean run length in pages for every class');
    cmd.option(
      '--crash-cpus <n>',
      'CPUs of the crashed machine: one set of notes each (default: 1; --image: its notes)',
    );
    cmd.option('--capture-cpus <n>', 'CPUs of the capture (kdump) kernel running makedumpfile (default: 1, nr_cpus=1)');
    cmd.option('--dump-format <fmt>', 'kdump (compressed format, default) or elf (-E)');
    cmd.option('--output <where>', 'null (/dev/null, default) or disk (a simulated 100 MB/s disk)');
    cmd.option(
      '--cyclic-buffer <size>',
      'makedumpfile --cyclic-buffer (bitmap bytes per cycle; default: sized as the version does)',
    );
    cmd.option('--iounmap <mode>', 'x86_64 copy_oldmem_page: nonlazy (set_iounmap_nonlazy, default) or lazy');
    cmd.option('--struct-page <bytes>', "sizeof(struct page) of the crashed kernel's era (default: the arch's)");
    cmd.option('--hwpoison <on|off>', 'VMCOREINFO has PG_hwpoison: mem_map walked even at -d 0 (default: off)');
  },
  async execute(opts: RawOptions, ctx): Promise<ResultDocument> {
    if (opts.cpus !== undefined) {
      throw new UsageError(
        '--cpus: vmcore-dump has two machines: give --crash-cpus (notes) or --capture-cpus (kdump kernel)',
      );
    }
    const [{ Machine }, vc] = await Promise.all([import('@kmemsim/mmu'), import('@kmemsim/vmcore')]);
    const exp =
      opts.experiment === undefined
        ? undefined
        : parseChoice(String(opts.experiment), '--experiment', ['seed001'] as const);
    const E = exp ? vc.SEED001 : undefined;
    const image = opts.image === undefined ? undefined : String(opts.image);
    if (image !== undefined) {
      for (const f of [
        'mem',
        'profile',
        'fractions',
        'meanRun',
        'structPage',
        'hwpoison',
        'crashCpus',
        'experiment',
      ] as const) {
        if (opts[f] !== undefined)
          throw new UsageError(
            `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} conflicts with --image: the file says it`,
          );
      }
      if (opts.arch !== undefined && String(opts.arch) !== 'x86_64')
        throw badValue('--arch', opts.arch, 'x86_64 with --image');
    }
    const archName = image !== undefined ? 'x86_64' : (opts.arch ?? E?.config.arch);
    const captureCpus =
      opts.captureCpus === undefined ? 1 : parseIntIn(String(opts.captureCpus), '--capture-cpus', 1, 8192);
    const mc = await machineChoice({ ...opts, arch: archName, cpus: captureCpus }, 's390');
    const memRaw = String(opts.mem ?? (E ? `${E.config.memBytes / 2 ** 20}MiB` : '1.5GiB'));
    const memBytes = parseSizeOpt(memRaw, '--mem', 16 * 2 ** 20);
    const levels = parseList(String(opts.dumpLevel ?? '0,31'), '--dump-level', (s) =>
      parseIntIn(s, '--dump-level', 0, 31),
    );
    const access = parseList(String(opts.access ?? 'read,mmap'), '--access', (s) => parseChoice(s, '--access', ACCESS));
    const version = parseChoice(
      String(opts.makedumpfile ?? E?.config.makedumpfile ?? '1.7.2'),
      '--makedumpfile',
      VERSIONS,
    );
    const format = parseChoice(String(opts.dumpFormat ?? 'kdump'), '--dump-format', ['kdump', 'elf'] as const);
    const output = parseChoice(String(opts.output ?? 'null'), '--output', ['null', 'disk'] as const);
    const iounmap = parseChoice(String(opts.iounmap ?? 'nonlazy'), '--iounmap', ['nonlazy', 'lazy'] as const);
    const hwpoison = opts.hwpoison === undefined ? false : parseOnOff(String(opts.hwpoison), '--hwpoison');
    const cyclicBufferBytes =
      opts.cyclicBuffer === undefined ? undefined : parseSizeOpt(String(opts.cyclicBuffer), '--cyclic-buffer', 1);
    const meanRunPages = opts.meanRun === undefined ? undefined : parseNumberIn(String(opts.meanRun), '--mean-run', 1);
    const structPageBytes =
      opts.structPage === undefined ? undefined : parseIntIn(String(opts.structPage), '--struct-page', 16, 256);
    const crashCpus =
      opts.crashCpus === undefined
        ? (E?.values.crashCpus ?? 1)
        : parseIntIn(String(opts.crashCpus), '--crash-cpus', 1, 8192);
    const fractions = opts.fractions === undefined ? undefined : parseFractions(String(opts.fractions));
    if (fractions && opts.profile !== undefined) {
      throw new UsageError('--fractions conflicts with --profile: give a named profile or explicit fractions');
    }
    const profile = opts.profile === undefined ? E?.config.profile : String(opts.profile);
    if (profile !== undefined && !vc.PROFILE_NAMES.includes(profile)) {
      throw badValue('--profile', profile, `one of ${vc.PROFILE_NAMES.join(', ')}`);
    }
    let src: Pick<VmcoreDumpOptions, 'image' | 'spec'>;
    let imageParams: Record<string, unknown>;
    if (image !== undefined) {
      const node = await import('@kmemsim/vmcore/node');
      let info: ReturnType<typeof node.readVmcoreFile>;
      try {
        info = node.readVmcoreFile(image);
      } catch (err) {
        if (err instanceof node.VmcoreFileError) throw new UsageError(`--image: ${err.message}`);
        throw err;
      }
      src = { spec: info.spec };
      imageParams = {
        file: image,
        file_bytes: info.fileBytes,
        osrelease: info.osrelease,
        crash_cpus: info.cpus,
        pt_loads: info.spec.loads,
        max_mapnr: info.spec.maxMapnr,
        struct_page_bytes: info.spec.kernel.structPageBytes,
        hwpoison: info.spec.kernel.hwpoison,
      };
    } else {
      let img: ReturnType<typeof vc.buildImage>;
      try {
        img = vc.buildImage({
          arch: mc.arch,
          memBytes,
          profile,
          fractions,
          meanRunPages,
          structPageBytes,
          seed: mc.seed,
          extraLoadBytes: E?.values.extraLoadBytes,
        });
      } catch (err) {
        throw new UsageError(`--mem ${memRaw}: ${(err as Error).message}`);
      }
      src = { image: img };
      imageParams = {
        profile: img.profile,
        fractions: img.fractions,
        mean_run_pages: img.meanRunPages,
        coarsening: img.coarsening,
        pages: img.totalPages,
        max_pfn: img.maxPfn,
        runs: img.runCount,
        loads: img.loads,
        counts: img.counts,
        mem_map: img.memMap,
        crash_cpus: crashCpus,
      };
    }
    const combos = access.flatMap((a) => levels.map((d) => [a, d] as const));
    const runs: Run[] = [];
    for (const [i, [acc, level]] of combos.entries()) {
      ctx.progress(i, combos.length, `vmcore-dump --access ${acc} --dump-level ${level}`);
      const machine = new Machine({ arch: mc.arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed });
      try {
        const { run } = vc.runVmcoreDump({
          machine,
          ...src,
          version,
          access: acc,
          dumpLevel: level,
          format,
          output,
          cyclicBufferBytes,
          hwpoison,
          crashCpus,
          fixedInitMmap157: E?.config.fixedInitMmap157,
          process: E ? { read: E.values.processReads } : undefined,
          iounmapNonlazy: iounmap === 'nonlazy',
        });
        runs.push(run);
      } catch (err) {
        if (err instanceof RangeError) throw new UsageError(`--dump-level ${level}: ${err.message}`);
        throw err;
      }
    }
    ctx.progress(combos.length, combos.length, 'done');
    const strip = <T extends { sources: Record<string, string> }>(p: T) => {
      const { sources: _s, ...rest } = p;
      return rest;
    };
    return {
      schema: 'kmemsim/result@1',
      command: 'vmcore-dump',
      arch: mc.arch.name,
      virt: mc.virt,
      cpus: mc.cpus,
      seed: mc.seed,
      params: {
        mem_bytes: image === undefined ? memBytes : null,
        image_file: image ?? null,
        experiment: exp ?? null,
        makedumpfile: vc.resolveVersion(version),
        dump_format: format,
        output,
        cyclic_buffer_bytes: cyclicBufferBytes ?? null,
        iounmap,
        hwpoison,
        capture_cpus: mc.cpus,
        crash_cpus: image === undefined ? crashCpus : imageParams.crash_cpus,
        copy_oldmem_page: vc.copyPathOf(new Machine({ arch: mc.arch, virt: mc.virt, cpus: mc.cpus })),
        image: imageParams,
        makedumpfile_params: strip(vc.MAKEDUMPFILE),
        experiment_values: E ? strip(E.values) : null,
        user_costs: strip(vc.USER_COSTS),
        kernel_costs: strip(vc.KERNEL_COSTS),
        sources: {
          ...vc.MAKEDUMPFILE.sources,
          ...vc.USER_COSTS.sources,
          ...vc.KERNEL_COSTS.sources,
          ...(E ? E.values.sources : {}),
        },
      },
      runs,
    };
  },
  renderTable(doc: ResultDocument): string {
    const p = doc.params as {
      mem_bytes: number | null;
      image_file: string | null;
      makedumpfile: string;
      image: { profile?: string };
    };
    const what =
      p.image_file !== null
        ? `vmcore ${p.image_file}`
        : `${((p.mem_bytes ?? 0) / 2 ** 30).toLocaleString('en-US')} GiB ${p.image.profile}`;
    const out = [
      docHeader(doc),
      `${what}, makedumpfile ${p.makedumpfile}`,
      '',
      table(
        ['access', '-d', 'mmap', 'munmap', 'read', 'lseek', 'write', 'dumped', 'excluded', 'real_s', 'user_s', 'sys_s'],
        doc.runs.map((r) => {
          const s = (r.counters.syscalls ?? {}) as Record<string, number>;
          return [
            String(r.variant.access),
            Number(r.variant.dump_level),
            s.mmap,
            s.munmap,
            s.read,
            s.lseek,
            s.write,
            r.metrics.pages_dumped,
            r.metrics.pages_excluded,
            r.time.real_s,
            r.time.user_s,
            r.time.sys_s,
          ];
        }),
      ),
    ];
    for (const r of doc.runs) {
      out.push('', `== --access ${r.variant.access} -d ${r.variant.dump_level}: perf report ==`);
      const user = new Set(['readmem', 'vaddr_to_paddr', '__exclude_unnecessary_pages', 'is_zero_page', 'set_bitmap']);
      const isUser = (s: string) => user.has(s) || s.startsWith('write_kdump') || s.startsWith('write_elf');
      out.push(formatPerfReport(r.profile.slice(0, 10), (s) => (isUser(s) ? 'user' : 'sys')));
    }
    return out.join('\n');
  },
};
