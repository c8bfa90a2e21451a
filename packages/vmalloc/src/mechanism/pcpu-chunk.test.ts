import { x86_64 } from '@kmemsim/arch-x86_64';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { createVmap } from './api.js';

describe('pcpu_get_vm_areas (6.12:4710–4903): a percpu chunk area', () => {
  it('has no guard page and no vmap node: a purge returns it to the global tree, never to a pool', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    const vm = createVmap(m, { impl: '6.9', params: { bootAreas: 0 } });
    const seen: number[][] = [];
    const t = m.engine.spawn(0, 'test', function* (t: Thread) {
      const chunk = yield* vm.allocChunkArea(t, 64);
      const area = yield* vm.allocArea(t, 63); // the same 64 reserved pages, with its guard page
      seen.push([vm.areas.reserved[chunk], vm.areas.home[chunk], vm.areas.reserved[area], vm.areas.home[area]]);
      yield* vm.freeArea(t, chunk);
      yield* vm.freeArea(t, area);
      yield* vm.purgeForced(t, false, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    });
    m.engine.run();
    expect(t.state).toBe('done');
    expect(seen).toEqual([[64, -1, 64, 0]]);
    expect(vm.nodes?.pooledPages()).toBe(64); // only the vmalloc area's 64 pages
    expect(vm.check()).toEqual([]);
  });
});
