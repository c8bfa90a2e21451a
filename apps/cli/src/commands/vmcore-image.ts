// `kmemsim vmcore-image`: writes the vmcore image model as a real synthetic x86_64 ELF vmcore (sparse file) that the
// real makedumpfile dumps. Not a simulation: no machine options; --out names the image and the summary of what was
// planted goes to stdout.
import type { ResultDocument } from '@kmemsim/core';
import type { Command } from 'commander';
import type { CommandModule, RawOptions } from '../framework/command.js';
import { badValue, UsageError } from '../framework/errors.js';
import { parseIntIn, parseList, parseNumberIn, parseOnOff, parseSizeOpt } from '../framework/parse.js';
import { table } from '../framework/table.js';

const CLASSES = ['kernel', 'zero', 'cache', 'private', 'user', 'free'] as const;
type Cls = (typeof CLASSES)[number];
const MIN_MEM = 64 * 2 ** 20;
/** The direct map is one PUD page of 1 GiB entries, and the image is written in full: keep it to a sane size. */
const MAX_MEM = 256 * 2 ** 30;

function parseFractions(raw: string): Partial<Record<Cls, number>> {
  const out: Partial<Record<Cls, number>> = {};
  for (const item of parseList(raw, '--fractions', (s) => s)) {
    const [k, v, extra] = item.split('=');
    if (!(CLASSES as readonly string[]).includes(k) || v === undefined || extra !== undefined)
      throw badValue('--fractions', raw, `CLASS=NUMBER items with CLASS one of ${CLASSES.join(', ')}`);
    out[k as Cls] = parseNumberIn(v, `--fractions ${k}`, 0);
  }
  return out;
}

export const vmcoreImageCommand: CommandModule = {
  name: 'vmcore-image',
  summary: 'write a synthetic x86_64 ELF vmcore (sparse) with planted page classes, for the real makedumpfile',
  common: { machine: false, formats: ['table', 'json'] },
  examples: [
    'kmemsim vmcore-image --mem 1GiB --profile busy-server --out /tmp/vmcore && makedumpfile -d 31 -f /tmp/vmcore /tmp/dump',
    'kmemsim vmcore-image --mem 256MiB --fractions kernel=0.1,cache=0.5,user=0.3,free=0.1 --mean-run 8 --out vmcore',
    'kmemsim vmcore-image --mem 2GiB --profile idle-guest --seed 7 --crash-cpus 4 --out vmcore --format json',
  ],
  options(cmd: Command) {
    cmd.option('--mem <size>', 'RAM of the crashed machine, IEC units, 64MiB to 256GiB (default: 1GiB)');
    cmd.option('--profile <name>', 'composition profile: idle-guest, busy-server, file-server (default: idle-guest)');
    cmd.option('--fractions <list>', 'explicit composition, e.g. kernel=0.1,cache=0.5,user=0.3,free=0.1');
    cmd.option('--mean-run <pages>', 'fragmentation: mean run length in pages for every class');
    cmd.option('--crash-cpus <n>', 'CPUs of the crashed machine: one NT_PRSTATUS note each (default: 2)');
    cmd.option('--cpus <n>', 'renamed: --crash-cpus (the same name as in vmcore-dump)');
    cmd.option('--mean-run-pages <n>', 'renamed: --mean-run (the same name as in vmcore-dump)');
    cmd.option('--seed <n>', 'seed of the composition and the page contents (default: 1)');
    cmd.option('--hwpoison <on|off>', 'VMCOREINFO has NUMBER(PG_hwpoison): mem_map walked even at -d 0 (default: off)');
    cmd.addHelpText('after', '\n--out FILE (required) names the vmcore to write; the summary goes to stdout.');
  },
  async execute(opts: RawOptions): Promise<ResultDocument> {
    if (opts.out === undefined || String(opts.out).trim() === '')
      throw new UsageError('--out: required, the path of the vmcore file to write');
    const out = String(opts.out);
    const memBytes = parseSizeOpt(String(opts.mem ?? '1GiB'), '--mem');
    if (memBytes < MIN_MEM || memBytes > MAX_MEM) throw badValue('--mem', opts.mem, 'a size from 64MiB to 256GiB');
    const hwpoison = opts.hwpoison === undefined ? false : parseOnOff(String(opts.hwpoison), '--hwpoison');
    const fractions = opts.fractions === undefined ? undefined : parseFractions(String(opts.fractions));
    if (opts.cpus !== undefined) throw new UsageError("--cpus: renamed --crash-cpus (the crashed machine's CPUs)");
    if (opts.meanRunPages !== undefined) throw new UsageError('--mean-run-pages: renamed --mean-run');
    const meanRunPages = opts.meanRun === undefined ? undefined : parseNumberIn(String(opts.meanRun), '--mean-run', 1);
    const cpus = opts.crashCpus === undefined ? 2 : parseIntIn(String(opts.crashCpus), '--crash-cpus', 1, 8192);
    const seed = opts.seed === undefined ? 1 : parseIntIn(String(opts.seed), '--seed', 0, 2 ** 32 - 1);
    const [vm, node] = await Promise.all([import('@kmemsim/vmcore'), import('@kmemsim/vmcore/node')]);
    const profile = opts.profile === undefined ? undefined : String(opts.profile);
    if (profile !== undefined && !vm.PROFILE_NAMES.includes(profile))
      throw badValue('--profile', profile, `one of ${vm.PROFILE_NAMES.join(', ')}`);
    let img: ReturnType<typeof vm.buildImage>;
    try {
      img = vm.buildImage({
        memBytes,
        arch: { name: 'x86_64', pageBytes: 4096, structPageBytes: 64 },
        profile,
        fractions,
        meanRunPages,
        seed,
      });
    } catch (err) {
      throw new UsageError(`--mem/--profile/--fractions: ${(err as Error).message}`);
    }
    let w: ReturnType<typeof node.writeImageVmcore>;
    try {
      w = node.writeImageVmcore(img, out, { cpus, hwpoison });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code) throw new UsageError(`--out: cannot write ${out}: ${code}`);
      throw err;
    }
    // The framework writes the rendered document to --out; here --out is the image, so the summary goes to stdout.
    opts.out = undefined;
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
            ...Object.fromEntries(CLASSES.map((c) => [`${c}_pages`, w.planted[c]])),
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
    const head = `kmemsim vmcore-image — x86_64 ELF vmcore ${p.out} (${p.profile}, ${p.mem_bytes} bytes of RAM, ${p.pt_loads.length} PT_LOADs)`;
    const rows = CLASSES.map((c) => [c, m[`${c}_pages`], `${((100 * m[`${c}_pages`]) / m.total_pages).toFixed(2)}%`]);
    const sizes = `file ${m.file_bytes} bytes, ${m.written_bytes} written (zero pages are holes)`;
    return `${head}\n${table(['class', 'pages', 'share'], [...rows, ['total', m.total_pages, '100.00%']])}\n${sizes}`;
  },
};
