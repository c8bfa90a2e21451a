import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VmArea } from '../types.js';
import { createVmap } from './api.js';
import { ExtentScratch, extentsOf, VpnList } from './purge-lists.js';

/** 6.9 on 4 CPUs (4 vmap nodes): each CPU frees `perCpu` one-page areas, then CPU 0 purges `purges` times. */
function decayRun(perCpu: number, purges: number) {
  const m = new Machine({ arch: x86_64, cpus: 4 });
  const vm = createVmap(m, { impl: '6.9', params: { bootAreas: 0 } });
  const e = m.engine;
  const held: number[] = [];
  for (let cpu = 0; cpu < 4; cpu++)
    e.spawn(cpu, `t/${cpu}`, function* (t) {
      const areas: VmArea[] = [];
      for (let i = 0; i < perCpu; i++) areas.push(yield* vm.alloc(t, 1));
      for (const a of areas) yield* vm.free(t, a);
    });
  e.run();
  e.spawn(0, 'purger', function* (t) {
    for (let i = 0; i < purges; i++) {
      const before = vm.areaLock.acquisitions;
      yield* vm.purge(t);
      held.push(vm.areaLock.acquisitions - before);
    }
  });
  e.run();
  return { vm, held };
}

describe('6.9 decay_va_pool_node per node (one reclaim_list_global each)', () => {
  it('a purge over 4 nodes with pooled areas takes free_vmap_area_lock once per node that decays', () => {
    // The first purge fills each node's 2-page pool (1 page + guard) with its CPU's 40 areas; the second decays
    // 40 >> 2 = 10 of each pool: 4 nodes, 4 holds (one hold for all of them until s23); the third 30 >> 2 = 7.
    const r = decayRun(40, 3);
    expect(r.held.slice(1)).toEqual([4, 4]);
    expect(r.vm.check()).toEqual([]);
  });

  it('extentsOf counts the runs of address-adjacent areas', () => {
    const list = (xs: number[][]) => {
      const v = new VpnList();
      const e = new VpnList();
      for (const [s, n] of xs) {
        v.push(s);
        e.push(s + n);
      }
      return [v, e] as const;
    };
    const scratch = new ExtentScratch();
    expect(extentsOf(...list([]), scratch)).toBe(0);
    expect(extentsOf(...list([[10, 2]]), scratch)).toBe(1);
    expect(
      extentsOf(
        ...list([
          [14, 2],
          [10, 2],
          [12, 2],
        ]),
        scratch,
      ),
    ).toBe(1);
    expect(
      extentsOf(
        ...list([
          [10, 2],
          [13, 2],
          [20, 1],
          [21, 4],
        ]),
        scratch,
      ),
    ).toBe(2 + 0 + 1);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(3), fc.integer({ min: 1, max: 3 })), { maxLength: 40 }), (gaps) => {
        // Disjoint areas from gaps and sizes, shuffled by a reversal of every other one.
        const xs: number[][] = [];
        let at = 0;
        for (const [gap, size] of gaps) {
          at += gap;
          xs.push([at, size]);
          at += size;
        }
        let runs = 0;
        for (let i = 0; i < xs.length; i++) if (i === 0 || xs[i - 1][0] + xs[i - 1][1] !== xs[i][0]) runs++;
        const order = [...xs.filter((_, i) => i % 2 === 0), ...xs.filter((_, i) => i % 2 === 1).reverse()];
        expect(extentsOf(...list(order), scratch)).toBe(runs);
      }),
      { numRuns: 300 },
    );
  });

  it('extentsOf equals a Set of the starts probed with every end (any order, radix-sized batches)', () => {
    // The s26 implementation, kept as the reference. Mutations that fail this: the walk's `<` as `<=`, or the
    // ends left unsorted.
    const bySet = (v: VpnList, e: VpnList): number => {
      const starts = new Set<number>();
      for (let i = 0; i < v.n; i++) starts.add(v.a[i]);
      let n = v.n;
      for (let i = 0; i < v.n; i++) if (starts.has(e.a[i])) n--;
      return n;
    };
    const scratch = new ExtentScratch();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 4 }), fc.nat()), { maxLength: 400 }),
        fc.constantFrom(0, 2 ** 20, 2 ** 35),
        (xs, base) => {
          // Disjoint areas (gap, size) from `base`, then shuffled by their drawn ranks.
          let at = base;
          const areas = xs.map(([gap, size, rank]) => {
            at += gap;
            const a = { s: at, n: size, rank };
            at += size;
            return a;
          });
          areas.sort((a, b) => a.rank - b.rank);
          const v = new VpnList();
          const e = new VpnList();
          for (const a of areas) {
            v.push(a.s);
            e.push(a.s + a.n);
          }
          expect(extentsOf(v, e, scratch)).toBe(bySet(v, e));
        },
      ),
      { numRuns: 200 },
    );
  });
});
