import { fc, test } from '@fast-check/vitest';
import i386 from '@kmemsim/arch-i386';
import type { Thread } from '@kmemsim/core';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { createHighmem, type Highmem, type HighmemOptions } from './highmem.js';
import { MECHANISM } from './params.js';
import { smallPool } from './test-machines.js';

const base = { arch: i386, cpus: 2, pae: true } as const;

/** One thread doing `n` kmap + access + kunmap of fresh pages, per operation or in bulk. */
function dump(n: number, bulk: boolean, virt: 'none' | 'kvm-shadow', hmOpts: HighmemOptions = {}) {
  const m = new Machine({ ...base, virt });
  const hm = createHighmem(m, hmOpts);
  const s = m.engine.sym('checkpoint_dump_page');
  m.engine.spawn(0, 'dump', function* (t) {
    if (bulk) {
      yield* hm.kmapPairs(t, n, s);
      return;
    }
    for (let i = 0; i < n; i++) {
      const vpn = yield* hm.kmap(t, 1_000_000 + i);
      hm.access(t, vpn, s);
      yield* hm.kunmap(t, 1_000_000 + i);
    }
  });
  m.engine.run();
  return { m, hm };
}

describe('pkmap pool', () => {
  it('charges one kmap+access+kunmap exactly (i386 PAE, bare metal)', () => {
    const { m } = dump(1, false, 'none');
    const p = MECHANISM;
    const c = i386.costs;
    const cyc = (s: string) => m.engine.profiler.cyclesOf(s);
    expect(cyc('kmap')).toBe(p.kmapCallCycles);
    expect(cyc('kunmap')).toBe(p.kmapCallCycles);
    // kmap_lock's acquires show under their callers (kmap_high, kunmap_high): readprofile's profile_pc charges a
    // tick in a lock function to the caller's return address.
    expect(cyc('kunmap_high')).toBe(p.kmapHighCallCycles + c.lockUncontendedCycles);
    expect(cyc('_spin_lock')).toBe(0);
    expect(cyc('page_address')).toBe(2 * p.pageAddressCycles);
    expect(cyc('kmap_high')).toBe(
      p.kmapHighCallCycles + p.pkmapScanCyclesPerSlot + c.pteSetCycles + c.lockUncontendedCycles,
    );
    expect(cyc('set_page_address')).toBe(p.setPageAddressCycles);
    expect(cyc('checkpoint_dump_page')).toBe(c.tlbMissCycles);
    expect(m.engine.counters.get('tlb_flush_global')).toBe(0);
  });

  it('flushes once per wrap of LAST_PKMAP (512 with PAE): an IPI to the other CPU', () => {
    const { m, hm } = dump(1024, false, 'none');
    // Slots 1..511 are taken first; the 512th map wraps to slot 0 and flushes; likewise the 1024th.
    expect(hm.pool!.entries).toBe(512);
    expect(m.engine.counters.get('pkmap.wraps')).toBe(2);
    expect(m.engine.counters.get('tlb_flush_global')).toBe(2);
    expect(m.engine.counters.get('ipi')).toBe(2);
    expect(m.tlb.staleCount).toBe(0);
  });

  it('flushes only when a slot was reclaimed in the later era', () => {
    const m = new Machine({ ...base, arch: smallPool(i386, 8), virt: 'none' });
    const hm = createHighmem(m, { era: { pkmapFlush: 'if-reclaimed' } });
    m.engine.spawn(0, 'x', function* (t) {
      // One map, held: wraps find nothing to reclaim until it is released.
      yield* hm.kmap(t, 7);
      for (let i = 0; i < 6; i++) yield* hm.kmap(t, 100 + i);
      for (let i = 0; i < 6; i++) yield* hm.kunmap(t, 100 + i);
      yield* hm.kmap(t, 200); // wraps: reclaims the six count-1 slots, flushes
    });
    m.engine.run();
    expect(m.engine.counters.get('pkmap.wraps')).toBe(1);
    expect(m.engine.counters.get('tlb_flush_global')).toBe(1);
  });

  for (const virt of ['none', 'kvm-shadow'] as const) {
    it(`bulk pairs charge exactly what per-operation calls charge (${virt}, 5 wraps)`, () => {
      const a = dump(2600, false, virt);
      const b = dump(2600, true, virt);
      const rows = (m: Machine) => m.engine.profiler.entries().map((e) => [e.symbol, e.cycles]);
      expect(rows(b.m)).toEqual(rows(a.m));
      expect(b.m.engine.counters.toJSON()).toEqual(a.m.engine.counters.toJSON());
      expect(b.hm.pool!.count).toEqual(a.hm.pool!.count);
      expect(b.hm.pool!.last).toBe(a.hm.pool!.last);
      expect(b.m.engine.threads[0].endCycle).toBe(a.m.engine.threads[0].endCycle);
      expect(b.m.engine.maxClock()).toBe(a.m.engine.maxClock());
    });
  }

  it('under kvm-shadow (2.6.29) a new pkmap address faults once; the table unsyncs after its first write', () => {
    const { m } = dump(3, false, 'kvm-shadow');
    const v = i386.virt['kvm-shadow']!;
    const mech = v.mechanism!;
    const k = m.engine.counters;
    // page 1: the table is not shadowed yet (no write fault); its access builds the shadow page (write-protecting
    // the gfn the guest wrote: a remote flush to the other vCPU) and faults; page 2: the write hits the now
    // write-protected table: one #PF exit unsyncs it; pages 2 and 3 fault on access.
    expect(k.get('vm_exit.pf')).toBe(4);
    expect(k.get('vm_exits')).toBe(4);
    const fault = v.vmExitCycles + mech.pageFaultHandlingCycles;
    expect(m.engine.profiler.cyclesOf('checkpoint_dump_page')).toBe(
      3 * (i386.costs.tlbMissCycles + fault) + 512 * mech.prefetchCyclesPerSpte! + mech.remoteFlushCycles,
    );
  });

  it('under kvm-shadow 2.6.27 (no unsync) each pkmap write is emulated and installs the spte', () => {
    const m = new Machine({ ...base, virt: 'kvm-shadow', kvm: '2.6.27' });
    const hm = createHighmem(m);
    const s = m.engine.sym('checkpoint_dump_page');
    m.engine.spawn(0, 'dump', function* (t) {
      yield* hm.kmapPairs(t, 3, s);
    });
    m.engine.run();
    const k = m.engine.counters;
    // Pages 2 and 3, two 4-byte stores each (PAE): the table is shadowed after page 1's access.
    expect(k.get('vm_exit.pt_write')).toBe(4);
    expect(k.get('vm_exit.pf')).toBe(1); // page 1's access; pages 2 and 3 use the spte the emulation installed
  });

  it('sleeps on pkmap_map_wait when every slot is held, and wakes on kunmap', () => {
    const m = new Machine({ ...base, arch: smallPool(i386, 4), virt: 'none' });
    const hm = createHighmem(m);
    let got = -1;
    m.engine.spawn(0, 'holder', function* (t) {
      for (let i = 0; i < 4; i++) yield* hm.kmap(t, 10 + i);
      t.spend('work', 100_000);
      yield* hm.kunmap(t, 10);
    });
    m.engine.spawn(1, 'waiter', function* (t) {
      t.spend('work', 10_000);
      got = yield* hm.kmap(t, 99);
    });
    m.engine.run();
    expect(m.engine.counters.get('pkmap.sleeps')).toBe(1);
    expect(got).toBeGreaterThanOrEqual(hm.pool!.baseVpn);
    expect(m.engine.threads[1].clock).toBeGreaterThan(100_000);
  });

  it('kunmap of a page that is not mapped is an error', () => {
    const m = new Machine({ ...base, virt: 'none' });
    const hm = createHighmem(m);
    m.engine.spawn(0, 'x', function* (t) {
      yield* hm.kunmap(t, 5);
    });
    expect(() => m.engine.run()).toThrow(/not kmapped/);
  });

  it('the stale detector is silent for the real pool and fires when the wrap flush is skipped', () => {
    const run = (broken: boolean) => {
      const m = new Machine({ ...base, arch: smallPool(i386, 16), virt: 'none' });
      const hm = createHighmem(m, { faults: { skipWrapFlush: broken } });
      const s = m.engine.sym('reader');
      m.engine.spawn(0, 'x', function* (t) {
        for (let i = 0; i < 48; i++) {
          const v = yield* hm.kmap(t, 500 + i);
          hm.access(t, v, s);
          yield* hm.kunmap(t, 500 + i);
        }
      });
      m.engine.run();
      return m.tlb.staleCount;
    };
    expect(run(false)).toBe(0);
    expect(run(true)).toBeGreaterThan(0);
  });
});

// Random multi-CPU sequences: each thread maps pages (some shared), touches what it holds, unmaps in any order.
type Step = { op: 'map'; pfn: number } | { op: 'touch'; k: number } | { op: 'unmap'; k: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('map' as const), pfn: fc.integer({ min: 0, max: 24 }) }),
  fc.record({ op: fc.constant('touch' as const), k: fc.nat(7) }),
  fc.record({ op: fc.constant('unmap' as const), k: fc.nat(7) }),
);

function runScripts(hm: Highmem, m: Machine, scripts: Step[][], maxHeld: number) {
  const sym = m.engine.sym('reader');
  let minCount = 0;
  let staleAtHandout = 0;
  scripts.forEach((script, cpu) => {
    m.engine.spawn(cpu, `t${cpu}`, function* (t: Thread) {
      const held: { pfn: number; vpn: number }[] = [];
      for (const s of script) {
        if (s.op === 'map' && held.length < maxHeld) {
          const fresh = hm.pool!.vpnOf(s.pfn) < 0;
          const vpn = yield* hm.kmap(t, s.pfn);
          if (fresh && m.tlb.mayBeStale(vpn)) staleAtHandout++;
          held.push({ pfn: s.pfn, vpn });
        } else if (s.op === 'touch' && held.length > 0) {
          hm.access(t, held[s.k % held.length].vpn, sym);
        } else if (s.op === 'unmap' && held.length > 0) {
          const [h] = held.splice(s.k % held.length, 1);
          yield* hm.kunmap(t, h.pfn);
        }
        minCount = Math.min(minCount, ...hm.pool!.count);
        yield undefined;
      }
      for (const h of held) yield* hm.kunmap(t, h.pfn);
    });
  });
  m.engine.run();
  return { minCount, staleAtHandout };
}

describe('pkmap invariants (fast-check)', () => {
  test.prop(
    [
      fc.array(fc.array(step, { maxLength: 40 }), { minLength: 1, maxLength: 3 }),
      fc.constantFrom('always' as const, 'if-reclaimed' as const),
    ],
    { numRuns: 10_000 },
  )('counts stay ≥ 0, no slot is handed out while stale, no stale access, all released', (scripts, flush) => {
    const m = new Machine({ ...base, arch: smallPool(i386, 8), cpus: 3, virt: 'none' });
    const hm = createHighmem(m, { era: { pkmapFlush: flush } });
    const r = runScripts(hm, m, scripts, 2);
    expect(r.minCount).toBeGreaterThanOrEqual(0);
    expect(r.staleAtHandout).toBe(0);
    expect(m.tlb.staleCount).toBe(0);
    expect(hm.pool!.held).toBe(0);
    expect([...hm.pool!.count].every((c) => c === 0 || c === 1)).toBe(true);
  });

  it('a broken pool (no wrap flush) hands out slots that are still stale', () => {
    const m = new Machine({ ...base, arch: smallPool(i386, 8), cpus: 1, virt: 'none' });
    const hm = createHighmem(m, { faults: { skipWrapFlush: true } });
    const script: Step[] = [];
    for (let i = 0; i < 20; i++) script.push({ op: 'map', pfn: i }, { op: 'touch', k: 0 }, { op: 'unmap', k: 0 });
    const r = runScripts(hm, m, [script], 2);
    expect(r.staleAtHandout).toBeGreaterThan(0);
  });
});
