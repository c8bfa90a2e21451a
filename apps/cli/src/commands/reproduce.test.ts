import { type ResultDocument, ResultDocumentSchema } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { ledgerLine, ledgers, loadFigures, loadTopLists, readMetric } from '../reproduce/calibration.js';
import { compareAll } from '../reproduce/compare.js';
import { runCli } from '../testing/run-cli.js';
import { reproduceCommand } from './reproduce.js';

const fakeDoc = (value: number): ResultDocument => ({
  schema: 'kmemsim/result@1',
  command: 'x',
  arch: 'x86_64',
  virt: 'none',
  cpus: 1,
  seed: 1,
  params: {},
  runs: [
    {
      variant: { impl: 'a' },
      metrics: { ns_per_op: value },
      time: { real_s: 1, user_s: 0, sys_s: 1 },
      counters: { syscalls: { mmap: 3 } },
      profile: [{ symbol: 'kunmap_atomic', cycles: 10, ticks: 415, percent: 1, load: 4.3 }],
    },
  ],
});

const fig = (published: number, role: 'calibration' | 'check' = 'calibration') => ({
  id: 'x/1',
  label: 'x',
  argv: ['x'],
  variant: { impl: 'a' },
  metric: 'metrics.ns_per_op',
  published,
  tolerance: 0.1,
  role,
  seed: '999',
  source: 's',
  title: 't',
});

describe('reproduce', () => {
  it('per experiment: figures N, fitted K (the union of its sets ledgers), budget max(1, ⌊N/3⌋), checks N−K', () => {
    const f = (seed: string, sets: string[]) => ({ ...fig(1), seed, sets });
    const l = ledgers([f('a', ['x#1']), f('a', ['x#1', 'x#2']), f('a', []), f('b', []), f('b', [])]);
    expect(l.map(ledgerLine)).toEqual([
      'seed a — t: figures 3, fitted 2 (budget 1), checks 1',
      'seed b — t: figures 2, fitted 0 (budget 1), checks 2',
    ]);
  });

  it('reads metrics by dot path, profile rows by symbol', () => {
    const run = fakeDoc(5).runs[0];
    expect(readMetric(run, 'metrics.ns_per_op')).toBe(5);
    expect(readMetric(run, 'counters.syscalls.mmap')).toBe(3);
    expect(readMetric(run, 'profile.kunmap_atomic.ticks')).toBe(415);
    expect(readMetric(run, 'profile.absent.ticks')).toBe(0);
  });

  it('judges tolerance and fails the run only for calibration figures', async () => {
    const [ok] = await compareAll([fig(105)], async () => fakeDoc(100));
    expect(ok.within).toBe(true);
    expect(ok.error).toBeCloseTo(-0.0476, 3);
    const [out] = await compareAll([fig(200)], async () => fakeDoc(100));
    expect(out.within).toBe(false);
    const doc = (within: number, role: string) => ({
      ...fakeDoc(1),
      runs: [{ ...fakeDoc(1).runs[0], variant: { role }, metrics: { within } }],
    });
    expect(reproduceCommand.exitCode?.(doc(0, 'calibration'))).toBe(1);
    expect(reproduceCommand.exitCode?.(doc(0, 'check'))).toBe(0);
    expect(reproduceCommand.exitCode?.(doc(1, 'calibration'))).toBe(0);
  });

  it('every calibration file parses and names its source and what each figure set', () => {
    const figures = loadFigures();
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) {
      expect(f.source.length, f.id).toBeGreaterThan(10);
      if (f.role === 'calibration') expect(f.sets?.length, `${f.id} names what it calibrated`).toBeGreaterThan(0);
    }
  });

  it('the built CLI runs every figure, all calibration figures within tolerance', () => {
    const r = runCli(['reproduce', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = ResultDocumentSchema.parse(JSON.parse(r.stdout));
    expect(doc.runs.filter((x) => x.variant.role !== 'bound').length).toBe(loadFigures().length);
    for (const run of doc.runs.filter((x) => x.variant.role === 'calibration'))
      expect(run.metrics.within, String(run.variant.figure)).toBe(1);
    // Seed 000's readprofile is a top 20: every other model row (not `(unmodelled)`) is a bound at row 20's 23 ticks.
    expect(loadTopLists().map((t) => [t.seed, t.figures, t.n])).toEqual([['000', '000/kmap/ticks/', 20]]);
    const bounds = doc.runs.filter((x) => x.variant.role === 'bound');
    expect(bounds.length).toBeGreaterThan(0);
    for (const b of bounds) {
      expect(String(b.variant.figure)).toMatch(/^000\/kmap\/absent\/(?!\(unmodelled\))/);
      expect(b.metrics.published).toBe(23);
      expect(b.metrics.within).toBe(b.metrics.model <= 23 ? 1 : 0);
    }
    const md = runCli(['reproduce', '--format', 'md', '--only', '000']);
    expect(md.stdout).toMatch(
      new RegExp(
        `^\\*\\*seed 000 — .*: figures 23, fitted 7 \\(budget 7\\), checks 16, bounds ${bounds.length} \\(absent from the published top 20: derived, outside the budget\\)\\*\\*$`,
        'm',
      ),
    );
    expect(md.stdout).toMatch(/^\| figure \| what \|/m);
    // Every published number of seed 000 is shown, each once, and each bound once.
    expect(md.stdout.match(/^\| 000\/kmap\/(?!absent\/)/gm)).toHaveLength(23);
    expect(
      md.stdout.match(
        /^\| 000\/kmap\/absent\/.* \| bound \| 23 \| .* \| ≤ 23 \| (1\.00|0\.\d\d|\de-\d+|<1e-12) \| (ok|off) \|$/gm,
      ),
    ).toHaveLength(bounds.length);
    // Counting noise: every tick row (figures and bounds) carries P(count) in [0, 1]; no other figure does.
    for (const x of doc.runs.filter((x) => String(x.variant.seed) === '000')) {
      const ticks = x.variant.role === 'bound' || String(x.variant.figure).startsWith('000/kmap/ticks/');
      expect(x.metrics.count_p !== undefined, String(x.variant.figure)).toBe(ticks);
      if (ticks) expect(x.metrics.count_p).toBeGreaterThanOrEqual(0);
      if (ticks) expect(x.metrics.count_p).toBeLessThanOrEqual(1);
    }
    expect(md.stdout).toMatch(
      /^\| figure \| what \| role \| published \| model \| error \| tolerance \| P\(count\) \| verdict \|$/m,
    );
    // The bounds' joint chance under the model is the product of theirs (the md shows it as fmtP does).
    const joint = bounds.reduce((a, b) => a * b.metrics.count_p!, 1);
    const shown = md.stdout.match(/P\(all (\d+) bounds hold under the model\) ≈ (\S+)$/m);
    expect(shown?.[1]).toBe(String(bounds.length));
    expect(Number(shown?.[2])).toBe(joint >= 0.01 ? Number(joint.toFixed(2)) : Number(joint.toExponential(0)));
    // [U] ranges: seed 000 refitted at both ends of each; every check and bound says in how many its verdict flips,
    // and each listed flip differs from the verdict at the defaults at one end at least.
    expect(doc.params.u_ranges).toEqual({ '000': expect.any(Number) });
    expect((doc.params.u_ranges as Record<string, number>)['000']).toBeGreaterThan(20);
    const flips = doc.params.u_flips as { figure: string; within_lo: boolean; within_hi: boolean }[];
    const seed000 = doc.runs.filter((x) => String(x.variant.seed) === '000' && x.variant.role !== 'calibration');
    for (const x of seed000) {
      const mine = flips.filter((f) => f.figure === x.variant.figure);
      expect(x.metrics.u_flips, String(x.variant.figure)).toBe(mine.length);
      const was = x.metrics.within === 1;
      for (const f of mine) expect(f.within_lo !== was || f.within_hi !== was, f.figure).toBe(true);
    }
    expect(md.stdout).toMatch(/^\[U\] ranges, seed 000: \d+ values, the experiment refitted at each end; /m);
    const off = JSON.parse(runCli(['reproduce', '--only', '000', '--ranges', 'off', '--format', 'json']).stdout);
    expect(off.params.u_ranges).toBeUndefined();
    expect(off.runs.some((x: { metrics: object }) => 'u_flips' in x.metrics)).toBe(false);
    expect(runCli(['reproduce', '--only', '123']).code).toBe(2);
  });
});

describe('reproduce --help', () => {
  it('names every seed the calibration data has, and only those', () => {
    const listed = [...reproduceCommand.options.only.description.matchAll(/\b(\d{3}) [a-z]/g)].map((m) => m[1]);
    expect(listed).toEqual([...new Set(loadFigures().map((f) => f.seed))]);
  });
});
