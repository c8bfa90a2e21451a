// The drained-sequence invariants of invariants-drain.test.ts at 10,000 random sequences per design (issue 13's
// must-show: the alignment invariant for every design over ≥ 10k sequences): every area starts at the alignment
// asked for and keeps its guard page, no freed address is used before the flush that covers it, and everything is
// freed and the lazy accounting back at zero once the sequence drains. ~70 s of CPU, so it runs in `pnpm test:long`.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { DESIGN_NAMES } from '../designs/registry.js';
import { DRAINED, drained, step } from './invariants.cases.js';

describe('invariants: drained sequences (long)', () => {
  for (const impl of DESIGN_NAMES) {
    test.prop([fc.array(step, { maxLength: 20 })], { numRuns: 10_000 })(
      `${impl}: every area aligned and guarded, no stale use, drained (10,000 sequences)`,
      (steps) => {
        expect(drained(impl, steps)).toEqual(DRAINED);
      },
      300_000,
    );
  }
});
