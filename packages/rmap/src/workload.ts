// The rmap-fork workloads on a Machine: fork + exit of a process with N mapped pages (M children per round,
// children exiting on other CPUs while the parent waits), the fork-heavy script mix (many short-lived children
// of a small shell while other processes share its file pages), and a reclaim scan over K pages.
import { type Op, type Run, runFromEngine, type Thread } from '@kmemsim/core';
import { createHighmem, type Highmem } from '@kmemsim/highmem';
import type { Machine } from '@kmemsim/mmu';
import { Gates } from './gate.js';
import type { RmapKind } from './geometry.js';
import type { LockKind } from './locks.js';
import type { RmapCosts } from './params.js';
import { reclaimPages } from './reclaim.js';
import { RmapSystem } from './rmap.js';
import { flushTally, internSymbols } from './tally.js';

export const WORKLOADS = ['fork-exit', 'script', 'reclaim'] as const;
export type Workload = (typeof WORKLOADS)[number];

/** Workload presets. fork-exit: the seed 003 test; script: a shell forking many short-lived children. */
export const PRESETS: Record<
  Workload,
  { pages: number; anonPct: number; children: number; rounds: number; background: number }
> = {
  // [U] "a process with many mapped pages": 64 MiB, half private anonymous, half a shared file; 4 fork+exit loops.
  'fork-exit': { pages: 16_384, anonPct: 50, children: 1, rounds: 4, background: 0 },
  // [U] a shell of ~1.6 MiB mapped (mostly libc and its own text), 200 short-lived children, 16 other processes
  // sharing the same file pages (long chains on shared pages).
  script: { pages: 400, anonPct: 25, children: 1, rounds: 200, background: 16 },
  // [U] the reclaim scan runs with the parent and 4 children alive, over 1,024 of the parent's pages.
  reclaim: { pages: 16_384, anonPct: 50, children: 4, rounds: 1, background: 0 },
};

/** Bottom-line overhead of a run against the `none` baseline, in percent of the baseline's real time. */
export function overheadPct(realUs: number, baselineRealUs: number): number {
  return Math.round((realUs / baselineRealUs - 1) * 10_000) / 100;
}

export interface RmapVariant {
  rmap: RmapKind;
  direct: boolean;
  lock: LockKind;
  batch: boolean;
}

export interface RmapForkOptions {
  machine: Machine;
  variant: RmapVariant;
  workload?: Workload;
  /** Mapped pages of the forking process. */
  pages: number;
  /** Percent of them private anonymous (the rest: a shared file mapping). */
  anonPct?: number;
  /** Children forked per round (alive together). */
  children?: number;
  rounds?: number;
  /** Other processes mapping the same file pages (longer chains). */
  background?: number;
  /** reclaim: pages scanned by page_referenced + try_to_unmap. */
  reclaimPages?: number;
  /** i386: page tables in highmem (each PTE-page visit is a kmap_atomic pair). */
  highpte?: boolean;
  costs?: Partial<RmapCosts>;
}

export interface RmapForkResult {
  run: Run;
  fork_us: number;
  exit_us: number;
  real_us: number;
  /** At the peak of mapped PTEs (all children forked). */
  rmap_bytes_per_pte: number;
  /** Before the first fork: the parent (and background processes) alone; PageDirect shows here. */
  rmap_bytes_per_pte_before_fork: number;
  reclaim_us: number;
}

type Gen = Generator<Op | undefined, void, void>;

export function runRmapFork(o: RmapForkOptions): RmapForkResult {
  const m = o.machine;
  const e = m.engine;
  const workload = o.workload ?? 'fork-exit';
  const children = o.children ?? 1;
  const rounds = o.rounds ?? 1;
  const anonPages = Math.round((o.pages * (o.anonPct ?? 50)) / 100);
  const highpte = (o.highpte ?? false) && m.arch.highmem !== null;
  const v = o.variant;
  const sys = new RmapSystem({
    arch: m.arch,
    config: { kind: v.rmap, direct: v.direct, lock: v.lock, batch: v.batch, pae: m.pae, highpte },
    vpnSpace: o.pages,
    anonPages,
    costs: o.costs,
  });
  // Set-up is not measured: the parent and the background processes fault their pages in.
  const parent = sys.space.newMm();
  sys.populate(parent, 0, o.pages);
  for (let b = 0; b < (o.background ?? 0); b++) sys.populate(sys.space.newMm(), anonPages, o.pages);
  sys.tally.clear();
  const before = rmapBytes(sys, v);
  let beforePtes = 0;
  for (const mm of sys.space.aliveMms()) beforePtes += sys.space.present[mm];

  const ids = internSymbols(e);
  const hm: Highmem | null = highpte ? createHighmem(m) : null;
  const per = sys.g.ptesPerTable;
  const total = children * rounds;
  const forkDone = new Gates(e, 'fork', total);
  const exitDone = new Gates(e, 'exit', total);
  const reclaimDone = new Gates(e, 'reclaim', 1);
  const mmOf = new Int32Array(total);
  let forkCycles = 0;
  let exitCycles = 0;
  let reclaimCycles = 0;
  let peakPtes = 0;
  let peakBytes = 0;
  const charge = (t: Thread) => {
    const pairs = flushTally(t, sys.tally, ids);
    if (pairs > 0) hm?.atomicPairs(t, pairs);
  };
  const measureMemory = () => {
    let ptes = 0;
    for (const mm of sys.space.aliveMms()) ptes += sys.space.present[mm];
    if (ptes <= peakPtes) return;
    peakPtes = ptes;
    peakBytes = rmapBytes(sys, v);
  };

  function* fork(t: Thread, i: number): Gen {
    const t0 = t.clock;
    sys.cpu = t.cpu;
    const child = sys.forkMm(parent);
    mmOf[i] = child;
    for (let v0 = 0; v0 < o.pages; v0 += per) {
      sys.cpu = t.cpu;
      sys.forkRange(parent, child, v0, Math.min(o.pages, v0 + per));
      charge(t);
      yield undefined;
    }
    measureMemory();
    forkCycles += t.clock - t0;
  }

  function* exit(t: Thread, i: number): Gen {
    const t0 = t.clock;
    const mm = mmOf[i];
    for (let v0 = 0; v0 < o.pages; v0 += per) {
      sys.cpu = t.cpu;
      sys.exitRange(mm, v0, Math.min(o.pages, v0 + per));
      charge(t);
      yield undefined;
    }
    sys.exitMm(mm);
    charge(t);
    exitCycles += t.clock - t0;
  }

  const workers = m.cpus - 1;
  const threads: Thread[] = [];
  threads.push(
    e.spawn(0, 'parent', function* (t) {
      for (let r = 0; r < rounds; r++) {
        for (let j = 0; j < children; j++) {
          yield* fork(t, r * children + j);
          forkDone.open(t, r * children + j);
        }
        if (workload === 'reclaim' && r === 0) {
          const t0 = t.clock;
          sys.cpu = t.cpu;
          const k = Math.min(o.reclaimPages ?? 1024, o.pages);
          const pt = sys.space.ptes[parent] as Int32Array;
          const pfns: number[] = [];
          for (let q = 0; q < k; q++) {
            const e0 = pt[Math.floor((q * o.pages) / k)];
            if (e0 !== 0) pfns.push(e0 - 1);
          }
          reclaimPages(sys, [...new Set(pfns)]);
          charge(t);
          reclaimCycles = t.clock - t0;
          reclaimDone.open(t, 0);
        }
        for (let j = 0; j < children; j++) {
          const i = r * children + j;
          if (workers === 0) yield* exit(t, i);
          else yield exitDone.wait(t, i);
        }
      }
    }),
  );
  for (let w = 0; w < workers; w++) {
    threads.push(
      e.spawn(1 + w, `child/${1 + w}`, function* (t) {
        for (let i = w; i < total; i += workers) {
          if (workload === 'reclaim' && i < children) yield reclaimDone.wait(t, 0);
          yield forkDone.wait(t, i);
          yield* exit(t, i);
          exitDone.open(t, i);
        }
      }),
    );
  }
  e.run();
  countRmap(sys, m);
  const us = (c: number) => (c / e.clockHz) * 1e6;
  const realCycles = Math.max(...threads.map((t) => t.endCycle));
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const res = {
    fork_us: r2(us(forkCycles / total)),
    exit_us: r2(us(exitCycles / total)),
    real_us: r2(us(realCycles - threads[0].startCycle)),
    rmap_bytes_per_pte: perPte(peakBytes, peakPtes),
    rmap_bytes_per_pte_before_fork: perPte(before, beforePtes),
    reclaim_us: r2(us(reclaimCycles)),
  };
  const metrics: Record<string, number> = { ...res };
  if (workload !== 'reclaim') delete metrics.reclaim_us;
  const run = runFromEngine(e, {
    variant: variantKeys(v),
    metrics,
    threads,
    tickRateHz: m.arch.hz,
  });
  return { run, ...res };
}

function perPte(bytes: number, ptes: number): number {
  return ptes > 0 ? Math.round((bytes / ptes) * 1000) / 1000 : 0;
}

function onOff(b: boolean): string {
  return b ? 'on' : 'off';
}

/** The run's variant: direct, lock and batch are 'n/a' for designs without pte_chains (none, objrmap). */
export function variantKeys(v: RmapVariant): Record<string, string> {
  const chained = v.rmap === 'pte_chain' || v.rmap === 'multi';
  const na = (x: string) => (chained ? x : 'n/a');
  return { rmap: v.rmap, direct: na(onOff(v.direct)), lock: na(v.lock), batch: na(onOff(v.batch)) };
}

/** pte_chain objects in use, plus one word of struct page per mapped page (page->pte, or objrmap's mapcount). */
function rmapBytes(sys: RmapSystem, v: RmapVariant): number {
  const slab = sys.chains ? sys.chains.slab.inUse * sys.g.nodeBytes : 0;
  return slab + (v.rmap === 'none' ? 0 : sys.g.wordBytes * mappedPages(sys));
}

function mappedPages(sys: RmapSystem): number {
  let n = 0;
  const mc = sys.space.mapcount;
  for (let p = 0; p < mc.length; p++) if (mc[p] > 0) n++;
  return n;
}

function countRmap(sys: RmapSystem, m: Machine): void {
  const k = m.engine.counters;
  if (sys.chains) {
    const s = sys.chains.slab;
    k.bump('rmap.pte_chain_allocs', s.allocs, 'pte_chain objects allocated');
    k.bump('rmap.pte_chain_frees', s.frees, 'pte_chain objects freed');
    k.bump('rmap.slab_pages_peak', s.peakSlabs, 'pte_chain slab pages at the high-water mark');
  }
  if (sys.locks) {
    k.bump('rmap.lock_acquisitions', sys.locks.acquisitions, 'pte_chain_lock / lock_rmap acquisitions');
    k.bump('rmap.lock_transfers', sys.locks.transfers, 'lock_rmap lines moved between CPUs');
  }
}
