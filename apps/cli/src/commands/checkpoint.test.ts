import { ResultDocumentSchema } from '@kmemsim/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../testing/in-process.js';

afterEach(() => vi.restoreAllMocks());

describe('kmemsim checkpoint', () => {
  it('prints one result document with a run per --map value (json)', async () => {
    const r = await cli([
      'checkpoint',
      '--arch',
      'i386',
      '--virt',
      'kvm-shadow',
      '--size',
      '64MiB',
      '--map',
      'kmap,kmap_atomic,kmap_local',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(r.out));
    expect(doc.command).toBe('checkpoint');
    expect(doc.runs.map((x) => x.variant)).toEqual([{ map: 'kmap' }, { map: 'kmap_atomic' }, { map: 'kmap_local' }]);
    expect(doc.params.pae).toBe(true);
    expect(doc.params.pkmap_entries).toBe(512);
    expect(doc.runs[0].profile.length).toBe(20);
    expect(doc.runs[0].metrics.pages).toBe(16_384);
  });

  it('prints the time block, the readprofile list and the comparison (table)', async () => {
    const r = await cli(['checkpoint', '--virt', 'kvm-shadow', '--size', '16MiB', '--map', 'kmap,kmap_atomic']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/== --map kmap ==\nreal\t0m\d+\.\d{3}s\nuser\t/);
    expect(r.out).toMatch(/^ +\d+ checkpoint_dump_page +\d+\.\d{4}$/m);
    expect(r.out).toContain('comparison:');
    expect(r.out).toContain('kmap_atomic');
  });

  it('runs on x86_64, where kmap does no mapping work', async () => {
    const r = await cli(['checkpoint', '--arch', 'x86_64', '--size', '8MiB', '--map', 'kmap', '--format', 'json']);
    expect(r.code).toBe(0);
    const run = JSON.parse(r.out).runs[0];
    expect(run.metrics.invlpg + run.metrics.tlb_flush_global + run.metrics.pkmap_wraps).toBe(0);
  });

  it('PAE off gives LAST_PKMAP 1024: one flush every 4 MiB', async () => {
    const r = await cli(['checkpoint', '--size', '16MiB', '--map', 'kmap', '--pae', 'off', '--format', 'json']);
    const doc = JSON.parse(r.out);
    expect(doc.params.pkmap_entries).toBe(1024);
    expect(doc.runs[0].metrics.pkmap_wraps).toBe(4);
  });

  it.each([
    [['--map', 'kmapp'], /--map: got "kmapp", expected one of kmap, kmap_atomic, kmap_local/],
    [['--size', 'lots'], /--size: got "lots"/],
    [['--pae', 'maybe'], /--pae: got "maybe", expected one of on, off/],
    [['--arch', 'x86_64', '--pae', 'on'], /--pae: got "on", expected off \(arch x86_64 has no PAE mode\)/],
    [['--disk-mbps', '0'], /--disk-mbps: got "0", expected a number from 0.001 to/],
    [['--pkmap-flush', 'sometimes'], /--pkmap-flush: got "sometimes"/],
  ])('bad input %j: one line, exit 2', async (args, msg) => {
    const r = await cli(['checkpoint', '--size', '4MiB', ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.out).toBe('');
  });
});
