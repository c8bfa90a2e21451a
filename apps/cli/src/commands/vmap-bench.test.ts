import { ResultDocumentSchema } from '@kmemsim/core';
import { DESIGN_CHOICES, DESIGN_NAMES } from '@kmemsim/vmalloc';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../testing/in-process.js';

afterEach(() => vi.restoreAllMocks());

describe('kmemsim vmap-bench', () => {
  it('prints one run per impl × api × threads with metrics.ns_per_op (json); aliases resolve', async () => {
    const r = await cli([
      'vmap-bench',
      '--arch',
      'x86_64',
      '--cpus',
      '8',
      '--threads',
      '1,2',
      '--impl',
      'legacy,percpu,5.2',
      '--api',
      'vmap,vm_map_ram',
      '--iterations',
      '500',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(r.out));
    expect(doc.command).toBe('vmap-bench');
    expect(doc.runs.map((x) => x.variant)).toEqual([
      { impl: '2.6.27', api: 'vmap', threads: 1 },
      { impl: '2.6.27', api: 'vmap', threads: 2 },
      { impl: '2.6.27', api: 'vm_map_ram', threads: 1 },
      { impl: '2.6.27', api: 'vm_map_ram', threads: 2 },
      { impl: '2.6.28', api: 'vm_map_ram', threads: 1 },
      { impl: '2.6.28', api: 'vm_map_ram', threads: 2 },
      { impl: '5.2', api: 'vmap', threads: 1 },
      { impl: '5.2', api: 'vmap', threads: 2 },
      { impl: '5.2', api: 'vm_map_ram', threads: 1 },
      { impl: '5.2', api: 'vm_map_ram', threads: 2 },
    ]);
    for (const run of doc.runs) expect(run.metrics.ns_per_op).toBeGreaterThan(0);
    expect(doc.runs[0].metrics.tlb_flush_global).toBe(500);
    expect(doc.params.pages).toBe(4);
  });

  it('lists exactly the registry designs in --help, and runs them all by default', async () => {
    const help = await cli(['vmap-bench', '--help']);
    expect(help.out.replace(/\s+/g, ' ')).toContain(`any of: ${DESIGN_CHOICES.join(', ')}`);
    const r = await cli(['vmap-bench', '--cpus', '2', '--threads', '2', '--iterations', '100', '--format', 'json']);
    expect(JSON.parse(r.out).runs.map((x: { variant: { impl: string } }) => x.variant.impl)).toEqual(DESIGN_NAMES);
  });

  it('--experiment seed002 applies its configuration and its fitted value', async () => {
    const r = await cli([
      'vmap-bench',
      '--experiment',
      'seed002',
      '--threads',
      '1',
      '--impl',
      'legacy',
      '--iterations',
      '2000',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect([doc.cpus, doc.params.experiment, doc.params.pages]).toEqual([8, 'seed002', 4]);
    expect(doc.params.sources.globalFlushPerCpuCycles).toMatch(/^calibrated: seed 002, figure 002\/legacy\/t1/);
    expect(Math.abs(doc.runs[0].metrics.ns_per_op / 14_700 - 1)).toBeLessThan(0.1);
    const bad = await cli(['vmap-bench', '--experiment', 'seed002', '--arch', 's390']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--experiment seed002: fitted on --arch x86_64/);
  });

  it('shows _write_lock and smp_call_function in the 2.6.27 profile at 8 threads (table)', async () => {
    const r = await cli(['vmap-bench', '--threads', '8', '--impl', 'legacy', '--iterations', '300']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ns per map+touch+unmap');
    expect(r.out).toContain('_write_lock');
    expect(r.out).toContain('loops in detail');
  });

  it('rejects bad input with one line and exit 2', async () => {
    for (const [args, flag] of [
      [['--impl', 'fast'], /--impl: got "fast", expected one of 2\.6\.27, 2\.6\.28/],
      [['--cpus', '4', '--threads', '8'], /--threads/],
      [['--pages', '0'], /--pages/],
      [['--iterations', '1000000001'], /--iterations/],
      [['--api', 'ioremap'], /--api/],
      [['--max-error', '0'], /--max-error/],
      [['--experiment', 'seed003'], /--experiment/],
    ] as const) {
      const r = await cli(['vmap-bench', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toMatch(flag);
    }
  });
});
