import { x86_64 } from '@kmemsim/arch-x86_64';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { createVmap } from './api.js';

describe('NE_FIT preload: preload_this_cpu_lock before the search lock (6.12:1885–1892, 1728)', () => {
  /** On one CPU: vmalloc(1), an 8-page-aligned vmalloc(1) (a no-edge split of the free block), vmalloc(1). */
  function run(impl: string) {
    const m = new Machine({ arch: x86_64, cpus: 1 });
    const vm = createVmap(m, { impl, params: { bootAreas: 0 } });
    const splits: string[] = [];
    const t = m.engine.spawn(0, 'test', function* (t: Thread) {
      for (const align of [1, 8, 1]) {
        yield* vm.alloc(t, 1, align);
        splits.push(vm.space.lastSplit);
      }
    });
    m.engine.run();
    expect(t.state).toBe('done');
    return { m, vm, splits };
  }

  it('allocates the spare vmap_area outside the lock: at the first search, and again after a split used it', () => {
    for (const impl of ['5.2', '6.9']) {
      const { m, vm, splits } = run(impl);
      expect(splits[1], impl).toBe('no-edge');
      const p = vm.p;
      // Each vmalloc: the vm_struct and the vmap_area; the preloads: before the first search and the third. The
      // split takes the spare (__this_cpu_xchg), so alloc_vmap_area, under the lock, allocates nothing.
      expect(m.engine.profiler.cyclesOf('__kmalloc'), impl).toBe(3 * p.vmStructCycles + 5 * p.vmapAreaCycles);
    }
  });
});
