// The vmalloc workloads' speed: vmap-bench at 8 threads × 100,000 iterations for the three 2.6.28-era designs
// (≤ 5 s together), vmap-bench on 1,024 CPUs (≤ 10 s), and test_vmalloc's long_busy_list on legacy, whose
// O(n) list walks over 15,000 busy areas are charged in cycles but found in O(log n) wall time.
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { type ImplName, runTestVmalloc, runVmapBench } from '@kmemsim/vmalloc';
import { bestMs, type Figure } from '../figure.js';

const MAIN: ImplName[] = ['legacy', 'lazy', 'percpu'];

function bench(cpus: number, threads: number, iterations: number): () => void {
  return () => {
    for (const impl of MAIN) {
      runVmapBench({ machine: new Machine({ arch: x86_64, cpus }), impl, threads, pages: 4, iterations });
    }
  };
}

function longBusy(loops: number): () => void {
  return () => {
    runTestVmalloc({
      machine: new Machine({ arch: x86_64, cpus: 1 }),
      impl: 'legacy',
      nrThreads: 1,
      runTestMask: 4,
      testLoopCount: loops,
    });
  };
}

export const vmallocFigures: Figure[] = [
  {
    name: 'vmap_bench_8x100k_all_ms',
    description: 'wall ms: vmap-bench, x86_64 8 CPUs, 8 threads × 100,000 iterations × {legacy, lazy, percpu}',
    target: '≤ 5,000',
    meets: (v) => v <= 5000,
    measure: () => Math.round(bestMs(bench(8, 8, 100_000), 1)),
  },
  {
    name: 'vmap_bench_1024cpu_ms',
    description: 'wall ms: vmap-bench, x86_64 1,024 CPUs, 1,024 threads × 1,000 iterations × {legacy, lazy, percpu}',
    target: '≤ 10,000',
    meets: (v) => v <= 10_000,
    measure: () => Math.round(bestMs(bench(1024, 1024, 1000), 1)),
  },
  {
    name: 'test_vmalloc_long_busy_legacy_ms',
    description:
      'wall ms: test_vmalloc long_busy_list on legacy, 1 worker, 10,000 loops over 15,000 busy areas ' +
      '(≈ 55,000 list-walking allocations and frees; quadratic wall time would be ~10⁹ steps)',
    target: '≤ 1,000',
    meets: (v) => v <= 1000,
    measure: () => Math.round(bestMs(longBusy(10_000), 1) * 10) / 10,
  },
  {
    name: 'test_vmalloc_long_busy_legacy_scaling',
    description: 'wall-time ratio of long_busy_list on legacy at 20,000 vs 10,000 loops (linear ⇒ ~2, quadratic ⇒ 4)',
    target: '≤ 2.6',
    meets: (v) => v <= 2.6,
    measure: () => Math.round((bestMs(longBusy(20_000), 1) / bestMs(longBusy(10_000), 1)) * 100) / 100,
  },
];
