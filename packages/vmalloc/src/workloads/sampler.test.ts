// Sampled simulation against the exact one: with extrapolation the results stay within the printed error bound
// of the run that simulates every loop, across designs, thread counts and test_vmalloc's mixed phases.
import { ia64Sn2 } from '@kmemsim/arch-ia64';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { expectCaseWithinBound, shortPurges as params, testVmallocBothWays } from './sampler.cases.js';
import { runTestVmalloc } from './test-vmalloc.js';
import { runVmapBench } from './vmap-bench.js';
import { runXfsDir } from './xfs-dir.js';

describe('sampled simulation', () => {
  it('vmap-bench: extrapolated ns per op within the bound of the exact run, every design', () => {
    for (const [impl, api] of [
      ['2.6.27', 'vmap'],
      ['2.6.28', 'vmap'],
      ['2.6.28', 'vm_map_ram'],
      ['2.6.39', 'vmap'],
      ['5.2', 'vmap'],
      ['6.9', 'vmap'],
    ] as const) {
      for (const threads of [1, 4]) {
        const go = (exact: boolean) =>
          runVmapBench({
            machine: new Machine({ arch: x86_64, cpus: 4 }),
            impl,
            api,
            threads,
            pages: 4,
            iterations: 12_000,
            params,
            sampling: { exact },
          });
        const s = go(false);
        const x = go(true);
        const what = `${impl} ${api} ×${threads}`;
        // A third of the loops at least (6.9 × 4: 17,851 of 48,000 since its decay holds per node, s24: its drain
        // passes come in bursts, so its windows settle later).
        expect(s.sampling.skipped, what).toBeGreaterThan(4_000 * threads);
        const err = Math.abs(s.nsPerOp / x.nsPerOp - 1) * 100;
        expect(err, what).toBeLessThanOrEqual(s.run.metrics.error_bound_pct);
        // The skipped loops' flushes are replayed from the measured window, within the bound printed beside them
        // (sampler-flush-bound.ts): 6.9 × 4, 311 against 243 exact, ±230 (its flush gaps are heavy-tailed); the
        // others within 2 flushes or 2 %, and their bounds as narrow as that allows.
        const f = (r: typeof s) => r.run.metrics.tlb_flush_global;
        const b = s.run.metrics.tlb_flush_global_bound;
        expect(Math.abs(f(s) - f(x)), what).toBeLessThanOrEqual(Math.max(2, b));
      }
    }
  }, 300_000);

  it('test_vmalloc: a case alone, its average within their bounds', () => {
    const { s, x } = testVmallocBothWays('5.2', 4, 1, 8_000);
    expect(s.sampling.skipped).toBeGreaterThan(0);
    expectCaseWithinBound(s, x, '5.2');
  }, 300_000);

  it('test_vmalloc: set-ups and tear-downs fast-forwarded functionally, the case within its bound', () => {
    // full_fit builds fls(CPUs) × 8,192 × 2 one-page areas per worker, long_busy_list 15,000: skipped set-up loops
    // allocate without time (mechanism/functional.ts), and the time they took comes from the measured rate.
    for (const mask of [2, 4]) {
      const { s, x } = testVmallocBothWays('5.2', 2, mask, 2_000);
      const a = s.tests[0];
      const setUp = s.sampling.perTag[`${a.name}:set-up`];
      const tearDown = s.sampling.perTag[`${a.name}:tear-down`];
      expect(setUp.skipped, a.name).toBeGreaterThan(setUp.loops / 2);
      expect(tearDown.skipped, a.name).toBeGreaterThan(0);
      expect(a.errorBound, a.name).toBeGreaterThan(0);
      expectCaseWithinBound(s, x, '5.2');
      // The areas built without time are real: every set-up loop allocated (the extrapolated main loop did not),
      // all were freed, and the allocator is consistent afterwards.
      expect(s.vmap.ledger.allocs, a.name).toBeGreaterThanOrEqual(setUp.loops);
      expect(s.vmap.ledger.allocs, a.name).toBe(s.vmap.ledger.frees);
      expect(s.vmap.ledger.live, a.name).toBe(0);
      expect(s.vmap.check(), a.name).toEqual([]);
    }
  }, 300_000);

  it("test_vmalloc: cycles per loop kind add up to the workers' cycles, detailed and extrapolated", () => {
    // fix_size is one loop per worker: its tag's detailed plus extrapolated cycles are the workers' whole time
    // (less what a kworker ran on their CPUs after their last loop); an exact run extrapolates none.
    const { s, x } = testVmallocBothWays('5.2', 4, 1, 8_000);
    for (const r of [s, x]) {
      const t = r.sampling.perTag.fix_size_alloc_test;
      const all = r.workerCycles.reduce((a, b) => a + b, 0);
      expect(t.detailedCycles + t.extrapolatedCycles).toBeLessThanOrEqual(all);
      expect(t.detailedCycles + t.extrapolatedCycles).toBeGreaterThan(0.999 * all);
    }
    expect(s.sampling.perTag.fix_size_alloc_test.extrapolatedCycles).toBeGreaterThan(0);
    expect(x.sampling.perTag.fix_size_alloc_test.extrapolatedCycles).toBe(0);
    // A skip's cycles stand for its loops: the tag's rate with them is the exact run's within the bound.
    const rate = (r: typeof s) => {
      const t = r.sampling.perTag.fix_size_alloc_test;
      return (t.detailedCycles + t.extrapolatedCycles) / t.loops;
    };
    const t = s.sampling.perTag.fix_size_alloc_test;
    expect(Math.abs(rate(s) - rate(x)) * t.loops).toBeLessThanOrEqual(t.errCycles + 0.001 * rate(x) * t.loops);
  }, 300_000);

  it('test_vmalloc: loops run in detail after a fast-forward of their case widen its bound, not its average', () => {
    // afterFastError (sampler.ts next): the sampler's decisions never read the bound, so the same run with the
    // term at 0 and at its default must simulate and skip the same loops and print the same averages.
    const go = (afterFastError: number) =>
      runTestVmalloc({
        machine: new Machine({ arch: x86_64, cpus: 2 }),
        impl: '5.2',
        nrThreads: 2,
        runTestMask: 2,
        testLoopCount: 2_000,
        params,
        sampling: { afterFastError },
      });
    const without = go(0);
    const own = go(0.06);
    expect(own.sampling.skipped).toBeGreaterThan(0);
    expect([own.tests[0].avgUsec, own.sampling.detailed, own.sampling.skipped]).toEqual([
      without.tests[0].avgUsec,
      without.sampling.detailed,
      without.sampling.skipped,
    ]);
    // Its free-junk, main loop and tear-down ran (partly) in detail after the set-up's fast-forward.
    expect(own.tests[0].errorBound).toBeGreaterThan(without.tests[0].errorBound);
    expect(own.sampling.errCycles - without.sampling.errCycles).toBeGreaterThan(0);
  }, 300_000);

  it('test_vmalloc full_fit at kernel-default purges: set-ups skipped doublings at a time, within the bound', () => {
    // One loop: the case is its set-up (fls(8) × 8,192 × 2 one-page areas per worker, its rate growing with the
    // log of the state, fitted per doubling), its free-junk and its tear-down. The sampled case must agree with
    // the exact one within the bound it printed.
    const { s, x } = testVmallocBothWays('5.2', 8, 2, 1, {});
    const setUp = s.sampling.perTag['full_fit_alloc_test:set-up'];
    expect(setUp.skipped).toBeGreaterThan(0.95 * setUp.loops);
    expect(s.sampling.detailed).toBeLessThan(0.55 * x.sampling.detailed);
    expectCaseWithinBound(s, x, '5.2');
  }, 300_000);

  it('xfs-dir on the 64-CPU sn2: ops per second within the bound of the exact run', () => {
    for (const impl of ['2.6.27', '2.6.28']) {
      const go = (exact: boolean) =>
        runXfsDir({
          machine: new Machine({ arch: ia64Sn2, cpus: 64 }),
          impl,
          threads: 8,
          ops: 1_500,
          sampling: { exact },
        });
      const s = go(false);
      const x = go(true);
      const err = Math.abs(s.usPerOp / x.usPerOp - 1) * 100;
      expect(err, impl).toBeLessThanOrEqual(s.run.metrics.error_bound_pct);
    }
  }, 300_000);

  it('simulates every loop with exact, and changes nothing in a run too short to extrapolate', () => {
    const r = runVmapBench({
      machine: new Machine({ arch: x86_64, cpus: 2 }),
      impl: '5.2',
      threads: 2,
      pages: 4,
      iterations: 300,
      sampling: { exact: false },
    });
    expect([r.sampling.detailed, r.sampling.skipped, r.run.metrics.error_bound_pct]).toEqual([600, 0, 0]);
  });
});
