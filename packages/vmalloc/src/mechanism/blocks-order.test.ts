import { x86_64 } from '@kmemsim/arch-x86_64';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import type { PerCpuBlocks, VmapDesign } from '../designs/design.js';
import { resolveDesign } from '../designs/registry.js';
import type { VmArea } from '../types.js';
import { createVmap } from './api.js';

/** `name`'s design with some of its per-CPU block fields replaced. */
function variant(name: string, blocks: Partial<PerCpuBlocks>): VmapDesign {
  const d = resolveDesign(name);
  return { ...d, perCpuBlocks: { ...(d.perCpuBlocks as PerCpuBlocks), ...blocks } };
}

/**
 * On one CPU: block A filled with 31 × 32 pages (32 left), a 64-page vm_map_ram that needs block B, then 32 pages
 * and their vm_unmap_ram. Where the last 32 pages went (A or B) and the thread's cycles.
 */
function run(impl: string | VmapDesign) {
  const m = new Machine({ arch: x86_64, cpus: 1 });
  const vm = createVmap(m, { impl, params: { bootAreas: 0 } });
  let inFirst = false;
  const t = m.engine.spawn(0, 'test', function* (t: Thread) {
    const held: VmArea[] = [];
    for (let i = 0; i < 31; i++) held.push(yield* vm.mapRam(t, 0x100000, 32));
    const a = held[0].vpn;
    held.push(yield* vm.mapRam(t, 0x100000, 64));
    const last = yield* vm.mapRam(t, 0x100000, 32);
    inFirst = last.vpn >= a && last.vpn < a + 1024;
    yield* vm.unmapRam(t, last);
  });
  m.engine.run();
  expect(t.state).toBe('done');
  expect(m.engine.counters.get('vmap.blocks_new')).toBe(2);
  return { inFirst, cycles: t.endCycle };
}

describe('vmap blocks, 6.x details', () => {
  it('new_vmap_block adds at the tail of the free list (6.1:2060, 6.12:2726): the older block is used first', () => {
    expect(run('5.2').inFirst).toBe(true);
    expect(run('6.9').inFirst).toBe(true);
    expect(run(variant('5.2', { newBlockAt: 'head' })).inFirst).toBe(false);
  });

  it('6.9 vb_alloc skips a too-full block before vb->lock (6.12:2842); vb_free takes vb->lock twice (6.12:2892–2911)', () => {
    const lockless = run('6.9').cycles;
    expect(run(variant('6.9', { freeCheck: 'locked' })).cycles).toBeGreaterThan(lockless);
    expect(run(variant('6.9', { vbFreeLocks: 1 })).cycles).toBeLessThan(lockless);
  });
});
