// vmap-bench, test-vmalloc and xfs-dir state whether their verdict — the ranking of the designs per headline
// figure — holds across every [U] range the runs read (docs/fidelity.md): params.sensitivity in the JSON, one line
// per flipping value (or one saying it holds) under the table; off for one design or --sensitivity off, and off by
// default for a large run with a line suggesting it.
import { describe, expect, it } from 'vitest';
import { cli } from '../testing/in-process.js';

const BENCH = ['vmap-bench', '--arch', 'x86_64', '--cpus', '4', '--pages', '4'];

describe('vmalloc commands: [U] sensitivity of the design ranking', () => {
  it('vmap-bench: the result document carries core-shaped entries, one per ranged value', async () => {
    const j = await cli([
      ...BENCH,
      '--threads',
      '4',
      '--impl',
      '2.6.27,2.6.28',
      '--iterations',
      '200',
      '--format',
      'json',
    ]);
    expect(j.code).toBe(0);
    const s = JSON.parse(j.out).params.sensitivity;
    expect(s).toMatchObject({
      verdict: '4 threads: 2.6.28 < 2.6.27',
      figure: 'ns_per_op',
      better: 'lower',
      tie_pct: 1,
    });
    expect(s.reruns).toBe(s.entries.length * 2 * 2);
    for (const e of s.entries) {
      expect(Object.keys(e).sort()).toEqual(
        ['flipped', 'flips', 'hi', 'lo', 'parameter', 'value', 'verdict_hi', 'verdict_lo'].sort(),
      );
      expect(e.lo).toBeLessThanOrEqual(e.hi);
      expect(e.flips).toBe(e.flipped.length > 0);
    }
    const flush = s.entries.find((e: { parameter: string }) => e.parameter === 'arch.costs.globalFlushPerCpuCycles');
    expect(flush).toMatchObject({ lo: 600, hi: 3000, flips: true, verdict_lo: '4 threads: 2.6.27 < 2.6.28' });
  });

  it('vmap-bench: one line per flipping value under the table', async () => {
    const t = await cli([...BENCH, '--threads', '4', '--impl', '2.6.27,2.6.28', '--iterations', '200']);
    expect(t.code).toBe(0);
    expect(t.out).toContain(
      'sensitivity: arch.costs.globalFlushPerCpuCycles [U 600..3000] (1200) flips the ranking by ns_per_op — ' +
        '4 threads: 2.6.28 < 2.6.27 as run; at 600 2.6.27 < 2.6.28',
    );
    expect(t.out).not.toContain('holds at both ends');
  });

  it('xfs-dir: one line when the ranking holds across every range', async () => {
    const args = [
      'xfs-dir',
      '--arch',
      'x86_64',
      '--cpus',
      '2',
      '--threads',
      '2',
      '--ops',
      '50',
      '--impl',
      '2.6.27,5.2',
    ];
    const t = await cli(args);
    expect(t.code).toBe(0);
    expect(t.out).toMatch(
      /sensitivity: the ranking by ops_per_s holds at both ends of all \d+ \[U\] ranges the runs read/,
    );
    const s = JSON.parse((await cli([...args, '--format', 'json'])).out).params.sensitivity;
    const names = s.entries.map((e: { parameter: string }) => e.parameter);
    expect(names).toContain('XFS.opCycles');
    expect(names).toContain('XFS.dirBlockBytes');
    expect(s.better).toBe('higher');
  });

  it('test-vmalloc: the ranking per test case', async () => {
    const args = [
      'test-vmalloc',
      '--cpus',
      '2',
      '--nr-threads',
      '2',
      '--run-test-mask',
      '1',
      '--test-loop-count',
      '100',
    ];
    const j = await cli([...args, '--impl', '2.6.28,5.2', '--format', 'json']);
    expect(j.code).toBe(0);
    const s = JSON.parse(j.out).params.sensitivity;
    expect(s.verdict).toMatch(/^fix_size_alloc_test: /);
    expect(s.entries.map((e: { parameter: string }) => e.parameter)).toContain('TEST_VMALLOC.allocPageCycles');
  });

  it('no check for one design or --sensitivity off; a line suggesting it when a large run skips it', async () => {
    for (const extra of [
      ['--impl', '2.6.28'],
      ['--impl', '2.6.27,2.6.28', '--sensitivity', 'off'],
    ]) {
      const r = await cli([...BENCH, '--threads', '1', '--iterations', '100', ...extra, '--format', 'json']);
      expect(r.code).toBe(0);
      const p = JSON.parse(r.out).params;
      expect(p.sensitivity).toBeUndefined();
      expect(p.sensitivity_skipped).toBeUndefined();
    }
    const big = [...BENCH, '--threads', '1', '--impl', '2.6.27,2.6.28', '--iterations', '25000'];
    const t = await cli(big);
    expect(t.out).toContain(
      'sensitivity: the ranking was not checked over the [U] ranges (the runs simulated 25,040 loops in detail, ' +
        'more than the 20,000 of the default); --sensitivity on checks it',
    );
    expect(JSON.parse((await cli([...big, '--format', 'json'])).out).params.sensitivity).toBeUndefined();
  });
});
