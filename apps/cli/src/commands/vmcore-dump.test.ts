import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ResultDocument, ResultDocumentSchema } from '@kmemsim/core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../testing/in-process.js';

afterEach(() => vi.restoreAllMocks());
const dir = mkdtempSync(join(tmpdir(), 'kmemsim-cli-dump-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kmemsim vmcore-dump', () => {
  it('--tlb-flushall-shift and --iounmap run where they are read: x86_64, capture kernel 3.10', async () => {
    const base = ['vmcore-dump', '--arch', 'x86_64', '--mem', '64MiB', '--dump-level', '31', '--access', 'read'];
    const r = await cli([
      ...base,
      '--kernel',
      '3.10',
      '--tlb-flushall-shift',
      '5',
      '--iounmap',
      'lazy',
      '--format',
      'json',
    ]);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out).params).toMatchObject({ tlb_flushall_shift: 5, iounmap: 'lazy' });
    const t = await cli(base);
    expect(t.out.split('\n')[1]).toBe('64 MiB idle-guest, makedumpfile 1.7.2, capture kernel 6.1');
  });

  it('--fractions that do not sum to 1: one warning with the scaled ones; none when they do', async () => {
    const base = ['vmcore-dump', '--mem', '64MiB', '--dump-level', '31', '--access', 'mmap', '--format', 'json'];
    const half = await cli([...base, '--fractions', 'kernel=0.5,free=0.25']);
    expect(half.code, half.err).toBe(0);
    expect(half.err).toBe('kmemsim: warning: --fractions sum to 0.75, not 1: scaled to kernel=0.6667,free=0.3333\n');
    expect(JSON.parse(half.out).params.image.fractions).toMatchObject({ kernel: 2 / 3, free: 1 / 3 });
    const whole = await cli([...base, '--fractions', 'kernel=0.1,cache=0.3,user=0.2,free=0.4']);
    expect(whole.code, whole.err).toBe(0);
    expect(whole.err).toBe('');
  });

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

  it('--format md: the runs as a GitHub table with the JSON numbers, each perf report fenced', async () => {
    const args = ['vmcore-dump', '--mem', '64MiB', '--dump-level', '0,31', '--access', 'mmap'];
    const md = await cli([...args, '--format', 'md']);
    expect(md.code, md.err).toBe(0);
    const doc = JSON.parse((await cli([...args, '--format', 'json'])).out) as ResultDocument;
    const rows = md.out.split('\n').filter((l) => /^\| mmap \|/.test(l));
    expect(rows).toHaveLength(doc.runs.length);
    doc.runs.forEach((r, i) => {
      const cells = (rows[i] as string).split('|').map((c) => c.trim().replace(/,/g, ''));
      const s = r.counters.syscalls as Record<string, number>;
      expect(cells.slice(2, 8).map(Number)).toEqual([r.variant.dump_level, s.mmap, s.munmap, s.read, s.lseek, s.write]);
    });
    expect(md.out).toContain('|---|---:|');
    expect(md.out.match(/^```$/gm)).toHaveLength(2 * doc.runs.length);
    expect(md.out).toContain('`--access mmap -d 31`: perf report --stdio\n\n```\n# kmemsim:');
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

  it('--image: predicts for a vmcore file; a file cut short or a VMCOREINFO lacking what -d needs is one line, exit 2', async () => {
    const file = join(dir, 'img.vmcore');
    const w = await cli(['vmcore-image', '--mem', '64MiB', '--crash-cpus', '3', '--out', file, '--format', 'json']);
    expect(w.code).toBe(0);
    const r = await cli([
      'vmcore-dump',
      '--image',
      file,
      '--dump-level',
      '1,31',
      '--access',
      'mmap',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(r.out));
    expect(doc.params.crash_cpus).toBe(3);
    expect(doc.runs.map((x) => x.variant)).toEqual([
      { access: 'mmap', dump_level: 1 },
      { access: 'mmap', dump_level: 31 },
    ]);
    // The same bytes with NUMBER(PG_lru) renamed: -d 1 needs no page flags, -d 4 does.
    const bytes = readFileSync(file);
    const at = bytes.indexOf('NUMBER(PG_lru)=');
    expect(at).toBeGreaterThan(0);
    bytes.write('NUMBER(PG_lrX)=', at, 'latin1');
    const noLru = join(dir, 'nolru.vmcore');
    writeFileSync(noLru, bytes);
    expect((await cli(['vmcore-dump', '--image', noLru, '--dump-level', '1'])).code).toBe(0);
    const d4 = await cli(['vmcore-dump', '--image', noLru, '--dump-level', '4']);
    expect(d4.code).toBe(2);
    expect(d4.err.trim()).toMatch(/^[^\n]*--dump-level 4: the VMCOREINFO of .* has no NUMBER\(PG_lru\)$/);
    truncateSync(file, 64 * 1024);
    const cut = await cli(['vmcore-dump', '--image', file]);
    expect(cut.code).toBe(2);
    expect(cut.err.trim()).toMatch(/^[^\n]*--image: .*PT_LOAD \d+ ends at \d+, past the end of the file \(65536\)$/);
  });
});
