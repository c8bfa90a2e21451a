import { describe, expect, it } from 'vitest';
import { DESIGNS } from '../designs/registry.js';
import { freeWalksList, setUpRate, setUpWalksList } from './sampler-growth.js';
import type { Rate } from './sampler-loop.js';

describe('which designs walk a list of the areas before (or below) the one they allocate or free', () => {
  // The vmlist designs: 2.6.27 first fit and remove_vm_area; 2.6.28–2.6.37's rb_next walk; the vmlist mirror's insert
  // and unlink through 2.6.39. Not 5.2 or 6.9.
  const vmlist = { '2.6.27': true, '2.6.28': true, '2.6.37': true, '2.6.39': true, '5.2': false, '6.9': false };
  it.each([
    ['setUpWalksList (a set-up’s vmalloc)', setUpWalksList],
    ['freeWalksList (a vfree)', freeWalksList],
  ])('%s', (_name, walks) => {
    expect(Object.fromEntries(DESIGNS.map((d) => [d.name, walks(d)]))).toEqual(vmlist);
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
