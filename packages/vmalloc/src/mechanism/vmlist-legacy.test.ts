import { x86_64 } from '@kmemsim/arch-x86_64';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import type { VmArea } from '../types.js';
import { createVmap } from './api.js';
import { fastAlloc, fastFree } from './functional.js';

interface Walk {
  cpu: number;
  rank: number;
  own: number;
  cycles: number;
  size: number;
}

/** 2.6.27 on 2 CPUs with 2 boot areas, its vmlist walks recorded; `step` runs one thread's calls to the end. */
function legacy() {
  const m = new Machine({ arch: x86_64, cpus: 2 });
  const vm = createVmap(m, { impl: '2.6.27', params: { bootAreas: 2 } });
  const walks: Walk[] = [];
  vm.watchVmlist({ add: (cpu, rank, own, cycles, size) => walks.push({ cpu, rank, own, cycles, size }) }, 2);
  const step = (cpu: number, body: (t: Thread) => Generator<unknown, void, void>) => {
    const t = m.engine.spawn(cpu, `w${cpu}`, body as (t: Thread) => Generator<never, void, void>);
    m.engine.run();
    expect(t.state).toBe('done');
  };
  return { m, vm, walks, step };
}

/** The walks' [cpu, rank, own, size]. */
const shape = (w: Walk[]) => w.map((x) => [x.cpu, x.rank, x.own, x.size]);

describe('2.6.27: the vmlist walks told to the arrangement bound (LegacyVmlistWatch)', () => {
  it('tells each first-fit walk and unlink walk its rank, the walker’s own areas below, and the list’s length', () => {
    const { m, vm, walks, step } = legacy();
    const a: VmArea[] = [];
    // CPU 0: A, B above the 2 boot areas.
    step(0, function* (t) {
      a.push(yield* vm.alloc(t, 1));
      a.push(yield* vm.alloc(t, 1));
    });
    // CPU 1: C above them; then CPU 0 frees A (the lowest), and CPU 1's D takes A's hole (first fit).
    step(1, function* (t) {
      a.push(yield* vm.alloc(t, 1));
    });
    step(0, function* (t) {
      yield* vm.free(t, a[0]);
    });
    step(1, function* (t) {
      a.push(yield* vm.alloc(t, 1));
      yield* vm.free(t, a[2]);
    });
    expect(shape(walks)).toEqual([
      [0, 2, 0, 2], // A: past the boot areas
      [0, 3, 1, 3], // B: past A, its own
      [1, 4, 0, 4], // C: past A and B, CPU 0's
      [0, 2, 0, 5], // A's unlink: past the boot areas
      [1, 2, 0, 4], // D in A's hole
      [1, 4, 1, 5], // C's unlink: past D (its own) and B
    ]);
    // The walks' cycles are what __get_vm_area_node's and remove_vm_area's walks charged, rank + 1 steps each.
    const prof = m.engine.profiler;
    const sum = (w: Walk[]) => w.reduce((s, x) => s + x.cycles, 0);
    expect(sum(walks.filter((_, i) => i !== 3 && i !== 5))).toBe(prof.cyclesOf('__get_vm_area_node'));
    expect(sum([walks[3], walks[5]])).toBe(prof.cyclesOf('remove_vm_area'));
    expect(vm.walked).toBe(walks.reduce((s, x) => s + x.rank + 1, 0));
  });

  it('keeps the owners of areas laid down or gone without time, and tells no walk for them', () => {
    const { vm, walks, step } = legacy();
    const f = fastAlloc(vm, 1, 1);
    const g = fastAlloc(vm, 1, 1);
    expect(walks).toEqual([]);
    step(1, function* (t) {
      yield* vm.alloc(t, 1);
    });
    fastFree(vm, f);
    step(1, function* (t) {
      yield* vm.alloc(t, 1);
    });
    expect(shape(walks)).toEqual([
      [1, 4, 2, 4], // above F and G, CPU 1's (laid down by the fast path)
      [1, 2, 0, 4], // in F's hole, below G and the area above
    ]);
    expect(g).toBeGreaterThanOrEqual(0);
  });
});
