import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cli } from '../testing/in-process.js';
import { parseTypedDocument } from './typed-runs.js';

afterEach(() => vi.restoreAllMocks());

describe('kmemsim rmap-fork', () => {
  it('json: one run per design, variant keys rmap/direct/lock/batch/alloc, the four metrics', async () => {
    const r = await cli([
      'rmap-fork',
      '--arch',
      'i386-piii',
      '--cpus',
      '2',
      '--rmap',
      'none,pte_chain,multi,objrmap',
      '--pages',
      '4096',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = parseTypedDocument('rmap-fork', JSON.parse(r.out));
    expect(doc.command).toBe('rmap-fork');
    expect(doc.runs.map((x) => x.variant)).toEqual([
      { rmap: 'none', direct: 'n/a', lock: 'n/a', batch: 'n/a', alloc: 'n/a' },
      { rmap: 'pte_chain', direct: 'off', lock: 'bit', batch: 'off', alloc: 'slab' },
      { rmap: 'multi', direct: 'off', lock: 'bit', batch: 'off', alloc: 'slab' },
      { rmap: 'objrmap', direct: 'n/a', lock: 'n/a', batch: 'n/a', alloc: 'n/a' },
    ]);
    for (const run of doc.runs) {
      for (const k of ['fork_us', 'exit_us', 'overhead_pct', 'rmap_bytes_per_pte'])
        expect(run.metrics).toHaveProperty(k);
    }
    expect(doc.runs[0]?.metrics.overhead_pct).toBe(0);
    expect(doc.runs[1]?.metrics.overhead_pct).toBeGreaterThan(15);
    // The metrics are a union of the workload shapes: a fork workload's keys are read after narrowing.
    const m1 = doc.runs[1]?.metrics;
    expect(m1 && 'rmap_bytes_per_pte' in m1 ? m1.rmap_bytes_per_pte : undefined).toBe(10);
    expect((doc.runs[1]?.counters.cache as Record<string, number>)?.memory_local).toBeGreaterThan(0);
  });

  it('--experiment seed003: the seed configuration (dual PIII, kernel 2.4, freelist) and its fitted value', async () => {
    const r = await cli([
      'rmap-fork',
      '--experiment',
      'seed003',
      '--rmap',
      'none,pte_chain',
      '--lock',
      'bit,hashed',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.arch).toBe('i386-piii');
    expect(doc.cpus).toBe(2);
    expect(doc.params).toMatchObject({ experiment: 'seed003', kernel: '2.4', pages: 16384, rounds: 4 });
    expect(doc.params.fitted.sources.loopCyclesPerPage).toMatch(
      /^calibrated: seed 003, figure 003\/pte_chain\/overhead/,
    );
    const pct = doc.runs.map((x: { metrics: { overhead_pct: number } }) => x.metrics.overhead_pct);
    expect(pct[1]).toBeGreaterThan(15);
    expect(pct[1]).toBeLessThan(25);
    expect(pct[2]).toBeLessThan(pct[1]);
  });

  it('combines --direct, --lock, --batch and --alloc lists for chained designs; runs the baseline when absent', async () => {
    const r = await cli(
      [
        'rmap-fork',
        '--rmap',
        'pte_chain',
        '--lock',
        'bit,hashed',
        '--alloc',
        'freelist,percpu',
        '--pages',
        '2048',
      ].concat(['--format', 'json']),
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    expect(doc.runs).toHaveLength(4);
    expect(doc.params.baseline).toMatch(/run for reference/);
    expect(doc.runs.every((x: { metrics: { overhead_pct: number } }) => x.metrics.overhead_pct > 0)).toBe(true);
  });

  it('md: the table view as Markdown, one row per run with the JSON numbers; table output unchanged by it', async () => {
    const args = ['rmap-fork', '--pages', '64', '--rmap', 'none,pte_chain'];
    const md = await cli([...args, '--format', 'md']);
    expect(md.code, md.err).toBe(0);
    const doc = JSON.parse((await cli([...args, '--format', 'json'])).out);
    const lines = md.out.split('\n');
    const head = lines.indexOf(
      '| rmap | direct | lock | batch | alloc | fork µs | exit µs | real µs | overhead % | B/PTE peak | B/PTE 1 map |',
    );
    expect(head, md.out).toBeGreaterThan(0);
    expect(lines[head + 1]).toBe('|---|---|---|---|---|---:|---:|---:|---:|---:|---:|');
    const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: n >= 100 ? 1 : 3 });
    doc.runs.forEach((r: { variant: { rmap: string }; metrics: Record<string, number> }, i: number) => {
      const cells = (lines[head + 2 + i] as string).split(' | ');
      expect(cells[0]).toBe(`| ${r.variant.rmap}`);
      expect(cells[8]).toBe(fmt(r.metrics.overhead_pct));
    });
    expect(md.out).not.toMatch(/[┌│└]/);
    expect(md.out.endsWith('re-runs each design at their range ends)\n')).toBe(true);
  });

  it('table: designs, overhead and the symbol breakdown', async () => {
    const r = await cli(['rmap-fork', '--rmap', 'none,pte_chain', '--pages', '2048']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('overhead %');
    expect(r.out).toMatch(/B\/PTE peak +│ B\/PTE 1 map/);
    expect(r.out).toContain('page_add_rmap');
    expect(r.out).toContain('kernel 2.5');
  });

  it('kernel-compile: elapsed, user and sys per design on the NUMA-Q (default machine of the workload)', async () => {
    const r = await cli(
      ['rmap-fork', '--workload', 'kernel-compile', '--cpus', '4', '--files', '4', '--rmap', 'none,multi'].concat([
        '--direct',
        'on',
        '--format',
        'json',
      ]),
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    parseTypedDocument('rmap-fork', doc); // the workload's metric shape, nothing else
    expect(doc.arch).toBe('i386-numaq');
    expect(doc.params).toMatchObject({ workload: 'kernel-compile', jobs: 4, files: 4 });
    expect(doc.runs[1].variant).toMatchObject({ rmap: 'multi', direct: 'on', jobs: 4 });
    for (const k of ['elapsed_s', 'user_s', 'sys_s', 'rmap_sys_s', 'overhead_pct', 'sys_overhead_pct'])
      expect(doc.runs[1].metrics).toHaveProperty(k);
    expect(doc.runs[1].metrics.sys_s).toBeGreaterThan(doc.runs[0].metrics.sys_s);
    const table = await cli([
      'rmap-fork',
      '--workload',
      'kernel-compile',
      '--cpus',
      '2',
      '--files',
      '2',
      '--rmap',
      'none',
    ]);
    expect(table.out).toContain('make -j2, 2 object files');
  });

  it('lat-fork / lat-exec / lat-mmap: latency per operation and overhead vs none', async () => {
    const r = await cli(['rmap-fork', '--workload', 'lat-exec', '--rmap', 'none,objrmap', '--format', 'json']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.out);
    parseTypedDocument('rmap-fork', doc); // the workload's metric shape, nothing else
    expect(doc.runs[1].metrics.lat_us).toBeGreaterThan(doc.runs[0].metrics.lat_us);
    expect(doc.params.overhead_of).toBe('latency per operation vs none');
  });

  it('--sensitivity on: every design at the ends of the [U] ranges, a line under the table', async () => {
    const args = [
      'rmap-fork',
      '--rmap',
      'none,pte_chain,objrmap',
      '--pages',
      '256',
      '--rounds',
      '1',
      '--sensitivity',
      'on',
    ];
    const j = JSON.parse((await cli([...args, '--format', 'json'])).out);
    const params = j.params.sensitivity.map((e: { param: string }) => e.param);
    expect(params).toContain('cache.atomicCycles');
    expect(j.params.sensitivity[0]).toHaveProperty('ranking_lo');
    expect((await cli(args)).out).toMatch(/^sensitivity: the ranking (holds|flips)/m);
    expect((await cli(args.slice(0, -2))).out).toMatch(/sensitivity to the \[U\] hardware values: not computed/);
  });

  it('--fidelity sampled: says so, with the pages followed and the bound per design; counts as exact', async () => {
    const args = ['rmap-fork', '--rmap', 'none,pte_chain', '--pages', '65536', '--rounds', '1', '--format', 'json'];
    const exact = parseTypedDocument('rmap-fork', JSON.parse((await cli(args)).out));
    const r = await cli([...args, '--fidelity', 'sampled']);
    expect(r.code).toBe(0);
    const doc = parseTypedDocument('rmap-fork', JSON.parse(r.out));
    expect(exact.params.fidelity).toBe('exact');
    expect(doc.params.fidelity).toBe('sampled');
    expect(doc.params.sampling).toMatchObject({ period: 16, warm: 1, validated_bound_pct: 2 });
    for (const [i, run] of doc.runs.entries()) {
      const m = run.metrics as Record<string, number>;
      expect(m.sampled_pages_pct).toBeGreaterThan(0);
      expect(m.sampled_pages_pct).toBeLessThan(100);
      expect(m.estimate_bound_pct).toBeGreaterThanOrEqual(2);
      const e = exact.runs[i]?.metrics as Record<string, number>;
      expect(Math.abs(m.real_us / e.real_us - 1) * 100).toBeLessThanOrEqual(m.estimate_bound_pct);
      expect(run.counters.rmap).toEqual(exact.runs[i]?.counters.rmap);
    }
    const table = await cli(args.slice(0, -2).concat(['--fidelity', 'sampled']));
    expect(table.out).toMatch(/fidelity: sampled \(asked for\) — .* pte_chain: 37.5% followed, times within ±\d/);
  });

  it('--fidelity auto (the default): exact below 262,144 pages, sampled at it; text and JSON name the choice', async () => {
    const args = ['rmap-fork', '--rmap', 'none', '--rounds', '1'];
    const below = await cli([...args, '--pages', '262143']);
    expect(below.out).toMatch(/^fidelity: exact — every access through the cache model$/m);
    const json = (more: string[]) => cli([...args, ...more, '--format', 'json']).then((r) => JSON.parse(r.out));
    const small = await json(['--pages', '262143']);
    expect(small.params.fidelity).toBe('exact');
    expect(small.params).not.toHaveProperty('fidelity_choice'); // as before auto: small goldens unchanged
    const at = await cli([...args, '--pages', '262144']);
    expect(at.out).toMatch(
      /^fidelity: sampled \(auto: ≥ 262,144 pages\) — .* none: 18\.75% followed, times within ±\d/m,
    );
    const big = await json(['--pages', '262144']);
    expect(big.params).toMatchObject({ fidelity: 'sampled', fidelity_choice: 'auto: ≥ 262,144 pages' });
    expect(big.params.sampling).toMatchObject({ validated_bound_pct: 2 });
    expect(big.runs[0].metrics.estimate_bound_pct).toBeGreaterThanOrEqual(2);
    const two = await json(['--pages', '262144', '--children', '2']);
    expect(two.params).toMatchObject({
      fidelity: 'exact',
      fidelity_choice: 'auto: > 1 child per round, which sampled cannot do',
    });
    expect(two.runs[0].metrics).not.toHaveProperty('sampled_pages_pct');
    const asked = await cli([
      'rmap-fork',
      '--rmap',
      'none',
      '--pages',
      '1024',
      '--children',
      '2',
      '--fidelity',
      'sampled',
    ]);
    expect(asked.out).toMatch(/^fidelity: exact \(sampled asked for: > 1 child per round, which sampled cannot do\)/m);
  });

  it('reclaim workload reports reclaim_us; same seed, same bytes', async () => {
    const args = ['rmap-fork', '--rmap', 'pte_chain,objrmap', '--workload', 'reclaim', '--pages', '2048'];
    const a = await cli([...args, '--format', 'json']);
    const b = await cli([...args, '--format', 'json']);
    expect(a.out).toBe(b.out);
    expect(parseTypedDocument('rmap-fork', JSON.parse(a.out)).runs[0].metrics).toMatchObject({
      reclaim_us: expect.any(Number),
    });
    expect(JSON.parse(a.out).runs[0].metrics.reclaim_us).toBeGreaterThan(0);
  });

  it.each([
    [
      'a non-power-of-two set count',
      (c: Record<string, any>) => (c.l2.sizeBytes = 3 * 65536),
      /cache\.l2\.sizeBytes: 196608 bytes \/ \(8 ways × 32-byte lines\) = 768 sets: must be a power of two/,
    ],
    ['zero ways', (c: Record<string, any>) => (c.l1d.ways = 0), /cache\.l1d\.ways: Too small/],
  ])('a plugin with %s in its cache geometry: one line naming the field, exit 2', async (_what, mutate, msg) => {
    const dir = mkdtempSync(join(tmpdir(), 'kmemsim-'));
    const file = join(dir, 'bad-cache.mjs');
    const { i386Piii } = await import('@kmemsim/arch-i386');
    const bad = structuredClone(i386Piii) as unknown as Record<string, any>;
    bad.name = 'bad-cache';
    mutate(bad.cache);
    writeFileSync(file, `export default ${JSON.stringify(bad)};\n`);
    const r = await cli(['rmap-fork', '--arch', file, '--pages', '64']);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(msg);
  });

  it.each([
    [['--rmap', 'rmap13'], /--rmap: got "rmap13", expected one of none, pte_chain, multi, objrmap/],
    [['--direct', 'maybe'], /--direct: got "maybe", expected one of on, off/],
    [['--lock', 'ticket'], /--lock: got "ticket", expected one of bit, hashed, hashed-akpm/],
    [['--alloc', 'mempool'], /--alloc: got "mempool", expected one of freelist, slab, percpu/],
    [['--pages', '0'], /--pages: got "0", expected an integer from 1/],
    [['--workload', 'kbuild'], /--workload: got "kbuild", expected one of fork-exit, script, reclaim, lat-fork/],
    [
      ['--workload', 'kernel-compile', '--jobs', '32'],
      /--jobs: got "32", expected an integer from 1 to 16 \(one job per CPU\)/,
    ],
    [['--workload', 'kernel-compile', '--jobs', '0'], /--jobs: got "0", expected an integer from 1 to 64/],
    [['--files', '10'], /--files: got "10", expected only with --workload kernel-compile/],
    [['--workload', 'lat-fork', '--children', '2'], /--children: got "2", expected only with a fork workload/],
    [['--arch', 's390'], /--arch: got "s390", expected an arch with cache geometry/],
    [['--reclaim-pages', '10'], /--reclaim-pages: got "10", expected only with --workload reclaim/],
    [['--fidelity', 'fast'], /--fidelity: got "fast", expected one of auto, exact, sampled/],
    [['--workload', 'lat-fork', '--fidelity', 'sampled'], /--fidelity: got "sampled", expected only with a fork work/],
    [
      ['--rmap', 'objrmap', '--lock', 'hashed'],
      /--lock: got "hashed", expected only with a pte_chain-based --rmap \(got --rmap objrmap\)/,
    ],
    [['--rmap', 'none,objrmap', '--direct', 'on,off'], /--direct: got "on,off", expected only with a pte_chain-based/],
    [['--rmap', 'none', '--batch', 'on'], /--batch: got "on", expected only with a pte_chain-based --rmap/],
  ])('bad input %j: one line, exit 2', async (args, msg) => {
    const r = await cli(['rmap-fork', ...args]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(msg);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });
});
