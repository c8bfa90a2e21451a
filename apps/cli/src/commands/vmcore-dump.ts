// `kmemsim vmcore-dump`: makedumpfile over /proc/vmcore of a crashed machine (seed 001), one run per
// --access × --dump-level combination: syscall counts like perf stat, time(1) and a perf report per run.
import { formatPerfReport, type ResultDocument, type Run } from '@kmemsim/core';
import {
  type AccessMode,
  DEFAULT_PROFILE,
  MAKEDUMPFILE_VERSIONS,
  type OutputFormat,
  type OutputTarget,
  PAGE_CLASSES,
  type PageClass,
  PROFILE_NAMES,
} from '@kmemsim/vmcore';
import { defineCommand } from '../framework/define.js';
import { badValue, UsageError } from '../framework/errors.js';
import { limit } from '../framework/limits.js';
import { machineOptions, resolveMachine } from '../framework/machine.js';
import { allOf, bool, choice, custom, int, num, size } from '../framework/options.js';
import { docHeader, table } from '../framework/table.js';
import { listValue, numberValue } from '../framework/values.js';

/** 16 TiB at -d 31 takes ~250 MiB and ~5 s; read() at -d 0 reads every page, ~20 s at 16 TiB. */
export const MAX_VMCORE_MEM = 16 * 2 ** 40;
/** makedumpfile cycles (memory ÷ pages per --cyclic-buffer): each is a pass over its part of mem_map. */
export const MAX_CYCLES = 2 ** 20;

type Fractions = Partial<Record<PageClass, number>>;

/**
 * Fractions per page class: "kernel=0.1,free=0.5" on the command line, or a mapping in a sweep file; each class
 * at most once, each in [0, max], at least one above 0.
 */
export function parseFractions(raw: unknown, flag: string, max = 1): Fractions {
  let pairs: [string, unknown][];
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) pairs = Object.entries(raw);
  else if (typeof raw === 'string') {
    pairs = listValue(raw, flag, (s) => String(s), 16).map((part) => {
      const m = /^([^=]*)=(.*)$/.exec(part);
      if (!m) throw badValue(flag, raw, `CLASS=NUMBER pairs such as kernel=0.1,free=0.6`);
      return [m[1], m[2]];
    });
    const seen = new Set<string>();
    for (const [k] of pairs) {
      if (seen.has(k)) throw badValue(flag, raw, `each class once (${k} is given twice)`);
      seen.add(k);
    }
  } else throw badValue(flag, raw, `CLASS=NUMBER pairs such as kernel=0.1,free=0.6`);
  const out: Fractions = {};
  for (const [k, v] of pairs) {
    if (!(PAGE_CLASSES as readonly string[]).includes(k))
      throw badValue(flag, k, `a page class: one of ${PAGE_CLASSES.join(', ')}`);
    out[k as PageClass] = numberValue(v, `${flag} ${k}`, 0, max);
  }
  if (Object.values(out).every((v) => v === 0)) throw badValue(flag, raw, 'at least one fraction > 0');
  return out;
}

export const vmcoreDumpCommand = defineCommand({
  kind: 'result',
  name: 'vmcore-dump',
  summary: 'makedumpfile over /proc/vmcore: read() vs mmap(), dump levels, syscall counts (seed 001)',
  trace: true,
  sweepable: true,
  examples: [
    'kmemsim vmcore-dump --arch s390 --mem 1.5GiB --dump-level 0,31 --access read,mmap --makedumpfile 1.5.7',
    'kmemsim vmcore-dump --arch x86_64 --mem 16TiB --dump-level 31 --access mmap --makedumpfile 1.7 --format json',
    'kmemsim vmcore-dump --arch x86_64 --mem 4GiB --profile busy-server --access read --iounmap lazy',
    'kmemsim vmcore-dump --mem 2GiB --fractions kernel=0.1,cache=0.3,user=0.2,free=0.4 --mean-run 16',
  ],
  options: {
    ...machineOptions('s390'),
    mem: size({
      description: 'memory of the crashed machine',
      min: 16 * 2 ** 20,
      max: MAX_VMCORE_MEM,
      default: 1.5 * 2 ** 30,
    }),
    dumpLevel: int({ description: 'makedumpfile -d levels', list: true, min: 0, max: 31, default: [0, 31] }),
    access: choice(allOf<AccessMode>()(['read', 'mmap']), {
      description: 'read (--non-mmap) and/or mmap',
      list: true,
      default: ['read', 'mmap'],
    }),
    makedumpfile: choice(MAKEDUMPFILE_VERSIONS, {
      description: '1.5.7 (one mmap window) or 1.7 (8-entry cache of windows)',
      default: '1.7',
      placeholder: '<version>',
    }),
    profile: choice(PROFILE_NAMES, { description: 'memory composition', defaultText: DEFAULT_PROFILE }),
    fractions: custom({
      description: `explicit composition instead of a profile: CLASS=FRACTION pairs (${PAGE_CLASSES.join(', ')})`,
      expected: 'CLASS=NUMBER pairs such as kernel=0.1,free=0.6',
      parse: (v, w) => parseFractions(v, w),
      placeholder: '<list>',
    }),
    meanRun: num({
      description: 'fragmentation: mean run length in pages for every class',
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
    cyclicBuffer: size({
      description: 'makedumpfile --cyclic-buffer (bitmap bytes per cycle; at most 1,048,576 cycles)',
      min: 1,
      max: 2 ** 40,
      defaultText: 'one cycle',
    }),
    iounmap: choice(['nonlazy', 'lazy'], {
      description: 'x86_64 copy_oldmem_page: nonlazy (set_iounmap_nonlazy) or lazy',
      default: 'nonlazy',
      placeholder: '<mode>',
    }),
    structPage: int({
      description: "sizeof(struct page) of the crashed kernel's era",
      min: 16,
      max: 256,
      defaultText: "the arch's",
      placeholder: '<bytes>',
    }),
    hwpoison: bool({ description: 'VMCOREINFO has PG_hwpoison: mem_map walked even at -d 0', default: false }),
  },
  async run(o, ctx): Promise<ResultDocument> {
    const mc = await resolveMachine(o);
    const memBytes = o.mem;
    const levels = o.dumpLevel;
    const access = o.access;
    const version = o.makedumpfile;
    const format = o.dumpFormat;
    const output = o.output;
    const iounmap = o.iounmap;
    const hwpoison = o.hwpoison;
    const cyclicBufferBytes = o.cyclicBuffer;
    const meanRunPages = o.meanRun;
    const structPageBytes = o.structPage;
    const fractions = o.fractions;
    if (fractions && o.profile !== undefined) {
      throw new UsageError('--fractions conflicts with --profile: give a named profile or explicit fractions');
    }
    const profile = o.profile;
    if (cyclicBufferBytes !== undefined) {
      const pages = Math.ceil(memBytes / mc.arch.pageBytes);
      const cycles = Math.ceil(pages / (cyclicBufferBytes * 8));
      limit(
        `--mem ÷ (--cyclic-buffer × 8 pages per byte): ${pages} pages in cycles of ${cyclicBufferBytes * 8}, cycles`,
        cycles,
        MAX_CYCLES,
        `a run may make (give --cyclic-buffer ${Math.ceil(pages / MAX_CYCLES / 8)} or more)`,
      );
    }
    const [{ Machine }, vc] = await Promise.all([import('@kmemsim/mmu'), import('@kmemsim/vmcore')]);
    let image: ReturnType<typeof vc.buildImage>;
    try {
      image = vc.buildImage({
        arch: mc.arch,
        memBytes,
        profile,
        fractions,
        meanRunPages,
        structPageBytes,
        seed: mc.seed,
      });
    } catch (err) {
      throw new UsageError(`--mem ${memBytes}: ${(err as Error).message}`);
    }
    const combos = access.flatMap((a) => levels.map((d) => [a, d] as const));
    const runs: Run[] = [];
    for (const [i, [acc, level]] of combos.entries()) {
      ctx.progress(i, combos.length, `vmcore-dump --access ${acc} --dump-level ${level}`);
      const machine = new Machine({ arch: mc.arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed });
      const { run } = vc.runVmcoreDump({
        machine,
        image,
        version,
        access: acc,
        dumpLevel: level,
        format,
        output,
        cyclicBufferBytes,
        hwpoison,
        iounmapNonlazy: iounmap === 'nonlazy',
      });
      runs.push(run);
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
        mem_bytes: memBytes,
        makedumpfile: version,
        dump_format: format,
        output,
        cyclic_buffer_bytes: cyclicBufferBytes ?? null,
        iounmap,
        hwpoison,
        copy_oldmem_page: vc.copyPathOf(new Machine({ arch: mc.arch, virt: mc.virt, cpus: mc.cpus })),
        image: {
          profile: image.profile,
          fractions: image.fractions,
          mean_run_pages: image.meanRunPages,
          coarsening: image.coarsening,
          pages: image.totalPages,
          max_pfn: image.maxPfn,
          runs: image.runCount,
          loads: image.loads,
          counts: image.counts,
          mem_map: image.memMap,
        },
        makedumpfile_params: strip(vc.MAKEDUMPFILE),
        user_costs: strip(vc.USER_COSTS),
        kernel_costs: strip(vc.KERNEL_COSTS),
        sources: { ...vc.MAKEDUMPFILE.sources, ...vc.USER_COSTS.sources, ...vc.KERNEL_COSTS.sources },
      },
      runs,
    };
  },
  renderTable(doc: ResultDocument): string {
    const p = doc.params as { mem_bytes: number; makedumpfile: string; image: { profile: string } };
    const out = [
      docHeader(doc),
      `${(p.mem_bytes / 2 ** 30).toLocaleString('en-US')} GiB ${p.image.profile}, makedumpfile ${p.makedumpfile}`,
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
});
