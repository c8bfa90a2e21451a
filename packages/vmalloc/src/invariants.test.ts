// Invariants under random operation sequences, for every design (10,000 sequences each): areas never overlap
// and keep their guard pages unmapped; a freed address is never reused before the flush that covers it (the
// TLB's stale detector stays silent, and fires for a deliberately broken design); lazy accounting and block
// bitmaps stay consistent; every allocation is freed in the ledger once the sequence drains.

import { fc, test } from '@fast-check/vitest';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { createVmap } from './create.js';
import { IMPLS, type VmArea, type VmapFaults } from './types.js';

type Step =
  | { op: 'alloc'; pages: number; alignLog: number; ram: boolean }
  | { op: 'free'; pick: number }
  | { op: 'aliases' }
  | { op: 'nonlazy' };

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      op: fc.constant('alloc' as const),
      pages: fc.integer({ min: 1, max: 80 }),
      alignLog: fc.integer({ min: 0, max: 4 }),
      ram: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('aliases' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('nonlazy' as const) }) },
);

/** Runs a sequence on one CPU; every area is mapped to fresh frames and touched, then everything is drained. */
function play(impl: (typeof IMPLS)[number], steps: Step[], faults: VmapFaults = {}) {
  const m = new Machine({ arch: x86_64, cpus: 2 });
  // Tiny lazy limit (fls(2) × 48 pages) so purges happen inside short sequences; two CPUs give pools2024 two
  // nodes, hence pools.
  const vm = createVmap(m, { impl, faults, params: { lazyMaxBytesPerFlsCpu: 48 * 4096, bootAreas: 2 } });
  const problems: string[] = [];
  let nextPfn = 1000;
  m.engine.spawn(0, 'seq', function* (t) {
    const live: VmArea[] = [];
    for (const s of steps) {
      if (s.op === 'alloc') {
        const a = s.ram ? yield* vm.mapRam(t, nextPfn, s.pages) : yield* vm.vmap(t, nextPfn, s.pages, 1 << s.alignLog);
        nextPfn += s.pages;
        for (let p = 0; p < a.pages; p++) m.touch(t, a.vpn + p, 'use');
        live.push(a);
      } else if (s.op === 'free' && live.length > 0) {
        const a = live.splice(s.pick % live.length, 1)[0];
        if (a.block !== null) yield* vm.unmapRam(t, a);
        else yield* vm.free(t, a);
      } else if (s.op === 'aliases') yield* vm.unmapAliases(t);
      else if (s.op === 'nonlazy') vm.setIounmapNonlazy();
      problems.push(...vm.check());
    }
    for (const a of live) yield* vm.free(t, a);
    yield* vm.purge(t);
  });
  m.engine.run();
  return { m, vm, problems };
}

describe('invariants', () => {
  for (const impl of IMPLS) {
    test.prop([fc.array(step, { maxLength: 20 })], { numRuns: 10_000 })(
      `${impl}: consistent, no stale use, drained`,
      (steps) => {
        const { m, vm, problems } = play(impl, steps);
        const end = {
          problems: [...problems, ...vm.check()],
          stale: m.tlb.staleCount,
          live: vm.ledger.live.size,
          unfreed: vm.ledger.allocs - vm.ledger.frees,
          lazyPages: vm.ledger.lazyPages,
        };
        expect(end).toEqual({ problems: [], stale: 0, live: 0, unfreed: 0, lazyPages: 0 });
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
    expect(play('lazy', reuse, { reuseBeforeFlush: true }).m.tlb.staleCount).toBeGreaterThan(0);
    expect(play('rb2019', reuse, { reuseBeforeFlush: true }).m.tlb.staleCount).toBeGreaterThan(0);
    expect(play('lazy', reuse).m.tlb.staleCount).toBe(0);
  });

  it('the stale detector fires for a legacy vunmap that skips its flush', () => {
    expect(play('legacy', reuse, { skipFlush: true }).m.tlb.staleCount).toBeGreaterThan(0);
    expect(play('legacy', reuse).m.tlb.staleCount).toBe(0);
  });
});
