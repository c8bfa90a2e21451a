// Steady areas placed virtually (functional-defer.ts) against the plain functional path: the same builder
// placements, and after the lay-down the same busy and free sets, lazy areas (as a set), counts and purges.

import { fc, test } from '@fast-check/vitest';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { vmallocLayout } from '../workloads/sampler-mixed-vmap.js';
import { createVmap } from './api.js';
import { fastAlloc, fastFree, fastPurge } from './functional.js';
import { unplacedOf, unplacedOk } from './functional-defer.js';
import type { VmapCore } from './vmap.js';

/** 5.2 with `pages` pages of vmalloc space and lazy_max_pages = 2 × `lazy` (fls(2 CPUs) = 2). */
function small(pages: number, lazy: number, impl = '5.2') {
  const m = new Machine({ arch: { ...x86_64, vmallocBytes: pages * x86_64.pageBytes }, cpus: 2 });
  return createVmap(m, { impl, params: { bootAreas: 0, lazyMaxBytesPerFlsCpu: lazy * x86_64.pageBytes } });
}

/** A lay-down step: a steady loop of a kind, a builder's allocation of 1–4 pages, or a builder's free. */
type Op =
  | { steady: 'fix_size_alloc_test' | 'long_busy_list_alloc_test'; cpu: number }
  | { alloc: number }
  | { free: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    steady: fc.constantFrom('fix_size_alloc_test' as const, 'long_busy_list_alloc_test' as const),
    cpu: fc.nat(1),
  }),
  fc.record({ alloc: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ free: fc.nat(1000) }),
);

/** The plain steady loop (allocFree before the virtual placement): fastAlloc each size, then fastFree each unmapped. */
function plainSteady(v: VmapCore, sizes: number[], cpu: number): void {
  const ids = sizes.map((p) => fastAlloc(v, cpu, p));
  for (const id of ids) if (id >= 0) fastFree(v, id, false);
}

/** The allocator's state as the purges and searches see it. */
function state(v: VmapCore) {
  const lazy: number[] = [];
  v.lazy.forEach((vpn, len) => {
    lazy.push(vpn * 1e6 + len);
  });
  return {
    free: v.space.free.toArray(),
    busy: v.space.busy.size,
    busyPages: v.space.busyPages,
    lazy: lazy.sort((a, b) => a - b),
    lazyNr: v.lazyNr,
    taken: v.lazy.taken,
    ledger: { ...v.ledger },
    live: v.areas.live,
  };
}

/** Fragments the space: `n` builder areas of 1–3 pages, every third one freed and purged. */
function fragment(v: VmapCore, n: number): number[] {
  const held: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = fastAlloc(v, 0, 1 + (i % 3));
    if (i % 3 === 0) fastFree(v, id);
    else held.push(id);
  }
  fastPurge(v);
  return held;
}

/** Runs `ops` as a lay-down on a fresh allocator: virtually placed (`virtual`) or on the plain path. */
function layDown(ops: Op[], frag: number, virtual: boolean) {
  const v = small(4096, 40);
  const held = fragment(v, frag);
  const layout = vmallocLayout(v, 1);
  const placed: number[] = [];
  if (virtual) layout.begin?.();
  for (const o of ops) {
    if ('steady' in o) {
      if (virtual) layout.steady.get(o.steady)?.run(o.cpu, 1);
      else plainSteady(v, o.steady === 'fix_size_alloc_test' ? [1] : [100, 1], o.cpu);
    } else if ('alloc' in o) {
      const id = fastAlloc(v, 1, o.alloc);
      placed.push(id < 0 ? -1 : v.areas.vpn[id]);
      if (id >= 0) held.push(id);
    } else if (held.length > 0) {
      const [id] = held.splice(o.free % held.length, 1);
      fastFree(v, id);
      placed.push(-2);
    }
  }
  if (virtual) layout.end?.();
  return { placed, ...state(v) };
}

describe('steady areas placed virtually in a mixed lay-down (5.2)', () => {
  it('is used for 5.2 only: not 2.6.28 (walk counts), 2.6.39 (free_vmap_cache), 6.9 (pools, drain)', () => {
    expect(unplacedOk(small(64, 8))).toBe(true);
    for (const impl of ['2.6.28', '2.6.39', '6.9']) expect(unplacedOk(small(64, 8, impl))).toBe(false);
  });

  test.prop([fc.array(op, { minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 600 })], { numRuns: 150 })(
    'the same builder placements, busy and free sets, lazy areas, vmap_lazy_nr, purges and counts as the plain path',
    (ops, frag) => {
      const plain = layDown(ops, frag, false);
      const virt = layDown(ops, frag, true);
      expect(virt).toEqual(plain);
    },
  );

  it('a purge inside the lay-down keeps the 1-page area still busy, and takes only the real lazy ones', () => {
    const ops: Op[] = [];
    for (let i = 0; i < 5; i++) ops.push({ steady: 'long_busy_list_alloc_test', cpu: 0 }, { alloc: 1 });
    const plain = layDown(ops, 90, false);
    const virt = layDown(ops, 90, true);
    expect(plain.taken).toBeGreaterThan(1); // 40 × 2 lazy pages: a purge every loop but one
    expect(virt).toEqual(plain);
    // Nothing left virtual after the lay-down.
    const v = small(4096, 40);
    const layout = vmallocLayout(v, 1);
    layout.begin?.();
    layout.steady.get('fix_size_alloc_test')?.run(0, 3);
    layout.end?.();
    expect(v.space.busy.size).toBe(3);
    expect(v.lazy.length).toBe(3);
    expect(unplacedOf(v).active).toBe(false);
  });
});
