import { ResultDocumentSchema } from '@kmemsim/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../testing/in-process.js';

afterEach(() => vi.restoreAllMocks());

describe('kmemsim rmap-fork', () => {
  it('json: one run per design, variant keys rmap/direct/lock/batch, the four metrics', async () => {
    const r = await cli([
      'rmap-fork',
      '--arch',
      'i386',
      '--cpus',
      '2',
      '--rmap',
      'none,pte_chain,multi,objrmap',
      '--pages',
      '4096',
      '--children',
      '1',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(r.out));
    expect(doc.command).toBe('rmap-fork');
    expect(doc.runs.map((x) => x.variant)).toEqual([
      { rmap: 'none', direct: 'n/a', lock: 'n/a', batch: 'n/a' },
      { rmap: 'pte_chain', direct: 'off', lock: 'bit', batch: 'off' },
      { rmap: 'multi', direct: 'off', lock: 'bit', batch: 'off' },
      { rmap: 'objrmap', direct: 'n/a', lock: 'n/a', batch: 'n/a' },
    ]);
    for (const run of doc.runs) {
      for (const k of ['fork_us', 'exit_us', 'overhead_pct', 'rmap_bytes_per_pte'])
        expect(run.metrics).toHaveProperty(k);
    }
    expect(doc.runs[0].metrics.overhead_pct).toBe(0);
    expect(doc.runs[1].metrics.overhead_pct).toBeGreaterThan(15);
    expect(doc.runs[1].metrics.rmap_bytes_per_pte).toBe(10);
  });

  it('combines --direct, --lock and --batch lists for chained designs and runs the baseline when none is absent', async () => {
    const r = await cli(
      ['rmap-fork', '--rmap', 'pte_chain', '--lock', 'bit,hashed', '--batch', 'off,on', '--pages', '2048'].concat([
        '--format',
        'json',
      ]),
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.runs).toHaveLength(4);
    expect(doc.params.baseline).toMatch(/run for reference/);
    expect(doc.runs.every((x: { metrics: { overhead_pct: number } }) => x.metrics.overhead_pct > 0)).toBe(true);
  });

  it('table: designs, overhead and the symbol breakdown', async () => {
    const r = await cli(['rmap-fork', '--rmap', 'none,pte_chain', '--pages', '2048']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('overhead %');
    expect(r.out).toMatch(/B\/PTE peak +│ B\/PTE 1 map/);
    expect(r.out).toContain('page_add_rmap');
    expect(r.out).toContain('pte_chain');
  });

  it('reclaim workload reports reclaim_us; same seed, same bytes', async () => {
    const args = ['rmap-fork', '--rmap', 'pte_chain,objrmap', '--workload', 'reclaim', '--pages', '2048'];
    const a = await cli([...args, '--format', 'json']);
    const b = await cli([...args, '--format', 'json']);
    expect(a.out).toBe(b.out);
    expect(JSON.parse(a.out).runs[0].metrics.reclaim_us).toBeGreaterThan(0);
  });

  it.each([
    [['--rmap', 'rmap13'], /--rmap: got "rmap13", expected one of none, pte_chain, multi, objrmap/],
    [['--direct', 'maybe'], /--direct: got "maybe", expected one of on, off/],
    [['--lock', 'ticket'], /--lock: got "ticket", expected one of bit, hashed/],
    [['--pages', '0'], /--pages: got "0", expected an integer from 1/],
    [['--workload', 'kbuild'], /--workload: got "kbuild", expected one of fork-exit, script, reclaim/],
    [['--arch', 'x86_64', '--highpte', 'on'], /--highpte: got "on", expected off \(arch x86_64 has no highmem\)/],
    [['--reclaim-pages', '10'], /--reclaim-pages: got "10", expected only with --workload reclaim/],
  ])('bad input %j: one line, exit 2', async (args, msg) => {
    const r = await cli(['rmap-fork', ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
