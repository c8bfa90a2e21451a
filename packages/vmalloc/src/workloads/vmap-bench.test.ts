import { ia64Sn2 } from '@kmemsim/arch-ia64';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { DESIGN_NAMES } from '../designs/registry.js';
import { runVmapBench } from './vmap-bench.js';

const bench = (impl: string, threads: number, iterations: number, exact = true) =>
  runVmapBench({
    machine: new Machine({ arch: x86_64, cpus: 8 }),
    impl,
    threads,
    pages: 4,
    iterations,
    sampling: { exact },
  });

describe('vmap-bench', () => {
  it('runs the old names as aliases: percpu is 2.6.28 through vm_map_ram', () => {
    const r = bench('percpu', 1, 100);
    expect([r.design.name, r.api, r.run.variant]).toEqual([
      '2.6.28',
      'vm_map_ram',
      { impl: '2.6.28', api: 'vm_map_ram', threads: 1 },
    ]);
    expect(bench('legacy', 1, 10).design.name).toBe('2.6.27');
  });

  it('shows vmlist_lock contention and the flush IPIs in the 2.6.27 profile at 8 threads', () => {
    const r = bench('2.6.27', 8, 300);
    const top = r.run.profile.slice(0, 4).map((p) => p.symbol);
    expect(top[0]).toBe('_write_lock');
    expect(top).toContain('smp_call_function');
    expect(r.run.metrics.tlb_flush_global).toBe(2400);
    expect(r.run.metrics.ipi).toBe(2400 * 7);
    expect(r.run.metrics.stale_translations).toBe(0);
  });

  it('predicts vm_map_ram flat with threads and 2.6.27 collapsing under its global lock', () => {
    const p1 = bench('percpu', 1, 2000).nsPerOp;
    const p8 = bench('percpu', 8, 2000).nsPerOp;
    const l1 = bench('2.6.27', 1, 300).nsPerOp;
    const l8 = bench('2.6.27', 8, 300).nsPerOp;
    expect(p8 / p1).toBeLessThan(1.2);
    // the flush and list walk are serialized under vmlist_lock; the touch loop still runs in parallel
    expect(l8).toBeGreaterThan(5 * l1);
  });

  it('never touches a stale translation, with every design and 8 threads, and drains', () => {
    for (const impl of DESIGN_NAMES) {
      for (const api of ['vmap', 'vm_map_ram'] as const) {
        const r = runVmapBench({
          machine: new Machine({ arch: x86_64, cpus: 8 }),
          impl,
          api,
          threads: 8,
          pages: 4,
          iterations: 600,
          sampling: { exact: true },
        });
        expect(r.run.metrics.stale_translations, `${impl} ${api}`).toBe(0);
        expect(r.vmap.check(), `${impl} ${api}`).toEqual([]);
        expect(r.vmap.ledger.live, `${impl} ${api}`).toBe(0);
      }
    }
  }, 60_000);

  it('is deterministic: same inputs, byte-identical run', () => {
    const a = JSON.stringify(bench('2.6.28', 4, 500).run);
    const b = JSON.stringify(bench('2.6.28', 4, 500).run);
    expect(a).toBe(b);
  });

  it('shows smp_call_function and sn_send_IPI_phys for the 2.6.27 flush on a 64-CPU sn2', () => {
    const r = runVmapBench({
      machine: new Machine({ arch: ia64Sn2, cpus: 64 }),
      impl: '2.6.27',
      threads: 4,
      pages: 4,
      iterations: 50,
    });
    const syms = r.run.profile.map((p) => p.symbol);
    expect(syms).toContain('smp_call_function');
    expect(syms).toContain('sn_send_IPI_phys');
  });
});

describe('VmapBenchRun', () => {
  it('types its metrics: every key the type names is there, a misspelt one does not compile', () => {
    const { run } = bench('lazy', 2, 50);
    expect(Object.keys(run.metrics).sort()).toEqual([
      'error_bound_pct',
      'ipi',
      'lock_contended',
      'loops_detailed',
      'loops_extrapolated',
      'ns_per_op',
      'ops',
      'purges',
      'stale_translations',
      'tlb_flush_global',
      'tlb_flush_global_bound',
    ]);
    const ns: number = run.metrics.ns_per_op;
    expect(ns).toBeGreaterThan(0);
    // @ts-expect-error — no such metric (checked by pnpm typecheck)
    expect(run.metrics.ns_per_opp).toBeUndefined();
  });
});
