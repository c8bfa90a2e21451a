// `kmemsim vmcore-dump`: makedumpfile over /proc/vmcore of a crashed machine — a modelled one (--mem, --profile …)
// or a real ELF vmcore file (--image) — one run per --access × --dump-level combination: calls like perf stat,
// time(1), dump size and a perf report per run.
import type { ResultDocument, Run } from '@kmemsim/core';
import {
  type AccessMode,
  DEFAULT_KERNEL,
  DEFAULT_PROFILE,
  EXPERIMENTS,
  MAKEDUMPFILE_VERSIONS,
  type OutputFormat,
  type OutputTarget,
  PAGE_CLASSES,
  PROFILE_NAMES,
  resolveVersion,
} from '@kmemsim/vmcore';
import { defineCommand } from '../framework/define.js';
import { badValue, UsageError } from '../framework/errors.js';
import { limit } from '../framework/limits.js';
import { ARCH_EXPECTED, MAX_CPUS, machineOptions, resolveMachine } from '../framework/machine.js';
import { allOf, bool, choice, custom, int, kib, num, size, text } from '../framework/options.js';
import { machineTick, tickParams } from '../framework/tick.js';
import { renderVmcoreDumpMarkdown, renderVmcoreDumpTable } from './vmcore-dump-render.js';
import { imageFileSource, modelledSource, rejectImageConflicts } from './vmcore-dump-source.js';
import { parseFractions, warnUnscaled } from './vmcore-fractions.js';

/** 16 TiB at -d 31 takes ~250 MiB and ~5 s; read() at -d 0 reads every page, ~20 s at 16 TiB. */
export const MAX_VMCORE_MEM = 16 * 2 ** 40;
/** makedumpfile cycles (pages ÷ pages per --cyclic-buffer): each is a pass over its part of mem_map. */
export const MAX_CYCLES = 2 ** 20;

const { cpus: _machineCpus, ...machine } = machineOptions('s390');

export const vmcoreDumpCommand = defineCommand({
  kind: 'result',
  name: 'vmcore-dump',
  summary:
    'makedumpfile 1.5.7–1.7.2 over /proc/vmcore of capture kernels 2.6–6.x (modelled, or a real vmcore with ' +
    '--image): calls, time, dump size (seed 001)',
  trace: true,
  sweepable: true,
  examples: [
    'kmemsim vmcore-dump --experiment seed001 --dump-level 0,31 --access read,mmap',
    'kmemsim vmcore-dump --image /var/crash/vmcore --dump-level 31 --access mmap,read --makedumpfile 1.7.2',
    'kmemsim vmcore-dump --arch x86_64 --mem 16TiB --dump-level 31 --access mmap --format json',
    'kmemsim vmcore-dump --arch x86_64 --mem 4GiB --profile busy-server --access read --iounmap lazy --crash-cpus 8',
    'kmemsim vmcore-dump --mem 2GiB --fractions kernel=0.1,cache=0.3,user=0.2,free=0.4 --mean-run 16',
  ],
  helpAfter:
    '\nTwo machines: --crash-cpus is the crashed one (its notes), --capture-cpus the kdump kernel running makedumpfile.' +
    "\nOutput: one row per --access × --dump-level: the process's mmap, munmap, read, lseek and write calls as perf" +
    '\nstat counts them (--format json adds counters.vmcore: the vmcore file only, as strace -y shows), pages dumped' +
    "\nand excluded, time(1) real/user/sys in seconds; then a perf report per run. Modelled: each version's readmem" +
    '\ncache and mmap windows, cyclic passes, mem_map walk and filtering, -E; /proc/vmcore read and mmap of the' +
    '\ncapture kernel per arch. The dump is written uncompressed (no -c, -l, -p, --split, --num-threads).',
  options: {
    ...machine,
    arch: text({
      description: 'architecture of the crashed machine: a built-in name or a plugin file (.mjs, .js, .json)',
      defaultText: "s390; x86_64 with --image; the experiment's with --experiment",
      placeholder: '<name|path>',
      maxLength: 4096,
      patternText: ARCH_EXPECTED,
    }),
    image: text({
      description: 'predict for this ELF vmcore file (x86_64, flat or sparse mem_map) instead of a modelled machine',
      placeholder: '<file>',
      maxLength: 4096,
    }),
    experiment: choice(Object.keys(EXPERIMENTS) as (keyof typeof EXPERIMENTS)[], {
      description:
        'apply an experiment profile: its fitted values, its configuration as defaults (seed001: s390, 1.5 GiB, ' +
        'makedumpfile 1.5.7; --arch and --makedumpfile may not differ, the fitted values belong to them)',
      placeholder: '<name>',
    }),
    mem: size({
      description: 'memory of the crashed machine',
      min: 16 * 2 ** 20,
      max: MAX_VMCORE_MEM,
      defaultText: "1.5GiB (the experiment's with --experiment)",
    }),
    dumpLevel: int({ description: 'makedumpfile -d levels', list: true, min: 0, max: 31, default: [0, 31] }),
    access: choice(allOf<AccessMode>()(['read', 'mmap']), {
      description: 'read (--non-mmap) and/or mmap',
      list: true,
      default: ['read', 'mmap'],
    }),
    makedumpfile: choice(MAKEDUMPFILE_VERSIONS, {
      description: '1.5.7 (one mmap window), 1.5.8 or 1.7.2 (8-entry cache of windows); 1.7 means 1.7.2',
      defaultText: "1.7.2 (the experiment's with --experiment)",
      placeholder: '<version>',
    }),
    crashCpus: int({
      description: 'CPUs of the crashed machine: one set of notes each (--image: its notes)',
      min: 1,
      max: MAX_CPUS,
      defaultText: "1 (the experiment's with --experiment)",
    }),
    captureCpus: int({
      description: 'CPUs of the capture (kdump) kernel running makedumpfile (kdump boots it with nr_cpus=1)',
      min: 1,
      max: MAX_CPUS,
      default: 1,
    }),
    profile: choice(PROFILE_NAMES, { description: 'memory composition', defaultText: DEFAULT_PROFILE }),
    fractions: custom({
      description:
        `explicit composition instead of a profile: CLASS=FRACTION pairs (${PAGE_CLASSES.join(', ')}); ` +
        'classes not given are 0, and the pairs are scaled to sum 1 (kernel=0.5 alone is all kernel)',
      expected: 'CLASS=NUMBER pairs such as kernel=0.4,free=0.6',
      parse: (v, w) => parseFractions(v, w),
      placeholder: '<list>',
    }),
    meanRun: num({
      description:
        "fragmentation: mean run length in pages for every class, instead of the profile's per-class lengths " +
        '(the same name as in vmcore-image)',
      min: 1,
      max: 2 ** 40,
      placeholder: '<pages>',
    }),
    dumpFormat: choice(allOf<OutputFormat>()(['kdump', 'elf']), {
      description: 'kdump (compressed format) or elf (-E)',
      default: 'kdump',
      placeholder: '<fmt>',
    }),
    output: choice(allOf<OutputTarget>()(['null', 'disk']), {
      description: 'null (/dev/null) or disk (a simulated 100 MB/s disk)',
      default: 'null',
      placeholder: '<where>',
    }),
    cyclicBuffer: kib({
      description:
        'makedumpfile --cyclic-buffer: the bitmap buffer of one cycle, in KiB as makedumpfile counts it (1 KiB = ' +
        '8,192 pfns a cycle; at most 1,048,576 cycles); in 1.7.2 it keeps cyclic mode on',
      minKiB: 1,
      maxKiB: 2 ** 30,
      defaultText: 'sized from MemFree as the version does (at most 4 MiB)',
    }),
    kernel: text({
      description: "the capture kernel's version: its /proc/vmcore, iounmap and TLB-flush code (2.6.x … 6.x)",
      defaultText: `${DEFAULT_KERNEL}; --image: the file's OSRELEASE; the experiment's with --experiment`,
      placeholder: '<version>',
      maxLength: 64,
    }),
    tlbFlushallShift: int({
      description:
        "x86 CPU's tlb_flushall_shift, for kernels 3.6–3.16: −1 AMD and Core 2 (always a full flush), 6 Nehalem and " +
        'Westmere, 5 Sandy Bridge, 1 Ivy Bridge',
      min: -1,
      max: 10,
      default: -1,
      placeholder: '<n>',
    }),
    iounmap: choice(['nonlazy', 'lazy'], {
      description: 'x86_64 copy_oldmem_page: nonlazy (set_iounmap_nonlazy) or lazy',
      defaultText: "the kernel's: nonlazy from 2.6.37 to 5.18, lazy otherwise",
      placeholder: '<mode>',
    }),
    structPage: int({
      description:
        "sizeof(struct page) of the crashed kernel's era (VMCOREINFO SIZE(page)), in bytes: whole words, so a " +
        'multiple of 4 on i386 and of 8 on the 64-bit arches',
      // The arch schema's bounds (mmu STRUCT_PAGE_MIN_BYTES: the smallest struct page of any era, 32-bit 2.6's).
      min: 32,
      max: 256,
      defaultText: "the arch's structPageBytes (kmemsim arch show NAME)",
      placeholder: '<bytes>',
    }),
    memoryModel: choice(['sparse', 'flat'] as const, {
      description: 'x86_64: the crashed kernel describes its mem_map sparse (mem_section, as x86_64 kernels) or flat',
      defaultText: 'sparse on x86_64, flat on other arches',
      placeholder: '<model>',
    }),
    hwpoison: bool({
      description:
        'VMCOREINFO has NUMBER(PG_hwpoison) (the crashed kernel had CONFIG_MEMORY_FAILURE): every version walks ' +
        'mem_map even at -d 0 and 1',
      defaultText: 'off (--image: the file says)',
    }),
    sensitivity: bool({
      description: 'with several runs: check their order by real time across every [U] range the timing reads',
      default: true,
      sweep: false,
    }),
  },
  async run(o, ctx): Promise<ResultDocument> {
    const E = o.experiment === undefined ? undefined : EXPERIMENTS[o.experiment];
    const imageFile = o.image;
    if (imageFile !== undefined) {
      const { mem, profile, fractions, meanRun, structPage, hwpoison, crashCpus, experiment, memoryModel } = o;
      const given = { mem, profile, fractions, meanRun, structPage, hwpoison, crashCpus, experiment, memoryModel };
      rejectImageConflicts(given, o.arch);
    }
    // The experiment's fitted values (its extra PT_LOAD, 1.5.7's reads outside the vmcore) belong to its arch and
    // version: another is refused, as checkpoint --experiment seed000 refuses its fixed flags.
    if (E) {
      const version = o.makedumpfile && resolveVersion(o.makedumpfile);
      const fixed = [
        ['--arch', o.arch, o.arch, E.config.arch],
        ['--makedumpfile', o.makedumpfile, version, E.config.makedumpfile],
      ] as const;
      for (const [flag, given, meant, want] of fixed)
        if (given !== undefined && meant !== want)
          throw badValue(
            flag,
            given,
            `${want} with --experiment ${o.experiment}: its fitted values belong to ${flag} ${want}; drop --experiment to run other configurations`,
          );
    }
    if (o.fractions && o.profile !== undefined) {
      throw new UsageError('--fractions conflicts with --profile: give a named profile or explicit fractions');
    }
    if (o.fractions) warnUnscaled(o.fractions, ctx);
    const arch = imageFile !== undefined ? 'x86_64' : (o.arch ?? E?.config.arch ?? 's390');
    const mc = await resolveMachine({ arch, virt: o.virt, cpus: o.captureCpus, seed: o.seed, tick: o.tick });
    const tick = machineTick(mc.tick);
    // sizeof(struct page) is a multiple of its widest member's alignment: unsigned long flags, one word.
    const word = mc.arch.wordBits / 8;
    if (o.structPage !== undefined && o.structPage % word !== 0)
      throw badValue(
        '--struct-page',
        o.structPage,
        `a multiple of ${word} bytes on ${mc.arch.name} (sizeof(struct page) is whole ${mc.arch.wordBits}-bit words)`,
      );
    if (o.memoryModel === 'sparse' && mc.arch.name !== 'x86_64')
      throw badValue('--memory-model', 'sparse', `flat on ${mc.arch.name} (the sparse layout is modelled for x86_64)`);
    const memoryModel = o.memoryModel ?? (mc.arch.name === 'x86_64' ? 'sparse' : 'flat');
    const { access, dumpFormat: format, output, iounmap, cyclicBuffer: cyclicBufferBytes } = o;
    const levels = o.dumpLevel;
    const version = o.makedumpfile ?? E?.config.makedumpfile ?? '1.7.2';
    const hwpoison = o.hwpoison ?? false;
    const crashCpus = o.crashCpus ?? E?.values.crashCpus ?? 1;
    const memBytes = o.mem ?? E?.config.memBytes ?? 1.5 * 2 ** 30;
    const [{ Machine }, vc] = await Promise.all([import('@kmemsim/mmu'), import('@kmemsim/vmcore')]);
    const imageOptions = {
      arch: mc.arch,
      memBytes,
      profile: o.profile ?? E?.config.profile,
      fractions: o.fractions,
      meanRunPages: o.meanRun,
      structPageBytes: o.structPage,
      seed: mc.seed,
      extraLoadBytes: E?.values.extraLoadBytes,
      memoryModel,
    };
    const { src, imageParams, osrelease, pages } =
      imageFile !== undefined ? await imageFileSource(imageFile, levels) : modelledSource(imageOptions, crashCpus);
    if (cyclicBufferBytes !== undefined) {
      limit(
        `pages ÷ (--cyclic-buffer × 8 pages per byte): ${pages} pages in cycles of ${cyclicBufferBytes * 8}, cycles`,
        Math.ceil(pages / (cyclicBufferBytes * 8)),
        MAX_CYCLES,
        `a run may make (give --cyclic-buffer ${Math.ceil(pages / MAX_CYCLES / 8 / 1024)} or more, in KiB)`,
      );
    }
    // The capture kernel: --kernel, else the crashed kernel of --image (kdump usually boots the same one), else
    // the experiment's, else the default.
    let kernelText = o.kernel ?? E?.config.kernel;
    if (kernelText === undefined && osrelease !== undefined) {
      if (vc.parseKernelVersion(osrelease)) kernelText = osrelease;
      else ctx.warn(`--image: OSRELEASE "${osrelease}" is not a kernel version; using ${vc.DEFAULT_KERNEL} (--kernel)`);
    }
    kernelText ??= vc.DEFAULT_KERNEL;
    if (!vc.parseKernelVersion(kernelText))
      throw badValue('--kernel', kernelText, 'a Linux version from 2.6 to 6.x such as 2.6.32, 3.10, 5.15, 6.1');
    const kernel = vc.vmcoreKernel(kernelText);
    // Flags that only one path reads: refused elsewhere rather than silently ignored.
    if (o.tlbFlushallShift !== -1 && (mc.arch.name !== 'x86_64' || kernel.x86RangeFlush !== 'flushall-shift'))
      throw badValue(
        '--tlb-flushall-shift',
        o.tlbFlushallShift,
        `-1 here: it is read only on x86_64 with a capture kernel 3.6–3.16 (arch ${mc.arch.name}, kernel ${kernel.version})`,
      );
    if (o.iounmap !== undefined) {
      const path = vc.copyPathOf(new Machine({ arch: mc.arch, virt: mc.virt, cpus: mc.cpus }));
      if (path !== 'ioremap')
        throw badValue(
          '--iounmap',
          o.iounmap,
          `no value here: copy_oldmem_page on ${mc.arch.name} is ${path}, not ioremap + iounmap`,
        );
    }
    const machineArch = vc.archForKernel(mc.arch, kernel, o.tlbFlushallShift);
    const combos = access.flatMap((a) => levels.map((d) => [a, d] as const));
    const newMachine = (arch: typeof machineArch) =>
      new Machine({ arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed, ...(tick ? { tick } : {}) });
    const base = {
      ...src,
      version,
      format,
      output,
      cyclicBufferBytes,
      hwpoison,
      crashCpus,
      fixedInitMmap157: E?.config.fixedInitMmap157,
      process: E ? { read: E.values.processReads } : undefined,
      kernel,
      iounmapNonlazy: iounmap === undefined ? undefined : iounmap === 'nonlazy',
    };
    const runs: Run[] = [];
    for (const [i, [acc, level]] of combos.entries()) {
      ctx.progress(i, combos.length, `vmcore-dump --access ${acc} --dump-level ${level}`);
      try {
        const { run } = vc.runVmcoreDump({ ...base, machine: newMachine(machineArch), access: acc, dumpLevel: level });
        runs.push(run);
      } catch (err) {
        if (err instanceof RangeError) throw new UsageError(`--dump-level ${level}: ${err.message}`);
        throw err;
      }
    }
    ctx.progress(combos.length, combos.length, 'sensitivity over the [U] ranges');
    const sensitivity =
      o.sensitivity && combos.length > 1
        ? vc.dumpSensitivity({
            base,
            runs: combos.map(([acc, level]) => ({ access: acc, dumpLevel: level })),
            arch: machineArch,
            machine: newMachine,
            imageOptions: imageFile === undefined ? imageOptions : undefined,
            nominal: runs.map((r) => r.time),
          })
        : undefined;
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
        mem_bytes: imageFile === undefined ? memBytes : null,
        image_file: imageFile ?? null,
        experiment: o.experiment ?? null,
        makedumpfile: vc.resolveVersion(version),
        dump_format: format,
        output,
        cyclic_buffer_bytes: cyclicBufferBytes ?? null,
        kernel: kernel.version,
        kernel_era: strip(kernel),
        tlb_flushall_shift: o.tlbFlushallShift,
        range_flush_ceiling_pages: machineArch.tlb.rangeFlushCeilingPages,
        iounmap: iounmap ?? (kernel.iounmapNonlazy ? 'nonlazy' : 'lazy'),
        hwpoison,
        capture_cpus: mc.cpus,
        ...tickParams(mc.tick),
        crash_cpus: imageFile === undefined ? crashCpus : imageParams.crash_cpus,
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
          ...Object.fromEntries(Object.entries(kernel.sources).map(([k, v]) => [`kernel_era.${k}`, v])),
          ...(E ? E.values.sources : {}),
        },
        ...(sensitivity ? { sensitivity } : {}),
      },
      runs,
    };
  },
  renderTable: renderVmcoreDumpTable,
  formats: ['table', 'md', 'json', 'csv', 'svg', 'folded'],
  renderFormat: (doc, format) => (format === 'md' ? renderVmcoreDumpMarkdown(doc) : undefined),
});
