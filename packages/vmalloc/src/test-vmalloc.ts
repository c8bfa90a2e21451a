// test_vmalloc (lib/test_vmalloc.c): nr_threads workers, one per CPU, each run the cases selected by
// run_test_mask (in order, or shuffled per worker unless sequential_test_order), test_repeat_count times each
// with test_loop_count loops; the module prints, per case, passed/failed counts and the average µs per run, and
// per worker the cycles the whole run took ("All test took worker%d=%lu cycles").
import { type Run, roundTo, runFromEngine, type Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { createVmap } from './create.js';
import { TEST_VMALLOC } from './params.js';
import { TEST_CASES, type TestCase, UNMODELLED_BITS, type Worker } from './test-cases.js';
import type { ImplName, Vmap } from './types.js';

export interface TestVmallocOptions {
  machine: Machine;
  impl: ImplName;
  nrThreads: number;
  runTestMask?: number;
  testLoopCount?: number;
  testRepeatCount?: number;
  sequentialTestOrder?: boolean;
  nrPages?: number;
}

export interface TestSummary {
  name: string;
  bit: number;
  passed: number;
  failed: number;
  repeat: number;
  loops: number;
  avgUsec: number;
}

export interface TestVmallocResult {
  run: Run;
  tests: TestSummary[];
  workerCycles: number[];
  vmap: Vmap;
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
  const mask = o.runTestMask ?? -1 >>> 0;
  const loops = Math.max(1, o.testLoopCount ?? TEST_VMALLOC.defaultLoopCount);
  const repeat = Math.max(1, o.testRepeatCount ?? 1);
  const cases = selectedCases(mask);
  const vm = createVmap(m, { impl: o.impl });
  const touchSym = e.sym('test_vmalloc_touch');
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
          touch: (a) => m.touch(t, a.vpn, touchSym),
        };
        const order = stats.map((_, i) => i);
        if (!o.sequentialTestOrder) {
          for (let i = order.length - 1; i > 0; i--) {
            const j = rng.int(0, i);
            [order[i], order[j]] = [order[j], order[i]];
          }
        }
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
      }),
    );
  }
  e.run();
  const tests: TestSummary[] = stats.map((s) => ({
    name: s.c.name,
    bit: s.c.bit,
    passed: s.passed,
    failed: s.failed,
    repeat,
    loops,
    avgUsec: s.runs === 0 ? 0 : Math.round((s.cycles / s.runs / e.clockHz) * 1e6),
  }));
  const workerCycles = threads.map((t) => t.endCycle - t.startCycle);
  const metrics: Record<string, number> = {};
  for (const s of tests) {
    metrics[`${s.name}.avg_usec`] = s.avgUsec;
    metrics[`${s.name}.failed`] = s.failed;
  }
  metrics.worker_cycles_max = Math.max(...workerCycles);
  metrics.worker_cycles_avg = roundTo(workerCycles.reduce((a, b) => a + b, 0) / workerCycles.length, 0);
  metrics.stale_translations = m.tlb.staleCount;
  metrics.unmodelled_mask = mask & UNMODELLED_BITS;
  const run = runFromEngine(e, {
    variant: { impl: o.impl },
    metrics,
    threads,
    tickRateHz: m.arch.hz,
  });
  run.counters.test_vmalloc = { worker_cycles: Object.fromEntries(workerCycles.map((c, i) => [String(i), c])) };
  return { run, tests, workerCycles, vmap: vm };
}
