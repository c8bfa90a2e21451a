// Random operation sequences for the invariant tests (invariants-drain.test.ts, invariants-steps.test.ts): the
// step generator and a player that runs a sequence on a small machine and drains it.
import { fc } from '@fast-check/vitest';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import type { VmapFaults } from '../types.js';
import { createVmap } from './api.js';

export type Step =
  | { op: 'alloc'; pages: number; alignLog: number; ram: boolean }
  | { op: 'free'; pick: number }
  | { op: 'aliases' }
  | { op: 'nonlazy' };

export const step: fc.Arbitrary<Step> = fc.oneof(
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
export function play(impl: string, steps: Step[], faults: VmapFaults = {}, everyStep = true) {
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

/** What a drained sequence must end with: no problem found, no stale use, nothing live, unfreed or lazily held. */
export const DRAINED = { problems: [] as string[], stale: 0, live: 0, unfreed: 0, lazyPages: 0 };

/** A sequence played on `impl` (the consistency check once, at the end) and drained: its end state, as DRAINED. */
export function drained(impl: string, steps: Step[]): typeof DRAINED {
  const { m, vm, problems } = play(impl, steps, {}, false);
  return {
    problems: [...problems, ...vm.check()],
    stale: m.tlb.staleCount,
    live: vm.ledger.live,
    unfreed: vm.ledger.allocs - vm.ledger.frees,
    lazyPages: vm.ledger.lazyPages,
  };
}
