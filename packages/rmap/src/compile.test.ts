import { i386Numaq, i386Piii } from '@kmemsim/arch-i386';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import type { RmapVariant } from './common.js';
import { runKernelCompile } from './compile.js';
import { runLat } from './lat.js';

const V = (rmap: RmapVariant['rmap'], direct = false): RmapVariant => ({
  rmap,
  direct,
  lock: 'bit',
  batch: false,
  alloc: 'slab',
});

describe('kernel-compile (make -jN on a NUMA-Q)', () => {
  const build = (v: RmapVariant, files = 8, cpus = 8) =>
    runKernelCompile({ machine: new Machine({ arch: i386Numaq, cpus }), variant: v, files });

  it('runs every job: make + 5 processes per object file, user time the same for every design', () => {
    const none = build(V('none'));
    const chain = build(V('pte_chain'));
    expect(none.processes).toBe(1 + 8 * 5);
    expect(chain.user_s).toBe(none.user_s);
    expect(chain.sys_s).toBeGreaterThan(none.sys_s);
    expect(none.rmap_sys_s).toBe(0);
    expect(chain.rmap_sys_s).toBeGreaterThan(0);
    // Every chain node is freed once every process has exited (make is still alive: its chains remain).
    const rmap = chain.run.counters.rmap as Record<string, number>;
    expect(rmap.pte_chain_allocs).toBeGreaterThan(rmap.pte_chain_frees);
  });

  it('NUMA-Q: pages shared across quads are reached remotely; IPIs wake make on another CPU', () => {
    const r = build(V('multi', true));
    const c = r.run.counters.cache as Record<string, number>;
    expect(c.memory_remote + c.transfers_remote).toBeGreaterThan(0);
    expect(r.run.counters.ipi).toBeGreaterThan(0);
  });

  it('is deterministic and PageDirect saves chain nodes for private pages', () => {
    const a = build(V('multi', true), 4, 4);
    expect(JSON.stringify(build(V('multi', true), 4, 4).run)).toBe(JSON.stringify(a.run));
    const allocs = (r: ReturnType<typeof build>) => (r.run.counters.rmap as Record<string, number>).pte_chain_allocs;
    expect(allocs(a)).toBeLessThan(allocs(build(V('multi'), 4, 4)));
  });

  it('refuses more job slots than CPUs', () => {
    expect(() =>
      runKernelCompile({ machine: new Machine({ arch: i386Numaq, cpus: 4 }), variant: V('none'), jobs: 5, files: 1 }),
    ).toThrow(RangeError);
  });
});

describe('LMbench-style latencies on a small process', () => {
  const lat = (w: 'lat-fork' | 'lat-exec' | 'lat-mmap', v: RmapVariant) =>
    runLat({ machine: new Machine({ arch: i386Piii, cpus: 2 }), variant: v, workload: w, iterations: 10 }).lat_us;

  it('fork + exec costs more than fork + exit; every reverse map adds to both', () => {
    for (const w of ['lat-fork', 'lat-exec'] as const) {
      const none = lat(w, V('none'));
      expect(lat(w, V('pte_chain'))).toBeGreaterThan(none);
      expect(lat(w, V('objrmap'))).toBeGreaterThan(none);
    }
    expect(lat('lat-exec', V('none'))).toBeGreaterThan(lat('lat-fork', V('none')));
  });

  it('lat_mmap maps and unmaps file pages: a chain entry per page under pte_chain, a mapcount under objrmap', () => {
    const none = lat('lat-mmap', V('none'));
    expect(lat('lat-mmap', V('pte_chain'))).toBeGreaterThan(none);
    expect(lat('lat-mmap', V('pte_chain', true))).toBeLessThan(lat('lat-mmap', V('pte_chain')));
  });
});
