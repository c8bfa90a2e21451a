// rmap speed: fork + exit of a process with 1 M mapped pages (4 GiB, dual PIII) under every design, each ≤ 1 s of
// wall time (set-up of the parent's 1 M mappings included); and a 16-CPU kernel compile of the size of a 2.5
// kernel build (NUMA-Q, make -j16, 900 object files) ≤ 30 s per design.
import { i386Numaq, i386Piii } from '@kmemsim/arch-i386';
import { Machine } from '@kmemsim/mmu';
import { type RmapVariant, runKernelCompile, runRmapFork } from '@kmemsim/rmap';
import type { Figure } from '../figure.js';
import { bestMs } from '../figure.js';

const VARIANTS: [string, RmapVariant][] = [
  ['none', { rmap: 'none', direct: false, lock: 'bit', batch: false }],
  ['pte_chain', { rmap: 'pte_chain', direct: false, lock: 'bit', batch: false }],
  ['pte_chain_direct_hashed_batch', { rmap: 'pte_chain', direct: true, lock: 'hashed', batch: true }],
  ['multi', { rmap: 'multi', direct: false, lock: 'bit', batch: false }],
  ['multi_direct_hashed_batch', { rmap: 'multi', direct: true, lock: 'hashed', batch: true, alloc: 'percpu' }],
  ['objrmap', { rmap: 'objrmap', direct: false, lock: 'bit', batch: false }],
];

const forkExit: Figure[] = VARIANTS.map(([name, variant]) => ({
  name: `rmap_fork_exit_1m_${name}_ms`,
  description: `wall ms to simulate fork + exit of a process with 1 M mapped pages, dual PIII, --rmap ${name}`,
  target: '≤ 1,000',
  meets: (v: number) => v <= 1000,
  measure: () =>
    Math.round(
      bestMs(() => {
        const machine = new Machine({ arch: i386Piii, cpus: 2 });
        runRmapFork({ machine, variant, pages: 1 << 20, children: 1, rounds: 1 });
      }, 2),
    ),
}));

const COMPILE: [string, RmapVariant][] = [
  ['pte_chain', { rmap: 'pte_chain', direct: false, lock: 'bit', batch: false }],
  ['multi_direct', { rmap: 'multi', direct: true, lock: 'bit', batch: false }],
];

const compile: Figure[] = COMPILE.map(([name, variant]) => ({
  name: `rmap_kernel_compile_16cpu_${name}_s`,
  description: `wall s to simulate make -j16 of 900 objects on a 16-way NUMA-Q, --rmap ${name}`,
  target: '≤ 30',
  meets: (v: number) => v <= 30,
  measure: () => {
    const t0 = performance.now();
    runKernelCompile({ machine: new Machine({ arch: i386Numaq, cpus: 16 }), variant });
    return Math.round((performance.now() - t0) / 100) / 10;
  },
}));

export const rmapFigures: Figure[] = [...forkExit, ...compile];
