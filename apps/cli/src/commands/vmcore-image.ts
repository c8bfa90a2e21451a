// `kmemsim vmcore-image`: writes the vmcore image model as a real synthetic x86_64 ELF vmcore (sparse file) that the
// real makedumpfile dumps. Not a simulation: no machine options; --out names the image and the summary of what was
// planted goes to stdout.
import { statfsSync, unlinkSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { formatSize, type ResultDocument } from '@kmemsim/core';
import { DEFAULT_PROFILE, PAGE_CLASSES, PROFILE_NAMES } from '@kmemsim/vmcore';
import { defineCommand } from '../framework/define.js';
import { OutputError, UsageError } from '../framework/errors.js';
import { checkWritable } from '../framework/io.js';
import { bool, choice, custom, int, num, size, text } from '../framework/options.js';
import { table } from '../framework/table.js';
import { parseFractions } from './vmcore-fractions.js';

/** Free bytes of the file system that will hold `file` (undefined where statfs is not available). */
function freeBytes(file: string): number | undefined {
  try {
    const st = statfsSync(dirname(resolve(file)));
    return Number(st.bavail) * Number(st.bsize);
  } catch {
    return undefined;
  }
}

const MIN_MEM = 64 * 2 ** 20;
/** The direct map is one PUD page of 1 GiB entries, and the image is written in full: keep it to a sane size. */
const MAX_MEM = 256 * 2 ** 30;

export const vmcoreImageCommand = defineCommand({
  kind: 'result',
  name: 'vmcore-image',
  summary:
    'write a synthetic x86_64 ELF vmcore (Linux 6.0 layout, a sparse file) with planted page classes, to run the ' +
    'real makedumpfile on',
  trace: false,
  sweepable: false,
  outOption: false,
  formats: ['table', 'json'],
  examples: [
    'kmemsim vmcore-image --mem 1GiB --profile busy-server --out /tmp/vmcore && makedumpfile -d 31 -f /tmp/vmcore /tmp/dump',
    'kmemsim vmcore-image --mem 256MiB --fractions kernel=0.1,cache=0.5,user=0.3,free=0.1 --mean-run 8 --out vmcore',
    'kmemsim vmcore-image --mem 2GiB --profile idle-guest --seed 7 --crash-cpus 4 --out vmcore --format json',
  ],
  helpAfter:
    '\n--out FILE (required) names the vmcore to write; the summary goes to stdout.' +
    '\nThe file is what /proc/vmcore of a crashed x86_64 kernel gives: a CORE note per CPU, VMCOREINFO, page-aligned' +
    '\nPT_LOADs of the direct map, 4-level page tables and a mem_map of 64-byte struct pages (Linux 6.0 flag bits);' +
    "\nzero pages are holes. makedumpfile 1.7.2's excluded-page report equals the classes planted (tested); vmcore-dump" +
    '\n--image FILE predicts its calls on the file.',
  options: {
    out: text({ description: 'the vmcore file to write (required)', required: true, placeholder: '<file>' }),
    mem: size({ description: 'RAM of the crashed machine', min: MIN_MEM, max: MAX_MEM, default: 2 ** 30 }),
    profile: choice(PROFILE_NAMES, { description: 'composition profile', defaultText: DEFAULT_PROFILE }),
    fractions: custom({
      description:
        `explicit composition instead of a profile: CLASS=WEIGHT pairs (${PAGE_CLASSES.join(', ')}); ` +
        'classes not given are 0, the weights are scaled to sum 1',
      expected: 'CLASS=NUMBER pairs such as kernel=0.1,cache=0.5,user=0.3,free=0.1',
      parse: (v, w) => parseFractions(v, w, 1e6),
      placeholder: '<list>',
    }),
    meanRun: num({
      description: 'fragmentation: mean run length in pages for every class (the same name as in vmcore-dump)',
      min: 1,
      max: 2 ** 36,
      placeholder: '<pages>',
    }),
    crashCpus: int({
      description: 'CPUs of the crashed machine: one NT_PRSTATUS note each (the same name as in vmcore-dump)',
      min: 1,
      max: 8192,
      default: 2,
    }),
    seed: int({ description: 'seed of the composition and the page contents', min: 0, max: 2 ** 32 - 1, default: 1 }),
    hwpoison: bool({ description: 'VMCOREINFO has NUMBER(PG_hwpoison): mem_map walked even at -d 0', default: false }),
    memoryModel: choice(['sparse', 'flat'] as const, {
      description:
        'how the kernel describes its mem_map: sparse (SPARSEMEM_EXTREME mem_section, as x86_64 kernels) or flat ' +
        '(SYMBOL(mem_map))',
      default: 'sparse',
      placeholder: '<model>',
    }),
  },
  async run(o): Promise<ResultDocument> {
    const { out, mem: memBytes, hwpoison, fractions, meanRun: meanRunPages, crashCpus: cpus, seed, profile } = o;
    const memoryModel = o.memoryModel;
    if (fractions && profile !== undefined)
      throw new UsageError('--fractions conflicts with --profile: give a named profile or explicit fractions');
    checkWritable(out, '--out');
    const [vm, node] = await Promise.all([import('@kmemsim/vmcore'), import('@kmemsim/vmcore/node')]);
    let img: ReturnType<typeof vm.buildImage>;
    try {
      img = vm.buildImage({
        memBytes,
        arch: { name: 'x86_64', pageBytes: 4096, structPageBytes: 64 },
        profile,
        fractions,
        meanRunPages,
        seed,
        memoryModel,
      });
    } catch (err) {
      throw new UsageError(`--mem/--profile/--fractions: ${(err as Error).message}`);
    }
    // Every page that is not a zero page is written (zero pages stay holes), plus mem_map: check the room first.
    const need = (img.totalPages - img.counts.zero) * 4096 + img.memMap.pages * 4096 + 2 ** 20;
    const free = freeBytes(out);
    if (free !== undefined && free < need)
      throw new OutputError(
        `--out: ${out} needs about ${formatSize(need)} of disk, and its file system has ${formatSize(free)} free`,
      );
    let w: ReturnType<typeof node.writeImageVmcore>;
    try {
      w = node.writeImageVmcore(img, out, { cpus, hwpoison });
    } catch (err) {
      try {
        unlinkSync(out);
      } catch {
        // never created
      }
      const code = (err as NodeJS.ErrnoException).code;
      throw new OutputError(
        `--out: cannot write ${out}: ${code ?? (err as Error).message} (the partial file is removed)`,
      );
    }
    return {
      schema: 'kmemsim/result@1',
      command: 'vmcore-image',
      arch: 'x86_64',
      virt: 'none',
      cpus,
      seed,
      params: {
        out,
        mem_bytes: memBytes,
        profile: img.profile,
        fractions: img.fractions,
        mean_run_pages: img.meanRunPages,
        coarsening: img.coarsening,
        osrelease: '6.0.0-kmemsim',
        pt_loads: img.loads.map((l) => ({ start_pfn: l.startPfn, pages: l.pages })),
        max_pfn: img.maxPfn,
        mem_map: { start_pfn: img.memMap.startPfn, pages: img.memMap.pages, struct_page_bytes: 64 },
        kernel_data_pfn: img.kernelDataPfn,
        hwpoison,
        memory_model: memoryModel,
        zero_kernel_pages: w.zeroKernelPages,
        vmcoreinfo: w.vmcoreinfo.trimEnd().split('\n'),
      },
      runs: [
        {
          variant: { profile: img.profile },
          metrics: {
            file_bytes: w.fileBytes,
            written_bytes: w.writtenBytes,
            total_pages: img.totalPages,
            runs: img.runCount,
            ...Object.fromEntries(PAGE_CLASSES.map((c) => [`${c}_pages`, w.planted[c]])),
          },
          time: { real_s: 0, user_s: 0, sys_s: 0 },
          counters: {},
          profile: [],
        },
      ],
    };
  },
  renderTable(doc: ResultDocument): string {
    const m = doc.runs[0].metrics;
    const p = doc.params as { out: string; profile: string; mem_bytes: number; pt_loads: unknown[] };
    const head = `kmemsim vmcore-image — x86_64 ELF vmcore ${p.out} (${p.profile}, ${formatSize(p.mem_bytes)} of RAM, ${p.pt_loads.length} PT_LOADs)`;
    const rows = PAGE_CLASSES.map((c) => [
      c,
      m[`${c}_pages`],
      `${((100 * m[`${c}_pages`]) / m.total_pages).toFixed(2)}%`,
    ]);
    const bytes = (n: number) => `${formatSize(n)} (${n.toLocaleString('en-US')} bytes)`;
    const sizes = `file ${bytes(m.file_bytes)}, ${bytes(m.written_bytes)} written (zero pages are holes)`;
    return `${head}\n${table(['class', 'pages', 'share'], [...rows, ['total', m.total_pages, '100.00%']])}\n${sizes}`;
  },
});
