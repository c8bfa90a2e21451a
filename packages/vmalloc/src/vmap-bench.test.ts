import { ia64Sn2 } from '@kmemsim/arch-ia64';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { runVmapBench } from './vmap-bench.js';

const bench = (impl: 'legacy' | 'lazy' | 'percpu' | 'rb2019' | 'pools2024', threads: number, iterations: number) =>
  runVmapBench({ machine: new Machine({ arch: x86_64, cpus: 8 }), impl, threads, pages: 4, iterations });

describe('vmap-bench', () => {
  it('reproduces seed 002 at 1 thread on the 8-CPU Opteron within ±10 % (calibration)', () => {
    const old = bench('legacy', 1, 20_000).nsPerOp;
    const rewrite = bench('percpu', 1, 20_000).nsPerOp;
    expect(Math.abs(old / 14_700 - 1)).toBeLessThan(0.1);
    expect(Math.abs(rewrite / 2_900 - 1)).toBeLessThan(0.1);
  });

  it('shows vmlist_lock contention and the flush IPIs in the legacy profile at 8 threads', () => {
    const r = bench('legacy', 8, 300);
    const top = r.run.profile.slice(0, 4).map((p) => p.symbol);
    expect(top[0]).toBe('_write_lock');
    expect(top).toContain('smp_call_function');
    expect(r.run.metrics.tlb_flush_global).toBe(2400);
    expect(r.run.metrics.ipi).toBe(2400 * 7);
    expect(r.run.metrics.stale_translations).toBe(0);
  });

  it('predicts percpu scaling with threads and legacy collapsing under its global lock', () => {
    const p1 = bench('percpu', 1, 2000).nsPerOp;
    const p8 = bench('percpu', 8, 2000).nsPerOp;
    const l8 = bench('legacy', 8, 300).nsPerOp;
    expect(p8 / p1).toBeLessThan(1.2);
    // the flush and list walk are serialized under vmlist_lock; the touch loop still runs in parallel
    expect(l8).toBeGreaterThan(5 * 14_700);
  });

  it('never touches a stale translation, with every design and 8 threads', () => {
    for (const impl of ['lazy', 'percpu', 'rb2019', 'pools2024'] as const) {
      const r = bench(impl, 8, 3000);
      expect(r.run.metrics.stale_translations).toBe(0);
      expect(r.vmap.check()).toEqual([]);
      expect(r.vmap.ledger.live.size).toBe(0);
    }
  });

  it('is deterministic: same inputs, byte-identical run', () => {
    const a = JSON.stringify(bench('lazy', 4, 500).run);
    const b = JSON.stringify(bench('lazy', 4, 500).run);
    expect(a).toBe(b);
  });

  it('shows smp_call_function and sn_send_IPI_phys for the legacy flush on a 64-CPU sn2', () => {
    const r = runVmapBench({
      machine: new Machine({ arch: ia64Sn2, cpus: 64 }),
      impl: 'legacy',
      threads: 4,
      pages: 4,
      iterations: 50,
    });
    const syms = r.run.profile.map((p) => p.symbol);
    expect(syms).toContain('smp_call_function');
    expect(syms).toContain('sn_send_IPI_phys');
  });
});
