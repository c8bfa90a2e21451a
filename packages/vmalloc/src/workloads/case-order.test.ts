import { Rng } from '@kmemsim/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CASE_ARRAY_LENGTH, caseOrder, shuffleArray } from './case-order.js';

/** The cycle through 0 that a permutation contains, as its length. */
function cycleLength(p: number[]): number {
  let n = 1;
  for (let i = p[0]; i !== 0; i = p[i]) n++;
  return n;
}

describe('test_vmalloc case order (shuffle_array, test_func)', () => {
  it('shuffle_array gives one cycle through every index (j in [0, i), never i)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0x7fffffff }), fc.integer({ min: 2, max: 16 }), (seed, n) => {
        const p = shuffleArray(new Rng(seed), n);
        expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
        expect(cycleLength(p)).toBe(n);
      }),
    );
  });

  it('sequential order keeps mask order and draws nothing', () => {
    const rng = new Rng(7);
    expect(caseOrder(rng, [1, 2, 4], true)).toEqual([0, 1, 2]);
    expect(rng.u32()).toBe(new Rng(7).u32());
  });

  it('the selected cases keep their shuffled relative order; bits 1 and 1024 run in mask order 40 % of the time', () => {
    const root = new Rng(1);
    let inOrder = 0;
    const workers = 20_000;
    for (let w = 0; w < workers; w++) {
      const order = caseOrder(root.fork(w + 1), [1, 1024], false);
      expect([...order].sort()).toEqual([0, 1]);
      if (order[0] === 0) inOrder++;
    }
    // 4/10 exactly for an 11-entry array (all 10! swap sequences enumerated once by hand: 1,451,520 of 3,628,800).
    expect(CASE_ARRAY_LENGTH).toBe(11);
    expect(inOrder / workers).toBeGreaterThan(0.38);
    expect(inOrder / workers).toBeLessThan(0.42);
  });
});
