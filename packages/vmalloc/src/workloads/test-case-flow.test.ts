import { x86_64 } from '@kmemsim/arch-x86_64';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { DESIGNS } from '../designs/registry.js';
import { createVmap } from '../mechanism/api.js';
import type { Gen } from '../types.js';
import { Sampler } from './sampler.js';
import { flushEvents } from './sampler-loop.js';
import { AllocEach, AllocTouchFree, LongBusyOnce } from './test-case-bodies.js';
import { Handoff } from './test-case-flow.js';
import { build, freeEach, loop, TEST_VMALLOC, vfree, vmalloc, type Worker } from './test-case-kit.js';

// The generator bodies the FlowBodies replace, as test-cases.ts had them.
function* allocTouchFree(w: Worker, pages: number): Gen<boolean> {
  const a = yield* vmalloc(w, pages);
  if (a < 0) return false;
  w.touch(a);
  yield* vfree(w, a);
  return true;
}

function* longBusyOnce(w: Worker): Gen<boolean> {
  const a = yield* vmalloc(w, 100);
  if (a < 0) return false;
  const b = yield* vmalloc(w, 1);
  if (b < 0) {
    yield* vfree(w, a);
    return false;
  }
  w.touch(a);
  w.touch(b);
  yield* vfree(w, a);
  yield* vfree(w, b);
  return true;
}

/**
 * 6 workers contending: a set-up, two main loops, a tear-down; as FlowBodies (driven by a Handoff or through the
 * generators) or as generator bodies.
 */
function run(impl: string, mode: 'generators' | 'flow' | 'handoff', space = 0) {
  const flow = mode !== 'generators';
  const arch = space > 0 ? { ...x86_64, vmallocBytes: space * x86_64.pageBytes } : x86_64;
  const m = new Machine({ arch, cpus: 6 });
  const e = m.engine;
  const vm = createVmap(m, { impl });
  const sampler = new Sampler(e, { exact: true, regeneration: flushEvents(e) });
  const { sources: _s, defaultLoopCount: _d, ...costs } = TEST_VMALLOC;
  const sym = { alloc: e.sym('__vmalloc_area_node'), free: e.sym('__vunmap'), memset: e.sym('memset') };
  const touchSym = e.sym('test_vmalloc_touch');
  const results: boolean[] = [];
  for (let cpu = 0; cpu < 6; cpu++) {
    const handoff = mode === 'handoff' ? new Handoff() : undefined;
    const body = function* (t: Thread): Gen {
      const w: Worker = {
        t,
        vm,
        rng: e.rng.fork(cpu + 1),
        loops: 150,
        nrPages: 0,
        pageBytes: 4096,
        wordBits: 64,
        cpus: 6,
        clearCyclesPerByte: 0.25,
        costs,
        sampler,
        steady: null,
        sym,
        touch: (id) => m.touch(t, vm.areas.vpn[id], touchSym),
        handoff,
      };
      sampler.join(t);
      const ids = new Int32Array(400).fill(-1);
      const setUp = flow
        ? new AllocEach(1 + (cpu % 3), (i, id) => (ids[i] = id), true)
        : function* (i: number): Gen<boolean> {
            ids[i] = yield* vmalloc(w, 1 + (cpu % 3));
            return ids[i] >= 0;
          };
      results.push(yield* build(w, 'set-up', 400, setUp, () => {}, true));
      results.push(yield* loop(w, 'long_busy', flow ? new LongBusyOnce(w) : longBusyOnce));
      results.push(yield* loop(w, 'fix_size', flow ? new AllocTouchFree(w, 3) : (w) => allocTouchFree(w, 3)));
      const tearDown = flow
        ? freeEach(ids)
        : function* (i: number): Gen<boolean> {
            if (ids[i] >= 0) yield* vfree(w, ids[i]);
            ids[i] = -1;
            return true;
          };
      results.push(yield* build(w, 'tear-down', 400, tearDown, () => {}));
      sampler.leave(t);
    };
    e.spawn(cpu, `vmalloc_test/${cpu}`, (t) => {
      if (handoff === undefined) return body(t);
      handoff.gen = body(t);
      return handoff;
    });
  }
  e.run();
  return {
    clocks: [...e.clock],
    events: e.events,
    counters: [...e.counters.values],
    results,
    live: vm.areas.live,
    profile: JSON.stringify(e.profiler.snapshot()),
  };
}

describe('test_vmalloc loops as iterators (test-case-flow.ts)', () => {
  it.each(DESIGNS.map((d) => d.name))('%s: the same clocks, events, counters and results as generator bodies', (d) => {
    const g = run(d, 'generators');
    expect(run(d, 'flow')).toEqual(g);
    expect(run(d, 'handoff')).toEqual(g);
  });

  it('failed allocations end a main loop and mark a set-up, as the generator bodies do', () => {
    const a = run('5.2', 'handoff', 1_500);
    expect(a.results).toContain(false);
    expect(a).toEqual(run('5.2', 'generators', 1_500));
    expect(run('5.2', 'flow', 1_500)).toEqual(a);
  });
});
