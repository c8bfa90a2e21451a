import { describe, expect, it } from 'vitest';
import { isUncertain, uncertainRange, valueAt, withValueAt } from './uncertain.js';

describe('uncertainRange', () => {
  it('reads "[U lo..hi]" ranges, underscores and exponents included', () => {
    expect(uncertainRange('[U 1500..4000] VM exit')).toEqual({ lo: 1500, hi: 4000 });
    expect(uncertainRange('[U 1_000..2_500] x')).toEqual({ lo: 1000, hi: 2500 });
    expect(uncertainRange('[U 0.25..1.5] x')).toEqual({ lo: 0.25, hi: 1.5 });
    expect(uncertainRange('[U 1e3..2e4] x')).toEqual({ lo: 1000, hi: 20000 });
  });
  it('gives null for sourced values, bare [U] and inverted ranges', () => {
    expect(uncertainRange('Intel SDM vol. 3')).toBeNull();
    expect(uncertainRange('[U] a guess')).toBeNull();
    expect(uncertainRange('[U 5..1] inverted')).toBeNull();
  });
  it('isUncertain sees both forms and nothing else', () => {
    expect(isUncertain('[U] x')).toBe(true);
    expect(isUncertain('[U 1..2] x')).toBe(true);
    expect(isUncertain('calibrated: seed 000, figure 000/kmap/sys')).toBe(false);
    expect(isUncertain('see [U] later')).toBe(false);
  });
});

describe('valueAt / withValueAt', () => {
  it('read and replace one value by its dot path, leaving the original untouched', () => {
    const a = { costs: { x: 1, y: 2 }, name: 'n' };
    expect(valueAt(a, 'costs.y')).toBe(2);
    expect(valueAt(a, 'costs.z.w')).toBeUndefined();
    const b = withValueAt(a, 'costs.y', 5);
    expect(b).toEqual({ costs: { x: 1, y: 5 }, name: 'n' });
    expect(a.costs.y).toBe(2);
  });
});
