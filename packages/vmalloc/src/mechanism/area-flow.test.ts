import { x86_64 } from '@kmemsim/arch-x86_64';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { DESIGN_NAMES } from '../designs/registry.js';
import type { Gen } from '../types.js';
import { createVmap } from './api.js';
import { AreaFlow, DELEGATE, DONE, type Step } from './area-flow.js';
import type { VmapCore } from './vmap.js';

// Sizes and alignments a thread cycles through: small and pool-sized, aligned, and big enough to purge often.
const SIZES = [1, 3, 4, 16, 2, 64, 5, 1];
const ALIGNS = [1, 1, 4, 1, 2, 16, 1, 8];

/** Each of `threads` threads allocates, holds up to 3 areas, and frees them, through `alloc` and `free`. */
function run(
  impl: string,
  threads: number,
  alloc: (v: VmapCore, t: Thread, f: AreaFlow, pages: number, align: number) => Gen<number>,
  free: (v: VmapCore, t: Thread, f: AreaFlow, id: number) => Gen,
) {
  const m = new Machine({ arch: x86_64, cpus: threads });
  const v = createVmap(m, { impl, params: { lazyMaxBytesPerFlsCpu: 1 << 20 } });
  for (let cpu = 0; cpu < threads; cpu++) {
    m.engine.spawn(cpu, `w/${cpu}`, function* (t) {
      const f = new AreaFlow(v, t);
      const held: number[] = [];
      for (let i = 0; i < 60; i++) {
        const k = (i + cpu) % SIZES.length;
        const id = yield* alloc(v, t, f, SIZES[k], ALIGNS[k]);
        if (id >= 0) {
          expect(v.areas.vpn[id] % ALIGNS[k]).toBe(0);
          held.push(id);
        }
        if (held.length > (i % 3) + 1) yield* free(v, t, f, held.shift() as number);
      }
      for (const id of held) yield* free(v, t, f, id);
    });
  }
  m.engine.run();
  return {
    clocks: m.engine.threads.map((t) => t.endCycle),
    ledger: { ...v.ledger, live: v.ledger.live, lazyPages: v.ledger.lazyPages },
    counters: m.engine.counters.toJSON(),
    check: v.check(),
  };
}

/** A flow driven by hand, the way vmap-bench's loop drives its one flow per thread. */
function* byHand(f: AreaFlow, first: Step): Gen {
  for (let s = first; s !== DONE; s = f.next()) {
    if (s === DELEGATE) yield* f.delegated();
    else yield s;
  }
}

describe('AreaFlow', () => {
  it('one flow reused by a thread for every alloc and free does what fresh allocArea/freeArea calls do', () => {
    for (const impl of DESIGN_NAMES) {
      const fresh = run(
        impl,
        4,
        (v, t, _f, pages, align) => v.allocArea(t, pages, align),
        (v, t, _f, id) => v.freeArea(t, id),
      );
      const reused = run(
        impl,
        4,
        function* (_v, _t, f, pages, align) {
          yield* byHand(f, f.alloc(pages, align));
          return f.result;
        },
        (_v, _t, f, id) => byHand(f, f.free(id)),
      );
      expect(reused, impl).toEqual(fresh);
      expect(fresh.check, impl).toEqual([]);
      expect(fresh.ledger.allocs, impl).toBeGreaterThan(200);
    }
  });

  it('rejects a bad request before it takes any lock', () => {
    const m = new Machine({ arch: x86_64, cpus: 1 });
    const v = createVmap(m, { impl: '6.9' });
    m.engine.spawn(0, 'w', function* (t) {
      const f = new AreaFlow(v, t);
      expect(() => f.alloc(0, 1)).toThrow('vmap of 0 pages: expected an integer ≥ 1');
      expect(() => f.alloc(2, 3)).toThrow('alignment of 3 pages: expected a power of two');
      expect(() => f.next()).toThrow('area flow resumed in state 0');
      yield undefined;
    });
    m.engine.run();
  });
});
