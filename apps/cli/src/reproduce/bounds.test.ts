import type { ResultDocument } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { boundsOf, publishedRows } from './bounds.js';
import { type Figure, ledgerLine, ledgers, type TopList } from './calibration.js';
import { compareWithBounds } from './compare.js';
import { boundP, countP } from './noise.js';

const row = (symbol: string, ticks: number) => ({ symbol, cycles: ticks * 1000, ticks, percent: 0, load: 0 });
const doc = (profile: ReturnType<typeof row>[]): ResultDocument => ({
  schema: 'kmemsim/result@1',
  command: 'x',
  arch: 'i386',
  virt: 'none',
  cpus: 1,
  seed: 1,
  params: {},
  runs: [{ variant: { map: 'kmap' }, metrics: {}, time: { real_s: 1, user_s: 0, sys_s: 1 }, counters: {}, profile }],
});
const fig = (symbol: string, published: number): Figure => ({
  id: `9/ticks/${symbol}`,
  label: symbol,
  argv: ['x'],
  variant: { map: 'kmap' },
  metric: `profile.${symbol}.ticks`,
  published,
  tolerance: 0.25,
  role: 'check',
  seed: '9',
  source: 's',
  title: 't',
});
const top: TopList = { id: '9/absent', label: 'not in top 2', figures: '9/ticks/', n: 2, seed: '9' };
const published = [fig('a', 50), fig('b', 23)];

describe('bounds from a published top N', () => {
  it('each model row absent from the list is checked against the Nth row: ≤ holds, above is off', () => {
    const b = boundsOf(top, published, doc([row('(unmodelled)', 900), row('a', 60), row('c', 24), row('d', 23)]));
    expect(b.map(({ id, label, nth, model, within }) => ({ id, label, nth, model, within }))).toEqual([
      { id: '9/absent/c', label: 'not in top 2: c (ticks ≤ #2)', nth: 23, model: 24, within: false },
      { id: '9/absent/d', label: 'not in top 2: d (ticks ≤ #2)', nth: 23, model: 23, within: true },
    ]);
  });

  it('no bounds unless all N published rows are selected; rows of other runs or fields are rejected', () => {
    expect(publishedRows(top, [published[0]!])).toBeNull();
    expect(boundsOf(top, [published[0]!], doc([row('c', 99)]))).toEqual([]);
    expect(() => publishedRows(top, [published[0]!, { ...fig('b', 23), metric: 'time.sys_s' }])).toThrow(
      /not a profile row/,
    );
    expect(() => publishedRows(top, [published[0]!, { ...fig('b', 23), metric: 'profile.b.cycles' }])).toThrow(
      /different fields/,
    );
    expect(() => publishedRows(top, [published[0]!, { ...fig('b', 23), argv: ['y'] }])).toThrow(/different runs/);
  });

  it('refuses a model profile cut above the bound (rows past --top could exceed it)', () => {
    expect(() => boundsOf(top, published, doc([row('a', 60), row('c', 30)]))).toThrow(/raise --top/);
  });

  it('compareWithBounds runs the list once with its figures; the ledger line counts bounds apart from figures', async () => {
    let runs = 0;
    const { comparisons, bounds } = await compareWithBounds(published, [top], async () => {
      runs++;
      return doc([row('a', 50), row('c', 30), row('b', 10)]);
    });
    expect(runs).toBe(1);
    expect(comparisons.map((c) => c.within)).toEqual([true, false]);
    expect(bounds.map((b) => [b.symbol, b.within])).toEqual([['c', false]]);
    const [l] = ledgers(published, new Map([['9', { count: bounds.length, top: 2 }]]));
    expect(ledgerLine(l!)).toBe(
      'seed 9 — t: figures 2, fitted 0 (budget 1), checks 2, bounds 1 (absent from the published top 2: derived, outside the budget)',
    );
  });

  it('tick rows carry the two-sided P of the published count, bounds P(count ≤ Nth); other metrics none', async () => {
    const real = { ...fig('t', 1), id: '9/real', metric: 'time.real_s' };
    const figs = [...published, real];
    const { comparisons, bounds } = await compareWithBounds(figs, [top], async () =>
      doc([row('a', 60), row('b', 20), row('c', 27)]),
    );
    expect(comparisons.map((c) => c.countP)).toEqual([countP(50, 60), countP(23, 20), undefined]);
    expect(bounds.map((b) => [b.symbol, b.countP])).toEqual([['c', boundP(23, 27)]]);
    expect(bounds[0]!.countP).toBeCloseTo(0.26, 2);
  });
});
