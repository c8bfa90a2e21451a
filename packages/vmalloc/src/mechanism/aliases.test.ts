import { x86_64 } from '@kmemsim/arch-x86_64';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import type { Gen } from '../types.js';
import { createVmap } from './api.js';

function on(m: Machine, body: (t: Thread) => Gen): void {
  const t = m.engine.spawn(0, 'test', body);
  m.engine.run();
  expect(t.state).toBe('done');
}

/**
 * One 1,024-page vmap block with `dirty` pages mapped and unmapped at its start (the rest free; with `keep`, one
 * more 64-page mapping stays live), then vm_unmap_aliases twice: the blocks released, the flushes of each call, and
 * the cycles spent clearing PTEs.
 */
function twice(impl: string, dirty: number, keep = false) {
  const m = new Machine({ arch: x86_64, cpus: 2 });
  const vm = createVmap(m, { impl, params: { bootAreas: 0 } });
  const e = m.engine;
  const flushes: number[] = [];
  let unmapInAliases = 0;
  on(m, function* (t) {
    if (keep) yield* vm.mapRam(t, 0x180000, 64);
    for (let i = 0; i < dirty / 64; i++) yield* vm.unmapRam(t, yield* vm.mapRam(t, 0x100000, 64));
    for (let k = 0; k < 2; k++) {
      const before = e.counters.get('tlb_flush_global') ?? 0;
      const unmap = e.profiler.cyclesOf('vunmap_page_range');
      yield* vm.unmapAliases(t);
      flushes.push((e.counters.get('tlb_flush_global') ?? 0) - before);
      unmapInAliases += e.profiler.cyclesOf('vunmap_page_range') - unmap;
    }
  });
  expect(vm.check()).toEqual([]);
  return { released: e.counters.get('vmap.blocks_fragmented') ?? 0, flushes, unmapInAliases };
}

describe('vm_unmap_aliases in its 6.5+ form (6.9: _vm_unmap_aliases, 6.12:2917–2966)', () => {
  it('purges a fragmented block only below VMAP_PURGE_THRESHOLD = BITS / 4 free (6.12:2553, 2761)', () => {
    // 64 dirty, 960 free ≥ 256: kept; 832 dirty, 192 free < 256: purged. 5.2 purges both (forced, 6.1:2241).
    expect(twice('6.9', 64).released).toBe(0);
    expect(twice('6.9', 832).released).toBe(1);
    expect(twice('5.2', 64).released).toBe(1);
  });

  it('takes a dirty range once: the second call has nothing to flush (6.12:2951–2953)', () => {
    expect(twice('6.9', 64, true).flushes).toEqual([1, 0]);
    expect(twice('5.2', 64, true).flushes).toEqual([1, 1]); // 6.1 never resets the range (6.1:2220–2230)
  });

  it('clears no PTEs of dirty ranges where vb_free already did (5.2, 6.9); 2.6.28 still unmaps them', () => {
    // A live mapping keeps the block from being purged as fragmented (which would unmap it whole).
    expect(twice('6.9', 64, true).unmapInAliases).toBe(0);
    expect(twice('5.2', 64, true).unmapInAliases).toBe(0);
    expect(twice('2.6.37', 64, true).unmapInAliases).toBeGreaterThan(0);
    expect(twice('2.6.28', 64, true).unmapInAliases).toBeGreaterThan(0);
  });

  it('walks the blocks holding vmap_purge_lock (6.12:2924): no block is visited while a purge runs', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    const vm = createVmap(m, { impl: '6.9', params: { bootAreas: 0 } });
    const e = m.engine;
    let purging = false;
    let walkedDuringPurge = -1;
    e.spawn(0, 'purger', function* (t) {
      const areas = [];
      for (let i = 0; i < 300; i++) areas.push(yield* vm.vmap(t, 0x100000, 1));
      for (const a of areas) yield* vm.free(t, a);
      purging = true;
      yield* vm.purge(t);
      yield undefined; // in time order with the other thread
      walkedDuringPurge = e.profiler.cyclesOf('vm_unmap_aliases');
    });
    e.spawn(1, 'aliases', function* (t) {
      yield* vm.unmapRam(t, yield* vm.mapRam(t, 0x200000, 64));
      while (!purging) {
        t.spend('wait', 100);
        yield undefined;
      }
      t.spend('wait', 2_000); // the purger holds vmap_purge_lock by now, for longer than this
      yield undefined;
      yield* vm.unmapAliases(t);
    });
    e.run();
    expect(walkedDuringPurge).toBe(0);
    expect(e.profiler.cyclesOf('vm_unmap_aliases')).toBeGreaterThan(0);
  });
});
