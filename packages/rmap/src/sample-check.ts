// Shared by sample.test.ts and sample.long-test.ts: one design's fork + exit at both fidelities, and what must
// agree between them (everything but cycles and cache.* counters exactly; the times within the stated bound).
import { i386Piii } from '@kmemsim/arch-i386';
import type { CounterTree } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { expect } from 'vitest';
import type { RmapVariant } from './common.js';
import { SAMPLED_BOUND_PCT } from './sample.js';
import { runRmapFork } from './workload.js';

/** Dotted counter names and their values. */
function flatten(t: CounterTree, pre = ''): Record<string, number> {
  if (typeof t === 'number') return { [pre]: t };
  return Object.assign({}, ...Object.entries(t).map(([k, v]) => flatten(v, pre ? `${pre}.${k}` : k)));
}

const TIMES = ['fork_us', 'exit_us', 'real_us'] as const;

/** Runs `variant` exact and sampled on a dual PIII and checks the sampled run against the exact one. */
export function checkSampled(variant: RmapVariant, pages: number, extra: { children?: number; rounds?: number } = {}) {
  const go = (fidelity: 'exact' | 'sampled') =>
    runRmapFork({ machine: new Machine({ arch: i386Piii, cpus: 2 }), variant, pages, fidelity, ...extra });
  const exact = go('exact');
  const sampled = go('sampled');
  const report = sampled.sampled;
  // A run sampled cannot do (> 1 child per round) falls back to exact and carries no sampled report (fidelity.ts).
  if (sampled.fidelity.used === 'sampled') expect(report).toBeDefined();
  else expect(report).toBeUndefined();
  const bound = report?.estimate_bound_pct ?? 0;
  // The stated bound: the validated bias plus this run's sampling half-width.
  if ((report?.sampled_pages_pct ?? 100) < 100) expect(bound).toBeGreaterThanOrEqual(SAMPLED_BOUND_PCT);
  else expect(bound).toBe(0);
  const errors: Record<string, number> = {};
  for (const k of TIMES) {
    errors[k] = (Math.abs(sampled[k] - exact[k]) / exact[k]) * 100;
    expect(errors[k], `${k}: sampled ${sampled[k]} vs exact ${exact[k]}`).toBeLessThanOrEqual(bound);
  }
  // Everything the model does functionally is exact: memory per PTE, rmap.* counters, the profile's symbols.
  expect(sampled.rmap_bytes_per_pte).toBe(exact.rmap_bytes_per_pte);
  expect(sampled.rmap_bytes_per_pte_before_fork).toBe(exact.rmap_bytes_per_pte_before_fork);
  const notCache = (c: Record<string, number>) =>
    Object.fromEntries(Object.entries(c).filter(([k]) => !k.startsWith('cache.')));
  const counters = (r: typeof exact) => flatten(r.run.counters);
  expect(notCache(counters(sampled))).toEqual(notCache(counters(exact)));
  const syms = (r: typeof exact) => r.run.profile.map((p) => p.symbol).sort();
  expect(syms(sampled)).toEqual(syms(exact));
  // The estimated cache counters add up: every access of the exact run is counted, within the bound.
  const acc = (r: typeof exact) =>
    Object.entries(counters(r))
      .filter(([k]) => k.endsWith('_hits') || k.startsWith('cache.memory_') || k.startsWith('cache.transfers_'))
      .reduce((a, [, v]) => a + v, 0);
  const accErr = (Math.abs(acc(sampled) - acc(exact)) / acc(exact)) * 100;
  expect(accErr).toBeLessThanOrEqual(bound);
  return { errors, bound, accErr, sampledPct: report?.sampled_pages_pct ?? 100, fidelity: sampled.fidelity };
}
