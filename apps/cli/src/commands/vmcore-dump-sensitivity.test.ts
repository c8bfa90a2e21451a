// vmcore-dump states whether its verdict — the order of its runs by real time — holds across every [U] range the
// timing reads (docs/fidelity.md), in the table and as params.sensitivity in the JSON.
import { describe, expect, it } from 'vitest';
import { cli } from '../testing/in-process.js';

const RUNS = ['vmcore-dump', '--mem', '256MiB', '--access', 'read,mmap'];

describe('kmemsim vmcore-dump: [U] sensitivity of the verdict', () => {
  it('says the order holds, under the table and in the JSON', async () => {
    const t = await cli([...RUNS, '--dump-level', '0,31']);
    expect(t.code).toBe(0);
    expect(t.out).toContain(
      'verdict mmap -d 31 < read -d 31 < mmap -d 0 < read -d 0 holds across the 14 [U] ranges it depends on',
    );
    const j = await cli([...RUNS, '--dump-level', '0,31', '--format', 'json']);
    const s = JSON.parse(j.out).params.sensitivity;
    expect(s.verdict).toBe('mmap -d 31 < read -d 31 < mmap -d 0 < read -d 0');
    const moved = s.entries.map((e: { parameter: string }) => e.parameter);
    expect(moved).toContain('kernel_costs.readVmcoreCallCycles');
    expect(moved).toContain('image.kernelImageBytes');
  });

  it('says so when the order flips within a range (-d 0 onto a disk: read_vmcore per call decides)', async () => {
    const t = await cli([...RUNS, '--dump-level', '0', '--output', 'disk']);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(
      /⚠ verdict (read|mmap) -d 0 < (read|mmap) -d 0 flips within \d+ of \d+ \[U\] ranges: .*kernel_costs\.readVmcoreCallCycles \[U 100\.\.1000\]/,
    );
  });

  it('one run, or --sensitivity off: no verdict to check', async () => {
    for (const args of [
      ['vmcore-dump', '--mem', '256MiB', '--access', 'mmap', '--dump-level', '31', '--format', 'json'],
      [...RUNS, '--dump-level', '31', '--sensitivity', 'off', '--format', 'json'],
    ]) {
      const r = await cli(args);
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).params.sensitivity).toBeUndefined();
    }
  });
});
