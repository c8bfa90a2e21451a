import { fc, test } from '@fast-check/vitest';
import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { createVmap } from '../mechanism/api.js';
import { fastAlloc, fastFree, type PurgeCycle, purgeCycle } from '../mechanism/functional.js';
import { shortPurges } from './sampler.cases.js';
import {
  FORWARDED_SKIP_ERROR,
  replaySteady,
  SlipMeter,
  SPLIT_WALK_ERROR,
  STEADY_SKIP_ERROR,
  type SteadyForward,
} from './sampler-ff.js';
import type { Loop } from './sampler-loop.js';

/**
 * A counter standing in for vmap_lazy_nr: `pages` per loop, a purge past `limit`, as free_unmap_vmap_area does.
 * `push` is a functional free (the purge at the crossing); `detailed` one whose purge takes the queue `slip` frees
 * later, as a purge simulated in detail does (its tally counts those purges and frees).
 */
function counter(limit: number, lazy: number, slip = 0) {
  const c = { lazy, queued: 0, purges: 0, detailed: 0, frees: 0, taken: 0, over: -1 };
  const cycle: PurgeCycle = {
    lazy: () => c.lazy,
    limit,
    busy: () => false,
    purge: () => {
      c.lazy = 0;
      c.queued = 0;
      c.purges++;
      c.taken++;
      c.over = -1;
    },
    tally: () => ({ purges: c.detailed, frees: c.frees, queued: c.queued, taken: c.taken }),
  };
  const push = (pages: number) => {
    c.lazy += pages;
    c.queued++;
    if (c.lazy > limit) cycle.purge();
  };
  const detailed = (pages: number) => {
    c.lazy += pages;
    c.queued++;
    c.frees++;
    if (c.lazy > limit && c.over < 0) c.over = 0;
    else if (c.over >= 0) c.over++;
    if (c.over === slip) {
      c.detailed++;
      cycle.purge();
    }
  };
  return { c, cycle, push, detailed };
}

/** Threads' loops as the sampler hands them over: each its skip `pendingK` and its fast-forward. */
function loops(ks: number[], f: (i: number) => SteadyForward): Loop[] {
  return ks.map((k, i) => ({ pendingK: k, steady: f(i) }) as unknown as Loop);
}

describe('replaySteady: the loops past a skip’s last purge', () => {
  test.prop([
    fc.integer({ min: 1, max: 5000 }),
    fc.integer({ min: 1, max: 300 }),
    fc.array(fc.nat(4000), { minLength: 1, maxLength: 8 }),
    fc.nat(5000),
  ])(
    'leaves vmap_lazy_nr where running every skipped loop leaves it, replaying less than one cycle',
    (limit, pages, ks, start) => {
      const lazy = start % (limit + 1);
      const all = counter(limit, lazy);
      for (const k of ks) for (let i = 0; i < k; i++) all.push(pages);
      const ff = counter(limit, lazy);
      const replayed = replaySteady(loops(ks, () => ({ once: () => ff.push(pages), pages, cycle: ff.cycle })));
      expect(ff.c.lazy).toBe(all.c.lazy);
      expect(replayed).toBeLessThanOrEqual(Math.floor(limit / pages) + 1);
      expect(ff.c.purges).toBe(all.c.purges > 0 ? 1 : 0);
    },
  );

  it('shares the replayed loops between threads as they skipped (largest remainders), one of each in turn', () => {
    const seen: number[] = [];
    const { cycle } = counter(100, 40);
    // 50 loops of 10 pages from 40: a purge at loop 7, then every 11; 43 mod 11 = 10 after the last.
    const n = replaySteady(loops([30, 20], (i) => ({ once: () => seen.push(i), pages: 10, cycle })));
    expect(n).toBe(10);
    expect(seen).toEqual([0, 1, 0, 1, 0, 1, 0, 1, 0, 0]);
  });

  it('keeps the detailed purges’ cycle: each takes the queue `slip` loops past the crossing (SlipMeter)', () => {
    // lazy_max_pages 100, 10 pages a loop: the crossing at 11 loops from empty, each detailed purge 2 loops later.
    const all = counter(100, 0, 2);
    const ff = counter(100, 0, 2);
    const meter = new SlipMeter(ff.cycle, 0, 1);
    expect(meter.loops(11)).toBe(0);
    for (let i = 0; i < 40; i++) {
      all.detailed(10);
      ff.detailed(10);
      meter.observe();
    }
    // Purges at loops 13, 26 and 39; measured on the two after the first: batches of 13 loops.
    expect(meter.loops(11)).toBe(2);
    // 45 more loops: purges at 52, 65 and 78, 7 loops queued after the last; the skip purges and replays those.
    for (let i = 0; i < 45; i++) all.detailed(10);
    const n = replaySteady(loops([45], () => ({ once: () => ff.push(10), pages: 10, cycle: ff.cycle, slip: meter })));
    expect(n).toBe(7);
    expect(ff.c.lazy).toBe(all.c.lazy);
    expect(ff.c.lazy).toBe(70);
  });

  it('SlipMeter: nothing measured before two detailed purges after the loop’s first, or across a functional one', () => {
    const a = counter(100, 0, 3);
    const meter = new SlipMeter(a.cycle, 0, 1);
    for (let i = 0; i < 28; i++) {
      a.detailed(10);
      meter.observe();
    }
    // Purges at 14 and 28: one after the anchor.
    expect(meter.loops(11)).toBe(0);
    const b = counter(100, 0, 3);
    const m2 = new SlipMeter(b.cycle, 0, 1);
    for (let i = 0; i < 20; i++) {
      b.detailed(10);
      m2.observe();
    }
    b.cycle.purge();
    for (let i = 0; i < 40; i++) b.detailed(10);
    expect(m2.loops(11)).toBe(0);
  });

  /** pendingErr after replaySteady of two 5-loop skips of 1,000 cycles (7 charged), forwarded and not. */
  function skipErrors(splitWalk: boolean): number[] {
    const { cycle } = counter(100, 0);
    const ls = [true, false].map(
      (forwarded) =>
        ({
          pendingK: 5,
          pendingJump: 1000,
          pendingErr: 7,
          steady: { once: () => {}, pages: 1, cycle, forwarded, splitWalk },
        }) as unknown as Loop,
    );
    replaySteady(ls);
    return ls.map((l) => l.pendingErr);
  }

  it('adds FORWARDED_SKIP_ERROR − STEADY_SKIP_ERROR of the skip’s cycles where the case’s set-up was skipped', () => {
    expect(skipErrors(false)).toEqual([7 + (FORWARDED_SKIP_ERROR - STEADY_SKIP_ERROR) * 1000, 7]);
  });

  it('adds SPLIT_WALK_ERROR − STEADY_SKIP_ERROR where the walk length depends on the layout, set-up skipped or not', () => {
    const e = 7 + (SPLIT_WALK_ERROR - STEADY_SKIP_ERROR) * 1000;
    expect(skipErrors(true)).toEqual([e, e]);
  });

  it('replays nothing where there is no lazy queue (2.6.27: every loop ends where it began)', () => {
    let n = 0;
    const { cycle } = counter(0, 0);
    expect(replaySteady(loops([500], () => ({ once: () => n++, pages: 2, cycle })))).toBe(0);
    expect(n).toBe(0);
  });
});

describe('replaySteady on the allocator: the areas of every skipped loop, laid down', () => {
  /** A 2-CPU x86_64 with short purges; a fix_size loop without time on CPU `cpu`. */
  function vmap(impl: string) {
    const vm = createVmap(new Machine({ arch: x86_64, cpus: 2 }), { impl, params: shortPurges });
    const once = (cpu: number) => {
      const id = fastAlloc(vm, cpu, 3);
      if (id >= 0) fastFree(vm, id);
    };
    return { vm, once };
  }
  const state = (vm: ReturnType<typeof vmap>['vm']) => ({
    lazy: vm.lazyNr,
    busy: vm.space.busy.toArray(),
    queued: (() => {
      const q: number[] = [];
      vm.lazy.forEach((vpn) => {
        q.push(vpn);
      });
      return q;
    })(),
  });

  for (const impl of ['2.6.28', '2.6.37']) {
    it(`${impl}: the same lazy areas at the same addresses as running all of them`, () => {
      for (const ks of [
        [1000, 1000],
        [2345, 17],
        [9, 4],
      ]) {
        // Both start mid-cycle: 77 loops of CPU 0 in detail before the skip.
        const a = vmap(impl);
        for (let i = 0; i < 77; i++) a.once(0);
        for (let i = 0; i < Math.max(...ks); i++) for (let t = 0; t < ks.length; t++) if (i < ks[t]) a.once(t);
        const b = vmap(impl);
        for (let i = 0; i < 77; i++) b.once(0);
        const cycle = purgeCycle(b.vm) as PurgeCycle;
        const n = replaySteady(loops(ks, (t) => ({ once: () => b.once(t), pages: 4, cycle })));
        // lazy_max_pages here: fls(2) × 1 MiB of pages = 512; a cycle of ⌊512 / 4⌋ + 1 loops.
        expect(n).toBeLessThanOrEqual(Math.min(ks[0] + ks[1], 129));
        expect(state(b.vm), `${impl} ${ks}`).toEqual(state(a.vm));
      }
    });
  }

  it('6.9: no purge cycle (its pools decay a quarter per purge)', () => {
    expect(purgeCycle(vmap('6.9').vm)).toBeNull();
  });
});
