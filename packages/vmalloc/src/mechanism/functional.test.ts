import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { createVmap } from './api.js';
import { fastAlloc, fastFree, fastPurge, purgeCycle } from './functional.js';
import type { VmapNodes } from './nodes.js';

/** x86_64 with only `pages` pages of vmalloc space, 2 CPUs (6.9: 2 vmap nodes), no boot areas. */
function small(impl: string, pages: number) {
  const m = new Machine({ arch: { ...x86_64, vmallocBytes: pages * x86_64.pageBytes }, cpus: 2 });
  return createVmap(m, { impl, params: { bootAreas: 0 } });
}

describe('functional alloc-failure purge, as Purger.runFailure (reclaim_and_purge_vmap_areas, 6.12:2390–2397)', () => {
  it('6.9: every pool decays whole (full_pool_decay), so a request larger than a quarter of the pools fits', () => {
    const vm = small('6.9', 64);
    const nodes = vm.nodes as VmapNodes;
    const ids: number[] = [];
    for (let i = 0; i < 32; i++) ids.push(fastAlloc(vm, 0, 1)); // 32 × (1 + guard): the whole range
    for (const id of ids) fastFree(vm, id);
    fastPurge(vm); // an ordinary purge: all 32 to node 0's pool of 2-page areas
    expect(nodes.pooledPages()).toBe(64);
    // 20 pages: a quarter decay (the 8 newest, 16 pages) could not make room; the full decay frees all 64.
    expect(fastAlloc(vm, 0, 19)).toBeGreaterThanOrEqual(0);
    expect(nodes.pooledPages()).toBe(0);
  });

  it('6.9: the purged lazy areas go back to the global tree, not to the pools (vn->skip_populate, 6.12:2289)', () => {
    const vm = small('6.9', 64);
    const ids: number[] = [];
    for (let i = 0; i < 32; i++) ids.push(fastAlloc(vm, 0, 1));
    for (const id of ids.slice(0, 16)) fastFree(vm, id); // lazy, below lazy_max_pages: no purge yet
    // The range is full: the pool (empty) and the search miss; the purge must leave the 16 areas in the tree.
    expect(fastAlloc(vm, 0, 3)).toBeGreaterThanOrEqual(0);
    expect((vm.nodes as VmapNodes).pooledPages()).toBe(0);
  });

  it('no functional purge takes the lazy queue while a purge simulated in detail holds the purge lock', () => {
    const vm = small('2.6.28', 64);
    const purger = vm.purger as NonNullable<typeof vm.purger>;
    const t = vm.m.engine.spawn(0, 'purging', function* () {});
    expect(purger.lock.tryLock(t)).toBe(true);
    const a = fastAlloc(vm, 0, 1);
    fastFree(vm, a);
    expect(vm.lazyNr).toBe(2);
    // Fill the 64 pages: the allocation that finds no space gets no purge either.
    let n = 0;
    while (fastAlloc(vm, 0, 1) >= 0) n++;
    expect(n).toBeGreaterThan(10);
    expect(vm.lazyNr).toBe(2);
    purger.lock.unlock(t);
    expect(fastAlloc(vm, 0, 1)).toBeGreaterThanOrEqual(0);
    expect(vm.lazyNr).toBe(0);
  });

  it('purge cycles: lazy_max_pages where a purge returns every lazy area, none for 6.9’s pools', () => {
    expect(purgeCycle(small('2.6.28', 64))?.limit).toBe(16_384); // fls(2) × 32 MiB of 4 KiB pages
    expect(purgeCycle(small('2.6.27', 64))?.limit).toBe(0);
    expect(purgeCycle(small('6.9', 64))).toBeNull();
  });
});
