import { i386 } from '@kmemsim/arch-i386';
import { s390 } from '@kmemsim/arch-s390';
import { x86_64 } from '@kmemsim/arch-x86_64';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { DESIGNS } from '../designs/registry.js';
import type { Gen } from '../types.js';
import { createVmap } from './api.js';
import { vmapBlockBits } from './blocks.js';
import { archMemory, chaseCycles } from './memory.js';
import { MECHANISM } from './params.js';
import { changePageAttr } from './pat.js';

const NO_BOOT = { bootAreas: 0 };

function once(m: Machine, body: (t: Thread) => Gen): Thread {
  const t = m.engine.spawn(0, 'test', body);
  m.engine.run();
  return t;
}

describe('2.6.27 (vmlist)', () => {
  it('costs one list walk, PTE writes and a global flush IPI per vmap + vunmap, exactly', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    const vm = createVmap(m, { impl: '2.6.27', params: NO_BOOT });
    const t = once(m, function* (t) {
      const a = yield* vm.vmap(t, 500, 4);
      expect(a.reserved).toBe(5);
      yield* vm.free(t, a);
    });
    const k = x86_64.costs;
    const ipi = x86_64.ipi;
    const p = MECHANISM;
    // Each walk visits one vm_struct (the first fit, then the area to unlink), all in L1.
    const step = p.walkStepCycles + chaseCycles(archMemory(m), p.vmStructBytes);
    const alloc = p.vmStructCycles + k.lockUncontendedCycles + step + 4 * k.pteSetCycles + p.pageTableWalkCycles;
    const gf = k.globalFlushPerCpuCycles;
    const flush = ipi.sendCycles + ipi.deliveryCycles + ipi.handlerEntryCycles + gf + ipi.ackCycles + gf;
    const free = k.lockUncontendedCycles + step + 5 * k.pteClearCycles + p.pageTableWalkCycles + flush;
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
    expect(vm.walked).toBe(5050);
  });

  it('broadcasts in hardware on s390: a flush but no IPI', () => {
    const m = new Machine({ arch: s390, cpus: 4 });
    const vm = createVmap(m, { impl: '2.6.27' });
    once(m, function* (t) {
      yield* vm.free(t, yield* vm.vmap(t, 9, 2));
    });
    expect(m.engine.counters.get('tlb_flush_global')).toBe(1);
    expect(m.engine.counters.get('ipi')).toBe(0);
  });
});

describe('2.6.28 (lazy vmap)', () => {
  it('lazy_max_pages = fls(CPUs) × 32 MB of pages, and the purge is one flush when it is exceeded', () => {
    const m = new Machine({ arch: x86_64, cpus: 8 });
    const vm = createVmap(m, { impl: '2.6.28' });
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

  it('leaves a vunmapped area mapped until the purge (2.6.37 clears the PTEs at vunmap)', () => {
    for (const [impl, mappedAfterFree] of [
      ['2.6.28', true],
      ['2.6.37', false],
    ] as const) {
      const m = new Machine({ arch: x86_64, cpus: 2 });
      const vm = createVmap(m, { impl });
      once(m, function* (t) {
        const a = yield* vm.vmap(t, 77, 2);
        const vpn = a.vpn;
        yield* vm.free(t, a);
        expect(m.tlb.pte.has(vpn), impl).toBe(mappedAfterFree);
        expect(vm.pteAliases(77).length, impl).toBe(mappedAfterFree ? 1 : 0);
        yield* vm.purge(t);
        expect(m.tlb.pte.has(vpn), impl).toBe(false);
      });
    }
  });

  it('set_iounmap_nonlazy (2.6.37–5.18) sets vmap_lazy_nr past the limit, so the next free purges', () => {
    // The kernels that have the call (sources-vmcore.md): not 2.6.28, not 6.1/6.12's mm/vmalloc.c.
    expect(DESIGNS.filter((d) => d.iounmapNonlazy).map((d) => d.name)).toEqual(['2.6.37', '2.6.39', '5.2']);
    const m = new Machine({ arch: x86_64, cpus: 4 });
    const vm = createVmap(m, { impl: '2.6.37' });
    once(m, function* (t) {
      yield* vm.free(t, yield* vm.vmap(t, 7, 1));
      expect(m.engine.counters.get('tlb_flush_global')).toBe(0);
      vm.setIounmapNonlazy();
      yield* vm.free(t, yield* vm.vmap(t, 7, 1));
      expect(m.engine.counters.get('tlb_flush_global')).toBe(1);
      // The purge subtracts only the pages it freed: vmap_lazy_nr stays lazy_max_pages + 1 − 2, so every
      // further free of two pages purges again, as in the kernel.
      expect(vm.lazyNr).toBe(vm.lazyMaxPages - 1);
      yield* vm.free(t, yield* vm.vmap(t, 7, 1));
    });
    expect(m.engine.counters.get('tlb_flush_global')).toBe(2);
    expect(vm.ledger.lazyPages).toBe(0);
  });

  it('an opportunistic purge gives up when another CPU holds the purge lock', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    const vm = createVmap(m, { impl: '2.6.28', params: { lazyMaxBytesPerFlsCpu: 4096 } });
    // lazy_max_pages = fls(2) × 1 = 2: the second 1-page vunmap (2 pages with guard) exceeds it.
    const lock = vm.purger?.lock;
    if (lock === undefined) throw new Error('2.6.28 has a purge lock');
    m.engine.spawn(0, 'holder', function* (t) {
      yield lock.lock(t);
      t.spend('hold', 1_000_000);
      lock.unlock(t);
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

  it('honours vmap alignment and the guard page (never per-CPU blocks for vmap)', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    const vm = createVmap(m, { impl: '2.6.28' });
    once(m, function* (t) {
      const a = yield* vm.alloc(t, 3, 1024);
      expect([a.vpn % 1024, a.reserved, a.block]).toEqual([0, 4, -1]);
    });
  });
});

describe('per-CPU vmap blocks (vm_map_ram)', () => {
  it('sizes blocks from CONFIG_NR_CPUS: 1024 pages on x86_64, 256 on i386 with 8, 64 with 32', () => {
    expect(vmapBlockBits(64, 4096, 8, 'nr-cpus')).toBe(1024);
    expect(vmapBlockBits(32, 4096, 8, 'nr-cpus')).toBe(256);
    expect(vmapBlockBits(32, 4096, 32, 'nr-cpus')).toBe(64);
    // 2.6.28 divides by NR_CPUS itself; 5.2 by roundup_pow_of_two(NR_CPUS)
    expect(vmapBlockBits(32, 4096, 12, 'nr-cpus')).toBe(170);
    expect(vmapBlockBits(32, 4096, 12, 'pow2-nr-cpus')).toBe(128);
    // ia64 (16 KiB pages) with sn2's NR_CPUS of 1024: 512 pages
    expect(vmapBlockBits(64, 16384, 1024, 'nr-cpus')).toBe(512);
    const a = createVmap(new Machine({ arch: x86_64, cpus: 8 }), { impl: '2.6.28' });
    const b = createVmap(new Machine({ arch: i386, cpus: 8 }), { impl: '2.6.28' });
    expect([a.blocks?.maxAlloc, a.blocks?.bits]).toEqual([64, 1024]);
    expect([b.blocks?.maxAlloc, b.blocks?.bits]).toEqual([32, 256]);
  });

  it('hands out power-of-two orders and frees a block as one lazy area once it is all dirty', () => {
    const m = new Machine({ arch: x86_64, cpus: 2 });
    const vm = createVmap(m, { impl: '2.6.28' });
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

  it('2.6.28 vb_free only sets dirty bits (the PTE stays); 2.6.37 unmaps at once', () => {
    for (const [impl, stays] of [
      ['2.6.28', true],
      ['2.6.37', false],
    ] as const) {
      const m = new Machine({ arch: x86_64, cpus: 2 });
      const vm = createVmap(m, { impl });
      once(m, function* (t) {
        const a = yield* vm.mapRam(t, 4242, 2);
        const vpn = a.vpn;
        yield* vm.unmapRam(t, a);
        expect(m.tlb.pte.has(vpn), impl).toBe(stays);
        expect(vm.pteAliases(4242).length, impl).toBe(stays ? 1 : 0);
        yield* vm.unmapAliases(t);
        expect(m.tlb.pte.has(vpn), impl).toBe(false);
      });
    }
  });

  it('a bitmap block with an alignment hole is never freed in 2.6.28; 2.6.37 purges it as fragmented', () => {
    for (const [impl, freed] of [
      ['2.6.28', 0],
      ['2.6.37', 1],
    ] as const) {
      const m = new Machine({ arch: x86_64, cpus: 1 });
      const vm = createVmap(m, { impl });
      once(m, function* (t) {
        yield* vm.unmapRam(t, yield* vm.mapRam(t, 1, 1)); // bit 0
        for (let i = 0; i < 255; i++) yield* vm.unmapRam(t, yield* vm.mapRam(t, 2, 4)); // from bit 4
        yield* vm.unmapAliases(t);
      });
      expect(m.engine.counters.get('vmap.blocks_freed'), impl).toBe(freed);
    }
  });

  it('vm_unmap_aliases misses a fully allocated block until 6.5 walks every block (Xen/PAT alias left)', () => {
    for (const impl of ['2.6.37', '5.2', '6.9']) {
      const m = new Machine({ arch: x86_64, virt: 'xen-pv', cpus: 2 });
      const vm = createVmap(m, { impl });
      let found = -1;
      once(m, function* (t) {
        const bits = vm.blocks?.bits ?? 0;
        // Fill one block with 64-page allocations, use and free the first, keep the others live.
        const held = [];
        for (let i = 0; i < bits / 64; i++) held.push(yield* vm.mapRam(t, 9000 + 64 * i, 64));
        m.touch(t, held[0].vpn, 'use');
        yield* vm.unmapRam(t, held[0]);
        found = yield* changePageAttr(m, vm, t, 9000);
        for (const a of held.slice(1)) yield* vm.unmapRam(t, a);
      });
      expect(found, impl).toBe(impl === '6.9' ? 0 : 1);
    }
  });
});

describe('vm_unmap_aliases and page-attribute changes (xen-pv / PAT)', () => {
  it('leave no alias after vm_unmap_aliases, for every design; a broken one is caught', () => {
    for (const impl of ['2.6.27', '2.6.28', '2.6.37', '2.6.39', '5.2', '6.9']) {
      for (const broken of [false, true]) {
        if (broken && impl === '2.6.27') continue;
        const m = new Machine({ arch: x86_64, virt: 'xen-pv', cpus: 2 });
        const vm = createVmap(m, { impl, faults: { skipAliasFlush: broken } });
        let found = -1;
        once(m, function* (t) {
          const a = yield* vm.mapRam(t, 77, 1);
          m.touch(t, a.vpn, 'use');
          yield* vm.unmapRam(t, a);
          found = yield* changePageAttr(m, vm, t, 77);
        });
        expect(found, `${impl} broken=${broken}`).toBe(broken ? 1 : 0);
        expect(m.tlb.reports.filter((r) => r.kind === 'alias').length).toBe(broken ? 1 : 0);
      }
    }
  });
});

describe('2.6.39, 5.2 and 6.9', () => {
  it('2.6.39 walks from free_vmap_cache: sequential allocations pass no area', () => {
    const m = new Machine({ arch: x86_64, cpus: 1 });
    const vm = createVmap(m, { impl: '2.6.39', params: NO_BOOT });
    once(m, function* (t) {
      for (let i = 0; i < 1000; i++) yield* vm.alloc(t, 1);
    });
    // The first search starts at VMALLOC_START, each later one right after the area allocated before it: one
    // area checked each time. (vmlist, still there until 3.10, is walked to its sorted position every time.)
    expect(vm.hole.walked).toBe(1000);
    expect(vm.walked - vm.hole.walked).toBe((1000 * 1001) / 2);
  });

  it('5.2 finds the lowest fit whatever the number of areas below it', () => {
    const m = new Machine({ arch: x86_64, cpus: 1 });
    const vm = createVmap(m, { impl: 'rb2019' });
    once(m, function* (t) {
      for (let i = 0; i < 1000; i++) yield* vm.alloc(t, 1);
    });
    expect(vm.walked).toBe(0);
    expect(vm.check()).toEqual([]);
  });

  it('6.9 reuses a purged area of the same size from its node pool', () => {
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

  it('6.9 ties each area to the node of the CPU that allocated it, whatever other CPUs do meanwhile', () => {
    // node_alloc encodes the allocating CPU's node in va->flags; the purge returns the area to that node's pool.
    const cpus = 4;
    const m = new Machine({ arch: x86_64, cpus });
    const vm = createVmap(m, { impl: '6.9' });
    const homes: number[][] = [];
    for (let cpu = 0; cpu < cpus; cpu++) {
      homes.push([]);
      m.engine.spawn(cpu, `alloc/${cpu}`, function* (t) {
        for (let i = 0; i < 30; i++) {
          const a = yield* vm.vmap(t, 100 + cpu, 1 + (i % 3));
          homes[cpu].push(vm.areas.home[a.id]);
        }
      });
    }
    m.engine.run();
    for (let cpu = 0; cpu < cpus; cpu++) expect(new Set(homes[cpu]), `cpu ${cpu}`).toEqual(new Set([cpu]));
  });
});
