// LMbench-style latencies on a small process: lat_proc fork (fork + exit + wait), lat_proc exec (fork + execve of
// a tiny program + exit + wait) and lat_mmap (mmap of a file, touch every page, munmap). One CPU runs the loop, as
// on an idle machine where the child runs where its parent forked it (2.5's wake_up_forked_process).
import { type Op, type Run, runFromEngine, type Thread } from '@kmemsim/core';
import { type Machine, sourced } from '@kmemsim/mmu';
import { buildSystem, Charger, countRmap, type RmapVariant, variantKeys } from './common.js';
import type { KernelEra } from './eras.js';
import { Layout } from './space.js';
import { S } from './tally.js';

/** The LMbench-style latency workloads: lat_proc fork, lat_proc exec, lat_mmap. */
export const LAT_WORKLOADS = ['lat-fork', 'lat-exec', 'lat-mmap'] as const;
/** One of {@link LAT_WORKLOADS}. */
export type LatWorkload = (typeof LAT_WORKLOADS)[number];

/** The latency workloads' process shapes and costs, each with its [U] range or source. */
export const LAT = sourced({
  procText: [10, "[U 5..20] text pages of lmbench's lat_proc / lat_mmap binary touched"],
  procLibc: [100, '[U 50..200] glibc text pages a small dynamically linked program touches'],
  procLd: [20, '[U 10..30] ld.so text pages touched at start-up'],
  procAnon: [40, '[U 20..80] data, bss, heap and stack pages of the small process'],
  helloText: [2, '[U 1..4] text pages of the exec\'d "hello" program'],
  helloLibc: [30, '[U 15..60] glibc pages "hello" touches (start-up, printf path, exit)'],
  helloAnon: [8, '[U 4..16] data, bss and stack pages of "hello"'],
  cowPages: [2, '[U 1..4] pages the child writes between fork and exit/exec (its stack)'],
  iterations: [100, 'loop iterations averaged (the model is deterministic; more only add time)'],
  mmapFixedCycles: [
    8000,
    '[U 4000..20000] do_mmap_pgoff + do_munmap besides the pages: vma set-up, find_vma, unmap_region',
  ],
  mmapPages: [2048, '[U] 8 MiB file mapped by lat_mmap (the size of its usual runs)'],
});

/** Options of {@link runLat}. */
export interface LatOptions {
  /** The machine (one CPU runs the loop). */
  machine: Machine;
  /** The rmap variant. */
  variant: RmapVariant;
  /** Which latency. */
  workload: LatWorkload;
  /** Whose paths (default 2.5). */
  kernel?: KernelEra;
  /** lat-mmap: pages of the mapped file. */
  pages?: number;
  /** Loop iterations averaged (default LAT.iterations). */
  iterations?: number;
}

/** What {@link runLat} returns. */
export interface LatResult {
  /** The run for the result document (`metrics.lat_us`). */
  run: Run;
  /** Microseconds per operation (fork + exit + wait, fork + exec + exit + wait, or mmap + touch + munmap). */
  lat_us: number;
}

type Gen = Generator<Op | undefined, void, void>;

/** Runs an LMbench-style latency loop on a small process under an rmap variant; returns µs per operation. */
export function runLat(o: LatOptions): LatResult {
  const m = o.machine;
  const e = m.engine;
  const { sources: _s, ...p } = LAT;
  const iters = o.iterations ?? p.iterations;
  const mmapPages = o.pages ?? p.mmapPages;
  const proc = p.procText + p.procLibc + p.procLd + p.procAnon;
  const maxVpns = Math.max(proc, proc + mmapPages);
  const sys = buildSystem({ machine: m, variant: o.variant, kernel: o.kernel, maxVpns });
  const sp = sys.space;
  const libc = sp.addFile(Math.max(p.procLibc, p.helloLibc));
  const ld = sp.addFile(p.procLd);
  const data = sp.addFile(mmapPages);
  const text = (n: number) => ({ file: sp.addFile(n), pages: n });
  const vmas = (t: { file: number; pages: number }, libcPages: number, anon: number, map = 0) => {
    const a = t.pages;
    const b = a + libcPages;
    const c = b + p.procLd;
    const d = c + anon;
    return new Layout([
      { start: 0, end: a, file: t.file, pgoff: 0, cow: false },
      { start: a, end: b, file: libc, pgoff: 0, cow: false },
      { start: b, end: c, file: ld, pgoff: 0, cow: false },
      { start: c, end: d, file: -1, pgoff: 0, cow: true },
      ...(map > 0 ? [{ start: d, end: d + map, file: data, pgoff: 0, cow: false }] : []),
    ]);
  };
  const procLayout = vmas(text(p.procText), p.procLibc, p.procAnon, o.workload === 'lat-mmap' ? mmapPages : 0);
  const helloLayout = vmas(text(p.helloText), p.helloLibc, p.helloAnon);
  const ch = new Charger(sys, m);
  const per = sys.g.ptesPerTable;
  const on = (t: Thread, f: () => void) => {
    sys.cpu = t.cpu;
    f();
    ch.charge(t);
  };
  // The process exists and has touched its pages (set-up, not measured; caches start cold).
  sys.tracking = false;
  const parent = sp.newMm(procLayout);
  sys.populateUntracked(parent, 0, p.procText + p.procLibc + p.procLd + p.procAnon);
  sys.tracking = true;
  sys.tally.clear();

  function* pages(t: Thread, mm: number, f: (v0: number, v1: number) => void): Gen {
    const n = (sp.layouts[mm] as Layout).vpns;
    for (let v = 0; v < n; v += per) {
      on(t, () => f(v, Math.min(n, v + per)));
      yield undefined;
    }
  }

  function* exit(t: Thread, mm: number): Gen {
    yield* pages(t, mm, (a, b) => sys.exitRange(mm, a, b));
    on(t, () => sys.exitMm(mm));
  }

  function* once(t: Thread): Gen {
    if (o.workload === 'lat-mmap') {
      // mmap + a read of every page (do_no_page from the page cache) + munmap.
      const d = procLayout.vmas[4] as { start: number; end: number };
      on(t, () => sys.add(S.do_mmap_pgoff, p.mmapFixedCycles));
      for (let v = d.start; v < d.end; v += 64) {
        on(t, () => sys.populate(parent, v, Math.min(d.end, v + 64)));
        yield undefined;
      }
      for (let v = d.start; v < d.end; v += per) {
        on(t, () => sys.exitRange(parent, v, Math.min(d.end, v + per)));
        yield undefined;
      }
      return;
    }
    let child = -1;
    on(t, () => {
      child = sys.forkMm(parent);
    });
    yield* pages(t, parent, (a, b) => sys.forkRange(parent, child, a, b));
    on(t, () => {
      const n = procLayout.vpns - (o.workload === 'lat-mmap' ? mmapPages : 0);
      for (let i = 0; i < p.cowPages; i++) sys.cowFault(child, n - 1 - i);
    });
    if (o.workload === 'lat-exec') {
      let hello = -1;
      on(t, () => {
        hello = sp.newMm(helloLayout, undefined, sys.node);
        sys.add(S.do_execve, sys.c.execFixedCycles);
      });
      yield* exit(t, child);
      on(t, () => sys.populate(hello, 0, helloLayout.vpns));
      child = hello;
    }
    yield* exit(t, child);
  }

  let t0 = 0;
  let t1 = 0;
  const thread = e.spawn(0, 'lat', function* (t) {
    yield* once(t); // warm-up: page cache and slabs filled, as lmbench's first iterations
    t0 = t.clock;
    for (let i = 0; i < iters; i++) yield* once(t);
    t1 = t.clock;
  });
  e.run();
  countRmap(sys, m);
  const lat_us = Math.round(((t1 - t0) / iters / e.clockHz) * 1e8) / 100;
  const run = runFromEngine(e, {
    variant: variantKeys(o.variant),
    metrics: { lat_us },
    threads: [thread],
    tickRateHz: m.arch.hz,
  });
  return { run, lat_us };
}
