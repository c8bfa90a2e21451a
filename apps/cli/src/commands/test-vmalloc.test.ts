import { DESIGN_CHOICES } from '@kmemsim/vmalloc';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../testing/in-process.js';
import { renderTestVmalloc } from './test-vmalloc.js';
import { parseTypedDocument } from './typed-runs.js';

afterEach(() => vi.restoreAllMocks());

describe('kmemsim test-vmalloc', () => {
  it('prints one run per impl with avg µs per case and cycles per worker (json)', async () => {
    const r = await cli([
      'test-vmalloc',
      '--cpus',
      '4',
      '--nr-threads',
      '4',
      '--run-test-mask',
      '9',
      '--test-loop-count',
      '50',
      '--impl',
      'lazy,rb2019,6.9',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = parseTypedDocument('test-vmalloc', JSON.parse(r.out));
    expect(doc.runs.map((x) => x.variant)).toEqual([{ impl: '2.6.28' }, { impl: '5.2' }, { impl: '6.9' }]);
    expect(doc.params.cases).toEqual(['fix_size_alloc_test', 'random_size_alloc_test']);
    expect(doc.runs[0].metrics['fix_size_alloc_test.avg_usec']).toBeGreaterThan(0);
    expect(Object.keys((doc.runs[0].counters.test_vmalloc as { worker_cycles: object }).worker_cycles)).toHaveLength(4);
  });

  it('says why loops ran in detail: every loop in detail charged to one reason (JSON), the largest shares (text)', async () => {
    const args =
      'test-vmalloc --cpus 4 --nr-threads 4 --run-test-mask 7 --test-loop-count 300 --impl 5.2 --mixed-phases on --sensitivity off';
    const j = await cli([...args.split(' '), '--format', 'json']);
    expect(j.code).toBe(0);
    const run = parseTypedDocument('test-vmalloc', JSON.parse(j.out)).runs[0];
    const held = run.counters.held_in_detail as Record<string, number>;
    expect(run.metrics.loops_extrapolated).toBeGreaterThan(0);
    expect(Object.values(held).reduce((a, b) => a + b, 0)).toBe(run.metrics.loops_detailed);
    expect(Object.keys(held).every((k) => / <- ./.test(k))).toBe(true);
    const t = await cli(args.split(' '));
    const line = t.out.split('\n').find((l) => l.startsWith('held in detail by: '));
    const shares = [...(line ?? '').matchAll(/(\d+\.\d) %/g)].map((m) => Number(m[1]));
    expect(shares.length).toBeGreaterThan(0);
    expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 100)).toBeLessThan(0.3);
    expect(t.out).toContain('"held in detail by": why the sampler did not skip');
    // An exact run has nothing to explain.
    const xj = await cli([...args.split(' '), '--exact', 'on', '--format', 'json']);
    const exact = parseTypedDocument('test-vmalloc', JSON.parse(xj.out));
    expect(exact.runs[0].counters.held_in_detail).toBeUndefined();
    expect(renderTestVmalloc(exact)).not.toContain('held in detail');
  });

  it('--mixed-phases on skips mixed phases of the shuffled order (auto: not at 4 × 300), recorded in params', async () => {
    const run = async (...mixed: string[]) => {
      const args = 'test-vmalloc --cpus 4 --nr-threads 4 --run-test-mask 7 --test-loop-count 300 --impl 5.2';
      const r = await cli([...args.split(' '), ...mixed, '--sensitivity', 'off', '--format', 'json']);
      expect(r.code).toBe(0);
      return parseTypedDocument('test-vmalloc', JSON.parse(r.out));
    };
    const off = await run();
    const on = await run('--mixed-phases', 'on');
    expect(off.params.mixed_phases).toBeUndefined();
    expect(on.params.mixed_phases).toBe(1);
    expect(on.runs[0].metrics.loops_detailed).toBeLessThan(off.runs[0].metrics.loops_detailed);
  }, 120_000);

  it("prints the module's summary lines and how many loops ran in detail (table)", async () => {
    const r = await cli(['test-vmalloc', '--run-test-mask', '1', '--test-loop-count', '20', '--impl', 'legacy']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Summary: fix_size_alloc_test passed: 1 failed: 0 repeat: 1 loops: 20 avg: \d+ usec/);
    expect(r.out).toMatch(/All test took worker0=\d+ cycles/);
    expect(r.out).toContain('loops simulated in detail: all 20; error bound exact');
  });

  it("says what a vmlist design's bound covers, and what it is not known to cover, with several workers", async () => {
    const args = '--cpus 4 --nr-threads 4 --run-test-mask 5 --test-loop-count 2000 --sequential-test-order 1';
    const r = await cli(['test-vmalloc', ...args.split(' '), '--impl', '2.6.39,2.6.27', '--sensitivity', 'off']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Bound of 2.6.39, 2.6.27: it also covers how far apart the workers');
    // 2.6.39's search resumes after free_vmap_cache: its bound covers the holes' depth, and it has no caveat.
    expect(r.out).toContain('Bound of 2.6.39: it also covers how deep the holes lie');
    expect(r.out).not.toContain('Caveat:');
  }, 120_000);

  it('lists exactly the registry designs in --help', async () => {
    const help = await cli(['test-vmalloc', '--help']);
    expect(help.out.replace(/\s+/g, ' ')).toContain(`any of: ${DESIGN_CHOICES.join(', ')}`);
  });

  it('warns about unmodelled mask bits, naming them', async () => {
    const r = await cli(['test-vmalloc', '--run-test-mask', '257', '--test-loop-count', '10', '--impl', '5.2']);
    expect(r.code).toBe(0);
    expect(r.err.trim()).toBe(
      'kmemsim: warning: --run-test-mask 257: bits 256 (the kvfree_rcu cases) are not modelled; skipped',
    );
  });

  it('rejects bad input with one line and exit 2', async () => {
    for (const [args, flag] of [
      [['--nr-threads', '9', '--cpus', '8'], '--nr-threads'],
      [['--run-test-mask', '256'], '--run-test-mask'],
      [['--run-test-mask', '4096'], '--run-test-mask'],
      [['--test-loop-count', '2000000000'], '--test-loop-count'],
      [['--sequential-test-order', 'yes'], '--sequential-test-order'],
      [['--impl', 'slab'], '--impl'],
    ] as const) {
      const r = await cli(['test-vmalloc', ...args]);
      expect(r.code).toBe(2);
      expect(r.err.trim().split('\n')).toHaveLength(1);
      expect(r.err).toContain(flag);
    }
  });
});
