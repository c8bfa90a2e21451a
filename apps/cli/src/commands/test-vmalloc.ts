// `kmemsim test-vmalloc`: lib/test_vmalloc.c on a simulated machine, per vmap design, with the module's
// parameters and its output (per case: passed / failed / average µs; per worker: cycles). Design names come
// from @kmemsim/vmalloc's registry; loops in steady state are extrapolated unless --exact.
import type { ResultDocument } from '@kmemsim/core';
import { arrangementCaveat, DESIGN_CHOICES, DESIGN_NAMES, resolveDesign, TEST_VMALLOC } from '@kmemsim/vmalloc';
import { defineCommand } from '../framework/define.js';
import { badValue } from '../framework/errors.js';
import { limit } from '../framework/limits.js';
import { MAX_CPUS, machineOptions, resolveMachine } from '../framework/machine.js';
import { choice, int } from '../framework/options.js';
import { docHeader, table } from '../framework/table.js';
import { tickParams } from '../framework/tick.js';
import { type TestVmallocRun, typedRun } from './typed-runs.js';
import {
  eraPhases,
  heldLine,
  heldNote,
  machineFactory,
  runDesign,
  samplingCells,
  samplingLine,
  samplingOptions,
  samplingParams,
  samplingSchema,
  warnTickSampling,
} from './vmalloc-common.js';
import { sensitivityLines, sensitivityParams, sensitivityPlan, sensitivitySchema } from './vmalloc-sensitivity.js';

/** run_test_mask bits test_vmalloc.c defines (11 cases). */
const ALL_BITS = 2047;

/**
 * Live vmap areas a run may hold (full_fit keeps 2 × fls(cpus) × 32 MiB of 1-page areas per worker). Measured
 * 1 Dec 2026: 64 workers' 7,340,032 areas peaked at 0.66–1.08 GB RSS across the six designs (~150 bytes an area),
 * so 8 M keeps a run near 1.2 GB, under the 2 GiB product limit, and admits the kernel-default 64-CPU run.
 */
export const MAX_LIVE_AREAS = 8_000_000;
/** Allocations simulated by an --exact run (workers × loops × repeats × cases): 2^24 is minutes for the slower designs. */
export const MAX_ALLOCATIONS = 2 ** 24;

export const testVmallocCommand = defineCommand({
  kind: 'result',
  name: 'test-vmalloc',
  summary: 'lib/test_vmalloc.c per vmap design: average µs per test case, cycles per worker',
  trace: true,
  sweepable: true,
  examples: [
    'kmemsim test-vmalloc --cpus 16 --nr-threads 16 --run-test-mask 7 --test-loop-count 2000 --impl 5.2,6.9',
    'kmemsim test-vmalloc --cpus 8 --nr-threads 8 --run-test-mask 1024 --nr-pages 4 --impl 2.6.28,5.2',
    'kmemsim test-vmalloc --cpus 1 --nr-threads 1 --run-test-mask 4 --impl 2.6.27,2.6.39 --exact on --format json',
    'kmemsim test-vmalloc --cpus 16 --nr-threads 16 --run-test-mask 7 --test-loop-count 20000 --impl 2.6.28,5.2 --tick 1000:5000:era --exact on',
    'kmemsim test-vmalloc --arch x86_64 --cpus 64 --nr-threads 64 --run-test-mask 7 --test-loop-count 1000000 --sequential-test-order 1 --impl 5.2',
  ],
  helpAfter: [
    '',
    "Test order: the module shuffles each worker's cases by default (sequential_test_order=0, the default here",
    "too); the kernel selftest's performance mode (tools/testing/selftests/mm/test_vmalloc.sh, 6.1 and 6.12) loads",
    'it with sequential_test_order=1 test_repeat_count=3 on one thread, its stress mode with nr_threads=NUM_CPUS',
    'test_repeat_count=20 in the shuffled order. In mask order the workers run each case nearly in step,',
    'so set-ups, loops and tear-downs in steady state are extrapolated together (the last example took 33 s of',
    "CPU for 5.2 on the development machine). Shuffled, one worker builds or frees a case's state (full_fit:",
    "2 × fls(cpus) × 32 MiB of one-page areas) beside other workers' loops. From nr_threads × test_loop_count",
    "≥ 1000000 (--mixed-phases auto, the default) those mixed phases are skipped too: every worker's skipped loops",
    'are laid down functionally, interleaved by time, so the building worker meets the areas the others hold and',
    'free. Below that they run in detail (tighter bounds there); at 64 workers and the default loop count only',
    'skipping them finishes in minutes.',
    '',
    'How long the kernel-default size takes (64 CPUs × 64 workers × mask 7 × 1000000, shuffled; one 2026 server',
    'core, user CPU): 5.2 ~40 s, its cases within 0.7 % of --exact; 2.6.28, 2.6.37, 2.6.39 ~2 min, bounds',
    '±224–312 % (2.6.28 came out within 2.2 % of an --exact run that took 14 min); 6.9 ~10 min, nearly every loop',
    'in detail: its drain makes the run chaotic (three seeds move fix_size by ±6 %), and no shorter sample pins a',
    "case to 10 %; 2.6.27 ~15 min. The progress bar counts the loops done and gives an ETA; the package README's",
    '"Sampled simulation" says why each design skips what it skips.',
  ].join('\n'),
  options: {
    ...machineOptions('x86_64'),
    impl: choice(DESIGN_CHOICES, {
      description: `vmap designs (${DESIGN_NAMES.join(', ')}) or their aliases`,
      list: true,
      default: DESIGN_NAMES,
    }),
    nrThreads: int({ description: 'workers, one per CPU (at most --cpus)', min: 1, max: MAX_CPUS, default: 1 }),
    runTestMask: int({
      description: 'bit mask of cases: 1 fix_size … 1024 vm_map_ram (256, 512 are not modelled)',
      min: 1,
      max: ALL_BITS,
      defaultText: 'every modelled case',
    }),
    testLoopCount: int({
      description: 'loops per case (the kernel module defaults to 1000000)',
      min: 1,
      max: 1_000_000_000,
      default: TEST_VMALLOC.defaultLoopCount,
    }),
    testRepeatCount: int({ description: 'runs of each case', min: 1, max: 1000, default: 1 }),
    sequentialTestOrder: choice(['0', '1'], {
      description: '1: cases in mask order; 0: shuffled per worker',
      default: '0',
      placeholder: '<0|1>',
    }),
    mixedPhases: choice(['auto', 'off', 'on'], {
      description:
        "shuffled order: also skip mixed phases (a set-up or tear-down beside another case), every worker's skipped loops laid down functionally; off: they run in detail; auto: on from nr_threads × test_loop_count ≥ 1000000 (5.2, mask 7: at 64 × 20000 on took 74 s of CPU, bounds 7–8 %, off 89 s, 11–17 %; at 2000 loops off has the tighter bounds)",
      default: 'auto',
      placeholder: '<auto|off|on>',
    }),
    nrPages: int({
      description:
        "pages per vmalloc in fix_size_alloc_test and per vm_map_ram in vm_map_ram_test (0 means 1; 3 is the 2019 module's fix_size)",
      min: 0,
      max: 1 << 20,
      default: 0,
    }),
    nrCpus: int({
      description: "the kernel's CONFIG_NR_CPUS, which sizes vmap blocks (at least --cpus)",
      min: 1,
      max: 1 << 16,
      defaultText: 'max(8, --cpus)',
    }),
    ...samplingSchema,
    ...sensitivitySchema('test-vmalloc', 'loops'),
  },
  async run(o, ctx): Promise<ResultDocument> {
    const mc = await resolveMachine(o, true);
    const impls = o.impl;
    const nrThreads = o.nrThreads;
    if (nrThreads > mc.cpus)
      throw badValue('--nr-threads', nrThreads, `at most --cpus (${mc.cpus}): one worker per CPU`);
    if (o.nrCpus !== undefined && o.nrCpus < mc.cpus)
      throw badValue('--nr-cpus', o.nrCpus, `at least --cpus (${mc.cpus})`);
    const vm = await import('@kmemsim/vmalloc');
    const modelled = vm.TEST_CASES.reduce((m, c) => m | c.bit, 0);
    const mask = o.runTestMask ?? modelled;
    if ((mask & modelled) === 0) {
      throw badValue(
        '--run-test-mask',
        mask,
        `a mask with at least one modelled case (${vm.TEST_CASES.map((c) => `${c.bit} ${c.name}`).join(', ')})`,
      );
    }
    if (mask & vm.UNMODELLED_BITS) {
      ctx.warn(
        `--run-test-mask ${mask}: bits ${bitsOf(mask & vm.UNMODELLED_BITS)} (the kvfree_rcu cases) are not modelled; skipped`,
      );
    }
    const loops = o.testLoopCount;
    const repeat = o.testRepeatCount;
    const sequential = o.sequentialTestOrder === '1';
    const nrPages = o.nrPages;
    const nrCpus = o.nrCpus;
    const sampling = samplingOptions(o);
    const cases = vm.selectedCases(mask);
    // Loops in steady state are extrapolated unless --exact: only an exact run's time follows the loop count.
    if (o.exact)
      limit(
        '--nr-threads × --test-loop-count × --test-repeat-count × cases',
        nrThreads * loops * repeat * cases.length,
        MAX_ALLOCATIONS,
        'allocations a run may make (time)',
      );
    if (cases.some((c) => c.name === 'full_fit_alloc_test')) {
      const perWorker = 2 * Math.floor(Math.log2(mc.cpus) + 1) * Math.floor((32 * 2 ** 20) / mc.arch.pageBytes);
      limit(
        `--nr-threads × full_fit_alloc_test's areas (2 × fls(${mc.cpus} CPUs) × 32 MiB of pages)`,
        nrThreads * perWorker,
        MAX_LIVE_AREAS,
        `live vmap areas a run may hold in memory (use at most ${Math.floor(MAX_LIVE_AREAS / perWorker)} workers, or leave out mask bit 2)`,
      );
    }
    const runs: TestVmallocRun[] = [];
    const machineOn = await machineFactory(mc);
    const module = {
      nrThreads,
      runTestMask: mask,
      testLoopCount: loops,
      testRepeatCount: repeat,
      sequentialTestOrder: sequential,
      nrPages,
      mixedPhases: o.mixedPhases === 'auto' ? undefined : o.mixedPhases === 'on',
    };
    // The bar counts loops (in detail or extrapolated) over every design (the must-show's 5.2 and 6.9: 208.6 M
    // each); designs where the cases run no loop under the sampler (align_shift, pcpu_alloc only).
    const planned = vm.plannedLoops({ ...module, machine: { cpus: mc.cpus, arch: mc.arch } });
    const per = Math.max(1, planned);
    const unit = planned > 0 ? 'loops' : 'designs';
    const all = per * impls.length;
    for (const [i, impl] of impls.entries()) {
      const label = `test-vmalloc --impl ${impl}${impls.length > 1 ? ` (${i + 1} of ${impls.length})` : ''}`;
      const onProgress = (done: number) => ctx.progress(i * per + done, all, label, unit);
      onProgress(0);
      const machine = machineOn(mc.arch, impl);
      const r = runDesign(`--arch ${mc.arch.name} --cpus ${mc.cpus} --impl ${impl} --nr-threads ${nrThreads}`, () =>
        vm.runTestVmalloc({ ...module, machine, impl, nrCpus, sampling, onProgress }),
      );
      runs.push(typedRun('test-vmalloc', r.run));
    }
    const plan = sensitivityPlan('test-vmalloc', o.sensitivity, impls.length, runs);
    const caseNames = cases.map((c) => c.name);
    const sens = plan.run
      ? vm.testVmallocSensitivity({
          machine: machineOn,
          base: { arch: mc.arch, params: {}, nrCpus },
          virt: mc.virt,
          cpus: mc.cpus,
          sampling,
          nominal: vm.testVmallocFigures(runs, caseNames),
          impls,
          module,
          cases: caseNames,
          onKnob: (k, n, knob) => ctx.progress(k, n, `sensitivity ${knob.parameter}`),
        })
      : undefined;
    ctx.progress(all, all, 'done', unit);
    warnTickSampling(mc.tick, runs, ctx);
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
        ...(vm.mixedPhasesOn(module) ? { mixed_phases: 1 } : {}),
        nr_pages: nrPages,
        nr_cpus: nrCpus ?? Math.max(vm.MECHANISM.nrCpusDefault, mc.cpus),
        ...samplingParams(sampling),
        cases: vm.selectedCases(mask).map((c) => c.name),
        unmodelled_cases_skipped: mask & vm.UNMODELLED_BITS,
        clock_hz: mc.arch.clockHz,
        ...tickParams(mc.tick, await eraPhases(mc.tick, impls)),
        sources: { ...vm.MECHANISM.sources, ...vm.TEST_VMALLOC.sources },
        ...sensitivityParams(sens, plan.skipped),
      },
      runs,
    };
  },
  renderTable(doc: ResultDocument): string {
    return renderTestVmalloc(doc);
  },
});

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
    const held = heldLine(r);
    if (held !== null) out.push(held);
  }
  out.push('', 'average µs per test:');
  out.push(
    table(
      ['case', ...doc.runs.map((r) => String(r.variant.impl))],
      cases.map((name) => [name, ...doc.runs.map((r) => r.metrics[`${name}.avg_usec`])]),
    ),
  );
  out.push(samplingLine(doc.runs), ...heldNote(doc.runs), ...caveatLines(doc), ...sensitivityLines(doc));
  return out.join('\n');
}

/**
 * What the printed bound of a sampled run covers beyond the extrapolation (vmalloc's arrangement-bound.ts, for the
 * vmlist designs, 2.6.27–2.6.39, with several workers) and what it is known not to cover (`arrangementCaveat`).
 */
function caveatLines(doc: ResultDocument): string[] {
  const out: string[] = [];
  const threads = Number(doc.params.nr_threads);
  const listed = doc.runs.filter(
    (r) => (r.metrics.loops_extrapolated ?? 0) > 0 && resolveDesign(String(r.variant.impl)).vmlist !== 'none',
  );
  if (threads >= 2 && listed.length > 0)
    out.push(
      `Bound of ${listed.map((r) => String(r.variant.impl)).join(', ')}: it also covers how far apart the workers ` +
        'may enter each phase (how far their vmlist walks lie from those of workers in step, counted 2R − 1 times, ' +
        'R = √(loops / loops in detail)).',
    );
  // 2.6.39's search resumes after free_vmap_cache: the holes a phase boundary leaves set its walks (arrangement-bound.ts
  // holeCycles).
  const cached = listed.filter((r) => resolveDesign(String(r.variant.impl)).holeSearch === 'cached-hole');
  if (threads >= 2 && cached.length > 0)
    out.push(
      `Bound of ${cached.map((r) => String(r.variant.impl)).join(', ')}: it also covers how deep the holes lie that its small ` +
        'allocations take (a vmlist walk that stopped in a hole may have stopped anywhere in the list).',
    );
  for (const r of doc.runs) {
    if ((r.metrics.loops_extrapolated ?? 0) === 0) continue;
    const c = arrangementCaveat(resolveDesign(String(r.variant.impl)), Number(doc.params.nr_threads));
    if (c !== null) out.push(`Caveat: ${c}`);
  }
  return out;
}
