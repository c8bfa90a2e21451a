// `kmemsim test-vmalloc`: lib/test_vmalloc.c on a simulated machine, per vmap design, with the module's
// parameters and its output (per case: passed / failed / average µs; per worker: cycles). Design names come
// from @kmemsim/vmalloc's registry; loops in steady state are extrapolated unless --exact.
import type { ResultDocument, Run } from '@kmemsim/core';
import { DESIGN_CHOICES, DESIGN_NAMES, DESIGNS } from '@kmemsim/vmalloc/designs';
import type { Command } from 'commander';
import { type CommandModule, machineChoice, type RawOptions } from '../framework/command.js';
import { badValue, UsageError } from '../framework/errors.js';
import { parseChoice, parseIntIn, parseList } from '../framework/parse.js';
import { docHeader, table } from '../framework/table.js';
import { samplingCells, samplingLine, samplingOptions, samplingParams } from './vmalloc-common.js';

const ALIASES = DESIGNS.flatMap((d) => d.aliases.map((a) => `${a}=${d.name}`));
/** run_test_mask bits test_vmalloc.c defines (11 cases). */
const ALL_BITS = 2047;

export const testVmallocCommand: CommandModule = {
  name: 'test-vmalloc',
  summary: 'lib/test_vmalloc.c per vmap design: average µs per test case, cycles per worker',
  defaultArch: 'x86_64',
  examples: [
    'kmemsim test-vmalloc --cpus 64 --nr-threads 64 --run-test-mask 7 --impl 5.2,6.9',
    'kmemsim test-vmalloc --cpus 8 --nr-threads 8 --run-test-mask 1024 --nr-pages 4 --impl 2.6.28,5.2',
    'kmemsim test-vmalloc --cpus 1 --nr-threads 1 --run-test-mask 4 --impl 2.6.27,2.6.39 --exact --format json',
  ],
  options(cmd: Command) {
    cmd.option('--impl <list>', `designs: ${DESIGN_NAMES.join(', ')} (aliases: ${ALIASES.join(', ')}; default: all)`);
    cmd.option('--nr-threads <n>', 'workers, one per CPU (default: 1)');
    cmd.option('--run-test-mask <n>', 'bit mask of cases: 1 fix_size … 1024 vm_map_ram (default: all modelled)');
    cmd.option('--test-loop-count <n>', 'loops per case, up to 10^9 (default: 1000000, the kernel default)');
    cmd.option('--test-repeat-count <n>', 'runs of each case (default: 1)');
    cmd.option('--sequential-test-order <0|1>', '1: cases in mask order; 0: shuffled per worker (default: 0)');
    cmd.option('--nr-pages <n>', 'pages per vm_map_ram in vm_map_ram_test (default: 0, meaning 1)');
    cmd.option('--nr-cpus <n>', "the kernel's CONFIG_NR_CPUS, which sizes vmap blocks (default: max(8, --cpus))");
    cmd.option('--exact', 'simulate every loop (default: extrapolate loops in steady state)');
    cmd.option('--max-error <pct>', "target 95 % half-width of each thread's cycles per loop (default: 1)");
  },
  async execute(opts: RawOptions, ctx): Promise<ResultDocument> {
    const mc = await machineChoice(opts, 'x86_64');
    const impls = parseList(String(opts.impl ?? DESIGN_NAMES.join(',')), '--impl', (s) =>
      parseChoice(s, '--impl', DESIGN_CHOICES),
    );
    const nrThreads = opts.nrThreads === undefined ? 1 : parseIntIn(String(opts.nrThreads), '--nr-threads', 1);
    if (nrThreads > mc.cpus)
      throw badValue('--nr-threads', nrThreads, `at most --cpus (${mc.cpus}): one worker per CPU`);
    const vm = await import('@kmemsim/vmalloc');
    const modelled = vm.TEST_CASES.reduce((m, c) => m | c.bit, 0);
    const mask =
      opts.runTestMask === undefined ? modelled : parseIntIn(String(opts.runTestMask), '--run-test-mask', 1, ALL_BITS);
    if ((mask & modelled) === 0) {
      throw badValue(
        '--run-test-mask',
        mask,
        `a mask with at least one modelled case (${vm.TEST_CASES.map((c) => `${c.bit} ${c.name}`).join(', ')})`,
      );
    }
    if (mask & vm.UNMODELLED_BITS) {
      process.stderr.write(
        `kmemsim: warning: --run-test-mask ${mask}: bits ${bitsOf(mask & vm.UNMODELLED_BITS)} ` +
          '(the kvfree_rcu cases) are not modelled; skipped\n',
      );
    }
    const loops =
      opts.testLoopCount === undefined
        ? vm.TEST_VMALLOC.defaultLoopCount
        : parseIntIn(String(opts.testLoopCount), '--test-loop-count', 1, 1e9);
    const repeat =
      opts.testRepeatCount === undefined ? 1 : parseIntIn(String(opts.testRepeatCount), '--test-repeat-count', 1, 1e6);
    const sequential =
      opts.sequentialTestOrder === undefined
        ? false
        : parseChoice(String(opts.sequentialTestOrder), '--sequential-test-order', ['0', '1']) === '1';
    const nrPages = opts.nrPages === undefined ? 0 : parseIntIn(String(opts.nrPages), '--nr-pages', 0, 1 << 20);
    const nrCpus =
      opts.nrCpus === undefined ? undefined : parseIntIn(String(opts.nrCpus), '--nr-cpus', mc.cpus, 1 << 16);
    const sampling = samplingOptions(opts);
    const { Machine } = await import('@kmemsim/mmu');
    const runs: Run[] = [];
    for (const [i, impl] of impls.entries()) {
      ctx.progress(i, impls.length, `test-vmalloc --impl ${impl}`);
      let machine: InstanceType<typeof Machine>;
      try {
        machine = new Machine({ arch: mc.arch, virt: mc.virt, cpus: mc.cpus, seed: mc.seed });
      } catch (err) {
        throw new UsageError(`--cpus ${mc.cpus}: ${(err as Error).message}`);
      }
      const r = vm.runTestVmalloc({
        machine,
        impl,
        nrThreads,
        runTestMask: mask,
        testLoopCount: loops,
        testRepeatCount: repeat,
        sequentialTestOrder: sequential,
        nrPages,
        nrCpus,
        sampling,
      });
      runs.push(r.run);
    }
    ctx.progress(impls.length, impls.length, 'done');
    return {
      schema: 'kmemsim/result@1',
      command: 'test-vmalloc',
      arch: mc.arch.name,
      virt: mc.virt,
      cpus: mc.cpus,
      seed: mc.seed,
      params: {
        nr_threads: nrThreads,
        run_test_mask: mask,
        test_loop_count: loops,
        test_repeat_count: repeat,
        sequential_test_order: sequential ? 1 : 0,
        nr_pages: nrPages,
        nr_cpus: nrCpus ?? Math.max(vm.MECHANISM.nrCpusDefault, mc.cpus),
        ...samplingParams(sampling),
        cases: vm.selectedCases(mask).map((c) => c.name),
        unmodelled_cases_skipped: mask & vm.UNMODELLED_BITS,
        clock_hz: mc.arch.clockHz,
        sources: { ...vm.MECHANISM.sources, ...vm.TEST_VMALLOC.sources },
      },
      runs,
    };
  },
  renderTable(doc: ResultDocument): string {
    return renderTestVmalloc(doc);
  },
};

function bitsOf(mask: number): string {
  const out: number[] = [];
  for (let b = 1; b <= mask; b *= 2) if (mask & b) out.push(b);
  return out.join(', ');
}

export function renderTestVmalloc(doc: ResultDocument): string {
  const cases = doc.params.cases as string[];
  const p = doc.params;
  const out = [docHeader(doc)];
  for (const r of doc.runs) {
    out.push('', `== --impl ${r.variant.impl} ==`);
    for (const name of cases) {
      const bound = r.metrics[`${name}.error_bound_pct`] ?? 0;
      out.push(
        `Summary: ${name} passed: ${Number(p.nr_threads) * Number(p.test_repeat_count) - r.metrics[`${name}.failed`]} ` +
          `failed: ${r.metrics[`${name}.failed`]} repeat: ${p.test_repeat_count} loops: ${p.test_loop_count} ` +
          `avg: ${r.metrics[`${name}.avg_usec`]} usec${bound > 0 ? ` (±${bound} %)` : ''}`,
      );
    }
    const workers = (r.counters.test_vmalloc as { worker_cycles: Record<string, number> }).worker_cycles;
    for (const [w, c] of Object.entries(workers)) out.push(`All test took worker${w}=${c} cycles`);
    const [detail, bound] = samplingCells(r);
    out.push(`loops simulated in detail: ${detail}; error bound ${bound}`);
  }
  out.push('', 'average µs per test:');
  out.push(
    table(
      ['case', ...doc.runs.map((r) => String(r.variant.impl))],
      cases.map((name) => [name, ...doc.runs.map((r) => r.metrics[`${name}.avg_usec`])]),
    ),
  );
  out.push(samplingLine(doc.runs));
  return out.join('\n');
}
