// Consistency after every step of random operation sequences, for every design in the registry (1,000 sequences
// each): areas never overlap, busy and free space partition the range, lazy accounting and the vm_map_ram block
// bitmaps agree with the areas (allocations at their order where the design scans a bitmap).
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { DESIGN_NAMES } from '../designs/registry.js';
import { play, type Step, step } from './invariants.cases.js';

describe('invariants: after every step', () => {
  for (const impl of DESIGN_NAMES) {
    test.prop([fc.array(step, { maxLength: 20 })], { numRuns: 1_000 })(
      `${impl}: consistent after every step (busy/free partition, lazy accounting, block bitmaps)`,
      (steps) => {
        const { vm, problems } = play(impl, steps);
        expect([...problems, ...vm.check()]).toEqual([]);
      },
      120_000,
    );
  }

  it('the block check catches vm_map_ram allocations off their order (bitmap designs)', () => {
    const odd: Step[] = [
      { op: 'alloc', pages: 1, alignLog: 0, ram: true },
      { op: 'alloc', pages: 2, alignLog: 0, ram: true },
    ];
    const broken = play('2.6.28', odd, { misalignBlocks: true }).problems;
    expect(broken.some((p) => /not aligned to its order/.test(p))).toBe(true);
    expect(play('2.6.28', odd).problems).toEqual([]);
  });
});
