import { describe, expect, it } from 'vitest';
import { DESIGNS } from '../designs/index.js';
import { arrangementCaveat } from './sampling-caveat.js';

describe('arrangementCaveat', () => {
  it('names every vmlist design with more than one worker, and no other', () => {
    for (const d of DESIGNS) {
      const c = arrangementCaveat(d, 64);
      if (d.vmlist === 'none') expect(c).toBeNull();
      else expect(c).toMatch(new RegExp(`^${d.name.replace(/\./g, '\\.')}: the bound does not cover`));
      expect(arrangementCaveat(d, 1)).toBeNull();
    }
    expect(DESIGNS.filter((d) => arrangementCaveat(d, 64) !== null).map((d) => d.name)).toEqual([
      '2.6.27',
      '2.6.28',
      '2.6.37',
      '2.6.39',
    ]);
  });
});
