// kernel-compile: a kernbench-like `make -jN` on N CPUs (the seed 004 workload). Each CPU runs one job slot; a job
// is one object file: make forks `sh -c`, which execs and forks gcc, which forks and execs cpp0, cc1 and as in
// turn. Every process maps the shared text of its program, libc and ld.so (page-cache pages shared by everything
// running, hence long chains) and faults in private anonymous memory (PageDirect's case); make's own pages are
// copied at every fork and zapped at every exec. make is one process: its forks are serialized, and it runs on the
// CPU whose job it is forking (where a finished job woke it). Reported per design: elapsed, user and sys time.
import { type Mutex, type Op, type Run, runFromEngine, type Thread } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { buildSystem, Charger, countRmap, type RmapVariant, variantKeys } from './common.js';
import { COMPILE, type CompileParams, type ProgramImage, programs } from './compile-params.js';
import type { KernelEra } from './eras.js';
import { Layout } from './space.js';
import { S } from './tally.js';

/** Options of {@link runKernelCompile}. */
export interface CompileOptions {
  /** The machine (seed 004: a 16-CPU NUMA-Q). */
  machine: Machine;
  /** The rmap variant. */
  variant: RmapVariant;
  /** Whose paths (default 2.5). */
  kernel?: KernelEra;
  /** make -jN: job slots, one per CPU (N ≤ CPUs). Default: every CPU. */
  jobs?: number;
  /** Object files to build (default COMPILE.files). */
  files?: number;
  /** Overrides of the workload's shape (COMPILE). */
  params?: Partial<CompileParams>;
}

/** What {@link runKernelCompile} returns (time(1) of the whole build). */
export interface CompileResult {
  /** The run for the result document (metrics elapsed_s, user_s, sys_s, rmap_sys_s, processes). */
  run: Run;
  /** Elapsed seconds of the build. */
  elapsed_s: number;
  /** User seconds, all processes. */
  user_s: number;
  /** System seconds, all processes. */
  sys_s: number;
  /** Sys time in the reverse-mapping code (page_add_rmap, page_remove_rmap, chain allocation and locks). */
  rmap_sys_s: number;
  /** Processes the build forked (make's sh, gcc, cpp0, cc1, as per object). */
  processes: number;
}

const RMAP_SYMBOLS = [
  'page_add_rmap',
  'page_remove_rmap',
  'pte_chain_alloc',
  'pte_chain_free',
  'kmem_cache_alloc',
  'kmem_cache_free',
  'cache_alloc_refill',
  'cache_flusharray',
  'kmem_cache_grow',
  'lock_rmap',
  'page_dup_rmap',
  'anon_vma_link',
];

type Gen = Generator<Op | undefined, void, void>;

/** The vmas of a program: its text, libc, ld.so (shared file pages), then private anonymous memory. */
function layoutOf(img: ProgramImage, files: { text: number; libc: number; ld: number }): Layout {
  const t = img.textPages;
  const l = t + img.libcPages;
  const d = l + img.ldPages;
  return new Layout([
    { start: 0, end: t, file: files.text, pgoff: 0, cow: false },
    { start: t, end: l, file: files.libc, pgoff: 0, cow: false },
    { start: l, end: d, file: files.ld, pgoff: 0, cow: false },
    { start: d, end: d + img.anonPages, file: -1, pgoff: 0, cow: true },
  ]);
}

/**
 * Runs a kernbench-like `make -jN` (seed 004): per object, make forks sh, which runs gcc, which runs cpp0, cc1 and
 * as; every process maps shared text and faults in private memory under the rmap variant. Returns time(1)'s view.
 */
export function runKernelCompile(o: CompileOptions): CompileResult {
  const m = o.machine;
  const e = m.engine;
  const { sources: _s, ...defaults } = COMPILE;
  const p: CompileParams = { ...defaults, ...o.params };
  const jobs = o.jobs ?? m.cpus;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > m.cpus) throw new RangeError(`jobs ${jobs}: 1..${m.cpus}`);
  const files = o.files ?? p.files;
  const img = programs(p);
  const maxVpns = Math.max(...Object.values(img).map((i) => i.textPages + i.libcPages + i.ldPages + i.anonPages));
  const sys = buildSystem({ machine: m, variant: o.variant, kernel: o.kernel, maxVpns });
  const sp = sys.space;
  const libc = sp.addFile(p.libcPages);
  const ld = sp.addFile(p.ldPages);
  const layouts = Object.fromEntries(
    Object.entries(img).map(([k, v]) => [k, layoutOf(v, { text: sp.addFile(v.textPages), libc, ld })]),
  ) as Record<keyof typeof img, Layout>;
  const ch = new Charger(sys, m);
  const per = sys.g.ptesPerTable;
  const sym = {
    user: (name: string) => e.sym(name, 'user'),
    read: e.sym('file_read_actor', 'sys'),
    write: e.sym('generic_file_write', 'sys'),
    sched: e.sym('schedule', 'idle'),
  };
  const userSym = Object.fromEntries(Object.keys(img).map((k) => [k, sym.user(k)])) as Record<string, number>;
  const makeLock: Mutex = m.mutex('make');
  let make = -1;
  let makeCpu = 0;
  let nextFile = 0;
  let processes = 0;

  /** Runs `f` on the system as `t`'s CPU and charges what it did. */
  const on = (t: Thread, f: () => void) => {
    sys.cpu = t.cpu;
    f();
    ch.charge(t);
  };

  function* faultRange(t: Thread, mm: number, from: number, to: number): Gen {
    for (let v = from; v < to; v += 64) {
      on(t, () => sys.populate(mm, v, Math.min(to, v + 64)));
      yield undefined;
    }
  }

  function* zap(t: Thread, mm: number): Gen {
    const n = (sp.layouts[mm] as Layout).vpns;
    for (let v = 0; v < n; v += per) {
      on(t, () => sys.exitRange(mm, v, Math.min(n, v + per)));
      yield undefined;
    }
    on(t, () => sys.exitMm(mm));
  }

  function* fork(t: Thread, parent: number): Generator<Op | undefined, number, void> {
    let child = -1;
    on(t, () => {
      child = sys.forkMm(parent);
    });
    const n = (sp.layouts[parent] as Layout).vpns;
    for (let v = 0; v < n; v += per) {
      on(t, () => sys.forkRange(parent, child, v, Math.min(n, v + per)));
      yield undefined;
    }
    processes++;
    // The child writes its stack and a few data pages (the top of its private memory) before exec: COW breaks.
    on(t, () => {
      for (let i = 0; i < p.cowPages && i < n; i++) sys.cowFault(child, n - 1 - i);
    });
    return child;
  }

  /** exec: a fresh mm with the program's layout; the old one is torn down (its PTEs zapped). */
  function* exec(t: Thread, old: number, prog: keyof typeof img): Generator<Op | undefined, number, void> {
    let mm = -1;
    on(t, () => {
      mm = sp.newMm(layouts[prog], undefined, sys.node);
      sys.add(S.do_execve, sys.c.execFixedCycles);
    });
    yield* zap(t, old);
    return mm;
  }

  /** A program's run: its page faults spread over its user time, in slices. */
  function* runProgram(t: Thread, mm: number, prog: keyof typeof img): Gen {
    const im = img[prog];
    const n = (sp.layouts[mm] as Layout).vpns;
    const k = p.userChunks;
    for (let c = 0; c < k; c++) {
      yield* faultRange(t, mm, Math.floor((c * n) / k), Math.floor(((c + 1) * n) / k));
      t.spend(userSym[prog] as number, im.userCycles / k);
      yield undefined;
    }
  }

  function* tool(t: Thread, gcc: number, prog: 'cpp0' | 'cc1' | 'as'): Gen {
    const child = yield* fork(t, gcc);
    const mm = yield* exec(t, child, prog);
    if (prog === 'cpp0') t.spend(sym.read, p.sourceReadBytes * m.arch.costs.copyUserCyclesPerByte);
    if (prog === 'as') t.spend(sym.write, p.objectWriteBytes * m.arch.costs.copyUserCyclesPerByte);
    yield* runProgram(t, mm, prog);
    yield* zap(t, mm);
  }

  function* job(t: Thread): Gen {
    yield makeLock.lock(t);
    if (makeCpu !== t.cpu) {
      // make slept in wait4; the job that finished here woke it: a reschedule IPI to make's last CPU.
      m.ipi.perform(t, { targets: [makeCpu], handlerSym: sym.sched, handlerCycles: 0, senderSym: sym.sched });
      const n = sys.cache.nodeOf(makeCpu) !== sys.cache.nodeOf(t.cpu) ? (m.arch.numa?.remoteIpiCycles ?? 0) : 0;
      if (n > 0) t.spend(sym.sched, n);
    }
    makeCpu = t.cpu;
    t.spend(userSym.make as number, img.make.userCycles);
    const sh0 = yield* fork(t, make);
    makeLock.unlock(t);
    const sh = yield* exec(t, sh0, 'sh');
    yield* runProgram(t, sh, 'sh');
    const g0 = yield* fork(t, sh);
    const gcc = yield* exec(t, g0, 'gcc');
    yield* runProgram(t, gcc, 'gcc');
    yield* tool(t, gcc, 'cpp0');
    yield* tool(t, gcc, 'cc1');
    yield* tool(t, gcc, 'as');
    yield* zap(t, gcc);
    yield* zap(t, sh);
  }

  const threads: Thread[] = [];
  const ready = { done: false, waiters: [] as Thread[] };
  for (let s = 0; s < jobs; s++) {
    threads.push(
      e.spawn(s, `slot/${s}`, function* (t) {
        if (s === 0) {
          // make starts on CPU 0 and faults its own image in before the first job.
          on(t, () => {
            make = sp.newMm(layouts.make, undefined, sys.node);
          });
          processes++;
          yield* runProgram(t, make, 'make');
          ready.done = true;
        }
        while (!ready.done) {
          t.spend(sym.sched, 10_000);
          yield undefined;
        }
        while (nextFile < files) {
          nextFile++;
          yield* job(t);
        }
      }),
    );
  }
  e.run();
  sys.cpu = 0;
  countRmap(sys, m);
  e.counters.bump('compile.processes', processes, 'processes created (fork)');
  const run = runFromEngine(e, {
    variant: { ...variantKeys(o.variant), jobs },
    metrics: {},
    threads,
    tickRateHz: m.arch.hz,
  });
  let rmapCycles = 0;
  for (const name of RMAP_SYMBOLS) rmapCycles += e.profiler.cycles[e.sym(name)] ?? 0;
  const res = {
    elapsed_s: run.time.real_s,
    user_s: run.time.user_s,
    sys_s: run.time.sys_s,
    rmap_sys_s: Math.round((rmapCycles / e.clockHz) * 1e4) / 1e4,
    processes,
  };
  run.metrics = { ...res };
  return { run, ...res };
}
