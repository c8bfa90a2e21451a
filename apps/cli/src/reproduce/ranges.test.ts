import type { Run } from '@kmemsim/core';
import { describe, expect, it } from 'vitest';
import { boundsOf } from './bounds.js';
import type { Figure, TopList } from './calibration.js';
import { type RangeEnds, rangeFlips, withinTolerance } from './ranges.js';

// A published top 2 (rows a: 100 ticks, b: 40) and one check (b, ±25 %): the model's rows per sweep point.
// Every run ends with a 0-tick row, as a real profile cut at --top 1000 does (boundsOf checks it is not cut short).
const run = (rows: Record<string, number>, ticks = { ...rows, zz: 0 }): Run => ({
  variant: { map: 'kmap' },
  metrics: {},
  time: { real_s: 0, user_s: 0, sys_s: 0 },
  counters: {},
  profile: Object.entries(ticks).map(([symbol, t]) => ({ symbol, cycles: t, ticks: t, percent: 0, load: 0 })),
});
const figure = (sym: string, published: number, role: 'calibration' | 'check'): Figure => ({
  id: `9/k/ticks/${sym}`,
  label: sym,
  argv: ['x'],
  variant: { map: 'kmap' },
  metric: `profile.${sym}.ticks`,
  published,
  tolerance: 0.25,
  role,
  ...(role === 'calibration' ? { sets: ['p'] } : {}),
  seed: '9',
  source: 's',
  title: 't',
});
const figures = [figure('a', 100, 'calibration'), figure('b', 40, 'check')];
const top: TopList = { id: '9/k/absent', label: 'top 2', figures: '9/k/ticks/', n: 2, seed: '9' };

describe('reproduce: checks and bounds at the ends of [U] ranges', () => {
  it('the tolerance rule: relative, absolute, and a published 0', () => {
    expect(withinTolerance(figures[1]!, 50)).toBe(true);
    expect(withinTolerance(figures[1]!, 51)).toBe(false);
    expect(withinTolerance({ ...figures[1]!, toleranceAbs: 2 }, 42)).toBe(true);
    expect(withinTolerance({ ...figures[1]!, published: 0 }, 0)).toBe(false);
  });

  it('reports a check or a bound only where an end changes its verdict, with the model value there', () => {
    const base = run({ a: 100, b: 45, c: 30 }); // b ok; c a bound at 40, holds
    const ends: Record<string, RangeEnds[]> = {
      '9': [
        { parameter: 'steady', lo: 1, hi: 2, runs: { lo: run({ a: 100, b: 35, c: 10 }), hi: run({ a: 100, b: 48 }) } },
        { parameter: 'b-moves', lo: 1, hi: 9, runs: { lo: run({ a: 100, b: 20, c: 30 }), hi: run({ a: 100, b: 45 }) } },
        { parameter: 'c-grows', lo: 0, hi: 5, runs: { lo: run({ a: 100, b: 45 }), hi: run({ a: 100, b: 45, c: 41 }) } },
      ],
    };
    const bounds = boundsOf(top, figures, { runs: [base] } as never);
    expect(bounds.map((b) => [b.id, b.model, b.within])).toEqual([
      ['9/k/absent/c', 30, true],
      ['9/k/absent/zz', 0, true],
    ]);
    const flips = rangeFlips(figures, [top], { checks: new Map([['9/k/ticks/b', true]]), bounds }, ends);
    expect(flips).toEqual([
      {
        figure: '9/k/ticks/b',
        parameter: 'b-moves',
        lo: 1,
        hi: 9,
        model_lo: 20,
        model_hi: 45,
        within_lo: false,
        within_hi: true,
      },
      {
        figure: '9/k/absent/c',
        parameter: 'c-grows',
        lo: 0,
        hi: 5,
        model_lo: 0,
        model_hi: 41,
        within_lo: true,
        within_hi: false,
      },
    ]);
    // Calibration figures are never reported (the experiment is refitted at each end), nor seeds without ends.
    expect(rangeFlips(figures, [top], { checks: new Map(), bounds: [] }, {})).toEqual([]);
  });
});
