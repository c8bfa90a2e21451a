import { ResultDocumentSchema } from '@kmemsim/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../testing/in-process.js';

afterEach(() => vi.restoreAllMocks());

describe('kmemsim vmcore-dump', () => {
  it('seed 001: one run per access × dump level, counters.syscalls in the JSON', async () => {
    const args = ['vmcore-dump', '--experiment', 'seed001', '--dump-level', '0,31'];
    const r = await cli([...args, '--access', 'read,mmap', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(r.out));
    expect(doc.runs.map((x) => x.variant)).toEqual([
      { access: 'read', dump_level: 0 },
      { access: 'read', dump_level: 31 },
      { access: 'mmap', dump_level: 0 },
      { access: 'mmap', dump_level: 31 },
    ]);
    expect(doc.runs[2].counters.syscalls).toMatchObject({ mmap: 482, read: 165 });
    expect(doc.runs[0].counters.syscalls).toMatchObject({ mmap: 34, munmap: 2, read: 458_916 });
    const again = await cli([...args, '--access', 'read,mmap', '--format', 'json']);
    expect(again.out).toBe(r.out);
  });

  it('prints a table with a perf report per run', async () => {
    const r = await cli([
      'vmcore-dump',
      '--arch',
      'x86_64',
      '--mem',
      '64MiB',
      '--access',
      'mmap',
      '--dump-level',
      '31',
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/perf report/);
    expect(r.out).toMatch(/remap_pfn_range|readmem/);
  });

  it('--kernel picks the era: 3.10 cannot mmap /proc/vmcore, 4.19 flushes each iounmap by INVLPG', async () => {
    const base = ['vmcore-dump', '--arch', 'x86_64', '--mem', '64MiB', '--dump-level', '31', '--format', 'json'];
    const old = JSON.parse((await cli([...base, '--access', 'mmap', '--kernel', '3.10'])).out);
    expect(old.runs[0].counters.vmcore).toMatchObject({ mmap: 1, munmap: 0 });
    expect(old.params.kernel_era).toMatchObject({ mmap: false, iounmapNonlazy: true, x86RangeFlush: 'flushall-shift' });
    const k419 = JSON.parse((await cli([...base, '--access', 'read', '--kernel', '4.19.0-26-amd64'])).out);
    expect(k419.params.range_flush_ceiling_pages).toBe(33);
    expect(k419.runs[0].counters.tlb_flush_range).toBe(k419.runs[0].counters.vmcore.read);
  });

  it('bad input: one line naming the flag, exit 2', async () => {
    for (const bad of [
      ['--dump-level', '32'],
      ['--access', 'pread'],
      ['--makedumpfile', '1.6'],
      ['--profile', 'laptop'],
      ['--fractions', 'kernel=2'],
      ['--mem', '1MiB'],
      ['--experiment', 'seed999'],
      ['--crash-cpus', '0'],
      ['--cpus', '2'],
      ['--kernel', '7.1'],
      ['--kernel', '2.4.20'],
      ['--kernel', 'linux'],
      ['--tlb-flushall-shift', '-2'],
      ['--capture-cpus', 'x'],
      ['--image', '/dev/zero'],
      ['--image', '/'],
      ['--image', '/etc/hostname'],
    ]) {
      const r = await cli(['vmcore-dump', ...(bad[0] === '--image' ? [] : ['--mem', '64MiB']), ...bad]);
      expect(r.code, bad.join(' ')).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(bad[0]);
    }
  });
});
