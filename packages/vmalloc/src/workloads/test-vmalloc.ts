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
import { type MechanismParams, mechanismParams } from '../mechanism/params.js';
import type { Vmap } from '../types.js';
import { flushEvents, Sampler, type SamplingOptions, type SamplingReport } from './sampler.js';
import { TEST_CASES, TEST_VMALLOC, type TestCase, UNMODELLED_BITS, type Worker } from './test-cases.js';

export interface TestVmallocOptions {
  machine: Machine;
  /** Design name or alias (registry). */
  impl: string;
  nrThreads: number;
  runTestMask?: number;
  testLoopCount?: number;
  testRepeatCount?: number;
  sequentialTestOrder?: boolean;
  nrPages?: number;
  params?: Partial<MechanismParams>;
  nrCpus?: number;
  sampling?: SamplingOptions;
}

export interface TestSummary {
  name: string;
  bit: number;
  passed: number;
  failed: number;
  repeat: number;
  loops: number;
  avgUsec: number;
  /** 95 % bound of the extrapolated part of this case's time, relative (0 when simulated in full). */
  errorBound: number;
}

export interface TestVmallocResult {
  run: Run;
  tests: TestSummary[];
  workerCycles: number[];
  vmap: Vmap;
  design: VmapDesign;
  sampling: SamplingReport;
}

/** The error bound of a case's extrapolated loops: its main loop and its set-up and tear-down loops. */
function caseError(s: SamplingReport, name: string): number {
  let e = 0;
  for (const [tag, x] of Object.entries(s.perTag)) if (tag === name || tag.startsWith(`${name}:`)) e += x.errCycles;
  return e;
}

export function selectedCases(mask: number): TestCase[] {
  return TEST_CASES.filter((c) => (mask & c.bit) !== 0);
}

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
  const p = mechanismParams(o.params);
  const sampler = new Sampler(e, { regeneration: flushEvents(e), ...o.sampling });
  const touchSym = e.sym('test_vmalloc_touch');
  const sym = { alloc: e.sym('__vmalloc_area_node'), free: e.sym('__vunmap'), memset: e.sym('memset') };
  const stats = cases.map((c) => ({ c, passed: 0, failed: 0, cycles: 0, runs: 0 }));
  const threads: Thread[] = [];
  for (let cpu = 0; cpu < o.nrThreads; cpu++) {
    const rng = e.rng.fork(cpu + 1);
    threads.push(
      e.spawn(cpu, `vmalloc_test/${cpu}`, function* (t) {
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
          sampler,
          sym,
          touch: (id) => m.touch(t, vm.areas.vpn[id], touchSym),
        };
        const order = stats.map((_, i) => i);
        if (!o.sequentialTestOrder) {
          for (let i = order.length - 1; i > 0; i--) {
            const j = rng.int(0, i);
            [order[i], order[j]] = [order[j], order[i]];
          }
        }
        sampler.join(t);
        for (const i of order) {
          const s = stats[i];
          for (let r = 0; r < repeat; r++) {
            const start = t.clock;
            const ok = yield* s.c.run(w);
            s.cycles += t.clock - start;
            s.runs++;
            if (ok) s.passed++;
            else s.failed++;
          }
        }
        sampler.leave(t);
      }),
    );
  }
  e.run();
  const sampling = sampler.report();
  const tests: TestSummary[] = stats.map((s) => ({
    name: s.c.name,
    bit: s.c.bit,
    passed: s.passed,
    failed: s.failed,
    repeat,
    loops,
    avgUsec: s.runs === 0 ? 0 : Math.round((s.cycles / s.runs / e.clockHz) * 1e6),
    errorBound: s.cycles === 0 ? 0 : caseError(sampling, s.c.name) / s.cycles,
  }));
  const workerCycles = threads.map((t) => t.endCycle - t.startCycle);
  const metrics: Record<string, number> = {};
  for (const s of tests) {
    metrics[`${s.name}.avg_usec`] = s.avgUsec;
    metrics[`${s.name}.failed`] = s.failed;
    metrics[`${s.name}.error_bound_pct`] = roundTo(100 * s.errorBound, 3);
  }
  const total = workerCycles.reduce((a, b) => a + b, 0);
  metrics.worker_cycles_max = Math.max(...workerCycles);
  metrics.worker_cycles_avg = roundTo(total / workerCycles.length, 0);
  metrics.stale_translations = m.tlb.staleCount;
  metrics.unmodelled_mask = mask & UNMODELLED_BITS;
  metrics.loops_detailed = sampling.detailed;
  metrics.loops_extrapolated = sampling.skipped;
  metrics.error_bound_pct = roundTo((100 * sampling.errCycles) / Math.max(1, total), 3);
  const run = runFromEngine(e, {
    variant: { impl: design.name },
    metrics,
    threads,
    tickRateHz: m.arch.hz,
  });
  run.counters.test_vmalloc = { worker_cycles: Object.fromEntries(workerCycles.map((c, i) => [String(i), c])) };
  return { run, tests, workerCycles, vmap: vm, design, sampling };
}
