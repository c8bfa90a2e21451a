// The [U] sensitivity of a design ranking: the ranking and reversal rules on small exact cases, a constructed range
// that flips vmap-bench's verdict and one that does not, and the override paths the sweep moves values through
// (defaults byte-identical, a moved value reaches the run).

import { i386, i386Numaq } from '@kmemsim/arch-i386';
import { ia64Sn2 } from '@kmemsim/arch-ia64';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { SCHED_EEVDF_6_9 } from '@kmemsim/core';
import { type ArchProfile, Machine } from '@kmemsim/mmu';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FALLBACK_MEMORY } from './mechanism/memory.js';
import { type Figures, rankingOf, reversals, sweepSensitivity } from './sensitivity.js';
import { vmallocKnobs } from './sensitivity-knobs.js';
import { vmapBenchFigures, vmapBenchSensitivity } from './sensitivity-workloads.js';
import { runTestVmalloc } from './workloads/test-vmalloc.js';
import { runVmapBench } from './workloads/vmap-bench.js';
import { runXfsDir } from './workloads/xfs-dir.js';

const fig = (value: number, bound = 0) => ({ value, bound });

describe('ranking and reversals', () => {
  it('ranks best first, ties within the tolerance or the bounds', () => {
    expect(rankingOf({ a: fig(3), b: fig(1), c: fig(2) }, 'lower', 0.01)).toBe('b < c < a');
    expect(rankingOf({ a: fig(3), b: fig(1), c: fig(2) }, 'higher', 0.01)).toBe('a > c > b');
    expect(rankingOf({ a: fig(100), b: fig(100.5) }, 'lower', 0.01)).toBe('a ≈ b');
    expect(rankingOf({ a: fig(100, 0.05), b: fig(104, 0) }, 'lower', 0)).toBe('a ≈ b');
    expect(rankingOf({ a: fig(100, 0.05), b: fig(111, 0) }, 'lower', 0)).toBe('a < b');
  });

  it('a strict order turned into the opposite strict order is a reversal; a tie is not', () => {
    const nominal: Figures = { '1 thread': { a: fig(1), b: fig(2) }, '8 threads': { a: fig(1), b: fig(2) } };
    const moved: Figures = { '1 thread': { a: fig(2), b: fig(1) }, '8 threads': { a: fig(2), b: fig(2) } };
    expect(reversals(nominal, moved, 0.01)).toEqual(['1 thread']);
  });

  it('invariants: nothing reverses against itself; negating distinct figures reverses every headline', () => {
    const figures = fc
      .uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 2, maxLength: 6 })
      .map((vs) => ({ h: Object.fromEntries(vs.map((v, i) => [`d${i}`, fig(v)])) }) as Figures);
    fc.assert(
      fc.property(figures, (f) => {
        expect(reversals(f, f, 0)).toEqual([]);
        const neg: Figures = { h: Object.fromEntries(Object.entries(f.h!).map(([k, x]) => [k, fig(-x.value)])) };
        expect(reversals(f, neg, 0)).toEqual(['h']);
      }),
    );
  });
});

/** x86_64 with costs.globalFlushPerCpuCycles given the plausible range `range`. */
function flushRange(range: string): ArchProfile {
  return { ...x86_64, sources: { ...x86_64.sources, 'costs.globalFlushPerCpuCycles': `${range} test range` } };
}

// 2.6.27 flushes every CPU's TLB at each vunmap; 2.6.28 flushes once per lazy purge but walks its busy areas. With
// 4 threads on 4 CPUs 2.6.28 (~13.0 µs per op) beats 2.6.27 (~14.4 µs) at the arch's 1,200 cycles per CPU: a range
// reaching down to 0 lets 2.6.27 win, a range above the value only widens the gap.
function flushSweep(arch: ArchProfile) {
  const machine = (a: ArchProfile) => new Machine({ arch: a, cpus: 4, seed: 1 });
  const runs = [
    { impl: '2.6.27', api: 'vmap' as const, threads: 4 },
    { impl: '2.6.28', api: 'vmap' as const, threads: 4 },
  ];
  const base = { arch, params: {} };
  const knobs = vmallocKnobs({ workload: 'vmap-bench', base, virt: 'none', cpus: 4 }).filter(
    (k) => k.parameter === 'arch.costs.globalFlushPerCpuCycles',
  );
  const figuresAt = (v: typeof base) =>
    vmapBenchFigures(
      runs.map(
        (r) => runVmapBench({ machine: machine(v.arch), ...r, pages: 4, iterations: 200, params: v.params }).run,
      ),
    );
  return sweepSensitivity({ knobs, base, figuresAt, figure: 'ns_per_op', better: 'lower', runsPerPoint: 2 });
}

describe('vmap-bench: a constructed flip and a range that holds', () => {
  it('a flush cost ranging down to 0 flips 2.6.28 < 2.6.27', () => {
    const s = flushSweep(flushRange('[U 0..1200]'));
    expect(s.verdict).toBe('4 threads: 2.6.28 < 2.6.27');
    expect(s.entries).toHaveLength(1);
    const e = s.entries[0]!;
    expect(e).toMatchObject({ parameter: 'arch.costs.globalFlushPerCpuCycles', value: 1200, lo: 0, hi: 1200 });
    expect(e.verdict_lo).toBe('4 threads: 2.6.27 < 2.6.28');
    expect(e.verdict_hi).toBe(s.verdict);
    expect(e.flips).toBe(true);
    expect(e.flipped).toEqual(['4 threads']);
  });

  it('a range of 1,200..3,000 cycles keeps the order', () => {
    const s = flushSweep(flushRange('[U 1200..3000]'));
    expect(s.entries[0]).toMatchObject({ verdict_lo: s.verdict, verdict_hi: s.verdict, flips: false, flipped: [] });
  });

  it('the whole sweep is deterministic and reads every ranged value once', () => {
    // Each machine is asked for with its run's design (the CLI gives it that design's --tick era phase).
    const asked: string[] = [];
    const run = () =>
      vmapBenchSensitivity({
        machine: (a, impl) => {
          asked.push(impl);
          return new Machine({ arch: a, cpus: 2, seed: 7 });
        },
        base: { arch: x86_64, params: {} },
        virt: 'none',
        cpus: 2,
        runs: [
          { impl: '2.6.27', api: 'vmap', threads: 2 },
          { impl: '6.9', api: 'vmap', threads: 2 },
        ],
        pages: 2,
        iterations: 50,
      });
    const a = run();
    expect(JSON.stringify(run())).toBe(JSON.stringify(a));
    const names = a.entries.map((e) => e.parameter);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('MECHANISM.walkStepCycles');
    expect(names).toContain('BENCH.touchBytesPerPage');
    expect(names).not.toContain('MECHANISM.nrCpusDefault'); // sourced
    expect(a.reruns).toBe(a.entries.length * 2 * 2);
    expect(asked.filter((i) => i === '2.6.27').length).toBe(asked.length / 2);
    expect(new Set(asked)).toEqual(new Set(['2.6.27', '6.9']));
  });
});

describe('which values a run reads', () => {
  const names = (c: Partial<Parameters<typeof vmallocKnobs>[0]> & { arch: ArchProfile }) =>
    vmallocKnobs({ workload: 'vmap-bench', virt: 'none', cpus: 2, ...c, base: { arch: c.arch, params: {} } }).map(
      (k) => k.parameter,
    );

  it("the arch's costs, TLB, IPI, cache and NUMA values and its virt mode's; never highmem's", () => {
    expect(names({ arch: i386 })).toContain('arch.ipi.sendCycles');
    expect(names({ arch: i386 }).some((n) => n.startsWith('arch.virt.'))).toBe(false);
    const kvm = names({ arch: i386, virt: 'kvm-shadow' });
    expect(kvm).toContain('arch.virt.kvm-shadow.vmExitCycles');
    expect(kvm.some((n) => n.startsWith('arch.virt.xen-pv.'))).toBe(false);
    const numaq = names({ arch: i386Numaq });
    expect(numaq).toContain('arch.numa.remoteMemoryCycles');
    expect(numaq).not.toContain('arch.highmem.kmTypeNr');
  });

  it("a workload's own values, unless an option set them", () => {
    expect(names({ arch: x86_64 })).toContain('BENCH.touchBytesPerPage');
    expect(names({ arch: x86_64, given: new Set(['touchBytesPerPage']) })).not.toContain('BENCH.touchBytesPerPage');
    expect(names({ arch: x86_64, workload: 'test-vmalloc' })).toContain('TEST_VMALLOC.pcpuAllocCycles');
    expect(names({ arch: x86_64, workload: 'xfs-dir' })).not.toContain('XFS.nrCpusSn2');
    expect(names({ arch: ia64Sn2, workload: 'xfs-dir', cpus: 64 })).toContain('XFS.nrCpusSn2');
    expect(names({ arch: ia64Sn2, workload: 'xfs-dir', given: new Set(['nrCpus']) })).not.toContain('XFS.nrCpusSn2');
  });
  it("the scheduler record's [U] values, only when a design of the run has a scheduler (6.9)", () => {
    const slice = 'sched.eevdf-6.9.baseSliceNs';
    const both = vmallocKnobs({
      workload: 'test-vmalloc',
      base: { arch: x86_64, params: {} },
      virt: 'none',
      cpus: 8,
      impls: ['5.2', '6.9'],
    });
    expect(both.find((k) => k.parameter === slice)).toMatchObject({ value: 750_000, lo: 700_000, hi: 750_000 });
    expect(names({ arch: x86_64, workload: 'test-vmalloc', impls: ['5.2'] })).not.toContain(slice);
    expect(names({ arch: x86_64, impls: ['2.6.28', 'lazy'] }).some((n) => n.startsWith('sched.'))).toBe(false);
  });
});

describe('override paths: defaults unchanged, a moved value reaches the run', () => {
  const bench = (arch: ArchProfile, params = {}) =>
    runVmapBench({
      machine: new Machine({ arch, cpus: 2, seed: 1 }),
      impl: '2.6.28',
      threads: 1,
      pages: 4,
      iterations: 300,
      params,
    }).nsPerOp;

  it('FALLBACK_MEMORY (an arch without a cache section)', () => {
    const { sources: _s, ...levels } = FALLBACK_MEMORY;
    expect(bench(i386, { fallbackMemory: levels })).toBe(bench(i386));
    expect(bench(i386, { fallbackMemory: { ...levels, l1Cycles: 1, l2Cycles: 5, memoryCycles: 350 } })).not.toBe(
      bench(i386),
    );
    const knobs = vmallocKnobs({ workload: 'vmap-bench', base: { arch: i386, params: {} }, virt: 'none', cpus: 2 });
    expect(knobs.map((k) => k.parameter)).toContain('FALLBACK_MEMORY.memoryCycles');
    expect(
      vmallocKnobs({ workload: 'vmap-bench', base: { arch: x86_64, params: {} }, virt: 'none', cpus: 2 }).map(
        (k) => k.parameter,
      ),
    ).not.toContain('FALLBACK_MEMORY.memoryCycles');
  });

  it('TEST_VMALLOC costs', () => {
    const avg = (costs = {}) =>
      runTestVmalloc({
        machine: new Machine({ arch: x86_64, cpus: 1, seed: 1 }),
        impl: '5.2',
        nrThreads: 1,
        runTestMask: 1,
        testLoopCount: 200,
        costs,
      }).workerCycles[0];
    expect(avg({ allocPageCycles: 250 })).toBe(avg());
    expect(avg({ allocPageCycles: 500 })).toBeGreaterThan(avg()!);
  });

  it('the scheduler record (6.9 only; a copied record, the module-wide one untouched)', () => {
    const cycles = (impl: string, params = {}) =>
      runTestVmalloc({
        machine: new Machine({ arch: x86_64, cpus: 2, seed: 1 }),
        impl,
        nrThreads: 2,
        runTestMask: 7,
        testLoopCount: 300,
        params,
      }).workerCycles.join(',');
    const long = { scheduler: { ...SCHED_EEVDF_6_9, baseSliceNs: 100_000_000 } };
    expect(cycles('6.9', { scheduler: SCHED_EEVDF_6_9 })).toBe(cycles('6.9'));
    expect(cycles('6.9', long)).not.toBe(cycles('6.9'));
    expect(cycles('5.2', long)).toBe(cycles('5.2'));
    expect(SCHED_EEVDF_6_9.baseSliceNs).toBe(750_000);
  });

  it('XFS costs', () => {
    const us = (costs = {}) =>
      runXfsDir({ machine: new Machine({ arch: x86_64, cpus: 2, seed: 1 }), impl: '5.2', threads: 1, ops: 50, costs })
        .usPerOp;
    expect(us({ opCycles: 15_000 })).toBe(us());
    expect(us({ opCycles: 40_000 })).toBeGreaterThan(us());
  });
});
