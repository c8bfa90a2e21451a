import { describe, expect, it } from 'vitest';
import { DESIGNS } from '../designs/registry.js';
import { freeWalksList, setUpRate, setUpWalksList } from './sampler-growth.js';
import type { Rate } from './sampler-loop.js';

describe('setUpWalksList: which designs set up areas with a walk over every area before them', () => {
  it('the vmlist designs (2.6.27 first fit, 2.6.28–2.6.37 rb_next walk, the mirror through 2.6.39), not 5.2 or 6.9', () => {
    expect(Object.fromEntries(DESIGNS.map((d) => [d.name, setUpWalksList(d)]))).toEqual({
      '2.6.27': true,
      '2.6.28': true,
      '2.6.37': true,
      '2.6.39': true,
      '5.2': false,
      '6.9': false,
    });
  });
});

describe('freeWalksList: which designs free an area with a walk over the areas below it', () => {
  it('the vmlist designs (2.6.27 remove_vm_area, the mirror unlink through 2.6.39), not 5.2 or 6.9', () => {
    expect(Object.fromEntries(DESIGNS.map((d) => [d.name, freeWalksList(d)]))).toEqual({
      '2.6.27': true,
      '2.6.28': true,
      '2.6.37': true,
      '2.6.39': true,
      '5.2': false,
      '6.9': false,
    });
  });
});

describe('setUpRate over a list-walk set-up', () => {
  // c(x) = 3x (a walk over x areas): from x = 1,000, skipping 1,000 loops.
  const base = { h: 0, trend: 0, moved: 0, grow: 2, at: 1_000, window: 0, spread: 0, perRound: 1, reach: Infinity };
  it('the log model fitted on the last doubling (500 → 1,000) falls a sixth short; the line is exact', () => {
    const growth: Rate = { ...base, c: 3_000, growth: 1_500, slope: Number.NaN, slopeH: 0, lag: 0, ref: 3_000 };
    const line: Rate = { ...base, c: 3_000, growth: Number.NaN, slope: 3, slopeH: 0, lag: 0, ref: 3_000 };
    // True mean over [1,000, 2,000): 4,500.
    expect(setUpRate(growth, 1_000, 1_000)).toBe(3_750);
    expect(setUpRate(line, 1_000, 1_000)).toBe(4_500);
  });
});
