import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ResultDocumentSchema } from '@kmemsim/core';
import { VmcoreReader } from '@kmemsim/vmcore/node';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../testing/in-process.js';

const dir = mkdtempSync(join(tmpdir(), 'kmemsim-cli-vmcore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

describe('kmemsim vmcore-image', () => {
  it('writes the ELF vmcore to --out and prints the planted composition as JSON on stdout', async () => {
    const file = join(dir, 'busy.vmcore');
    const r = await cli([
      'vmcore-image',
      '--mem',
      '64MiB',
      '--profile',
      'busy-server',
      '--hwpoison',
      'on',
      '--out',
      file,
      '--format',
      'json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(r.out));
    expect(doc.command).toBe('vmcore-image');
    expect(doc.runs[0].variant).toEqual({ profile: 'busy-server' });
    expect(doc.params.hwpoison).toBe(true);
    const m = doc.runs[0].metrics;
    const classes = ['kernel', 'zero', 'cache', 'private', 'user', 'free'];
    expect(classes.reduce((s, c) => s + m[`${c}_pages`], 0)).toBe(m.total_pages);
    expect(m.total_pages).toBe(16_384);
    expect(statSync(file).size).toBe(m.file_bytes);
    const reader = new VmcoreReader(file);
    try {
      expect(reader.loads.length).toBe((doc.params.pt_loads as unknown[]).length);
      expect(reader.vmcoreinfo()).toContain('OSRELEASE=6.0.0-kmemsim');
      expect(reader.vmcoreinfo()).toContain('NUMBER(PG_hwpoison)=23');
    } finally {
      reader.close();
    }
  });

  it('prints a table by default and the same bytes for the same seed', async () => {
    const a = join(dir, 'a.vmcore');
    const b = join(dir, 'b.vmcore');
    const r = await cli(['vmcore-image', '--mem', '64MiB', '--seed', '3', '--out', a]);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`vmcore ${a} (idle-guest, 64 MiB of RAM, 2 PT_LOADs)`);
    expect(r.out).toMatch(/free\s*│?\s*[\d,]+/);
    expect(r.out).toMatch(/\nfile 64 MiB \(67,\d{3},\d{3} bytes\), [\d.]+ [KM]iB \([\d,]+ bytes\) written/);
    await cli(['vmcore-image', '--mem', '64MiB', '--seed', '3', '--out', b]);
    const { readFileSync } = await import('node:fs');
    expect(Buffer.compare(readFileSync(a), readFileSync(b))).toBe(0);
  });

  it.each([
    [['--mem', '64MiB'], '--out: required'],
    [['--mem', 'lots', '--out', 'x'], '--mem: got "lots"'],
    [['--mem', '1TiB', '--out', 'x'], 'expected a size from 64MiB to 256GiB'],
    [['--mem', '3MiB', '--out', 'x'], 'expected a size from 64MiB to 256GiB'],
    [['--profile', 'nope', '--out', 'x'], '--profile: got "nope", expected one of idle-guest'],
    [['--fractions', 'kernel=1,disk=2', '--out', 'x'], '--fractions: got "disk", expected a page class'],
    [['--crash-cpus', '0', '--out', 'x'], '--crash-cpus: got "0"'],
    [['--hwpoison', 'yes', '--out', 'x'], '--hwpoison: got "yes", expected one of on, off'],
  ])('rejects %j with one line naming the flag (exit 2)', async (args, msg) => {
    const r = await cli(['vmcore-image', ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toContain(msg);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(existsSync('x')).toBe(false);
  });
});
