import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../testing/run-cli.js';

describe('kmemsim arch', () => {
  it('lists the built-in arches', () => {
    const r = runCli(['arch', 'list', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((a: { name: string }) => a.name)).toEqual([
      'i386',
      'i386-bigsmp',
      'x86_64',
      's390',
      'ia64',
      'ia64-sn2',
      'i386-piii',
      'i386-tualatin',
      'i386-p4',
      'i386-xeonmp',
      'i386-numaq',
    ]);
  });

  it('--format md: the same rows as Markdown tables, one per arch or per field', () => {
    const list = runCli(['arch', 'list', '--format', 'md']);
    expect(list.code, list.stderr).toBe(0);
    const names = JSON.parse(runCli(['arch', 'list', '--format', 'json']).stdout).map((a: { name: string }) => a.name);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('| arch | bits | page | line | cpus | highmem | global flush | virt modes | description |');
    expect(lines.slice(2).map((l) => l.split(' | ')[0])).toEqual(names.map((n: string) => `| ${n}`));
    const show = runCli(['arch', 'show', 'i386', '--format', 'md']);
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/^i386 — .*\n\n\| field \| value \| source \|\n\|---\|---\|---\|\n/);
    expect(show.stdout).toContain('\n| pageBytes | 4096 | x86 base page size (Intel SDM vol. 3 §4.3) |\n');
    expect(show.stdout).not.toMatch(/[┌│└]/);
  });

  it('shows every field with its source', () => {
    const r = runCli(['arch', 'show', 'i386']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/highmem\.pkmapEntriesPae\s*│\s*512\s*│\s*LAST_PKMAP = 512 with PAE/);
    const j = JSON.parse(runCli(['arch', 'show', 's390', '--format', 'json']).stdout);
    expect(j.tlb.globalFlush).toBe('broadcast');
    expect(j.sources['costs.bounceCopyCyclesPerByte']).toMatch(/memcpy_real/);
  });

  it('loads and validates a third-party plugin from a file (examples/arm64)', () => {
    const r = runCli(['arch', 'show', './examples/arm64/arm64.mjs', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).name).toBe('arm64');
  });

  it('rejects a broken plugin in one line naming every bad field, exit 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kmemsim-'));
    const file = join(dir, 'bad.mjs');
    writeFileSync(file, "export default { name: 'bad arch', pageBytes: 5000, sources: {} };\n");
    const r = runCli(['arch', 'show', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/invalid arch plugin .*name: .*pageBytes: must be a power of two/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('unknown arch, command and option: exit 2, one line', () => {
    for (const args of [
      ['arch', 'show', 'vax'],
      ['frobnicate'],
      ['arch', 'list', '--format', 'xml'],
      ['arch', 'list', '--bogus'],
    ]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^kmemsim: /);
    }
  });

  it('--help and --version exit 0', () => {
    expect(runCli(['--help']).stdout).toMatch(/Usage: kmemsim/);
    expect(runCli(['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
