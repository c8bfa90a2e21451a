import { describe, expect, it } from 'vitest';
import { DESIGNS } from '../designs/index.js';
import { arrangementCaveat } from './sampling-caveat.js';

describe('arrangementCaveat', () => {
  it('names the vmlist designs whose bound is not shown to cover the arrangement, with more than one worker', () => {
    for (const d of DESIGNS) {
      const c = arrangementCaveat(d, 64);
      if (c !== null) expect(c).toMatch(new RegExp(`^${d.name.replace(/\./g, '\\.')}: (the bound|at 64 CPUs) `));
      expect(arrangementCaveat(d, 1)).toBeNull();
    }
    // The vmlist designs with a phase outside its bound at 64 CPUs × mask 7 × 1,000,000 against --exact, or not
    // checked there: none (2.6.39 since the hole term, 2.6.28 / 2.6.37 since the paced skip, 2.6.27 since its
    // in-step skips); no design without vmlist.
    expect(DESIGNS.filter((d) => arrangementCaveat(d, 64) !== null).map((d) => d.name)).toEqual([]);
  });
});
