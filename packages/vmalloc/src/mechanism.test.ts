import { i386 } from '@kmemsim/arch-i386';
import { s390 } from '@kmemsim/arch-s390';
import { x86_64 } from '@kmemsim/arch-x86_64';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { createVmap } from './create.js';
import type { LazyVmap } from './lazy.js';
import { changePageAttr } from './pat.js';
import type { Gen, ImplName } from './types.js';

const NO_BOOT = { bootAreas: 0 };

function once(m: Machine, body: (t: Thread) => Gen): Thread {
  const t = m.engine.spawn(0, 'test', body);
  m.engine.run();
  return t;
}

describe('legacy', () => {
  it('costs one list walk, PTE writes and a global flush IPI per vmap + vunmap, exactly', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    const vm = createVmap(m, { impl: 'legacy', params: NO_BOOT });
    const t = once(m, function* (t) {
      const a = yield* vm.vmap(t, 500, 4);
      expect(a.reserved).toBe(5);
      yield* vm.free(t, a);
    });
    const k = x86_64.costs;
    const ipi = x86_64.ipi;
    const walk = 12;
    const alloc = 250 + k.lockUncontendedCycles + walk + 4 * k.pteSetCycles + 120;
    const perTarget = ipi.handlerEntryCycles + k.globalFlushPerCpuCycles;
    const flush = ipi.sendCycles + ipi.deliveryCycles + perTarget + ipi.ackCycles + k.globalFlushPerCpuCycles;
    const free = k.lockUncontendedCycles + walk + 4 * k.pteClearCycles + 120 + flush;
    expect(t.endCycle).toBe(alloc + free);
    expect(m.engine.counters.get('tlb_flush_global')).toBe(1);
    expect(m.engine.counters.get('ipi')).toBe(1);
  });

  it('walks every area below the one it finds, so the cost grows with the list', () => {
    const m = new Machine({ arch: x86_64, cpus: 1 });
    const vm = createVmap(m, { impl: 'legacy', params: NO_BOOT });
    once(m, function* (t) {
      for (let i = 0; i < 100; i++) yield* vm.alloc(t, 1);
    });
    // allocation i passes i areas and stops at the hole after them: 1 + 2 + … + 100 visits
    expect(m.engine.counters.get('vmap.areas_walked')).toBe(5050);
  });

  it('broadcasts in hardware on s390: a flush but no IPI', () => {
    const m = new Machine({ arch: s390, cpus: 4 });
    const vm = createVmap(m, { impl: 'legacy' });
    once(m, function* (t) {
      yield* vm.free(t, yield* vm.vmap(t, 9, 2));
    });
    expect(m.engine.counters.get('tlb_flush_global')).toBe(1);
    expect(m.engine.counters.get('ipi')).toBe(0);
  });
});

describe('lazy', () => {
  it('lazy_max_pages = fls(CPUs) × 32 MB of pages, and the purge is one flush when it is exceeded', () => {
    const m = new Machine({ arch: x86_64, cpus: 8 });
    const vm = createVmap(m, { impl: 'lazy' }) as LazyVmap;
    expect(vm.lazyMaxPages).toBe(4 * 8192);
    let before = -1;
    once(m, function* (t) {
      // 4 pages + guard = 5 lazy pages per vunmap: the 6,554th exceeds 32,768
      for (let i = 0; i < 6553; i++) yield* vm.free(t, yield* vm.vmap(t, 100, 4));
      before = m.engine.counters.get('tlb_flush_global');
      expect(vm.lazyNr).toBe(32_765);
      yield* vm.free(t, yield* vm.vmap(t, 100, 4));
    });
    expect(before).toBe(0);
    expect(m.engine.counters.get('tlb_flush_global')).toBe(1);
    expect(m.engine.counters.get('vmap.purges')).toBe(1);
    expect(vm.lazyNr).toBe(0);
    expect(m.tlb.staleCount).toBe(0);
  });

  it('set_iounmap_nonlazy makes the next free purge at once', () => {
    const m = new Machine({ arch: x86_64, cpus: 4 });
    const vm = createVmap(m, { impl: 'lazy' });
    once(m, function* (t) {
      yield* vm.free(t, yield* vm.vmap(t, 7, 1));
      expect(m.engine.counters.get('tlb_flush_global')).toBe(0);
      vm.setIounmapNonlazy();
      yield* vm.free(t, yield* vm.vmap(t, 7, 1));
      expect(m.engine.counters.get('tlb_flush_global')).toBe(1);
      yield* vm.free(t, yield* vm.vmap(t, 7, 1));
    });
    expect(m.engine.counters.get('tlb_flush_global')).toBe(1);
    expect(vm.ledger.lazyPages).toBe(2);
  });

  it('an opportunistic purge gives up when another CPU holds the purge lock', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    const vm = createVmap(m, { impl: 'lazy', params: { lazyMaxBytesPerFlsCpu: 4096 } }) as LazyVmap;
    // lazy_max_pages = fls(2) × 1 = 2: every 1-page vunmap (2 pages with guard) … the third page exceeds it.
    m.engine.spawn(0, 'holder', function* (t) {
      yield vm.purgeLock.lock(t);
      t.spend('hold', 1_000_000);
      vm.purgeLock.unlock(t);
    });
    m.engine.spawn(1, 'freer', function* (t) {
      t.spend('later', 1000);
      for (let i = 0; i < 2; i++) yield* vm.free(t, yield* vm.vmap(t, 3, 1));
    });
    m.engine.run();
    expect(m.engine.counters.get('vmap.purge_trylock_failed')).toBe(1);
    expect(m.engine.counters.get('vmap.purges')).toBe(0);
    expect(vm.lazyNr).toBe(4);
  });
});

describe('percpu (vm_map_ram)', () => {
  it('sizes blocks from the arch: 1024 pages on x86_64, 256 on i386 with 8 CPUs', () => {
    const a = createVmap(new Machine({ arch: x86_64, cpus: 8 }), { impl: 'percpu' }) as LazyVmap;
    const b = createVmap(new Machine({ arch: i386, cpus: 8 }), { impl: 'percpu' }) as LazyVmap;
    expect([a.blocks.maxAlloc, a.blocks.bits]).toEqual([64, 1024]);
    expect([b.blocks.maxAlloc, b.blocks.bits]).toEqual([32, 256]);
  });

  it('hands out power-of-two orders and frees a block as one lazy area once it is all dirty', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    const vm = createVmap(m, { impl: 'percpu' }) as LazyVmap;
    once(m, function* (t) {
      const a = yield* vm.mapRam(t, 10, 3);
      expect(a.reserved).toBe(4);
      const b = yield* vm.mapRam(t, 20, 4);
      expect(b.vpn - a.vpn).toBe(4);
      yield* vm.unmapRam(t, a);
      yield* vm.unmapRam(t, b);
      expect(vm.check()).toEqual([]);
      for (let i = 0; i < 254; i++) yield* vm.unmapRam(t, yield* vm.mapRam(t, 30, 4));
    });
    expect(m.engine.counters.get('vmap.blocks_new')).toBe(1);
    expect(m.engine.counters.get('vmap.blocks_freed')).toBe(1);
    expect(vm.lazyNr).toBe(1024);
    expect(vm.check()).toEqual([]);
  });

  it('vm_unmap_aliases leaves no stale alias of a page whose attributes change (xen-pv / PAT rule)', () => {
    for (const impl of ['percpu', 'lazy', 'rb2019', 'pools2024', 'legacy'] as ImplName[]) {
      const m = new Machine({ arch: x86_64, virt: 'xen-pv', cpus: 4 });
      const vm = createVmap(m, { impl });
      const pfn = 4242;
      once(m, function* (t) {
        const a = yield* vm.mapRam(t, pfn, 2);
        m.touch(t, a.vpn, 'use');
        yield* vm.unmapRam(t, a);
        if (impl !== 'legacy') expect(m.tlb.staleAliases(pfn).length).toBe(1);
        yield* vm.unmapAliases(t);
      });
      expect(m.tlb.staleAliases(pfn)).toEqual([]);
    }
  });
});

describe('page-attribute changes (xen-pv / PAT)', () => {
  it('leave no stale alias after vm_unmap_aliases; a broken vm_unmap_aliases is caught as an alias report', () => {
    for (const broken of [false, true]) {
      const m = new Machine({ arch: x86_64, virt: 'xen-pv', cpus: 2 });
      const vm = createVmap(m, { impl: 'percpu', faults: { skipAliasFlush: broken } });
      let found = -1;
      once(m, function* (t) {
        const a = yield* vm.mapRam(t, 77, 1);
        m.touch(t, a.vpn, 'use');
        yield* vm.unmapRam(t, a);
        found = yield* changePageAttr(m, vm, t, 77);
      });
      expect(found).toBe(broken ? 1 : 0);
      expect(m.tlb.reports.filter((r) => r.kind === 'alias').length).toBe(broken ? 1 : 0);
    }
  });
});

describe('rb2019 and pools2024', () => {
  it('pools2024 reuses a purged area of the same size from its node pool', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    const vm = createVmap(m, { impl: 'pools2024' });
    let first = -1;
    let again = -1;
    once(m, function* (t) {
      const a = yield* vm.vmap(t, 1, 3);
      first = a.vpn;
      yield* vm.free(t, a);
      yield* vm.purge(t);
      again = (yield* vm.vmap(t, 2, 3)).vpn;
    });
    expect(again).toBe(first);
    expect(m.engine.counters.get('vmap.pool_hits')).toBe(1);
  });

  it('percpu leaves an alignment hole unused, so that block is never freed (2.6.28 fragmentation)', () => {
    const m = new Machine({ arch: x86_64, cpus: 1 });
    const vm = createVmap(m, { impl: 'percpu' }) as LazyVmap;
    once(m, function* (t) {
      yield* vm.unmapRam(t, yield* vm.mapRam(t, 1, 1)); // bit 0
      for (let i = 0; i < 256; i++) yield* vm.unmapRam(t, yield* vm.mapRam(t, 2, 4)); // from bit 4
    });
    expect(m.engine.counters.get('vmap.blocks_new')).toBe(2);
    expect(m.engine.counters.get('vmap.blocks_freed')).toBe(0);
  });

  it('rb2019 finds the lowest fit whatever the number of areas below it', () => {
    const m = new Machine({ arch: x86_64, cpus: 1 });
    const vm = createVmap(m, { impl: 'rb2019' });
    once(m, function* (t) {
      for (let i = 0; i < 1000; i++) yield* vm.alloc(t, 1);
    });
    expect(m.engine.counters.get('vmap.areas_walked')).toBe(0);
    expect(vm.check()).toEqual([]);
  });
});
