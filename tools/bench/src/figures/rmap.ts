// rmap-fork speed: fork + exit of a process with 1 M mapped pages (4 GiB, i386, 2 CPUs) under every design,
// each ≤ 1 s of wall time (set-up of the parent's 1 M mappings included).
import { i386 } from '@kmemsim/arch-i386';
import { Machine } from '@kmemsim/mmu';
import { type RmapVariant, runRmapFork } from '@kmemsim/rmap';
import { bestMs, type Figure } from '../figure.js';

const VARIANTS: [string, RmapVariant][] = [
  ['none', { rmap: 'none', direct: false, lock: 'bit', batch: false }],
  ['pte_chain', { rmap: 'pte_chain', direct: false, lock: 'bit', batch: false }],
  ['pte_chain_direct_hashed_batch', { rmap: 'pte_chain', direct: true, lock: 'hashed', batch: true }],
  ['multi', { rmap: 'multi', direct: false, lock: 'bit', batch: false }],
  ['multi_direct_hashed_batch', { rmap: 'multi', direct: true, lock: 'hashed', batch: true }],
  ['objrmap', { rmap: 'objrmap', direct: false, lock: 'bit', batch: false }],
];

export const rmapFigures: Figure[] = VARIANTS.map(([name, variant]) => ({
  name: `rmap_fork_exit_1m_${name}_ms`,
  description: `wall ms to simulate fork + exit of a process with 1 M mapped pages, i386, --rmap ${name}`,
  target: '≤ 1,000',
  meets: (v: number) => v <= 1000,
  measure: () =>
    Math.round(
      bestMs(() => {
        const machine = new Machine({ arch: i386, cpus: 2 });
        runRmapFork({ machine, variant, pages: 1 << 20, children: 1, rounds: 1 });
      }, 2),
    ),
}));
