import { x86_64 } from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import type { VmArea } from '../types.js';
import { createVmap, type VmapAllocator } from './api.js';
import { fastAlloc, fastFree } from './functional.js';
import { DrainLagMeter, drainOf } from './functional-drain.js';
import type { VmapNodes } from './nodes.js';

/** 6.9 on 2 CPUs (2 vmap nodes, lazy_max_pages = fls(2) × 8,192 = 16,384), no boot areas. */
function vmap69() {
  const m = new Machine({ arch: x86_64, cpus: 2 });
  return createVmap(m, { impl: '6.9', params: { bootAreas: 0 } });
}

/** What the allocator holds: busy ranges (live and lazy), pools (per node and size, oldest first), lazy areas. */
function state(vm: VmapAllocator) {
  const pools: number[][] = [];
  (vm.nodes as VmapNodes).forEachPooled((vpn, size) => {
    pools.push([vpn, size]);
  });
  const lazy: number[][] = [];
  vm.lazy.forEach((vpn, len) => {
    lazy.push([vpn, len]);
  });
  return { busy: vm.space.busy.toArray(), pools, lazy, lazyNr: vm.lazyNr, live: vm.areas.live };
}

/**
 * One thread on CPU 0 in two steps (each until its drain has run): `n` areas of `pages` allocated, then freed;
 * then `n` more allocated (from the pools the drain filled) and `half` of them freed. Without a cond_resched in
 * the loop the drain queued when vmap_lazy_nr passed lazy_max_pages runs when the step's thread is done.
 */
function timed(pages: number, n: number, half: number) {
  const vm = vmap69();
  const e = vm.m.engine;
  const batches: number[] = [];
  const take = vm.lazy.take.bind(vm.lazy);
  vm.lazy.take = () => {
    batches.push(vm.lazy.pages);
    return take();
  };
  e.spawn(0, 'step1', function* (t) {
    const a: VmArea[] = [];
    for (let i = 0; i < n; i++) a.push(yield* vm.alloc(t, pages));
    for (const x of a) yield* vm.free(t, x);
  });
  e.run();
  e.spawn(0, 'step2', function* (t) {
    const a: VmArea[] = [];
    for (let i = 0; i < n; i++) a.push(yield* vm.alloc(t, pages));
    for (const x of a.slice(0, half)) yield* vm.free(t, x);
  });
  e.run();
  return { vm, batches };
}

/** The same steps without time: the drain scheduled at the crossing takes its batch when the step ends. */
function functional(pages: number, n: number, half: number) {
  const vm = vmap69();
  const drain = drainOf(vm);
  drain.lag = Number.POSITIVE_INFINITY; // the kworker's turn comes when the step's thread is done
  const a: number[] = [];
  for (let i = 0; i < n; i++) a.push(fastAlloc(vm, 0, pages));
  for (const id of a) fastFree(vm, id);
  if (drain.pending) drain.run();
  const b: number[] = [];
  for (let i = 0; i < n; i++) b.push(fastAlloc(vm, 0, pages));
  for (const id of b.slice(0, half)) fastFree(vm, id);
  if (drain.pending) drain.run();
  return { vm, drain };
}

describe('6.9 functional drain (free_vmap_area_noflush → schedule_work(&drain_vmap_work))', () => {
  it('lays down the state the timed path leaves: busy, pools (in order), lazy areas, vmap_lazy_nr', () => {
    // 64-page areas (65 with the guard, pool-sized): 300 × 65 = 19,500 > 16,384 lazy pages, so each step's frees
    // schedule the drain; step 2 takes 300 areas from node 0's pool (decayed by a quarter in the drain) and the
    // global tree, and frees 260 of them (16,900 pages: over the limit again).
    const t = timed(64, 300, 260);
    const f = functional(64, 300, 260);
    expect(t.batches).toEqual([19_500, 16_900]);
    expect(f.drain.passes).toBe(2);
    expect(state(f.vm)).toEqual(state(t.vm));
    expect(f.vm.check()).toEqual([]);
  });

  it('below lazy_max_pages nothing is scheduled; the lazy areas stay, and count towards the next step', () => {
    const t = timed(64, 100, 50); // 6,500 + 3,250 pages: no drain
    const f = functional(64, 100, 50);
    expect(t.batches).toEqual([]);
    expect(f.drain.passes).toBe(0);
    expect(state(f.vm)).toEqual(state(t.vm));
    // 13,000 lazy after step 1, + 6,500 in step 2: one drain, of both steps' areas.
    const t2 = timed(64, 200, 100);
    const f2 = functional(64, 200, 100);
    expect(t2.batches).toEqual([19_500]);
    expect(f2.drain.passes).toBe(1);
    expect(state(f2.vm)).toEqual(state(t2.vm));
  });

  it('lag 0: the drain runs at the free that passes the limit (the purge at the crossing of before)', () => {
    const vm = vmap69();
    const drain = drainOf(vm);
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push(fastAlloc(vm, 0, 64));
    let at = -1;
    ids.forEach((id, i) => {
      fastFree(vm, id);
      if (at < 0 && drain.passes === 1) at = i;
    });
    expect(at).toBe(252); // 253 × 65 = 16,445 > 16,384
    expect(vm.lazyNr).toBe(47 * 65);
  });

  it('lag L: the batch holds the frees of the next L pages too', () => {
    const vm = vmap69();
    const drain = drainOf(vm);
    drain.lag = 20 * 65;
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push(fastAlloc(vm, 0, 64));
    for (const id of ids) fastFree(vm, id);
    expect(drain.passes).toBe(1);
    expect(vm.lazyNr).toBe((300 - 273) * 65);
  });

  it('nothing is scheduled while a drain simulated in detail holds vmap_purge_lock', () => {
    const vm = vmap69();
    const purger = vm.purger as NonNullable<typeof vm.purger>;
    const holder = vm.m.engine.spawn(1, 'drain', function* () {});
    expect(purger.lock.tryLock(holder)).toBe(true);
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push(fastAlloc(vm, 0, 64));
    for (const id of ids) fastFree(vm, id);
    expect(drainOf(vm).pending).toBe(false);
    expect(vm.lazyNr).toBe(300 * 65);
    purger.lock.unlock(holder);
    const one = fastAlloc(vm, 0, 64);
    fastFree(vm, one); // the next free over the limit schedules and (lag 0) runs it
    expect(vm.lazyNr).toBe(0);
  });
});

describe('DrainLagMeter', () => {
  it('the lazy pages past the limit queued at the last look before each detach, their median', () => {
    const vm = vmap69();
    const meter = new DrainLagMeter(vm);
    drainOf(vm).lag = 1_000;
    for (let r = 0; r < 3; r++) {
      const ids: number[] = [];
      for (let i = 0; i < 300; i++) ids.push(fastAlloc(vm, 0, 64));
      for (const id of ids) {
        fastFree(vm, id);
        meter.observe();
      }
    }
    expect(meter.count).toBeGreaterThanOrEqual(3);
    // Each batch: the crossing (16,445) + 16 frees (≥ 1,000 pages: 1,040), seen one free before the detach.
    expect(meter.lag()).toBe(16_445 + 15 * 65 - 16_384);
  });
});

describe('6.9 functional drain beside a drain simulated in detail (besideLive)', () => {
  it('the frees form the passes after it, each lazy_max_pages + lag; its own batch stays as it took it', () => {
    const vm = vmap69();
    const drain = drainOf(vm);
    const holder = vm.m.engine.spawn(1, 'kworker', function* () {});
    const purger = vm.purger as NonNullable<typeof vm.purger>;
    // The detailed drain: 10 areas freed lazily, their batch detached, vmap_purge_lock held.
    const first: number[] = [];
    for (let i = 0; i < 10; i++) first.push(fastAlloc(vm, 0, 64));
    for (const id of first) fastFree(vm, id);
    expect(purger.lock.tryLock(holder)).toBe(true);
    const inFlight = vm.lazy.take();
    drain.lag = 0;
    drain.besideLive();
    const ids: number[] = [];
    for (let i = 0; i < 600; i++) ids.push(fastAlloc(vm, 0, 64));
    for (const id of ids) fastFree(vm, id);
    drain.besideEnd();
    // 253 areas (16,445 pages) a pass: two passes, 94 areas left on the lists for the detailed drain.
    expect(drain.passes).toBe(2);
    expect(vm.lazy.length).toBe(94);
    expect(vm.lazyNr).toBe((10 + 94) * 65); // the in-flight batch is still counted until its purge returns it
    expect(inFlight.count).toBe(10);
    expect((vm.nodes as VmapNodes).pooledPages()).toBeGreaterThan(0);
    purger.lock.unlock(holder);
  });

  it('no drain in detail: besideLive leaves the ordinary path (a drain at the crossing)', () => {
    const vm = vmap69();
    const drain = drainOf(vm);
    drain.besideLive();
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) ids.push(fastAlloc(vm, 0, 64));
    for (const id of ids) fastFree(vm, id);
    drain.besideEnd();
    expect(drain.passes).toBe(1);
    expect(vm.lazyNr).toBe(47 * 65);
  });
});
