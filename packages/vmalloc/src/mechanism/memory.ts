// What a walk over kernel objects costs: each step is a dependent load (the next pointer) whose latency is that
// of the cache level holding the walked working set — the arch's `cache` section (Barcelona: 64 KiB L1 at
// 3 cycles … DRAM at ~200) — plus the compare-and-branch work of the step. Arches without a cache section use
// the documented guess below.
import type { ArchCache, Machine } from '@kmemsim/mmu';
import { sourced } from '@kmemsim/mmu';

/** Cache sizes (bytes) and load-to-use latencies (cycles) a list walk's loads see. */
export interface ChaseLevels {
  /** L1 data cache size. */
  l1Bytes: number;
  /** L1 load-to-use latency. */
  l1Cycles: number;
  /** L2 size. */
  l2Bytes: number;
  /** L2 load-to-use latency. */
  l2Cycles: number;
  /** 0: no L3. */
  l3Bytes: number;
  /** L3 load-to-use latency. */
  l3Cycles: number;
  /** Load latency from DRAM. */
  memoryCycles: number;
}

/** Cache sizes and latencies of list walks on an arch without a `cache` section (documented guesses, all [U]). */
export const FALLBACK_MEMORY: ChaseLevels & { sources: Record<string, string> } = sourced({
  l1Bytes: [32 * 1024, '[U 16384..65536] L1 data cache of a 2000s server core'],
  l1Cycles: [3, '[U 1..4] L1 load-to-use latency'],
  l2Bytes: [512 * 1024, '[U 262144..4194304] L2 per core'],
  l2Cycles: [14, '[U 5..20] L2 load-to-use latency'],
  l3Bytes: [2 * 1024 * 1024, '[U 0..8388608] shared L3'],
  l3Cycles: [45, '[U 14..60] L3 load-to-use latency'],
  memoryCycles: [200, '[U 120..350] local DRAM, ~70–150 ns at 1.5–2.5 GHz'],
});

export function chaseLevels(c: ArchCache | undefined, fallback: ChaseLevels = FALLBACK_MEMORY): ChaseLevels {
  if (c === undefined) return fallback;
  return {
    l1Bytes: c.l1d.sizeBytes,
    l1Cycles: c.l1d.hitCycles,
    l2Bytes: c.l2.sizeBytes,
    l2Cycles: c.l2.hitCycles,
    l3Bytes: c.l3?.sizeBytes ?? 0,
    l3Cycles: c.l3?.hitCycles ?? 0,
    memoryCycles: c.memoryCycles,
  };
}

/** Cycles of one dependent load when the data walked spans `bytes`. */
export function chaseCycles(mem: ChaseLevels, bytes: number): number {
  if (bytes <= mem.l1Bytes) return mem.l1Cycles;
  if (bytes <= mem.l2Bytes) return mem.l2Cycles;
  if (mem.l3Bytes > 0 && bytes <= mem.l3Bytes) return mem.l3Cycles;
  return mem.memoryCycles;
}

/** The machine's cache levels; `fallback` (default FALLBACK_MEMORY) when its arch has no `cache` section. */
export function archMemory(m: Machine, fallback?: ChaseLevels): ChaseLevels {
  return chaseLevels(m.arch.cache, fallback);
}
