// vmap-bench (seed 002): T threads on T CPUs each loop — map N pages, touch each (TLB fill + the store), unmap —
// and report nanoseconds per map+touch+unmap. 'percpu' maps with vm_map_ram/vm_unmap_ram, the others with
// vmap/vunmap. Each thread alternates between two sets of frames, so an address reused before a flush would
// be translated to the old frame and the TLB's stale detector would report it.
import { type Run, roundTo, runFromEngine } from '@kmemsim/core';
import type { Machine } from '@kmemsim/mmu';
import { createVmap } from './create.js';
import { BENCH, LAYOUT, type MechanismParams } from './params.js';
import type { ImplName, Vmap } from './types.js';

export interface VmapBenchOptions {
  machine: Machine;
  impl: ImplName;
  threads: number;
  pages: number;
  iterations: number;
  params?: Partial<MechanismParams>;
  touchCyclesPerPage?: number;
}

export interface VmapBenchResult {
  run: Run;
  nsPerOp: number;
  vmap: Vmap;
}

export function runVmapBench(o: VmapBenchOptions): VmapBenchResult {
  const m = o.machine;
  const e = m.engine;
  if (!Number.isInteger(o.threads) || o.threads < 1 || o.threads > m.cpus) {
    throw new RangeError(`threads ${o.threads} out of range 1..${m.cpus}`);
  }
  const v = createVmap(m, { impl: o.impl, params: o.params });
  const touchSym = e.sym('vmap_bench_loop');
  const touch = (o.touchCyclesPerPage ?? BENCH.touchCyclesPerPage) * o.pages;
  const n = o.pages;
  const threads = [];
  for (let cpu = 0; cpu < o.threads; cpu++) {
    threads.push(
      e.spawn(cpu, `vmap-bench/${cpu}`, function* (t) {
        const pfn0 = LAYOUT.pfnBase + cpu * 2 * n;
        for (let i = 0; i < o.iterations; i++) {
          const a = yield* v.alloc(t, n);
          v.map(t, a, pfn0 + (i & 1) * n);
          for (let p = 0; p < n; p++) m.touch(t, a.vpn + p, touchSym);
          t.spend(touchSym, touch);
          yield* v.free(t, a);
        }
      }),
    );
  }
  e.run();
  let sum = 0;
  for (const t of threads) sum += t.endCycle - t.startCycle;
  const nsPerOp = (sum / threads.length / o.iterations / e.clockHz) * 1e9;
  const c = e.counters;
  const run = runFromEngine(e, {
    variant: { impl: o.impl, threads: o.threads },
    metrics: {
      ns_per_op: roundTo(nsPerOp, 1),
      ops: o.iterations * o.threads,
      tlb_flush_global: c.get('tlb_flush_global'),
      ipi: c.get('ipi'),
      purges: c.get('vmap.purges'),
      lock_contended: c.get('lock_contended'),
      stale_translations: m.tlb.staleCount,
    },
    threads,
    tickRateHz: m.arch.hz,
  });
  return { run, nsPerOp, vmap: v };
}
