import { x86_64 } from '@kmemsim/arch-x86_64';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import type { Gen, VmArea } from '../types.js';
import { createVmap } from './api.js';
import type { VmapNodes } from './nodes.js';

/** x86_64 with only `pages` pages of vmalloc space, 2 CPUs (6.9: 2 vmap nodes), no boot areas. */
function small(impl: string, pages: number) {
  const m = new Machine({ arch: { ...x86_64, vmallocBytes: pages * x86_64.pageBytes }, cpus: 2 });
  const vm = createVmap(m, { impl, params: { bootAreas: 0 } });
  return { m, vm };
}

function on(m: Machine, body: (t: Thread) => Gen): void {
  const t = m.engine.spawn(0, 'test', body);
  m.engine.run();
  expect(t.state).toBe('done');
}

describe('6.9 alloc-failure purge: reclaim_and_purge_vmap_areas (6.12:2390–2397)', () => {
  it('decays every pool whole (full_pool_decay), so a request larger than a quarter of the pools fits', () => {
    const { m, vm } = small('6.9', 64);
    const nodes = vm.nodes as VmapNodes;
    let got: VmArea | null = null;
    on(m, function* (t) {
      const areas: VmArea[] = [];
      for (let i = 0; i < 32; i++) areas.push(yield* vm.alloc(t, 1)); // 32 × (1 + guard) = the whole range
      for (const a of areas) yield* vm.free(t, a);
      yield* vm.purge(t); // an ordinary purge: all 32 go to node 0's pool of 2-page areas
      expect(nodes.pooledPages()).toBe(64);
      // 20 pages: a quarter decay (8 newest areas, 16 pages) could not make room; the full decay frees all 64.
      got = yield* vm.tryAlloc(t, 19);
    });
    expect(got).not.toBeNull();
    expect(nodes.pooledPages()).toBe(0);
    expect(vm.check()).toEqual([]);
  });

  it('returns the purged lazy areas to the global tree, not to the pools (vn->skip_populate, 6.12:2289)', () => {
    const { m, vm } = small('6.9', 64);
    const nodes = vm.nodes as VmapNodes;
    let got: VmArea | null = null;
    on(m, function* (t) {
      const areas: VmArea[] = [];
      for (let i = 0; i < 32; i++) areas.push(yield* vm.alloc(t, 1));
      for (const a of areas.slice(0, 16)) yield* vm.free(t, a); // lazy, below lazy_max_pages: no purge yet
      // The range is full: the pool (empty) and the search miss, the purge must leave the 16 areas in the tree.
      got = yield* vm.tryAlloc(t, 3);
    });
    expect(got).not.toBeNull();
    expect(nodes.pooledPages()).toBe(0);
    expect(m.engine.counters.get('vmap.alloc_failures') ?? 0).toBe(0);
  });
});

describe('alloc-failure purge releases fragmented vmap blocks first (purge_fragmented_blocks_allcpus)', () => {
  /** A 1,024-page vmap block with one dirty page and no live allocation fills half the range; then 1,500 pages. */
  function afterFragmentedBlock(impl: string) {
    const { m, vm } = small(impl, 2048);
    let got: VmArea | null = null;
    on(m, function* (t) {
      yield* vm.unmapRam(t, yield* vm.mapRam(t, 0x100000, 1));
      got = yield* vm.tryAlloc(t, 1500);
    });
    return { got, m, vm };
  }

  it('5.2 (6.1:1856) and 6.9 (6.12:2394): the block goes, the allocation fits', () => {
    for (const impl of ['5.2', '6.9']) {
      const { got, m, vm } = afterFragmentedBlock(impl);
      expect(got).not.toBeNull();
      expect(m.engine.counters.get('vmap.blocks_fragmented')).toBe(1);
      expect(vm.check()).toEqual([]);
    }
  });

  it('2.6.37 keeps it (not in sources-mm.md for that era): the allocation fails', () => {
    const { got, m } = afterFragmentedBlock('2.6.37');
    expect(got).toBeNull();
    expect(m.engine.counters.get('vmap.blocks_fragmented') ?? 0).toBe(0);
  });
});
