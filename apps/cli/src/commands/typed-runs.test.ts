import type { Run } from '@kmemsim/core';
import { TEST_CASES } from '@kmemsim/vmalloc';
import { describe, expect, it } from 'vitest';
import {
  type CheckpointRun,
  parseTypedDocument,
  type RmapForkRun,
  TEST_VMALLOC_CASES,
  type TestVmallocRun,
  typedRun,
} from './typed-runs.js';

const run = (metrics: Record<string, number>, counters: Run['counters'] = {}): Run => ({
  variant: {},
  metrics,
  time: { real_s: 1, user_s: 0, sys_s: 1 },
  counters,
  profile: [],
});
const checkpoint = {
  pages: 2,
  bytes: 8192,
  writers: 1,
  pkmap_wraps: 0,
  tlb_flush_global: 0,
  invlpg: 2,
  vm_exits: 0,
  writeback_end_s: 0.1,
  dump_mb_per_s: 0.08,
};

describe('typed runs (checkpoint, rmap-fork, test-vmalloc)', () => {
  it("TEST_VMALLOC_CASES are @kmemsim/vmalloc's modelled cases, in order", () => {
    expect(TEST_VMALLOC_CASES).toEqual(TEST_CASES.map((c) => c.name));
  });

  it('accepts the metrics a command writes and returns the same object (JSON key order kept)', () => {
    const r = run({ ...checkpoint });
    expect(typedRun('checkpoint', r)).toBe(r);
    const lat = run({ lat_us: 3.5, overhead_pct: 0 });
    expect(typedRun('rmap-fork', lat)).toBe(lat);
    const tv = run(
      {
        'fix_size_alloc_test.avg_usec': 12,
        'fix_size_alloc_test.failed': 0,
        'fix_size_alloc_test.error_bound_pct': 0,
        worker_cycles_max: 10,
        worker_cycles_avg: 10,
        stale_translations: 0,
        unmodelled_mask: 0,
        loops_detailed: 5,
        loops_extrapolated: 0,
        error_bound_pct: 0,
      },
      { test_vmalloc: { worker_cycles: { '0': 10 } } },
    );
    expect(typedRun('test-vmalloc', tv)).toBe(tv);
  });

  it('rejects a misspelt, missing or extra metric with its path (a bug in the command, not bad input)', () => {
    const { invlpg: _, ...missing } = checkpoint;
    expect(() => typedRun('checkpoint', run(missing))).toThrow(/checkpoint: .* at metrics/);
    expect(() => typedRun('checkpoint', run({ ...checkpoint, invlpgs: 1 }))).toThrow(/at metrics/);
    expect(() => typedRun('rmap-fork', run({ lat_us: 1, overhead_pct: 0, fork_us: 2 }))).toThrow(/rmap-fork/);
    expect(() =>
      typedRun('test-vmalloc', run({ 'fix_size_alocc_test.avg_usec': 1 }, { test_vmalloc: { worker_cycles: {} } })),
    ).toThrow(/test-vmalloc/);
    expect(() => parseTypedDocument('checkpoint', { schema: 'kmemsim/result@1', command: 'rmap-fork' })).toThrow();
  });

  it('types the keys: a wrong one does not compile (pnpm typecheck)', () => {
    const c = typedRun('checkpoint', run({ ...checkpoint })) satisfies CheckpointRun;
    const mbps: number = c.metrics.dump_mb_per_s;
    expect(mbps).toBe(0.08);
    // @ts-expect-error — no such checkpoint metric
    expect(c.metrics.dump_mbps).toBeUndefined();
    const f = typedRun('rmap-fork', run({ lat_us: 1, overhead_pct: 0 })) satisfies RmapForkRun;
    // @ts-expect-error — lat_us only exists on the lat-* shape: narrow first
    expect(f.metrics.lat_us).toBe(1);
    if ('lat_us' in f.metrics) expect(f.metrics.lat_us).toBe(1);
    const tv = {} as TestVmallocRun;
    // @ts-expect-error — per-case keys end in .avg_usec, .failed or .error_bound_pct
    expect(tv.metrics?.['fix_size_alloc_test.avg_us']).toBeUndefined();
  });
});
