// test_vmalloc (lib/test_vmalloc.c): nr_threads workers, one per CPU, each run the cases selected by
// run_test_mask (in order, or shuffled per worker unless sequential_test_order), test_repeat_count times each
// with test_loop_count loops; the module prints, per case, passed/failed counts and the average µs per run, and
// per worker the cycles the whole run took ("All test took worker%d=%lu cycles"). Loops in steady state are
// extrapolated (sampler.ts) unless `sampling.exact`.
import { type Run, roundTo, runFromEngine, type Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import type { VmapDesign } from '../designs/design.js';
import { resolveDesign } from '../designs/registry.js';
import { createVmap } from '../mechanism/api.js';
import { purgeCycle } from '../mechanism/functional.js';
import { type MechanismParams, mechanismParams } from '../mechanism/params.js';
import type { Gen, Vmap } from '../types.js';
import { addArrangementBound } from './arrangement-bound.js';
import { caseBounds } from './case-bound.js';
import { caseOrder } from './case-order.js';
import { flushEvents, Sampler, type SamplingOptions, type SamplingReport } from './sampler.js';
import { buildsOnOneLock } from './sampler-build.js';
import { vmallocLayout } from './sampler-mixed-vmap.js';
import { Handoff } from './test-case-flow.js';
import {
  fullFitAreas,
  TEST_CASES,
  TEST_VMALLOC,
  type TestCase,
  type TestVmallocCosts,
  UNMODELLED_BITS,
  type Worker,
} from './test-cases.js';
import { WalkTally } from './walk-tally.js';

/** Options of {@link runTestVmalloc}: the module parameters of lib/test_vmalloc.c, and the vmap design. */
export interface TestVmallocOptions {
  /** The machine to run on (one worker per CPU). */
  machine: Machine;
  /** Design name or alias (registry). */
  impl: string;
  /** nr_threads: workers, one per CPU from CPU 0, 1..machine.cpus. */
  nrThreads: number;
  /** run_test_mask: the cases to run by bit (default all modelled ones). */
  runTestMask?: number;
  /** test_loop_count: loops per case run (default 1,000,000, the module's). */
  testLoopCount?: number;
  /** test_repeat_count: runs of each case per worker (default 1). */
  testRepeatCount?: number;
  /** sequential_test_order: cases in mask order (false: shuffled per worker, as the module does). */
  sequentialTestOrder?: boolean;
  /** nr_pages: pages per fix_size_alloc_test vmalloc and per vm_map_ram_test mapping (0 or absent: 1). */
  nrPages?: number;
  /** Overrides of the vmap mechanism's costs (an experiment's fitted values). */
  params?: Partial<MechanismParams>;
  /** Overrides of the module's own costs (default TEST_VMALLOC's; a sensitivity sweep moves them). */
  costs?: Partial<TestVmallocCosts>;
  /** nr_cpu_ids the kernel sizes its per-CPU structures by (default: the machine's CPUs). */
  nrCpus?: number;
  /** Steady-state extrapolation of loops (default on; `exact: true` simulates every loop). */
  sampling?: SamplingOptions;
  /**
   * Shuffled order: skip mixed phases too (a set-up or tear-down beside another case), the steady workers' skipped
   * loops laid down functionally beside the builders' (sampler-mixed.ts). Default: {@link mixedPhasesOn}'s rule, on
   * for long runs of many workers, where it is cheaper and its bounds tighter (docs/vmalloc-sampling.md, "Mixed phases").
   */
  mixedPhases?: boolean;
  /**
   * Progress for a display: called with the loops done (in detail or extrapolated) and {@link plannedLoops} every
   * `progressEvery` loops in detail, and once at the end. It only reads: the result is the same without it.
   */
  onProgress?: (done: number, total: number) => void;
  /** Loops in detail between two `onProgress` calls (default 65,536: ~0.1–0.3 s of CPU at 64 CPUs). */
  progressEvery?: number;
}

/** One case's line of the module's summary ("Summary: <name> passed: … failed: … avg: … usec"). */
export interface TestSummary {
  /** The case's name in test_vmalloc.c (`fix_size_alloc_test`). */
  name: string;
  /** Its run_test_mask bit. */
  bit: number;
  /** Runs that passed, all workers. */
  passed: number;
  /** Runs that failed (an allocation that returned NULL), all workers. */
  failed: number;
  /** test_repeat_count. */
  repeat: number;
  /** test_loop_count. */
  loops: number;
  /** Mean microseconds per run of the case (the module's "avg"). */
  avgUsec: number;
  /** 95 % bound of the extrapolated part of this case's time, relative (0 when simulated in full). */
  errorBound: number;
}

/** What {@link runTestVmalloc} returns. */
export interface TestVmallocResult {
  /** The run for the result document (metrics `<case>.avg_usec`, `.failed`, …; counters; profile). */
  run: Run;
  /** The module's summary, per case in mask order. */
  tests: TestSummary[];
  /** Cycles each worker's whole run took ("All test took worker%d=%lu cycles"). */
  workerCycles: number[];
  /** The allocator after the run (for invariant checks). */
  vmap: Vmap;
  /** The design `impl` resolved to. */
  design: VmapDesign;
  /** What the sampler simulated and extrapolated. */
  sampling: SamplingReport;
}

/** nr_threads × test_loop_count from which mixed phases skip by default ({@link mixedPhasesOn}). */
export const MIXED_PHASES_FROM = 1_000_000;

/**
 * Whether a run skips mixed phases: never in mask order; as `mixedPhases` says when given; else when nr_threads ×
 * test_loop_count ≥ {@link MIXED_PHASES_FROM}. Measured against exact runs (5.2, mask 7, shuffled): every case within
 * its bound either way. At 64 workers × 20,000 loops (1.28 M) skipping them took 74 s of CPU with bounds of
 * 7.3–8.2 %, against 89 s and 11–17.5 % in detail, and at 64 × 1,000,000 only skipping them finishes; at 32 ×
 * 20,000 (0.64 M) 39 s and 6.6–7.2 % against 34 s and 5.6–9.2 %; at 2,000 loops the bounds widen from 8–47 % to
 * 17–61 % for the same CPU. So the rule is on only where the steady loops beside builders are most of the run.
 * @param o - the run's options (nrThreads, testLoopCount, sequentialTestOrder, mixedPhases)
 */
export function mixedPhasesOn(
  o: Pick<TestVmallocOptions, 'nrThreads' | 'testLoopCount' | 'sequentialTestOrder' | 'mixedPhases'>,
): boolean {
  if (o.sequentialTestOrder === true) return false;
  if (o.mixedPhases !== undefined) return o.mixedPhases;
  return o.nrThreads * Math.max(1, o.testLoopCount ?? TEST_VMALLOC.defaultLoopCount) >= MIXED_PHASES_FROM;
}

/**
 * Loops a run puts under the sampler, in detail or extrapolated: nr_threads × test_repeat_count × each selected
 * case's own (test_loop_count, and full_fit's and long_busy's set-ups and tear-downs).
 * @param o - the run's options (nrThreads, runTestMask, testLoopCount, testRepeatCount) and its machine
 */
export function plannedLoops(
  o: Pick<TestVmallocOptions, 'nrThreads' | 'runTestMask' | 'testLoopCount' | 'testRepeatCount'> & {
    machine: Pick<Machine, 'cpus' | 'arch'>;
  },
): number {
  const shape = {
    loops: Math.max(1, o.testLoopCount ?? TEST_VMALLOC.defaultLoopCount),
    cpus: o.machine.cpus,
    pageBytes: o.machine.arch.pageBytes,
  };
  const perRun = selectedCases(o.runTestMask ?? -1 >>> 0).reduce((n, c) => n + c.sampledLoops(shape), 0);
  return o.nrThreads * Math.max(1, o.testRepeatCount ?? 1) * perRun;
}

/** The modelled cases whose bit is set in `mask`, in test_vmalloc.c's order. */
export function selectedCases(mask: number): TestCase[] {
  return TEST_CASES.filter((c) => (mask & c.bit) !== 0);
}

/**
 * Runs lib/test_vmalloc.c's module on a machine: `nrThreads` workers each run the selected cases
 * `testRepeatCount` times with `testLoopCount` loops, against the vmap design `impl`; returns the module's summary
 * per case and the cycles per worker. Throws RangeError for nr_threads outside 1..machine.cpus.
 * @example
 * ```ts
 * import { x86_64 } from '@kmemsim/arch-x86_64';
 * import { Machine } from '@kmemsim/mmu';
 * import { runTestVmalloc } from '@kmemsim/vmalloc';
 * const r = runTestVmalloc({ machine: new Machine({ arch: x86_64, cpus: 4 }), impl: '5.2', nrThreads: 4, runTestMask: 1, testLoopCount: 1000 });
 * console.log(r.tests[0].avgUsec);
 * ```
 */
export function runTestVmalloc(o: TestVmallocOptions): TestVmallocResult {
  const m = o.machine;
  const e = m.engine;
  if (!Number.isInteger(o.nrThreads) || o.nrThreads < 1 || o.nrThreads > m.cpus) {
    throw new RangeError(`nr_threads ${o.nrThreads} out of range 1..${m.cpus} (one worker per CPU)`);
  }
  const design = resolveDesign(o.impl);
  const mask = o.runTestMask ?? -1 >>> 0;
  const loops = Math.max(1, o.testLoopCount ?? TEST_VMALLOC.defaultLoopCount);
  const repeat = Math.max(1, o.testRepeatCount ?? 1);
  const cases = selectedCases(mask);
  const vm = createVmap(m, { impl: design, params: o.params, nrCpus: o.nrCpus });
  // full_fit's areas (7.3 M at 64 CPUs) get their table at once, not by doubling copies (~1.4 s of CPU there); at
  // most 2^24 (~590 MB of virtual memory, touched only as used), beyond that the table doubles as before.
  if (cases.some((c) => c.name === 'full_fit_alloc_test')) {
    vm.areas.reserve(Math.min(2 ** 24, vm.areas.live + o.nrThreads * fullFitAreas(m.cpus, m.arch.pageBytes)));
  }
  const p = mechanismParams(o.params);
  const { sources: _s, defaultLoopCount: _d, ...base } = TEST_VMALLOC;
  const costs: TestVmallocCosts = { ...base, ...o.costs };
  // 6.9's purge helpers stall whichever workers their CPUs run: no set-up or tear-down is skipped in step there.
  // Shuffled, the cases' phases mix: a skip there lays the steady workers' areas down too (sampler-mixed.ts).
  const mixed = mixedPhasesOn(o) ? vmallocLayout(vm, o.nrPages ?? 0) : undefined;
  // A skipped main loop runs nothing, so its lazily freed areas would stay where the skip began. Where the hole
  // search walks them (2.6.28 alloc_vmap_area's rb_next walk; 2.6.39's cached hole, reset by the purge) that sets
  // the next phase's cost: 2.6.28 at 16 CPUs × mask 7 × 20,000 (mask order), full_fit's main loop walked 20,576
  // areas per allocation after fix_size's skip against 11,563 in the exact run, +77 % cycles. So these designs'
  // main loops lay down the lazy areas of the loops past the skip's last purge (sampler-ff.ts), and a steady loop
  // without such a fast-forward (vm_map_ram_test's blocks) runs in detail.
  const lazyWalk = design.holeSearch === 'rbtree-walk' || design.holeSearch === 'cached-hole';
  const steady = lazyWalk ? purgeCycle(vm) : null;
  // Their set-ups and tear-downs skip in step (sampler-build.ts): every worker takes vmap_area_lock once per loop,
  // FIFO, so a skip gives each the same count and their lags stay as the lock left them. With counts from each
  // worker's own position the lags grew, and the phases after them, which end together on the lock, were charged
  // the spread: 16 CPUs × mask 7 × 20,000, mask order, 2.6.39's full_fit main loop +35.8 % and tear-down +70.9 %.
  // A loop in detail after a main loop's fast-forward carries afterFastError 0.25 ([U] 0.1–0.3): the lazy pages the
  // skip left are known to within a purge cycle, and the workers' relative positions after it decide the tear-down's
  // walks (remove_vm_area's vmlist walk under vmlist_lock). 16 CPUs × mask 7, mask order, against the exact run:
  // 2.6.39's long_busy tear-down +7.5 % at 20,000 loops, 2.6.37's +21.0 % at 2,000 (the skipped loops themselves:
  // sampler-ff.ts STEADY_SKIP_ERROR).
  // vmlist designs: their phases' walks past other workers' areas, for the bound (arrangement-bound.ts): each walk's
  // rank against the in-step one (walk-tally.ts), so the list (2.6.27's allocator, or the mirror) keeps its areas'
  // owners.
  const walks = design.vmlist !== 'none' && o.nrThreads > 1 && o.sampling?.exact !== true;
  const tally = walks ? new WalkTally(m.cpus, p.bootAreas, o.nrThreads) : undefined;
  if (tally !== undefined) vm.watchVmlist(tally, m.cpus);
  const sampler = new Sampler(e, {
    regeneration: flushEvents(e),
    walks: tally,
    skipBuilds: !design.purgeHelpers,
    inStepEnds: buildsOnOneLock(design),
    divergenceNoise: buildsOnOneLock(design) && design.rwlock === 'biased',
    purgeStallsBuilds: design.purgeTrigger === 'inline-trylock',
    skipSteady: !lazyWalk,
    afterFastError: lazyWalk ? 0.25 : undefined,
    mixed,
    // Why loops ran in detail, reported with the run (sampler-refusal.ts): it changes nothing the run simulates.
    traceRefusals: o.sampling?.exact !== true,
    ...o.sampling,
  });
  const planned = plannedLoops(o);
  const onProgress = o.onProgress;
  if (onProgress !== undefined) sampler.watch(o.progressEvery ?? 65_536, (done) => onProgress(done, planned));
  const touchSym = e.sym('test_vmalloc_touch');
  const sym = { alloc: e.sym('__vmalloc_area_node'), free: e.sym('__vunmap'), memset: e.sym('memset') };
  const stats = cases.map((c) => ({
    c,
    passed: 0,
    failed: 0,
    cycles: 0,
    runs: 0,
    perWorker: new Array<number>(o.nrThreads).fill(0),
  }));
  const threads: Thread[] = [];
  for (let cpu = 0; cpu < o.nrThreads; cpu++) {
    const rng = e.rng.fork(cpu + 1);
    // The hot loops hand themselves to the Handoff, which drives them without resuming these generators.
    const handoff = new Handoff();
    const body = function* (t: Thread): Gen {
      const w: Worker = {
        t,
        vm,
        rng,
        loops,
        nrPages: o.nrPages ?? 0,
        pageBytes: m.arch.pageBytes,
        wordBits: m.arch.wordBits,
        cpus: m.cpus,
        clearCyclesPerByte: p.clearCyclesPerByte,
        costs,
        sampler,
        steady,
        sym,
        touch: (id) => m.touch(t, vm.areas.vpn[id], touchSym),
        handoff,
      };
      const order = caseOrder(
        rng,
        stats.map((s) => s.c.bit),
        o.sequentialTestOrder === true,
      );
      sampler.join(t);
      for (const i of order) {
        const s = stats[i];
        for (let r = 0; r < repeat; r++) {
          const start = t.clock;
          const ok = yield* s.c.run(w);
          s.cycles += t.clock - start;
          s.perWorker[cpu] += t.clock - start;
          s.runs++;
          if (ok) s.passed++;
          else s.failed++;
        }
      }
      sampler.leave(t);
    };
    threads.push(
      e.spawn(cpu, `vmalloc_test/${cpu}`, (t) => {
        handoff.gen = body(t);
        return handoff;
      }),
    );
  }
  e.run();
  const sampling = sampler.report();
  onProgress?.(sampling.loops, planned);
  if (tally !== undefined)
    addArrangementBound(sampling, tally.kinds, o.sequentialTestOrder === true, design.holeSearch === 'cached-hole');
  const workerCycles = threads.map((t) => t.endCycle - t.startCycle);
  const total = workerCycles.reduce((a, b) => a + b, 0);
  const bound = caseBounds(
    sampling,
    stats.map((s) => ({ name: s.c.name, cycles: s.cycles, perWorker: s.perWorker })),
    total,
  );
  const tests: TestSummary[] = stats.map((s, i) => ({
    name: s.c.name,
    bit: s.c.bit,
    passed: s.passed,
    failed: s.failed,
    repeat,
    loops,
    avgUsec: s.runs === 0 ? 0 : Math.round((s.cycles / s.runs / e.clockHz) * 1e6),
    errorBound: bound.rel[i],
  }));
  const metrics: Record<string, number> = {};
  for (const s of tests) {
    metrics[`${s.name}.avg_usec`] = s.avgUsec;
    metrics[`${s.name}.failed`] = s.failed;
    metrics[`${s.name}.error_bound_pct`] = roundTo(100 * s.errorBound, 3);
  }
  metrics.worker_cycles_max = Math.max(...workerCycles);
  metrics.worker_cycles_avg = roundTo(total / workerCycles.length, 0);
  metrics.stale_translations = m.tlb.staleCount;
  metrics.unmodelled_mask = mask & UNMODELLED_BITS;
  metrics.loops_detailed = sampling.detailed;
  metrics.loops_extrapolated = sampling.skipped;
  metrics.error_bound_pct = roundTo((100 * bound.errCycles) / Math.max(1, total), 3);
  const run = runFromEngine(e, {
    variant: { impl: design.name },
    metrics,
    threads,
    tickRateHz: m.arch.hz,
  });
  run.counters.test_vmalloc = { worker_cycles: Object.fromEntries(workerCycles.map((c, i) => [String(i), c])) };
  if (sampling.refusals !== undefined) run.counters.held_in_detail = sampling.refusals;
  return { run, tests, workerCycles, vmap: vm, design, sampling };
}
