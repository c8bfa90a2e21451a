// What every rmap workload shares: the variant a run follows, building its RmapSystem on a Machine, charging the
// tally to a thread (HIGHPTE kmap_atomic pairs through @kmemsim/highmem), rmap memory, and the run's counters.
import type { Thread } from '@kmemsim/core';
import { createHighmem, type Highmem } from '@kmemsim/highmem';
import type { Machine } from '@kmemsim/mmu';
import type { AllocKind, KernelEra, LockKind, RmapKind } from './eras.js';
import type { RmapCosts } from './params.js';
import { RmapSystem } from './rmap.js';
import { flushTally, internSymbols } from './tally.js';

/** The reverse-mapping variant a run follows (one design's records; nothing mixed). */
export interface RmapVariant {
  /** The design: none, pte_chain, multi or objrmap. */
  rmap: RmapKind;
  /** PageDirect: a single mapping kept in page->pte.direct without a chain node (2.5.27+). */
  direct: boolean;
  /** The rmap lock (bit, hashed, hashed-akpm). */
  lock: LockKind;
  /** Phillips' batched pte_chain allocation in copy_page_range. */
  batch: boolean;
  /** pte_chain allocation era (default slab: 2.5.30–2.5.54). */
  alloc?: AllocKind;
}

export interface SystemOptions {
  machine: Machine;
  variant: RmapVariant;
  kernel?: KernelEra;
  highpte?: boolean;
  maxVpns: number;
  costs?: Partial<RmapCosts>;
}

/** The RmapSystem of a variant on a machine (its arch, CPUs and PAE; HIGHPTE only where the arch has highmem). */
export function buildSystem(o: SystemOptions): RmapSystem {
  const m = o.machine;
  const v = o.variant;
  return new RmapSystem({
    arch: m.arch,
    cpus: m.cpus,
    config: {
      kind: v.rmap,
      direct: v.direct,
      lock: v.lock,
      batch: v.batch,
      alloc: v.alloc ?? 'slab',
      kernel: o.kernel ?? '2.5',
      pae: m.pae,
      highpte: (o.highpte ?? false) && m.arch.highmem !== null,
    },
    maxVpns: o.maxVpns,
    costs: o.costs,
  });
}

/** Charges a system's tally to threads, with HIGHPTE's kmap_atomic pairs through highmem. */
export class Charger {
  private readonly ids;
  private readonly hm: Highmem | null;

  constructor(
    readonly sys: RmapSystem,
    machine: Machine,
  ) {
    this.ids = internSymbols(machine.engine);
    this.hm = sys.g.highpte ? createHighmem(machine) : null;
  }

  /** Charges the system's tally to thread `t` (cycles per symbol; HIGHPTE's kmap_atomic pairs through highmem). */
  charge(t: Thread): void {
    const pairs = flushTally(t, this.sys.tally, this.ids);
    if (pairs > 0) this.hm?.atomicPairs(t, pairs);
  }
}

export function onOff(b: boolean): string {
  return b ? 'on' : 'off';
}

/** The run's variant: direct, lock, batch and alloc are 'n/a' for designs without pte_chains (none, objrmap). */
export function variantKeys(v: RmapVariant): Record<string, string> {
  const chained = v.rmap === 'pte_chain' || v.rmap === 'multi';
  const na = (x: string) => (chained ? x : 'n/a');
  return {
    rmap: v.rmap,
    direct: na(onOff(v.direct)),
    lock: na(v.lock),
    batch: na(onOff(v.batch)),
    alloc: na(v.alloc ?? 'slab'),
  };
}

/** pte_chain objects in use, plus one word of struct page per mapped page (page->pte, or objrmap's mapcount). */
export function rmapBytes(sys: RmapSystem): number {
  const nodes = sys.chains ? sys.chains.nodesInUse * sys.g.nodeBytes : 0;
  if (sys.cfg.kind === 'none') return 0;
  let mapped = 0;
  const mc = sys.space.mapcount;
  for (let p = 0; p < mc.length; p++) if (mc[p] > 0) mapped++;
  return nodes + sys.g.wordBytes * mapped;
}

export function presentPtes(sys: RmapSystem): number {
  let n = 0;
  for (const mm of sys.space.aliveMms()) n += sys.space.present[mm];
  return n;
}

/** Bytes per PTE, rounded to 0.001 (0 without PTEs). */
export function perPte(bytes: number, ptes: number): number {
  return ptes > 0 ? Math.round((bytes / ptes) * 1000) / 1000 : 0;
}

/** Bottom-line overhead of a run against the `none` baseline, in percent of the baseline. */
export function overheadPct(value: number, baseline: number): number {
  return Math.round((value / baseline - 1) * 10_000) / 100;
}

/** The rmap and cache counters of a finished run. */
export function countRmap(sys: RmapSystem, m: Machine, estimated?: readonly number[]): void {
  const k = m.engine.counters;
  if (sys.chains) {
    k.bump('rmap.pte_chain_allocs', sys.chains.allocs, 'pte_chain objects allocated');
    k.bump('rmap.pte_chain_frees', sys.chains.frees, 'pte_chain objects freed');
    k.bump('rmap.pte_chain_peak', sys.chains.peakNodes, 'pte_chain objects in use at the high-water mark');
    k.bump('rmap.chain_nodes_visited', sys.chains.work.nodesVisited, 'chain nodes read while searching or walking');
  }
  if (sys.locks) k.bump('rmap.lock_acquisitions', sys.locks.acquisitions, 'pte_chain_lock / lock_rmap acquisitions');
  sys.flushHits();
  const s = sys.cache.stats;
  const names = ['l1', 'l2', 'l3'];
  // Sampled fidelity: the skipped PTE pages' share, estimated in the order of PageSampler's stats vector.
  const levels = s.levelHits.length;
  const est = (i: number) => (estimated ? Math.round(estimated[i] ?? 0) : 0);
  for (let i = 0; i < levels; i++) {
    k.bump(`cache.${names[i]}_hits`, s.levelHits[i] + est(1 + i), `accesses served by the ${names[i].toUpperCase()}`);
  }
  k.bump('cache.memory_local', s.memoryLocal + est(1 + levels), 'misses served by local memory');
  k.bump('cache.memory_remote', s.memoryRemote + est(2 + levels), "misses served by another node's memory");
  k.bump(
    'cache.transfers_local',
    s.transfersLocal + est(3 + levels),
    "lines modified in another CPU's cache (same node)",
  );
  k.bump('cache.transfers_remote', s.transfersRemote + est(4 + levels), 'lines modified in a cache on another node');
  k.bump('cache.upgrades', s.upgrades + est(5 + levels), "stores that invalidated other CPUs' copies");
}
