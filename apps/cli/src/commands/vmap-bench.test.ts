import { ResultDocumentSchema } from '@kmemsim/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../testing/in-process.js';

afterEach(() => vi.restoreAllMocks());

describe('kmemsim vmap-bench', () => {
  it('prints one run per impl × threads with metrics.ns_per_op (json)', async () => {
    const r = await cli([
      'vmap-bench',
      '--arch',
      'x86_64',
      '--cpus',
      '8',
      '--threads',
      '1,2',
      '--impl',
      'legacy,percpu',
      '--iterations',
      '500',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(r.out));
    expect(doc.command).toBe('vmap-bench');
    expect(doc.runs.map((x) => x.variant)).toEqual([
      { impl: 'legacy', threads: 1 },
      { impl: 'legacy', threads: 2 },
      { impl: 'percpu', threads: 1 },
      { impl: 'percpu', threads: 2 },
    ]);
    for (const run of doc.runs) expect(run.metrics.ns_per_op).toBeGreaterThan(0);
    expect(doc.runs[0].metrics.tlb_flush_global).toBe(500);
    expect(doc.params.pages).toBe(4);
  });

  it('shows _write_lock and smp_call_function in the legacy profile at 8 threads (table)', async () => {
    const r = await cli(['vmap-bench', '--threads', '8', '--impl', 'legacy', '--iterations', '300']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ns per map+touch+unmap');
    expect(r.out).toContain('_write_lock');
    const json = await cli([
      'vmap-bench',
      '--threads',
      '8',
      '--impl',
      'legacy',
      '--iterations',
      '300',
      '--format',
      'json',
    ]);
    const syms = JSON.parse(json.out).runs[0].profile.map((p: { symbol: string }) => p.symbol);
    expect(syms).toContain('smp_call_function');
  });

  it('rejects bad input with one line and exit 2', async () => {
    const a = await cli(['vmap-bench', '--impl', 'fast']);
    expect(a.code).toBe(2);
    expect(a.err.trim().split('\n')).toHaveLength(1);
    expect(a.err).toContain('--impl');
    const b = await cli(['vmap-bench', '--cpus', '4', '--threads', '8']);
    expect(b.code).toBe(2);
    expect(b.err).toContain('--threads');
    const c = await cli(['vmap-bench', '--pages', '0']);
    expect(c.code).toBe(2);
    expect(c.err).toContain('--pages');
  });
});
