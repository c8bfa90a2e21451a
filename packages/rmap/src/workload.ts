// The rmap-fork workloads on a Machine: fork + exit of a process with N mapped pages (M children per round,
// children exiting on other CPUs while the parent waits), the fork-heavy script mix (many short-lived children of
// a small shell while other processes share its file pages), and a reclaim scan over K pages.
import { type Op, type Run, runFromEngine, type Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import {
  buildSystem,
  Charger,
  countRmap,
  overheadPct,
  perPte,
  presentPtes,
  type RmapVariant,
  rmapBytes,
  variantKeys,
} from './common.js';
import type { KernelEra } from './eras.js';
import { chooseFidelity, type Fidelity, type FidelityChoice } from './fidelity.js';
import { Gates } from './gate.js';
import type { RmapCosts } from './params.js';
import { reclaimPages } from './reclaim.js';
import { PageSampler, SAMPLED_BOUND_PCT } from './sample.js';
import { Layout } from './space.js';

/** The rmap-fork workloads: fork-exit (seed 003), script (a shell forking short-lived children), reclaim. */
export const FORK_WORKLOADS = ['fork-exit', 'script', 'reclaim'] as const;
/** One of {@link FORK_WORKLOADS}. */
export type ForkWorkload = (typeof FORK_WORKLOADS)[number];

/** Workload presets. fork-exit: the seed 003 test; script: a shell forking many short-lived children. */
export const PRESETS: Record<
  ForkWorkload,
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

export { overheadPct, type RmapVariant, variantKeys };

/** Options of {@link runRmapFork}. */
export interface RmapForkOptions {
  /** The machine to run on. */
  machine: Machine;
  /** The reverse-mapping design and its switches (none, pte_chain, …; lock, batch, allocation). */
  variant: RmapVariant;
  /** Which workload (default fork-exit). */
  workload?: ForkWorkload;
  /** Which kernel's code paths run (2.5-era by default). */
  kernel?: KernelEra;
  /** Mapped pages of the forking process. */
  pages: number;
  /** Percent of them private anonymous (the rest: a shared file mapping). */
  anonPct?: number;
  /** Children forked per round (alive together). */
  children?: number;
  /** Fork rounds. */
  rounds?: number;
  /** Other processes mapping the same file pages (longer chains). */
  background?: number;
  /** reclaim: pages scanned by page_referenced + try_to_unmap. */
  reclaimPages?: number;
  /** i386: page tables in highmem (each PTE-page visit is a kmap_atomic pair). */
  highpte?: boolean;
  /** User-space work of the test per mapped page and round, in the parent before each fork (seed 003's loop). */
  loopCyclesPerPage?: number;
  /** Overrides of the rmap costs (an experiment's fitted values). */
  costs?: Partial<RmapCosts>;
  /** auto (default): exact below AUTO_SAMPLED_PAGES, sampled at or above (fidelity.ts); exact: every access through
   * the cache model; sampled: see sample.ts (cycles and cache.* estimated). */
  fidelity?: Fidelity;
}

/** What {@link runRmapFork} returns: microseconds per fork and exit, wall time, and rmap memory per PTE. */
export interface RmapForkResult {
  /** The run for the result document. */
  run: Run;
  /** Microseconds per fork. */
  fork_us: number;
  /** Microseconds per child exit. */
  exit_us: number;
  /** Wall microseconds of the whole workload, from the parent's start to the last thread's end. */
  real_us: number;
  /** At the peak of mapped PTEs (all children forked). */
  rmap_bytes_per_pte: number;
  /** Before the first fork: the parent (and background processes) alone; PageDirect shows here. */
  rmap_bytes_per_pte_before_fork: number;
  /** Microseconds for the reclaim scan (0 unless the workload is reclaim; then also in `run.metrics`). */
  reclaim_us: number;
  /** The fidelity the run was done at, and why (chooseFidelity). */
  fidelity: FidelityChoice;
  /** Sampled fidelity only: the bound of the estimated times in percent, and the share of PTE pages followed. */
  sampled?: SampledReport;
}

/** How a sampled run's times were estimated (also in its metrics as `estimate_bound_pct`, `sampled_pages_pct`). */
export interface SampledReport {
  /** Stated bound of fork_us, exit_us and real_us against the exact model, in percent: the validated bound plus
   * this run's 95 % sampling half-width. */
  estimate_bound_pct: number;
  /** Of which the run's own sampling half-width. */
  sampling_halfwidth_pct: number;
  /** PTE pages of fork and exit followed through the caches, in percent (the rest estimated). */
  sampled_pages_pct: number;
}

type Gen = Generator<Op | undefined, void, void>;

/**
 * Runs an rmap-fork workload: fork + exit of a process with `pages` mapped pages (seed 003), the script mix, or a
 * reclaim scan, under a reverse-mapping variant; reports fork/exit times and rmap bytes per PTE.
 * @example
 * ```ts
 * import { i386 } from '@kmemsim/arch-i386';
 * import { Machine } from '@kmemsim/mmu';
 * import { runRmapFork } from '@kmemsim/rmap';
 * const r = runRmapFork({ machine: new Machine({ arch: i386, cpus: 2 }), variant: { rmap: 'pte_chain', direct: true, lock: 'bit', batch: false, alloc: 'slab' }, pages: 1000 });
 * r.fork_us;
 * ```
 */
export function runRmapFork(o: RmapForkOptions): RmapForkResult {
  const m = o.machine;
  const e = m.engine;
  const workload = o.workload ?? 'fork-exit';
  const children = o.children ?? 1;
  const rounds = o.rounds ?? 1;
  const anonPages = Math.round((o.pages * (o.anonPct ?? 50)) / 100);
  const v = o.variant;
  const sys = buildSystem({
    machine: m,
    variant: v,
    kernel: o.kernel,
    highpte: o.highpte,
    maxVpns: o.pages,
    costs: o.costs,
  });
  const sp = sys.space;
  const file = sp.addFile(o.pages - anonPages);
  const layout = new Layout([
    { start: 0, end: anonPages, file: -1, pgoff: 0, cow: true },
    { start: anonPages, end: o.pages, file, pgoff: 0, cow: false },
  ]);
  // Set-up is not measured: the parent and the background processes fault their pages in on CPU 0; the caches
  // start cold.
  const parent = sp.newMm(layout);
  sys.tracking = false;
  sys.populateUntracked(parent, 0, o.pages);
  for (let b = 0; b < (o.background ?? 0); b++) sys.populateUntracked(sp.newMm(layout), anonPages, o.pages);
  sys.tracking = true;
  sys.tally.clear();
  const before = rmapBytes(sys);
  const beforePtes = presentPtes(sys);

  const ch = new Charger(sys, m);
  // Sampled only where fork and exit never run at once (one child per round): concurrent phases on two CPUs share
  // struct page and chain lines, and a page skipped on one CPU would leave the other's coherence state stale
  // (measured: exit 6.8 % off with two children). Otherwise the run is exact and says why (fidelity.why).
  const fidelity = chooseFidelity(o.fidelity ?? 'auto', o.pages, children);
  const sampler = fidelity.used === 'sampled' ? new PageSampler(sys) : null;
  /** PTE page of a phase: its stretch (phase and vma) and its place in it, for the sampler. */
  const stretch = (phase: string, v0: number): [string, number, number] => {
    const vi = layout.vmaAt[v0] as number;
    const vma = layout.vmas[vi] as { start: number; end: number };
    const first = Math.floor(vma.start / per);
    return [`${phase}/${vi}`, Math.floor(v0 / per) - first, Math.ceil(vma.end / per) - first];
  };
  const user = e.sym('test_loop', 'user');
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
  const measureMemory = () => {
    const ptes = presentPtes(sys);
    if (ptes <= peakPtes) return;
    peakPtes = ptes;
    peakBytes = rmapBytes(sys);
  };

  function* fork(t: Thread, i: number): Gen {
    const t0 = t.clock;
    sys.cpu = t.cpu;
    const child = sys.forkMm(parent);
    mmOf[i] = child;
    for (let v0 = 0; v0 < o.pages; v0 += per) {
      sys.cpu = t.cpu;
      if (sampler) sampler.begin(...stretch('fork', v0));
      sys.forkRange(parent, child, v0, Math.min(o.pages, v0 + per));
      sampler?.end();
      ch.charge(t);
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
      if (sampler) sampler.begin(...stretch('exit', v0));
      sys.exitRange(mm, v0, Math.min(o.pages, v0 + per));
      sampler?.end();
      ch.charge(t);
      yield undefined;
    }
    sys.cpu = t.cpu;
    sys.exitMm(mm);
    ch.charge(t);
    exitCycles += t.clock - t0;
  }

  function* reclaim(t: Thread): Gen {
    const t0 = t.clock;
    sys.cpu = t.cpu;
    const k = Math.min(o.reclaimPages ?? 1024, o.pages);
    const pt = sp.ptes[parent] as Int32Array;
    const pfns: number[] = [];
    for (let q = 0; q < k; q++) {
      const e0 = pt[Math.floor((q * o.pages) / k)];
      if (e0 !== 0) pfns.push(e0 - 1);
    }
    reclaimPages(sys, [...new Set(pfns)]);
    ch.charge(t);
    reclaimCycles = t.clock - t0;
    yield undefined;
  }

  const workers = m.cpus - 1;
  const threads: Thread[] = [];
  threads.push(
    e.spawn(0, 'parent', function* (t) {
      for (let r = 0; r < rounds; r++) {
        if (o.loopCyclesPerPage) t.spend(user, o.loopCyclesPerPage * o.pages);
        for (let j = 0; j < children; j++) {
          yield* fork(t, r * children + j);
          forkDone.open(t, r * children + j);
        }
        if (workload === 'reclaim' && r === 0) {
          yield* reclaim(t);
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
  countRmap(sys, m, sampler?.extraStats);
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
  let sampled: SampledReport | undefined;
  if (sampler) {
    const p = sampler.pages;
    const hw = r2((100 * sampler.halfWidthCycles()) / Math.max(1, realCycles - threads[0].startCycle));
    sampled = {
      estimate_bound_pct: p.skipped > 0 ? r2(SAMPLED_BOUND_PCT + hw) : 0,
      sampling_halfwidth_pct: hw,
      sampled_pages_pct: r2((100 * p.tracked) / Math.max(1, p.tracked + p.skipped)),
    };
    Object.assign(metrics, sampled);
  }
  const run = runFromEngine(e, { variant: variantKeys(v), metrics, threads, tickRateHz: m.arch.hz });
  return { run, ...res, fidelity, ...(sampled ? { sampled } : {}) };
}
