// What a walk over kernel objects costs: each step is a dependent load (the next pointer) whose latency is
// that of the cache level holding the walked working set (arch `memory`: Barcelona's 64 KiB L1 at 3 cycles …
// DRAM at ~200), plus the compare-and-branch work of the step. Arches without a `memory` section use the
// documented guess below.
import type { ArchMemory, Machine } from '@kmemsim/mmu';
import { sourced } from '@kmemsim/mmu';

export const FALLBACK_MEMORY = sourced({
  l1Bytes: [32 * 1024, '[U 16384..65536] L1 data cache of a 2000s server core'],
  l1LatencyCycles: [3, '[U 1..4] L1 load-to-use latency'],
  l2Bytes: [512 * 1024, '[U 262144..4194304] L2 per core'],
  l2LatencyCycles: [14, '[U 5..20] L2 load-to-use latency'],
  l3Bytes: [2 * 1024 * 1024, '[U 0..8388608] shared L3'],
  l3LatencyCycles: [45, '[U 14..60] L3 load-to-use latency'],
  dramLatencyCycles: [200, '[U 120..350] local DRAM, ~70–150 ns at 1.5–2.5 GHz'],
});

/** Cycles of one dependent load when the data walked spans `bytes`. */
export function chaseCycles(mem: ArchMemory, bytes: number): number {
  if (bytes <= mem.l1Bytes) return mem.l1LatencyCycles;
  if (bytes <= mem.l2Bytes) return mem.l2LatencyCycles;
  if (mem.l3Bytes > 0 && bytes <= mem.l3Bytes) return mem.l3LatencyCycles;
  return mem.dramLatencyCycles;
}

export function archMemory(m: Machine): ArchMemory {
  return m.arch.memory ?? FALLBACK_MEMORY;
}

/**
 * Cost of walking `n` objects of `objBytes` each when the structure holds `total` of them: the step's own work
 * plus the chase latency of the level the whole structure fits in (a walk repeated on every call keeps it as
 * warm as its size allows).
 */
export class WalkCost {
  private readonly mem: ArchMemory;

  constructor(
    m: Machine,
    readonly stepCycles: number,
  ) {
    this.mem = archMemory(m);
  }

  /** Cycles for `n` steps over a structure of `total` objects of `objBytes`. */
  cycles(n: number, total: number, objBytes: number): number {
    return n === 0 ? 0 : n * (this.stepCycles + chaseCycles(this.mem, total * objBytes));
  }

  /** One tree level of a descent (the upper levels stay cached: charged at the L1/L2 latency of a hot node). */
  perStep(total: number, objBytes: number): number {
    return this.stepCycles + chaseCycles(this.mem, total * objBytes);
  }
}
