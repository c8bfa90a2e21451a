// Invariants at the end of random operation sequences, for every design in the registry (1,000 sequences each here,
// 10,000 in invariants-drain.long-test.ts, which `pnpm test:long` runs after `pnpm test` in CI):
// areas start at the alignment asked for and keep their guard pages; a freed address is never reused before the
// flush that covers it (the TLB's stale detector stays silent, and fires for deliberately broken designs); every
// allocation is freed and the lazy accounting is back at zero once the sequence drains.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DESIGN_NAMES } from '../designs/registry.js';
import { DRAINED, drained, play, type Step, step } from './invariants.cases.js';

describe('invariants: drained sequences', () => {
  for (const impl of DESIGN_NAMES) {
    test.prop([fc.array(step, { maxLength: 20 })], { numRuns: 1_000 })(
      `${impl}: every area aligned and guarded, no stale use, drained (1,000 sequences; 10,000 in the long suite)`,
      (steps) => {
        expect(drained(impl, steps)).toEqual(DRAINED);
      },
      60_000,
    );
  }

  const reuse: Step[] = [
    { op: 'alloc', pages: 2, alignLog: 0, ram: false },
    { op: 'free', pick: 0 },
    { op: 'alloc', pages: 2, alignLog: 0, ram: false },
  ];

  it('the stale detector fires for a lazy design that reuses addresses before the flush', () => {
    for (const impl of DESIGN_NAMES.filter((d) => d !== '2.6.27')) {
      expect(play(impl, reuse, { reuseBeforeFlush: true }).m.tlb.staleCount, impl).toBeGreaterThan(0);
      expect(play(impl, reuse).m.tlb.staleCount, impl).toBe(0);
    }
  });

  it('the stale detector fires for a 2.6.27 vunmap that skips its flush', () => {
    expect(play('2.6.27', reuse, { skipFlush: true }).m.tlb.staleCount).toBeGreaterThan(0);
    expect(play('2.6.27', reuse).m.tlb.staleCount).toBe(0);
  });
});
