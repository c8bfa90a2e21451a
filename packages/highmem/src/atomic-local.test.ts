import { fc, test } from '@fast-check/vitest';
import i386 from '@kmemsim/arch-i386';
import x86_64 from '@kmemsim/arch-x86_64';
import { Machine } from '@kmemsim/mmu';
import { describe, expect, it } from 'vitest';
import { createHighmem } from './highmem.js';
import { MECHANISM } from './params.js';

const i386Shadow = i386.virt['kvm-shadow']!;

describe('kmap_atomic', () => {
  it('costs PTE set + clear + one local invlpg per pair, never an IPI; invlpg exits under kvm-shadow', () => {
    const m = new Machine({ arch: i386, virt: 'kvm-shadow', cpus: 2, pae: true });
    const hm = createHighmem(m);
    const s = m.engine.sym('reader');
    m.engine.spawn(1, 'x', function* (t) {
      yield undefined; // a thread body is a generator
      const v = hm.kmapAtomic(t, 42);
      hm.access(t, v, s);
      hm.kunmapAtomic(t, v);
    });
    m.engine.run();
    const c = i386.costs;
    const v = i386Shadow;
    const mech = v.mechanism!;
    const refill = mech.refillCyclesPerCall;
    const invlpg = c.invlpgCycles + v.vmExitCycles + v.handlingCycles.invlpg;
    // The fixmap table is not shadowed before this first access: the map's write does not exit; the access
    // builds the shadow page (512 guest PTEs read; write-protecting the gfn the guest just wrote flushes the
    // other vCPU: kvm_flush_remote_tlbs) and faults; the unmap's write then hits the write-protected
    // table and unsyncs it (2.6.29: one #PF exit, no emulation), and its invlpg exits.
    const fault = v.vmExitCycles + mech.pageFaultHandlingCycles;
    expect(m.engine.profiler.cyclesOf('kmap_atomic')).toBe(MECHANISM.kmapAtomicCallCycles + refill + c.pteSetCycles);
    expect(m.engine.profiler.cyclesOf('kunmap_atomic')).toBe(
      MECHANISM.kunmapAtomicCallCycles + refill + c.pteClearCycles + fault + mech.unsyncCycles + invlpg,
    );
    expect(m.engine.profiler.cyclesOf('reader')).toBe(
      c.tlbMissCycles + 512 * mech.prefetchCyclesPerSpte! + mech.remoteFlushCycles + fault,
    );
    expect(m.engine.counters.get('invlpg')).toBe(1);
    expect(m.engine.counters.get('ipi')).toBe(0);
    expect(m.engine.counters.get('vm_exits')).toBe(3);
    expect(m.engine.counters.get('vm_exit.pf')).toBe(2);
    expect(m.engine.counters.get('vm_exit.invlpg')).toBe(1);
  });

  it('uses slot type + KM_TYPE_NR × cpu, and the old era flushes at map time instead', () => {
    const m = new Machine({ arch: i386, virt: 'none', cpus: 2, pae: true });
    const hm = createHighmem(m, { era: { atomicInvlpg: 'map' } });
    let vpn = 0;
    m.engine.spawn(1, 'x', function* (t) {
      yield undefined; // a thread body is a generator
      vpn = hm.kmapAtomic(t, 42, 3);
      hm.kunmapAtomic(t, vpn);
    });
    m.engine.run();
    expect(vpn).toBe(hm.atomic!.baseVpn + 3 + 13 * 1);
    expect(m.engine.profiler.cyclesOf('kmap_atomic')).toBe(
      MECHANISM.kmapAtomicCallCycles + i386.costs.pteSetCycles + i386.costs.invlpgCycles,
    );
    expect(m.engine.profiler.cyclesOf('kunmap_atomic')).toBe(MECHANISM.kunmapAtomicCallCycles);
  });

  for (const era of ['unmap', 'map'] as const) {
    for (const virt of ['none', 'kvm-shadow'] as const) {
      it(`atomicPairs charges what n calls charge (${era}, ${virt})`, () => {
        const run = (bulk: boolean) => {
          const m = new Machine({ arch: i386, virt, cpus: 2, pae: true });
          const hm = createHighmem(m, { era: { atomicInvlpg: era } });
          const s = m.engine.sym('reader');
          m.engine.spawn(0, 'x', function* (t) {
            yield undefined; // a thread body is a generator
            if (bulk) hm.atomicPairs(t, 300, s);
            else
              for (let i = 0; i < 300; i++) {
                const v = hm.kmapAtomic(t, i);
                hm.access(t, v, s);
                hm.kunmapAtomic(t, v);
              }
          });
          m.engine.run();
          return [m.engine.profiler.entries(), m.engine.counters.toJSON()];
        };
        expect(run(true)).toEqual(run(false));
      });
    }
  }

  it('rejects out-of-order unmaps and reuse of a type in use', () => {
    const m = new Machine({ arch: i386, virt: 'none', cpus: 1, pae: true });
    const hm = createHighmem(m);
    m.engine.spawn(0, 'x', function* (t) {
      const a = hm.kmapAtomic(t, 1);
      hm.kmapAtomic(t, 2);
      expect(() => hm.kunmapAtomic(t, a)).toThrow(/LIFO/);
      expect(() => hm.kmapAtomic(t, 3, 0)).toThrow(/already in use/);
    });
    m.engine.run();
  });

  it('is page_address() on x86_64: no PTE write, no invlpg, no cost', () => {
    const m = new Machine({ arch: x86_64, virt: 'kvm-shadow', cpus: 2 });
    const hm = createHighmem(m);
    m.engine.spawn(0, 'x', function* (t) {
      const v = hm.kmapAtomic(t, 77);
      expect(v).toBe(hm.directVpn(77));
      hm.kunmapAtomic(t, v);
      hm.atomicPairs(t, 1000, m.engine.sym('reader'));
      const k = yield* hm.kmap(t, 78);
      expect(k).toBe(hm.directVpn(78));
      yield* hm.kunmap(t, 78);
    });
    m.engine.run();
    expect(m.engine.profiler.entries()).toEqual([]);
    expect(m.engine.counters.get('invlpg') + m.engine.counters.get('vm_exits')).toBe(0);
  });

  // Random nesting on each CPU: pushes with explicit or implicit types, pops in random order.
  test.prop(
    [
      fc.array(fc.record({ cpu: fc.nat(1), push: fc.boolean(), type: fc.option(fc.nat(14)), touch: fc.boolean() }), {
        maxLength: 60,
      }),
      fc.constantFrom('unmap' as const, 'map' as const),
    ],
    { numRuns: 10_000 },
  )('slots nest LIFO per CPU; every out-of-order unmap is refused; no stale access', (ops, era) => {
    const m = new Machine({ arch: i386, virt: 'none', cpus: 2, pae: true });
    const hm = createHighmem(m, { era: { atomicInvlpg: era } });
    const s = m.engine.sym('reader');
    const stacks: number[][] = [[], []];
    const threads = [0, 1].map((cpu) =>
      m.engine.spawn(cpu, `c${cpu}`, function* () {
        yield undefined;
      }),
    );
    m.engine.run();
    for (const o of ops) {
      const t = threads[o.cpu];
      const st = stacks[o.cpu];
      if (o.push) {
        const type = o.type ?? st.length; // implicit: the next level, as the 2.6.37+ stack does
        const inUse = st.some((v) => v === hm.atomic!.vpn(o.cpu, type));
        const bad = st.length >= 13 || type >= 13 || inUse;
        if (bad) {
          expect(() => hm.kmapAtomic(t, 9, o.type ?? undefined)).toThrow();
          continue;
        }
        const v = hm.kmapAtomic(t, 100 + st.length, o.type ?? undefined);
        st.push(v);
        if (o.touch) hm.access(t, v, s);
      } else if (st.length > 0) {
        const wrong = st.length > 1 && o.touch ? st[0] : undefined;
        if (wrong !== undefined) expect(() => hm.kunmapAtomic(t, wrong)).toThrow(/LIFO/);
        hm.kunmapAtomic(t, st.pop()!);
      }
      expect(hm.atomic!.depthOf(o.cpu)).toBe(st.length);
    }
    expect(m.tlb.staleCount).toBe(0);
  });
});

describe('kmap_local', () => {
  it('costs a PTE set, and at unmap a clear + one-address flush', () => {
    const m = new Machine({ arch: i386, virt: 'none', cpus: 1, pae: true });
    const hm = createHighmem(m);
    const task = hm.localTask('a')!;
    m.engine.spawn(0, 'x', function* (t) {
      yield undefined; // a thread body is a generator
      const v = hm.kmapLocal(t, task, 5);
      hm.kunmapLocal(t, task, v);
    });
    m.engine.run();
    const c = i386.costs;
    expect(m.engine.profiler.cyclesOf('__kmap_local_page_prot')).toBe(MECHANISM.kmapLocalCallCycles + c.pteSetCycles);
    expect(m.engine.profiler.cyclesOf('kunmap_local_indexed')).toBe(
      MECHANISM.kunmapLocalCallCycles + c.pteClearCycles + c.invlpgCycles,
    );
  });

  it('localPairs charges what n calls charge', () => {
    const run = (bulk: boolean) => {
      const m = new Machine({ arch: i386, virt: 'kvm-shadow', cpus: 1, pae: true });
      const hm = createHighmem(m);
      const task = hm.localTask('a')!;
      const s = m.engine.sym('reader');
      m.engine.spawn(0, 'x', function* (t) {
        yield undefined; // a thread body is a generator
        if (bulk) hm.localPairs(t, task, 50, s);
        else
          for (let i = 0; i < 50; i++) {
            const v = hm.kmapLocal(t, task, i);
            hm.access(t, v, s);
            hm.kunmapLocal(t, task, v);
          }
      });
      m.engine.run();
      return [m.engine.profiler.entries(), m.engine.counters.toJSON()];
    };
    expect(run(true)).toEqual(run(false));
  });

  // Two tasks sharing a CPU: random maps, LIFO unmaps, touches and context switches.
  test.prop(
    [fc.array(fc.record({ op: fc.constantFrom('map', 'unmap', 'touch', 'switch'), n: fc.nat(30) }), { maxLength: 80 })],
    { numRuns: 10_000 },
  )('the stack never exceeds 16, mappings survive context switches, no stale access', (ops) => {
    const m = new Machine({ arch: i386, virt: 'none', cpus: 1, pae: true });
    const hm = createHighmem(m);
    const s = m.engine.sym('reader');
    const tasks = [hm.localTask('a')!, hm.localTask('b')!];
    const held: { vpn: number; pfn: number }[][] = [[], []];
    let cur = 0;
    const t = m.engine.spawn(0, 'cpu0', function* () {
      yield undefined;
    });
    m.engine.run();
    for (const o of ops) {
      const task = tasks[cur];
      const h = held[cur];
      if (o.op === 'map') {
        if (h.length === 16) {
          expect(() => hm.kmapLocal(t, task, o.n)).toThrow(/exceeds 16/);
          continue;
        }
        const pfn = 1000 * cur + o.n;
        h.push({ vpn: hm.kmapLocal(t, task, pfn), pfn });
      } else if (o.op === 'unmap' && h.length > 0) {
        hm.kunmapLocal(t, task, h.pop()!.vpn);
      } else if (o.op === 'touch' && h.length > 0) {
        const x = h[o.n % h.length];
        hm.access(t, x.vpn, s);
        expect(m.tlb.pte.get(x.vpn)).toBe(x.pfn);
      } else if (o.op === 'switch') {
        hm.switchTasks(t, task, tasks[1 - cur]);
        cur = 1 - cur;
      }
      expect(task.depth).toBeLessThanOrEqual(16);
    }
    expect(m.tlb.staleCount).toBe(0);
  });
});
