// 2.6.27's skips keep its workers in the vmlist_lock's rotation (sampler-build.ts `buildsOnOneLock`, sampler.ts
// `inStepEnds`): its set-ups and tear-downs skip in step, the decider takes its skip at its boundary, and each skip
// leaves the last loops in detail.
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it, vi } from 'vitest';
import { DESIGNS } from '../designs/index.js';
import { Sampler } from './sampler.js';
import { buildsOnOneLock, IN_STEP_TAIL } from './sampler-build.js';
import { skipSpan } from './sampler-decide.js';
import { Loop, type Rate } from './sampler-loop.js';
import { runTestVmalloc } from './test-vmalloc.js';

describe('buildsOnOneLock', () => {
  it('holds for 2.6.27 only (vmlist is its allocator; the others have vmap_area_lock and purgers)', () => {
    expect(DESIGNS.filter(buildsOnOneLock).map((d) => d.name)).toEqual(['2.6.27']);
  });
});

describe('skipSpan with a tail', () => {
  it('stops the loop that ends first `tail` loops earlier', () => {
    const t = { cpu: 0, clock: 0, sysCycles: 0, userCycles: 0 } as unknown as Loop['t'];
    const l = new Loop(t, 1_000, 'k', null, false);
    l.done = 100;
    const r = { c: 10, slope: Number.NaN, growth: Number.NaN, perRound: 1, grow: 2, reach: Infinity } as Rate;
    const rate = new Map([['k', r]]);
    expect(skipSpan([l], rate, new Map())).toBe(899 * 10);
    expect(skipSpan([l], rate, new Map(), IN_STEP_TAIL)).toBe((899 - IN_STEP_TAIL) * 10);
  });
});

describe('2.6.27 sampled: the workers leave full_fit’s set-up no further apart than in the exact run', () => {
  it('8 CPUs × mask 3 × 2,000, mask order: within 1e11 cycles of each other (exact 1.77e11)', () => {
    // vmlist_lock is 2.6.27's biased rwlock (VmapDesign.rwlock): each release goes to a draw among the spinners, so
    // in the exact run the workers drift apart (1.77e11; 1.07e9 when the lock was FIFO, where this run kept them
    // within 2.1e9 and the per-worker log model had left them 9.4e9 apart). Sampled: 5.6e10.
    const ends: number[] = [];
    const end = Sampler.prototype.end;
    const spy = vi.spyOn(Sampler.prototype, 'end').mockImplementation(function (this: Sampler, l: Loop) {
      if (l.tag === 'full_fit_alloc_test:set-up') ends.push(l.t.clock);
      end.call(this, l);
    });
    try {
      const r = runTestVmalloc({
        machine: new Machine({ arch: x86_64, cpus: 8 }),
        impl: '2.6.27',
        nrThreads: 8,
        runTestMask: 3,
        testLoopCount: 2_000,
        sequentialTestOrder: true,
      });
      expect(r.sampling.perTag['full_fit_alloc_test:set-up'].skipped).toBeGreaterThan(400_000);
    } finally {
      spy.mockRestore();
    }
    expect(ends).toHaveLength(8);
    expect(Math.max(...ends) - Math.min(...ends)).toBeLessThan(1e11);
  }, 120_000);
});

describe('2.6.27 sampled: full_fit’s set-up as a line in its position (sampler-linear.ts `setUpLine`)', () => {
  it('4 CPUs × mask 2 × 200, mask order: the set-up within 5 % of the exact run and within its bound', () => {
    // __get_vm_area_node walks vmlist from its head, so a set-up loop costs a + b·x in its position x. The log
    // model (a rise per doubling) extrapolated each skip at 0.84–0.90 of the exact run's cycles over the same loops
    // (the first skip, with no model yet, at 0.6): this phase −25.0 % against ±55.3 %. As a line: +1.8 % against ±18 %;
    // since a list-walk set-up skips only on a line (sampler-rate.ts, 'one point'), as it is here.
    const run = (exact: boolean) =>
      runTestVmalloc({
        machine: new Machine({ arch: x86_64, cpus: 4 }),
        impl: '2.6.27',
        nrThreads: 4,
        runTestMask: 2,
        testLoopCount: 200,
        sequentialTestOrder: true,
        sampling: { exact },
      }).sampling.perTag['full_fit_alloc_test:set-up'];
    const x = run(true);
    const s = run(false);
    expect(s.skipped).toBeGreaterThan(50_000);
    const cx = x.detailedCycles + x.extrapolatedCycles;
    const cs = s.detailedCycles + s.extrapolatedCycles;
    expect(Math.abs(cs - cx) / cx).toBeLessThan(0.05);
    expect(Math.abs(cs - cx)).toBeLessThanOrEqual(s.errCycles);
  }, 120_000);
});
