// Invariants under random operation sequences, for every design in the registry (10,000 sequences each): areas
// never overlap, keep their guard pages unmapped and start at the alignment asked for (vm_map_ram block
// allocations at their order where the design scans a bitmap); a freed address is never reused before the
// flush that covers it (the TLB's stale detector stays silent, and fires for deliberately broken designs);
// lazy accounting and block bitmaps stay consistent; every allocation is freed once the sequence drains.
import { fc, test } from '@fast-check/vitest';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { DESIGN_NAMES } from '../designs/registry.js';
import type { VmapFaults } from '../types.js';
import { createVmap } from './api.js';

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
      alignLog: fc.integer({ min: 0, max: 6 }),
      ram: fc.boolean(),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('free' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('aliases' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('nonlazy' as const) }) },
);

/**
 * Runs a sequence on one CPU; every area is mapped to fresh frames and touched, then everything is drained. With
 * `everyStep`, the full consistency check runs after each step (else once at the end).
 */
function play(impl: string, steps: Step[], faults: VmapFaults = {}, everyStep = true) {
  const m = new Machine({ arch: x86_64, cpus: 2 });
  // Tiny lazy limit (fls(2) × 48 pages) so purges happen inside short sequences; two CPUs give 6.9 two
  // nodes, hence pools.
  const vm = createVmap(m, { impl, faults, params: { lazyMaxBytesPerFlsCpu: 48 * 4096, bootAreas: 2 } });
  const problems: string[] = [];
  let nextPfn = 1000;
  m.engine.spawn(0, 'seq', function* (t) {
    const live: { id: number; ram: boolean }[] = [];
    for (const s of steps) {
      if (s.op === 'alloc') {
        const align = 1 << s.alignLog;
        const id = s.ram ? yield* vm.mapRamArea(t, nextPfn, s.pages) : yield* vm.allocArea(t, s.pages, align);
        if (id < 0) continue;
        if (!s.ram) vm.mapArea(t, id, nextPfn);
        nextPfn += s.pages;
        const vpn = vm.areas.vpn[id];
        if (!s.ram && vpn % align !== 0) problems.push(`area at ${vpn} not aligned to ${align} pages`);
        if (!s.ram && vm.areas.reserved[id] !== s.pages + 1) problems.push(`area at ${vpn} has no guard page`);
        for (let p = 0; p < vm.areas.pages[id]; p++) m.touch(t, vpn + p, 'use');
        live.push({ id, ram: s.ram });
      } else if (s.op === 'free' && live.length > 0) {
        const a = live.splice(s.pick % live.length, 1)[0];
        if (a.ram) yield* vm.unmapRamArea(t, a.id);
        else yield* vm.freeArea(t, a.id);
      } else if (s.op === 'aliases') yield* vm.unmapAliases(t);
      else if (s.op === 'nonlazy') vm.setIounmapNonlazy();
      if (everyStep) problems.push(...vm.check());
    }
    for (const a of live) {
      if (a.ram) yield* vm.unmapRamArea(t, a.id);
      else yield* vm.freeArea(t, a.id);
    }
    yield* vm.purge(t);
  });
  m.engine.run();
  return { m, vm, problems };
}

describe('invariants', () => {
  for (const impl of DESIGN_NAMES) {
    test.prop([fc.array(step, { maxLength: 20 })], { numRuns: 10_000 })(
      `${impl}: every area aligned and guarded, no stale use, drained (10,000 sequences)`,
      (steps) => {
        const { m, vm, problems } = play(impl, steps, {}, false);
        const end = {
          problems: [...problems, ...vm.check()],
          stale: m.tlb.staleCount,
          live: vm.ledger.live,
          unfreed: vm.ledger.allocs - vm.ledger.frees,
          lazyPages: vm.ledger.lazyPages,
        };
        expect(end).toEqual({ problems: [], stale: 0, live: 0, unfreed: 0, lazyPages: 0 });
      },
      120_000,
    );
    test.prop([fc.array(step, { maxLength: 20 })], { numRuns: 1_000 })(
      `${impl}: consistent after every step (busy/free partition, lazy accounting, block bitmaps)`,
      (steps) => {
        const { vm, problems } = play(impl, steps);
        expect([...problems, ...vm.check()]).toEqual([]);
      },
      120_000,
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
